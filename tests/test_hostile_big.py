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


@pytest.mark.skip(
    reason="ui/wrap.py lays out a whole logical line in pure Python (~15 s per 5 MB line, "
    "minutes at 50 MB); the engine-level test above covers the text. Unskip once the view "
    "lays out only the visible part of a long line."
)
def test_50mb_single_line_opens_in_the_app(one_line: Path) -> None:
    before = _digest(one_line)

    async def go() -> None:
        app = TinymorphApp(one_line)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed("ihello <Esc>")
            await pilot.pause()
            assert app.ed.doc.slice(0, 11) == "hello word "
            app.feed("u:q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert _digest(one_line) == before
