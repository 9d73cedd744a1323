"""Recovery journals: every edit survives a kill; replays exactly; a clean close removes it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.core.document import Document
from tinymorph_tui.state.recovery import (
    Journal,
    RecoveryError,
    discard,
    find_journal,
    journal_path,
    recover_text,
    recovery_diff,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def open_doc(path: Path) -> Document:
    return Document.load(path)


def test_edits_are_written_at_once_and_replay(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("hello world\n")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(5, ",")
    doc.delete(0, 1)
    doc.insert(0, "H")
    doc.replace(7, 12, "there")
    # Nothing closed, nothing synced explicitly: as if the editor was killed now.
    expected = doc.text()
    assert recover_text(path, open_doc(path).text()) == expected
    info = find_journal(path)
    assert info is not None and info.edits >= 4 and info.replayable
    journal.close(clean=False)


def test_clean_close_removes_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("x")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(1, "y")
    journal.close(clean=True)
    assert find_journal(path) is None


def test_fsync_happens_within_the_interval(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("")
    doc = open_doc(path)
    clock = FakeClock()
    journal = Journal.attach(doc, clock=clock, interval_s=1.0)
    doc.insert(0, "a")
    assert journal.pending
    clock.now = 0.5
    journal.tick()
    assert journal.pending
    clock.now = 1.0
    journal.tick()
    assert not journal.pending
    journal.close(clean=True)


def test_file_changed_on_disk_is_not_replayed_blindly(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one\n")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(0, "zero\n")
    path.write_text("something else entirely\n")
    info = find_journal(path)
    assert info is not None and not info.replayable
    with pytest.raises(RecoveryError, match="changed on disk"):
        recover_text(path, path.read_text())
    journal.close(clean=False)


def test_torn_last_record_keeps_everything_before_it(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("abc")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(3, "d")
    journal.close(clean=False)
    with journal_path(path).open("a") as fh:
        fh.write('[4, 0, "e')  # killed mid-write
    assert recover_text(path, "abc") == "abcd"


def test_not_a_journal_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("abc")
    jp = journal_path(path)
    jp.parent.mkdir(parents=True, exist_ok=True)
    jp.write_text("garbage\n")
    info = find_journal(path)
    assert info is not None and not info.replayable
    with pytest.raises(RecoveryError):
        recover_text(path, "abc")
    discard(path)
    assert find_journal(path) is None


def test_diff_shows_the_recovered_change(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("line one\nline two\n")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(doc.line_start(1), "inserted\n")
    diff = recovery_diff(path, path.read_text())
    assert "+inserted" in diff and "(recovered)" in diff
    journal.close(clean=False)


def test_journal_is_private(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("")
    journal = Journal.attach(open_doc(path))
    assert journal.path.stat().st_mode & 0o777 == 0o600
    assert journal.path.parent.stat().st_mode & 0o777 == 0o700
    header = json.loads(journal.path.read_text().splitlines()[0])
    assert header["path"] == str(path.resolve())
    journal.close(clean=True)


def test_restart_after_save_rebases(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("a")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    doc.insert(1, "b")
    doc.save()
    journal.restart()
    doc.insert(2, "c")
    assert recover_text(path, open_doc(path).text()) == "abc"
    journal.close(clean=True)


edit = st.tuples(st.floats(0, 1), st.integers(0, 4), st.text("ab\n\u00e9\U0001f600", max_size=4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text("xy\n", max_size=20), st.lists(edit, max_size=30))
def test_replay_matches_any_edit_sequence(tmp_path: Path, base: str, edits: list) -> None:
    path = tmp_path / f"h{os.getpid()}.md"
    path.write_text(base, newline="")
    doc = open_doc(path)
    journal = Journal.attach(doc)
    for where, n, text in edits:
        start = int(where * len(doc))
        n = min(n, len(doc) - start)
        if n:
            doc.delete(start, n)
        if text:
            doc.insert(start, text)
    assert recover_text(path, open_doc(path).text()) == doc.text()
    journal.close(clean=True)


def test_undecodable_bytes_and_any_character_survive_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"caf\xe9\n")
    doc = open_doc(path)
    base = doc.text()
    journal = Journal.attach(doc, folder=tmp_path / "j")
    doc.insert(0, "\udcff\u2028 \U0001f600 \"quoted\"\n\x00")
    assert journal.error is None
    assert journal.path.read_bytes().isascii()  # \u escapes: no raw newline can split a record
    assert recover_text(path, base, tmp_path / "j") == doc.text()
    journal.close(clean=True)


def test_a_failing_write_stops_the_journal_without_raising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    path = tmp_path / "n.md"
    path.write_text("abc\n")
    doc = open_doc(path)
    base = doc.text()
    journal = Journal.attach(doc, folder=tmp_path / "j")
    doc.insert(0, "1")
    real = os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    doc.insert(0, "2")  # the edit itself must go through
    assert doc.text().startswith("21abc")
    assert journal.error and "No space left on device" in journal.error
    monkeypatch.setattr(os, "write", real)
    doc.insert(0, "3")  # nothing more is written: a gap would make replay wrong
    assert recover_text(path, base, tmp_path / "j") == "1" + base
    journal.close(clean=False)


def test_set_aside_keeps_the_journal_under_a_new_name(tmp_path: Path) -> None:
    from tinymorph_tui.state.recovery import set_aside

    path = tmp_path / "n.md"
    path.write_text("abc\n")
    doc = open_doc(path)
    journal = Journal.attach(doc, folder=tmp_path / "j")
    doc.insert(0, "x")
    journal.close(clean=False)
    aside = set_aside(path, tmp_path / "j")
    assert aside is not None and aside.suffix == ".stale" and b'"x"' in aside.read_bytes()
    assert find_journal(path, tmp_path / "j") is None
    assert set_aside(path, tmp_path / "j") is None


def test_own_or_dead_writer_is_not_live(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "n.md"
    path.write_text("abc\n")
    journal = Journal.attach(open_doc(path), folder=tmp_path / "j")
    journal.sync()
    assert find_journal(path, tmp_path / "j").live_pid is None  # written by this process
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    head, rest = journal.path.read_bytes().split(b"\n", 1)
    header = json.loads(head)
    header["pid"] = dead.pid
    journal.path.write_bytes(json.dumps(header).encode() + b"\n" + rest)
    assert find_journal(path, tmp_path / "j").live_pid is None
    journal.close(clean=True)


def test_diff_lines_never_glue_at_the_end_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("# Draft\n\nHello there.\n")
    doc = open_doc(path)
    base = doc.text()
    journal = Journal.attach(doc, folder=tmp_path / "j")
    doc.insert(len(doc), "\na new line")
    diff = recovery_diff(path, base, tmp_path / "j")
    assert "-Hello there.\n" in diff or " Hello there.\n" in diff
    assert "+a new line\n" in diff
    assert all(line[:1] in " +-@" for line in diff.splitlines())
    journal.close(clean=True)
