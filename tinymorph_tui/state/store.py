"""The state database: SQLite in WAL mode with versioned schema migrations.

Holds what makes the editor remember: cursor and scroll per file (Vim's '"), command and
search history, registers across sessions (like Neovim's shada), slider presets, and a log
of hints (accepted / dismissed, steering, latency) that `tinymorph stats` summarises.

A database that cannot be opened or is corrupt is moved aside with a warning and a fresh
one is created: the editor never fails to start because of its state.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from tinymorph_tui.state import paths

#: Each entry migrates the schema from version i to i + 1. Never edit a shipped entry:
#: add a new one, so old databases upgrade in place.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE positions (
        path TEXT PRIMARY KEY,
        row INTEGER NOT NULL,
        col INTEGER NOT NULL,
        top_row INTEGER NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        entry TEXT NOT NULL,
        used REAL NOT NULL
    );
    CREATE INDEX history_kind ON history(kind, id);
    CREATE TABLE registers (
        name TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE TABLE presets (
        model_id TEXT NOT NULL,
        name TEXT NOT NULL,
        features TEXT NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (model_id, name)
    );
    CREATE TABLE hint_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        event TEXT NOT NULL,
        path TEXT,
        chars INTEGER NOT NULL DEFAULT 0,
        latency_ms REAL,
        steering TEXT NOT NULL DEFAULT '{}',
        backend TEXT
    );
    CREATE INDEX hint_log_event ON hint_log(event);
    """,
)

#: Hint events kept (newest first); older ones are pruned when a session ends.
HINT_LOG_KEEP = 100_000

#: Registers worth keeping across sessions (Neovim keeps the same set by default).
PERSISTED_REGISTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-\"/:")


class Position(NamedTuple):
    """Where a file was left: cursor (row, col) and the first visible row."""

    row: int
    col: int
    top_row: int


class HintStats(NamedTuple):
    """Summary of the hint log, as `tinymorph stats` prints it."""

    shown: int
    accepted: int
    dismissed: int
    accepted_chars: int
    median_latency_ms: float | None
    by_steering: dict[str, int]

    @property
    def acceptance_rate(self) -> float:
        """Accepted hints over shown hints (0 when none were shown)."""
        return self.accepted / self.shown if self.shown else 0.0


class Store:
    """A connection to the state database. Every method swallows nothing silently:
    failures after opening raise sqlite3.Error, which callers turn into messages."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.resolve().database
        self.warnings: list[str] = []
        self.conn = self._open()

    # -- opening, corruption and migrations -------------------------------------------
    def _open(self) -> sqlite3.Connection:
        paths.ensure_dir(self.path.parent)
        try:
            return self._connect_and_migrate()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self.path) + suffix)
                if part.exists():
                    os.replace(part, Path(str(aside) + suffix))
            self.warnings.append(
                f"state database {self.path} was unreadable ({exc}); moved it to {aside} "
                "and started a fresh one"
            )
            return self._connect_and_migrate()

    def _connect_and_migrate(self) -> sqlite3.Connection:
        existed = self.path.exists()
        conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        try:
            if not existed:
                os.chmod(self.path, paths.FILE_MODE)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # A corrupt file often opens fine and fails on first real read: check now.
            status = conn.execute("PRAGMA quick_check").fetchone()[0]
            if status != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {status}")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this tinymorph knows"
            )
        for index in range(version, len(MIGRATIONS)):
            conn.execute("BEGIN")
            try:
                for statement in MIGRATIONS[index].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {index + 1}")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The database's schema version (len(MIGRATIONS) once migrated)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # -- positions -----------------------------------------------------------------------
    @staticmethod
    def _key(path: Path | str) -> str:
        return str(Path(path).expanduser().resolve())

    def save_position(self, path: Path | str, position: Position) -> None:
        """Remember where `path` was left."""
        self.conn.execute(
            "INSERT INTO positions(path, row, col, top_row, updated) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET row=excluded.row, col=excluded.col, "
            "top_row=excluded.top_row, updated=excluded.updated",
            (self._key(path), position.row, position.col, position.top_row, time.time()),
        )

    def position(self, path: Path | str) -> Position | None:
        """Where `path` was left, if known."""
        row = self.conn.execute(
            "SELECT row, col, top_row FROM positions WHERE path = ?", (self._key(path),)
        ).fetchone()
        return Position(*row) if row else None

    # -- history -------------------------------------------------------------------------
    def add_history(self, kind: str, entry: str, *, keep: int = 200) -> None:
        """Append to the `kind` history (":" or "/"); a repeated entry moves to the end."""
        if not entry:
            return
        self.conn.execute("BEGIN")
        self.conn.execute("DELETE FROM history WHERE kind = ? AND entry = ?", (kind, entry))
        self.conn.execute(
            "INSERT INTO history(kind, entry, used) VALUES (?, ?, ?)", (kind, entry, time.time())
        )
        self.conn.execute(
            "DELETE FROM history WHERE kind = ? AND id NOT IN "
            "(SELECT id FROM history WHERE kind = ? ORDER BY id DESC LIMIT ?)",
            (kind, kind, keep),
        )
        self.conn.execute("COMMIT")

    def history(self, kind: str) -> list[str]:
        """The `kind` history, oldest first."""
        rows = self.conn.execute(
            "SELECT entry FROM history WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()
        return [r[0] for r in rows]

    # -- registers -----------------------------------------------------------------------
    def save_registers(self, registers: Iterable[tuple[str, str, str]]) -> None:
        """Store (name, text, kind) for the registers that persist across sessions."""
        rows = [(n, t, k) for n, t, k in registers if n in PERSISTED_REGISTERS]
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO registers(name, text, kind) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET text=excluded.text, kind=excluded.kind",
            rows,
        )
        self.conn.execute("COMMIT")

    def registers(self) -> list[tuple[str, str, str]]:
        """Stored registers as (name, text, kind)."""
        return [tuple(r) for r in self.conn.execute("SELECT name, text, kind FROM registers")]

    # -- presets -------------------------------------------------------------------------
    def save_preset(self, model_id: str, name: str, features: dict[str, float]) -> None:
        """Save a named slider preset for one model."""
        import json  # deferred: the first frame opens the store but needs no JSON

        self.conn.execute(
            "INSERT INTO presets(model_id, name, features, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(model_id, name) DO UPDATE SET features=excluded.features, "
            "updated=excluded.updated",
            # Insertion order kept: the panel shows the sliders in the order they were saved.
            (model_id, name, json.dumps(features), time.time()),
        )

    def preset(self, model_id: str, name: str) -> dict[str, float] | None:
        """A saved preset, or None."""
        import json  # deferred: the first frame opens the store but needs no JSON

        row = self.conn.execute(
            "SELECT features FROM presets WHERE model_id = ? AND name = ?", (model_id, name)
        ).fetchone()
        return {str(k): float(v) for k, v in json.loads(row[0]).items()} if row else None

    def presets(self, model_id: str) -> list[str]:
        """Names of the presets saved for a model."""
        rows = self.conn.execute(
            "SELECT name FROM presets WHERE model_id = ? ORDER BY name", (model_id,)
        )
        return [r[0] for r in rows]

    def delete_preset(self, model_id: str, name: str) -> bool:
        """Delete a preset; False if there was none."""
        cur = self.conn.execute(
            "DELETE FROM presets WHERE model_id = ? AND name = ?", (model_id, name)
        )
        return cur.rowcount > 0

    # -- hint log ------------------------------------------------------------------------
    def log_hint(
        self,
        event: str,
        *,
        path: str | None = None,
        chars: int = 0,
        latency_ms: float | None = None,
        steering: dict[str, float] | None = None,
        backend: str | None = None,
    ) -> None:
        """Record a hint event: "shown", "accepted" or "dismissed" (with its provenance)."""
        import json  # deferred: the first frame opens the store but needs no JSON

        self.conn.execute(
            "INSERT INTO hint_log(at, event, path, chars, latency_ms, steering, backend) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                event,
                path,
                chars,
                latency_ms,
                json.dumps(steering or {}, sort_keys=True),
                backend,
            ),
        )

    def prune_hint_log(self, keep: int = HINT_LOG_KEEP) -> int:
        """Drop all but the newest `keep` hint events (the log must not grow for ever);
        returns how many rows went."""
        cur = self.conn.execute(
            "DELETE FROM hint_log WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM hint_log) - ?",
            (keep,),
        )
        return cur.rowcount

    def hint_events(self, event: str | None = None) -> list[dict[str, Any]]:
        """Logged hint events (all, or one kind), oldest first."""
        import json  # deferred: the first frame opens the store but needs no JSON

        query = "SELECT at, event, path, chars, latency_ms, steering, backend FROM hint_log"
        params: tuple[Any, ...] = ()
        if event:
            query += " WHERE event = ?"
            params = (event,)
        out = []
        for at, ev, path, chars, latency, steering, backend in self.conn.execute(
            query + " ORDER BY id", params
        ):
            out.append(
                {
                    "at": at,
                    "event": ev,
                    "path": path,
                    "chars": chars,
                    "latency_ms": latency,
                    "steering": json.loads(steering),
                    "backend": backend,
                }
            )
        return out

    def hint_stats(self) -> HintStats:
        """Summarise the hint log."""
        import json  # deferred: the first frame opens the store but needs no JSON

        counts = dict(
            self.conn.execute("SELECT event, COUNT(*) FROM hint_log GROUP BY event").fetchall()
        )
        chars = self.conn.execute(
            "SELECT COALESCE(SUM(chars), 0) FROM hint_log WHERE event = 'accepted'"
        ).fetchone()[0]
        latencies = [
            r[0]
            for r in self.conn.execute(
                "SELECT latency_ms FROM hint_log WHERE event = 'shown' AND latency_ms IS NOT NULL "
                "ORDER BY latency_ms"
            )
        ]
        median = latencies[len(latencies) // 2] if latencies else None
        by_steering: dict[str, int] = {}
        for (steering,) in self.conn.execute(
            "SELECT steering FROM hint_log WHERE event = 'accepted'"
        ):
            features = json.loads(steering)
            label = (
                " ".join(f"{k}{v:+g}" for k, v in sorted(features.items())) if features else "none"
            )
            by_steering[label] = by_steering.get(label, 0) + 1
        return HintStats(
            shown=counts.get("shown", 0),
            accepted=counts.get("accepted", 0),
            dismissed=counts.get("dismissed", 0),
            accepted_chars=int(chars),
            median_latency_ms=median,
            by_steering=by_steering,
        )


def open_store(path: Path | None = None) -> tuple[Store | None, list[str]]:
    """Open the store and return it with warnings to show. If even a fresh database cannot
    be made (a read-only home, a full disk) the store is None and the editor runs without
    persistent state, saying why."""
    try:
        store = Store(path)
    except (sqlite3.Error, OSError) as exc:
        return None, [f"state is not saved this session: {exc}"]
    return store, list(store.warnings)
