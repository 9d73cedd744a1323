"""The recovery journal's fsyncs run on its own thread, never on the keystroke path.

An fsync costs ~16 ms on an ordinary disk; the editor's journals (`background=True`) leave
them to a syncer thread that keeps the same guarantees: every edit is written at once,
fsynced within `interval_s`, and at once when asked (leaving insert mode).
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tinymorph_tui.core.document import Document
from tinymorph_tui.state import recovery
from tinymorph_tui.state.recovery import Journal, find_journal, recover_text
from tinymorph_tui.ui.app import TinymorphApp


def _doc(tmp_path: Path, text: str = "hello world\n") -> tuple[Path, Document]:
    path = tmp_path / "notes.md"
    path.write_text(text)
    return path, Document.load(path)


def _fsync_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of the thread of every os.fsync from now on."""
    names: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        names.append(threading.current_thread().name)
        real(fd)

    monkeypatch.setattr(recovery.os, "fsync", fsync)
    return names


def _until(cond: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_background_journal_writes_at_once_and_syncs_off_the_writer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, doc = _doc(tmp_path)
    names = _fsync_threads(monkeypatch)
    journal = Journal.attach(doc, interval_s=3600.0, background=True)
    try:
        doc.insert(5, ",")
        doc.insert(0, "Oh ")
        # written at once: a killed editor loses nothing
        assert recover_text(path, Document.load(path).text()) == doc.text()
        assert journal.pending
        journal.tick()  # not due (an hour): nothing happens, nothing blocks
        assert journal.pending
        journal.request_sync()  # leaving insert mode
        assert journal.wait_synced()
        assert not journal.pending
        assert names and threading.current_thread().name not in names
        assert set(names) == {"tinymorph-journal-sync"}
    finally:
        journal.close(clean=True)
    assert find_journal(path) is None


def test_background_journal_keeps_the_interval_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _path, doc = _doc(tmp_path)
    names = _fsync_threads(monkeypatch)
    journal = Journal.attach(doc, interval_s=0.05, background=True)
    try:
        doc.insert(0, "x")
        assert _until(lambda: not journal.pending)  # no tick, no request: the deadline
        doc.insert(0, "y")  # a later edit gets its own deadline
        assert journal.pending
        assert _until(lambda: not journal.pending)
        assert threading.current_thread().name not in names
    finally:
        journal.close(clean=True)


def test_fsync_failure_on_the_syncer_stops_the_journal_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, doc = _doc(tmp_path)
    journal = Journal.attach(doc, interval_s=3600.0, background=True)
    real_fsync = os.fsync

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    try:
        doc.insert(0, "a")
        monkeypatch.setattr(recovery.os, "fsync", broken)
        journal.request_sync()
        assert not journal.wait_synced(5)
        assert journal.error is not None and "stopped" in journal.error
        assert not journal.pending
        doc.insert(0, "b")  # typing goes on; the journal no longer records
        assert doc.text().startswith("ba")
    finally:
        monkeypatch.setattr(recovery.os, "fsync", real_fsync)
        journal.close(clean=False)
    # what was written before the failure still replays
    assert recover_text(path, Document.load(path).text()).startswith("a")


def test_unclean_close_stops_the_syncer_and_keeps_a_synced_journal(tmp_path: Path) -> None:
    path, doc = _doc(tmp_path)
    journal = Journal.attach(doc, interval_s=3600.0, background=True)
    doc.insert(0, "kept ")
    syncer = journal._syncer
    assert syncer is not None and syncer.is_alive()
    journal.close(clean=False)
    assert not syncer.is_alive()
    assert recover_text(path, Document.load(path).text()) == "kept hello world"


def test_restart_after_a_save_syncs_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, doc = _doc(tmp_path)
    journal = Journal.attach(doc, interval_s=3600.0, background=True)
    try:
        doc.insert(0, "# ")
        doc.save()
        names = _fsync_threads(monkeypatch)
        journal.restart()
        assert journal.wait_synced()
        assert names and set(names) == {"tinymorph-journal-sync"}
        info = find_journal(path)
        assert info is not None and info.edits == 0 and info.replayable
    finally:
        journal.close(clean=True)


def test_typing_in_the_app_never_fsyncs_on_the_ui_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "draft.md"
    path.write_text("first line\n")
    names = _fsync_threads(monkeypatch)
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            journal = app.session.journal
            assert journal is not None
            journal.interval_s = 0.05  # several deadlines pass while typing
            app.feed("Asome words")
            for _ in range(3):
                await pilot.pause(0.1)
                app.feed("x")
            app.feed("<Esc>")  # leaving insert mode: fsynced at once, on the syncer
            assert await asyncio.to_thread(journal.wait_synced)
            assert recover_text(path, "first line") == app.ed.doc.text()
            app.feed(":q!<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert names, "the journal was never fsynced"
    assert "MainThread" not in names
