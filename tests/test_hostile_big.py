"""Hostile sizes (docs/reliability.md): a 50 MB single line and a 1M-line file.

The files are generated once per module. The editor must open them, take keys, and write
nothing unless asked; when asked, every other byte must come back unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.ui.app import TinymorphApp

LINE_BYTES = 50 * 1024 * 1024
LINES = 1_000_000


def _digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@pytest.fixture(scope="module")
def one_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "one-line.md"
    path.write_bytes(b"word " * (LINE_BYTES // 5))  # no newline anywhere
    return path


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "million.md"
    path.write_bytes(b"".join(b"line %d of a long file\n" % i for i in range(LINES)))
    return path


def test_50mb_single_line_engine_edits_and_round_trips(one_line: Path, tmp_path: Path) -> None:
    before = _digest(one_line)
    ed = Editor.open(one_line)
    assert ed.doc.line_count == 1
    ed.feed("iSTART <Esc>$aEND<Esc>")
    assert ed.cursor == (0, LINE_BYTES + len("START ") + 2)
    out = tmp_path / "copy.md"
    ed.feed(f":w {out}<CR>")
    assert not ed.message_is_error, ed.message
    assert _digest(one_line) == before  # the original was never touched
    data = out.read_bytes()
    assert data[:11] == b"START word " and data[-8:] == b"word END"
    assert len(data) == LINE_BYTES + len("START END")


def test_1m_lines_open_type_undo_then_save_changes_exactly_one_line(
    million: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "million.md"
    copy.write_bytes(million.read_bytes())
    before = _digest(copy)

    async def go() -> None:
        app = TinymorphApp(copy)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed("500000Gccreplaced<Esc>")
            await pilot.pause()
            assert app.ed.doc.line(499_999) == "replaced"
            app.feed("uGk")
            await pilot.pause()
            assert app.ed.cursor[0] >= LINES - 2
            assert _digest(copy) == before  # nothing written while editing
            app.feed("42GAX<Esc>:wq<CR>")
            await pilot.pause()

    asyncio.run(go())
    expected = million.read_bytes().replace(
        b"line 41 of a long file\n", b"line 41 of a long fileX\n", 1
    )
    assert copy.read_bytes() == expected


def test_50mb_single_line_opens_types_moves_and_saves_in_the_app(
    one_line: Path, tmp_path: Path
) -> None:
    """The view lays out only the rows on screen of a huge line, wrapped or not."""
    before = _digest(one_line)
    out = tmp_path / "copy.md"

    async def go() -> None:
        app = TinymorphApp(one_line)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            rows = app.view.display_rows
            assert len(rows) >= 20 and {d.row for d in rows} == {0}  # one line fills the screen
            app.feed("ihello <Esc>")
            await pilot.pause()
            assert app.ed.doc.slice(0, 11) == "hello word "
            app.feed("$aEND<Esc>")
            await pilot.pause()
            assert app.ed.cursor == (0, LINE_BYTES + len("hello END") - 1)
            assert app.view.cursor_screen_position() is not None  # scrolled to the end
            # Rows are numbered by arithmetic, never built from the start of the line.
            assert max(d.seg for d in app.view.display_rows if d.kind == "text") > 600_000
            app.feed(":set nowrap<CR>0")
            await pilot.pause()
            assert app.view.cursor_screen_position() == (0, 0)
            app.feed("$")
            await pilot.pause()
            x, _y = app.view.cursor_screen_position() or (-1, -1)
            assert 0 <= x < 80
            app.feed("gg0")
            await pilot.pause()
            assert app.ed.cursor == (0, 0)
            app.feed(f":w {out}<CR>")
            await pilot.pause()
            assert not app.ed.message_is_error, app.ed.message
            app.feed(":q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert _digest(one_line) == before  # the original was never touched
    data = out.read_bytes()
    assert len(data) == LINE_BYTES + len("hello END")
    assert data[:16] == b"hello word word " and data[-8:] == b"word END"
