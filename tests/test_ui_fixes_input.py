"""QA fixes for input: bracketed paste, Escape read as Alt, and the recovery dialog's redraw."""

from __future__ import annotations

import os
from pathlib import Path

from textual import events
from textual._xterm_parser import XTermParser

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.state import recovery
from tinymorph_tui.ui.app import TinymorphApp
from tinymorph_tui.ui.textual_keys import key_to_token, split_meta


def make_app(text: str = "", **options: object) -> TinymorphApp:
    ed = Editor.from_text(text, options={"wrap": True, "linebreak": True, **options})
    return TinymorphApp(None, editor=ed, state=False)


def parse_terminal(data: str) -> list[str | None]:
    """The tokens the app gets for raw terminal input `data` (Textual's own parser)."""
    parser = XTermParser()
    keys = [e for e in [*parser.feed(data), *parser.feed("")] if isinstance(e, events.Key)]
    return [key_to_token(e.key, e.character) for e in keys]


# -- paste ---------------------------------------------------------------------------------
async def test_paste_in_insert_mode_is_literal_text_without_autoindent() -> None:
    app = make_app("    indented\n", autoindent=True)
    async with app.run_test(size=(40, 8)) as pilot:
        app.feed("A")
        app.post_message(events.Paste(" <Tab> and\n<lt>x>\tend"))
        await pilot.pause()
        assert app.ed.mode == "insert"
        assert app.ed.doc.text() == "    indented <Tab> and\n<lt>x>\tend\n"
        app.feed("<Esc>u")
        await pilot.pause()
        assert app.ed.doc.text() == "    indented\n"  # the insert, paste included, is one step


async def test_paste_in_normal_mode_inserts_before_the_cursor_and_stays_normal() -> None:
    app = make_app("abc\n")
    async with app.run_test(size=(40, 8)) as pilot:
        app.feed("l")
        app.post_message(events.Paste("XY\nZ"))
        await pilot.pause()
        assert app.ed.mode == "normal"
        assert app.ed.doc.text() == "aXY\nZbc\n"
        app.feed("u")
        await pilot.pause()
        assert app.ed.doc.text() == "abc\n"


async def test_paste_on_the_command_line_goes_into_the_command_line() -> None:
    app = make_app("abc\n")
    async with app.run_test(size=(40, 8)) as pilot:
        app.feed(":")
        app.post_message(events.Paste("s/b/<B>/"))
        await pilot.pause()
        assert app.ed.cmdline == ":s/b/<B>/"
        app.feed("<CR>")
        await pilot.pause()
        assert app.ed.doc.line(0) == "a<B>c"


# -- Escape and a key in one packet ----------------------------------------------------------
def test_terminal_escape_before_punctuation_is_not_lost() -> None:
    assert parse_terminal("\x1b:") == ["<M-:>"]
    assert parse_terminal("\x1bj") == ["<M-j>"]
    assert parse_terminal("\x1b") == ["<Esc>"]
    assert parse_terminal(":") == [":"]
    assert parse_terminal("\x1b[A") == ["<Up>"]


def test_split_meta_keeps_real_alt_bindings() -> None:
    ed = Editor.from_text("")
    assert split_meta("<M-j>", ed.keymap, "insert") == ["<Esc>", "j"]
    assert split_meta("<M-<>", ed.keymap, "insert") == ["<Esc>", "<"]
    assert split_meta("<M-Left>", ed.keymap, "insert") is None
    assert split_meta("j", ed.keymap, "insert") is None
    app = make_app("")
    # <M-n> asks for another hint (keymaps/hints.toml): a real Alt binding is kept.
    assert split_meta("<M-n>", app.ed.keymap, "insert") is None
    assert split_meta("<M-n>", app.ed.keymap, "normal") == ["<Esc>", "n"]


async def test_escape_then_key_in_one_packet_leaves_insert_mode() -> None:
    app = make_app("one\ntwo\n")
    async with app.run_test(size=(40, 8)) as pilot:
        app.feed("Ax")
        for token in parse_terminal("\x1bj"):
            app.handle_token(token)
        await pilot.pause()
        assert app.ed.mode == "normal"
        assert app.ed.cursor[0] == 1  # the j moved down, nothing was inserted
        assert app.ed.doc.text() == "onex\ntwo\n"
        app.feed("i")
        for token in parse_terminal("\x1b:"):
            app.handle_token(token)
        await pilot.pause()
        assert app.ed.mode == "command"
        assert app.ed.doc.text() == "onex\ntwo\n"


async def test_pressing_alt_in_pilot_reaches_the_split() -> None:
    app = make_app("one\ntwo\n")
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.press("i", "alt+j")
        assert app.ed.mode == "normal"
        assert app.ed.cursor[0] == 1


# -- recovery ------------------------------------------------------------------------------
def _crash(path: Path, keys: str) -> None:
    ed = Editor.open(path)
    journal = recovery.Journal.attach(ed.doc)
    ed.feed(keys)
    journal.sync()
    os.close(journal._fd)  # the process "died"


async def test_recovered_text_is_on_screen_at_once(tmp_path: Path) -> None:
    from tinymorph_tui.ui.recovery_screen import RecoveryScreen

    path = tmp_path / "r.md"
    path.write_text("line1\nline2\n")
    _crash(path, "oabc<Esc>")
    app = TinymorphApp(path)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecoveryScreen)
        assert app.screen.is_current  # drawn and taking the keys
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert app.ed.doc.text() == "line1\nabc\nline2"
        # What the terminal shows (the compositor's screen), not just what the view would draw.
        screen = app.export_screenshot()
        assert "abc" in screen


async def test_ctrl_l_redraws_and_clears_the_message() -> None:
    app = make_app("abc\n")
    async with app.run_test(size=(40, 8)) as pilot:
        app.feed(":echo 'hi'<CR>")
        app.ed.set_message("something to clear")
        await pilot.pause()
        app.view.render_line(0)
        app.view._strips[(0, 0, "text")] = app.view.render_line(2)  # a stale strip
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.ed.message == ""
        assert app.view.render_line(0).text.startswith("abc")
