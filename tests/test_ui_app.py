"""Pilot tests of the Textual app: typing, modes, drawing, scrolling, chrome, commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual import events

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.ui import chrome
from tinymorph_tui.ui.app import TinymorphApp

PROSE = {"wrap": True, "linebreak": True}


def make_app(text: str = "", *, path: Path | None = None, **options) -> TinymorphApp:
    ed = Editor.from_text(text, options={**PROSE, **options})
    if path is not None:
        ed.doc.path = path
    return TinymorphApp(path, editor=ed, state=False)


def view_rows(app: TinymorphApp, n: int | None = None) -> list[str]:
    height = app.view.size.height if n is None else n
    return [app.view.render_line(y).text for y in range(height)]


def style_at(app: TinymorphApp, x: int, y: int) -> Style:
    """The style of the cell at (x, y) of the editor view."""
    pos = 0
    for seg in app.view.render_line(y):
        length = len(seg.text)
        if pos <= x < pos + length:
            return seg.style or Style()
        pos += length
    raise AssertionError(f"no cell at {x},{y}")


def has(style: Style, part: Style) -> bool:
    """Whether `style` carries the colours / attributes of `part`."""
    return (style + part) == style


async def type_keys(pilot, keys: str) -> None:
    """Press Vim-notation keys through the app's real key path."""
    from tinymorph_tui.core.keys import parse_keys
    from tinymorph_tui.ui.textual_keys import token_to_textual

    await pilot.press(*[token_to_textual(t) for t in parse_keys(keys)])


async def test_opens_in_normal_mode_and_types_through_the_engine():
    app = make_app("hello world\n")
    async with app.run_test(size=(40, 8)) as pilot:
        assert app.ed.mode == "normal"
        assert app.view.has_focus
        await type_keys(pilot, "wiBIG <Esc>")
        assert app.ed.doc.line(0) == "hello BIG world"
        assert app.ed.mode == "normal"
        assert view_rows(app)[0].startswith("hello BIG world")
        assert "[+]" in app.status.plain
        assert "NORMAL" in app.status.plain


async def test_insert_mode_shows_showmode_and_status():
    app = make_app("abc\n")
    async with app.run_test(size=(40, 8)) as pilot:
        await type_keys(pilot, "A")
        assert app.cmdline.build().plain == "-- INSERT --"
        assert "INSERT" in app.status.plain
        await type_keys(pilot, "<Esc>")
        assert app.cmdline.build().plain == ""


async def test_cursor_is_drawn_per_mode():
    app = make_app("abcdef\n")
    async with app.run_test(size=(40, 8)) as pilot:
        theme = app.theme_obj
        normal = chrome.resolve(theme, "ui.cursor")
        await type_keys(pilot, "ll")
        assert has(style_at(app, 2, 0), normal)
        await type_keys(pilot, "i")
        insert = chrome.resolve(theme, "ui.cursor.insert")
        assert has(style_at(app, 2, 0), insert)
        assert not has(style_at(app, 3, 0), insert)
        await type_keys(pilot, "<Esc>R")
        replace = chrome.resolve(theme, "ui.cursor.replace")
        assert replace != normal  # the theme's replace cursor (underline by default)
        assert has(style_at(app, 1, 0), replace)
        await type_keys(pilot, "<Esc>A")
        # Past the end of the line in insert mode: a cursor cell after the text.
        assert has(style_at(app, 6, 0), insert)


async def test_visual_char_line_and_block_selections_are_highlighted():
    app = make_app("abcdef\nghijkl\nmnopqr\n")
    async with app.run_test(size=(40, 8)) as pilot:
        sel = chrome.resolve(app.theme_obj, "ui.selection")
        await type_keys(pilot, "lvl")
        assert has(style_at(app, 1, 0), sel)
        assert not has(style_at(app, 0, 0), sel)
        assert not has(style_at(app, 3, 0), sel)
        await type_keys(pilot, "<Esc>Vj")
        for x in range(6):
            assert has(style_at(app, x, 0), sel) or x == 2
            assert has(style_at(app, x, 1), sel) or x == 2
        assert not has(style_at(app, 0, 2), sel)
        # The end of each fully selected line shows as one selected cell, as in Vim.
        assert has(style_at(app, 6, 0), sel)
        await type_keys(pilot, "<Esc>gg0l<C-v>jl")
        assert app.ed.mode == "visual_block"
        for y in (0, 1):
            assert not has(style_at(app, 0, y), sel)
            assert has(style_at(app, 1, y), sel)
            assert not has(style_at(app, 3, y), sel)
        await type_keys(pilot, "<Esc>")
        assert not has(style_at(app, 1, 1), sel)


async def test_search_matches_are_highlighted_and_incsearch_while_typing():
    app = make_app("one fish two fish\nred fish\n", hlsearch=True, incsearch=True)
    async with app.run_test(size=(40, 8)) as pilot:
        hl = chrome.resolve(app.theme_obj, "ui.search")
        await type_keys(pilot, "/fis")
        assert app.ed.mode == "command"
        # incsearch: the match it would jump to stands out, the others are highlighted.
        assert has(style_at(app, 4, 0), chrome.resolve(app.theme_obj, "ui.search.current"))
        assert has(style_at(app, 13, 0), hl)
        assert "/fis" in app.cmdline.build().plain
        await type_keys(pilot, "h<CR>")
        assert app.ed.mode == "normal"
        for x, y in ((4, 0), (13, 0), (4, 1)):
            assert has(style_at(app, x + 1, y), hl)
        assert not has(style_at(app, 0, 1), hl)
        await type_keys(pilot, ":nohlsearch<CR>")
        assert not has(style_at(app, 14, 0), hl)
        await type_keys(pilot, "n")  # the next search shows them again
        assert has(style_at(app, 14, 0), hl)
        await type_keys(pilot, ":set nohlsearch<CR>")
        assert not has(style_at(app, 14, 0), hl)


async def test_number_and_relativenumber_gutters():
    app = make_app("a\nb\nc\nd\n")
    async with app.run_test(size=(30, 8)) as pilot:
        await type_keys(pilot, ":set number<CR>")
        assert view_rows(app)[:3] == ["  1 a" + " " * 25, "  2 b" + " " * 25, "  3 c" + " " * 25]
        await type_keys(pilot, "jj:set relativenumber<CR>")
        rows = view_rows(app)
        assert rows[0].startswith("  2 a")
        assert rows[2].startswith("3   c")  # number + relativenumber: absolute, left aligned
        assert rows[3].startswith("  1 d")
        await type_keys(pilot, ":set nonumber<CR>")
        assert view_rows(app)[2].startswith("  0 c")


async def test_soft_wrap_with_linebreak_and_gj_gk_by_display_rows():
    text = "The quick brown fox jumps over the lazy dog and keeps running far away\nshort\n"
    app = make_app(text)
    async with app.run_test(size=(20, 10)) as pilot:
        rows = view_rows(app)
        assert rows[:4] == [
            "The quick brown fox ",
            "jumps over the lazy ",
            "dog and keeps       ",
            "running far away    ",
        ]
        assert rows[4].startswith("short")
        await type_keys(pilot, "llgj")
        assert app.ed.cursor == (0, 22)
        await type_keys(pilot, "gk")
        assert app.ed.cursor == (0, 2)
        await type_keys(pilot, "j")  # j moves by logical lines
        assert app.ed.cursor == (1, 2)
        await type_keys(pilot, ":set nowrap<CR>")
        assert view_rows(app)[1].startswith("short")


async def test_scrolling_keys_move_the_window_and_the_view_follows():
    text = "".join(f"line {i}\n" for i in range(200))
    app = make_app(text, scrolloff=0)
    async with app.run_test(size=(30, 11)) as pilot:
        height = app.view.size.height
        assert height == 9
        await type_keys(pilot, "<C-f>")
        first = view_rows(app)[0]
        assert app.ed.top_row > 0
        assert first.startswith(f"line {app.ed.top_row}")
        await type_keys(pilot, "<C-b>")
        assert app.ed.top_row == 0
        await type_keys(pilot, "<C-e><C-e>")
        assert app.ed.top_row == 2
        assert view_rows(app)[0].startswith("line 2 ")
        await type_keys(pilot, "<C-y>")
        assert app.ed.top_row == 1
        await type_keys(pilot, "50Gzt")
        assert view_rows(app)[0].startswith("line 49")
        await type_keys(pilot, "zb")
        assert view_rows(app)[height - 1].startswith("line 49")
        await type_keys(pilot, "zz")
        assert view_rows(app)[height // 2].startswith("line 49")
        await type_keys(pilot, "gg<C-d>")
        assert app.ed.top_row > 0 and app.ed.cursor[0] > 0
        await type_keys(pilot, "G")
        rows = view_rows(app)
        assert any(r.startswith("line 199") for r in rows)


async def test_cursor_stays_visible_with_wrapped_lines():
    long = "word " * 30  # 150 cells: several rows at width 30
    app = make_app((long + "\n") * 20, scrolloff=0)
    async with app.run_test(size=(30, 10)) as pilot:
        for _ in range(6):
            await type_keys(pilot, "j")
            pos = app.view.cursor_screen_position()
            assert pos is not None, app.ed.cursor


async def test_mouse_click_places_cursor_and_wheel_scrolls():
    text = "".join(f"row {i} text\n" for i in range(100))
    app = make_app(text, scrolloff=0)
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.click("#editor", offset=(4, 3))
        assert app.ed.cursor == (3, 4)
        app.view.post_message(events.MouseScrollDown(app.view, 2, 2, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert app.ed.top_row == 3
        assert view_rows(app)[0].startswith("row 3 ")
        assert app.ed.cursor[0] >= 3
        assert "row" in app.status.plain or True
        app.view.post_message(events.MouseScrollUp(app.view, 2, 2, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert app.ed.top_row == 0


async def test_resize_tells_the_engine_the_window_size():
    app = make_app("x\n" * 50)
    async with app.run_test(size=(40, 12)) as pilot:
        assert int(app.ed.options["columns"]) == 40
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert int(app.ed.options["columns"]) == 60
        assert app.view.size.height == 18
        assert app.ed.window_height() == 18


async def test_status_line_shows_file_position_and_pending_keys(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("alpha\nbeta\ngamma\n")
    ed = Editor.open(path, options=PROSE)
    app = TinymorphApp(path, editor=ed, state=False)
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "jl")
        status = app.status.plain
        assert "notes.md" in status
        assert "2:2" in status
        assert "All" in status
        await type_keys(pilot, "d")
        assert " d " in app.status.plain
        await type_keys(pilot, "<Esc>")
        assert " d " not in app.status.plain


async def test_errors_are_shown_as_vim_shows_them_and_e37_on_quit():
    app = make_app("text\n")
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "x:q<CR>")
        assert app.is_running
        info = app.cmdline.info
        assert info.is_error and info.message.startswith("E37")
        err = chrome.resolve(app.theme_obj, "ui.message.error")
        assert any(has(span.style, err) for span in app.cmdline.build().spans)
        await type_keys(pilot, ":q!<CR>")
        await pilot.pause()
        assert not app.is_running


async def test_wq_saves_and_quits(tmp_path):
    path = tmp_path / "a.md"
    ed = Editor.open(path, options=PROSE)
    app = TinymorphApp(path, editor=ed, state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        await type_keys(pilot, "iHello<Esc>:wq<CR>")
        await pilot.pause()
    assert path.read_text().startswith("Hello")


async def test_command_line_tab_completes_command_names_and_paths(tmp_path, monkeypatch):
    (tmp_path / "chapter-one.md").write_text("x")
    (tmp_path / "chapter-two.md").write_text("y")
    monkeypatch.chdir(tmp_path)
    app = make_app("text\n")
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, ":colorsch<Tab>")
        assert app.ed.cmdline == ":colorscheme"
        await type_keys(pilot, "<C-u>e chap<Tab>")
        assert app.ed.cmdline == ":e chapter-one.md"
        await type_keys(pilot, "<Tab>")
        assert app.ed.cmdline == ":e chapter-two.md"
        await type_keys(pilot, "<S-Tab>")
        assert app.ed.cmdline == ":e chapter-one.md"
        assert ":e chapter-one.md" in app.cmdline.build().plain
        await type_keys(pilot, "<Esc>")
        assert app.ed.mode == "normal"


async def test_command_line_history_through_the_engine():
    app = make_app("text\n")
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, ":set number<CR>:<Up>")
        assert app.ed.cmdline == ":set number"
        await type_keys(pilot, "<Esc>")


async def test_help_screen_lists_keys_from_the_keymap():
    from tinymorph_tui.ui.help_screen import HelpScreen

    app = make_app("text\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_keys(pilot, "<F1>")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert "hint-accept" in text and "<Tab>" in text
        assert "cursor-screen-down" in text or "view-cursor-screen-down" in text
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)
        await type_keys(pilot, ":help<CR>")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_key_popup_lists_continuations_while_a_sequence_is_pending(monkeypatch):
    monkeypatch.setattr("tinymorph_tui.ui.app.KEY_POPUP_DELAY", 0.0)
    app = make_app("text\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_keys(pilot, "g")
        await pilot.pause(0.05)
        assert app.popup.display
        keys = [k for k, _ in app.popup.rows]
        assert "g" in keys and "j" in keys
        await type_keys(pilot, "g")
        assert not app.popup.display


async def test_colorscheme_switches_theme_live_and_chrome_follows():
    pytest.importorskip("tinymorph_tui.theme.loader")
    app = make_app("text\n")
    async with app.run_test(size=(60, 8)) as pilot:
        before = app.theme
        await type_keys(pilot, ":colorscheme light<CR>")
        assert getattr(app.theme_obj, "name", "") == "light"
        assert app.theme != before and "light" in app.theme
        cursor = chrome.resolve(app.theme_obj, "ui.cursor")
        assert has(style_at(app, 0, 0), cursor)
        await type_keys(pilot, ":colorscheme no-such-theme<CR>")
        assert app.ed.message.startswith("E185")
        assert getattr(app.theme_obj, "name", "") == "light"


async def test_steering_panel_toggles_with_f3(monkeypatch):
    pytest.importorskip("tinymorph_tui.ui.feature_panel")
    app = make_app("text\n")
    async with app.run_test(size=(100, 24)) as pilot:
        await type_keys(pilot, "<F3>")
        await pilot.pause()
        panel = app.feature_panel
        if panel is None:
            pytest.skip("the steering panel could not be built here")
        assert panel.display
        assert not app.view.has_focus
        await pilot.press("f3")
        await pilot.pause()
        assert not panel.display
        assert app.view.has_focus


async def test_edit_another_file_switches_the_view_and_highlighter(tmp_path):
    first = tmp_path / "one.md"
    second = tmp_path / "two.md"
    first.write_text("# One\n")
    second.write_text("# Two\nsecond file\n")
    ed = Editor.open(first, options=PROSE)
    app = TinymorphApp(first, editor=ed, state=False)
    async with app.run_test(size=(60, 8)) as pilot:
        for _ in range(100):
            if app.highlighter is not None:
                break
            await pilot.pause(0.02)
        await type_keys(pilot, f":e {second}<CR>")
        assert view_rows(app)[1].startswith("second file")
        assert "two.md" in app.status.plain
        if app.highlighter is not None:
            assert app._highlighted_doc is app.ed.doc


async def test_nowrap_scrolls_sideways_to_keep_the_cursor_visible():
    app = make_app("0123456789" * 10 + "\nshort\n", wrap=False)
    async with app.run_test(size=(30, 8)) as pilot:
        assert view_rows(app)[0].startswith("0123456789")
        await type_keys(pilot, "$")
        x, y = app.view.cursor_screen_position()
        assert 0 <= x < 30 and y == 0
        assert view_rows(app)[0].rstrip().endswith("789")
        await type_keys(pilot, "0")
        assert view_rows(app)[0].startswith("0123456789")


async def test_config_problems_are_shown_at_start_up():
    from tinymorph_tui.state.config import Config

    config = Config(
        warnings=["config.toml:3: unknown key ui.colour"],
        errors=["config.toml:5: hints.debounce_ms must be int"],
    )
    ed = Editor.from_text("text\n", options=PROSE)
    app = TinymorphApp(None, editor=ed, config=config, state=False)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        shown = app.cmdline.build().plain
        assert "unknown key ui.colour" in shown and "must be int" in shown
        assert app.cmdline.info.is_error
        await type_keys(pilot, "l")
        assert app.ed.cursor == (0, 1)


async def test_terminal_cursor_follows_the_drawn_cursor():
    app = make_app("abc\ndef\n")
    async with app.run_test(size=(40, 8)) as pilot:
        await type_keys(pilot, "jl")
        assert (app.cursor_position.x, app.cursor_position.y) == (1, 1)
        await type_keys(pilot, ":ab")
        assert app.cursor_position.y == app.cmdline.region.y
        assert app.cursor_position.x == 3


async def test_search_highlight_follows_edits():
    app = make_app("one fish\nred bird\n", hlsearch=True)
    async with app.run_test(size=(40, 8)) as pilot:
        hl = chrome.resolve(app.theme_obj, "ui.search")
        await type_keys(pilot, "/fish<CR>")
        assert has(style_at(app, 5, 0), hl)
        await type_keys(pilot, "jIfish <Esc>")
        assert app.ed.doc.line(1) == "fish red bird"
        assert has(style_at(app, 1, 1), hl)
        await type_keys(pilot, "ggdw")
        assert app.ed.doc.line(0) == "fish"
        assert has(style_at(app, 1, 0), hl)  # (0, 0) holds the cursor


async def test_scrolloff_keeps_rows_around_the_cursor():
    text = "".join(f"line {i}\n" for i in range(100))
    app = make_app(text, scrolloff=3)
    async with app.run_test(size=(30, 12)) as pilot:
        height = app.view.size.height  # 10 rows of text
        for _ in range(12):
            await type_keys(pilot, "j")
        _x, y = app.view.cursor_screen_position()
        assert y == height - 1 - 3
        await type_keys(pilot, "<C-u>")
        for _ in range(20):
            await type_keys(pilot, "k")
        _x, y = app.view.cursor_screen_position()
        assert y == 3 or app.ed.top_row == 0
