"""Saving when the disk says no: the original stays, the buffer stays modified, the message
says why. Faults are injected (tests run as root, which ignores permission bits)."""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tinymorph_tui.core.document import Document
from tinymorph_tui.core.editor import Editor
from tinymorph_tui.state import recovery

ORIGINAL = b"the original words\nsecond line\n"


def _fault(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def _editor(tmp_path: Path) -> tuple[Editor, Path]:
    path = tmp_path / "notes" / "draft.md"
    path.parent.mkdir()
    path.write_bytes(ORIGINAL)
    ed = Editor.open(path)
    ed.feed("Anew words<Esc>")
    return ed, path


def _assert_refused(ed: Editor, path: Path | None, needle: str) -> None:
    assert ed.message_is_error, ed.message
    assert needle in ed.message, ed.message
    assert ed.doc.modified
    assert ed.doc.text().startswith("the original wordsnew words")
    if path is not None:
        assert path.read_bytes() == ORIGINAL
        leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
        assert leftovers == []  # no temporary file left behind


class _FailingFile:
    """What os.fdopen returns when the disk fills up during the write."""

    def __init__(self, fd: int, code: int) -> None:
        self.fd, self.code = fd, code

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise _fault(self.code)


def _only_temp(real: Callable[..., Any], code: int) -> Callable[..., Any]:
    """os.open that fails for the save's temporary file only (the journal keeps working)."""

    def fake(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".tmp") and Path(str(path)).name.startswith("."):
            raise _fault(code)
        return real(path, flags, *args, **kwargs)

    return fake


def test_disk_full_while_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed, path = _editor(tmp_path)
    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r": _FailingFile(fd, errno.ENOSPC))
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "No space left on device")


def test_disk_full_at_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed, path = _editor(tmp_path)

    def fsync(fd: int) -> None:
        raise _fault(errno.ENOSPC)

    monkeypatch.setattr(os, "fsync", fsync)
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "No space left on device")


def test_io_error_at_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed, path = _editor(tmp_path)

    def replace(src: Any, dst: Any) -> None:
        raise _fault(errno.EIO)

    monkeypatch.setattr(os, "replace", replace)
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "Input/output error")


def test_permission_denied_in_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed, path = _editor(tmp_path)
    monkeypatch.setattr(os, "open", _only_temp(os.open, errno.EACCES))
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "Permission denied")


def test_read_only_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ed, path = _editor(tmp_path)
    monkeypatch.setattr(os, "open", _only_temp(os.open, errno.EROFS))
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "Read-only file system")


def test_read_only_file_needs_bang(tmp_path: Path) -> None:
    ed, path = _editor(tmp_path)
    path.chmod(0o444)
    ed.feed(":w<CR>")
    _assert_refused(ed, path, "is read-only (add ! to override)")
    ed.feed(":wq<CR>")
    assert not ed.quit_requested
    ed.feed(":w!<CR>")
    assert not ed.message_is_error, ed.message
    assert path.read_bytes() == b"the original wordsnew words\nsecond line\n"
    assert path.stat().st_mode & 0o777 == 0o444  # still read-only afterwards


def test_folder_deleted_before_save(tmp_path: Path) -> None:
    ed, path = _editor(tmp_path)
    shutil.rmtree(path.parent)
    ed.feed(":w<CR>")
    _assert_refused(ed, None, "No such file or directory")
    ed.feed(":q<CR>")
    assert not ed.quit_requested  # E37: the words are still only in the buffer
    path.parent.mkdir()
    ed.feed(":w<CR>")
    assert path.read_bytes() == b"the original wordsnew words\nsecond line\n"


def test_failed_save_keeps_the_journal_and_a_later_save_rebases_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinymorph_tui.ui.app import TinymorphApp

    path = tmp_path / "draft.md"
    path.write_bytes(ORIGINAL)
    app = TinymorphApp(path)
    real_replace = os.replace

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed("Anew words<Esc>")

            def replace(src: Any, dst: Any) -> None:
                if str(dst) == str(path):
                    raise _fault(errno.ENOSPC)
                real_replace(src, dst)

            monkeypatch.setattr(os, "replace", replace)
            app.feed(":w<CR>")
            await pilot.pause()
            assert "No space left on device" in app.ed.message
            assert app.ed.message_is_error
            # the words are still in the journal: a crash now loses nothing
            text = Document.from_bytes(ORIGINAL).text()
            assert recovery.recover_text(path, text) == app.ed.doc.text()
            monkeypatch.setattr(os, "replace", real_replace)
            app.feed(":w<CR>")
            await pilot.pause()
            assert not app.ed.doc.modified
            assert recovery.find_journal(path).edits == 0
            app.feed(":q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert path.read_bytes() == b"the original wordsnew words\nsecond line\n"
    assert recovery.find_journal(path) is None
