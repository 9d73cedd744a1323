"""The SQLite state store: positions, history, registers, presets, hint log, corruption."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tinymorph_tui.state.store import MIGRATIONS, Position, Store, open_store


def test_fresh_database_is_migrated_private_and_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "s.db").stat().st_mode & 0o777 == 0o600


def test_default_path_is_under_xdg_data(tmp_path: Path) -> None:
    store, warnings = open_store()
    assert store is not None and not warnings
    assert "tinymorph" in str(store.path)


def test_positions_round_trip_per_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.save_position(tmp_path / "a.md", Position(10, 3, 5))
    store.save_position(tmp_path / "a.md", Position(11, 4, 6))
    assert store.position(tmp_path / "a.md") == Position(11, 4, 6)
    assert store.position(tmp_path / "b.md") is None


def test_history_dedupes_moves_to_end_and_is_bounded(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    for entry in ["w", "s/a/b/", "w", "q"]:
        store.add_history(":", entry, keep=3)
    store.add_history("/", "needle")
    assert store.history(":") == ["s/a/b/", "w", "q"]
    store.add_history(":", "e x", keep=3)
    assert store.history(":") == ["w", "q", "e x"]
    assert store.history("/") == ["needle"]


def test_registers_persist_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store(path)
    store.save_registers([("a", "hello\n", "line"), ("%", "ignored", "char")])
    store.close()
    assert Store(path).registers() == [("a", "hello\n", "line")]


def test_presets(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.save_preset("m1", "sunny", {"joy": 0.8, "sea": -0.2})
    assert store.preset("m1", "sunny") == {"joy": 0.8, "sea": -0.2}
    assert store.preset("m2", "sunny") is None
    assert store.presets("m1") == ["sunny"]
    assert store.delete_preset("m1", "sunny") and not store.presets("m1")


def test_hint_log_and_stats(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    for latency in (30.0, 10.0, 20.0):
        store.log_hint("shown", latency_ms=latency)
    store.log_hint("accepted", chars=12, steering={"joy": 0.5})
    store.log_hint("accepted", chars=3)
    store.log_hint("dismissed")
    stats = store.hint_stats()
    assert (stats.shown, stats.accepted, stats.dismissed) == (3, 2, 1)
    assert stats.accepted_chars == 15
    assert stats.median_latency_ms == 20.0
    assert stats.by_steering == {"joy+0.5": 1, "none": 1}
    assert store.hint_events("accepted")[0]["steering"] == {"joy": 0.5}


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert store.warnings and "moved it to" in store.warnings[0]
    assert store.schema_version == len(MIGRATIONS)
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside and aside[0].read_bytes().startswith(b"this is not")


def test_newer_schema_is_moved_aside_not_downgraded(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = Store(path)
    assert store.warnings and store.schema_version == len(MIGRATIONS)


def test_unwritable_location_gives_no_store_and_a_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store, warnings = open_store(blocker / "sub" / "s.db")
    assert store is None and "not saved" in warnings[0]


def test_stats_command_summarises(capsys) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from tinymorph_tui.cli import main

    store, _ = open_store()
    assert store is not None
    store.log_hint("shown", latency_ms=40.0)
    store.log_hint("accepted", chars=5, steering={"joy": 1.0})
    store.close()
    assert main(["stats", "--json"]) == 0
    payload = _json.loads(capsys.readouterr().out)
    assert payload["accepted"] == 1 and payload["acceptance_rate"] == 1.0
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "accepted" in out and "joy+1" in out


def test_hint_log_is_pruned_to_the_newest(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    for i in range(10):
        store.log_hint("shown", chars=i)
    assert store.prune_hint_log(keep=3) == 7
    assert [e["chars"] for e in store.hint_events()] == [7, 8, 9]
    assert store.prune_hint_log(keep=3) == 0
    store.close()
