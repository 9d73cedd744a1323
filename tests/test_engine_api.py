"""The Editor surface the UI and the shell use (docs/architecture.md, "Editor")."""

from __future__ import annotations

from pathlib import Path

from tinymorph_tui.core.editor import Editor


def test_construction_and_basic_state(tmp_path: Path) -> None:
    """from_text / open / feed / cursor / mode / registers / message."""
    ed = Editor.from_text("foo bar\nbaz", cursor=(0, 4), options={"tabstop": 4, "expandtab": False})
    ed.feed("dw")
    assert (ed.text, ed.cursor, ed.mode) == ("foo \nbaz", (0, 3), "normal")
    assert ed.registers['"'] == "bar" and ed.registers["-"] == "bar"
    p = tmp_path / "n.md"
    p.write_text("hello\nworld\n")
    ed2 = Editor.open(p)
    # The file's final newline ends its last line (Vim's 'eol'), it is not an empty line.
    assert ed2.text == "hello\nworld" and ed2.cursor == (0, 0) and ed2.doc.eol
    ed2.feed("/nothere<CR>")
    assert ed2.message == "E486: Pattern not found: nothere" and ed2.message_is_error


def test_cursor_setter_clamps() -> None:
    """Setting the cursor keeps it on a character in normal mode."""
    ed = Editor.from_text("abc\nde")
    ed.cursor = (5, 10)
    assert ed.cursor == (1, 1)


def test_pending_keys_and_continuations() -> None:
    """An unfinished command is visible, with what may follow it (which-key)."""
    ed = Editor.from_text("abc")
    ed.feed('2"ad')
    assert ed.pending_keys == '2"ad'
    conts = dict((k, c) for k, c, _doc in ed.pending_continuations())
    assert conts["iw"] == "textobj-inner-word"
    assert conts["w"] == "word-forward"
    ed.feed("<Esc>")
    assert ed.pending_keys == ""
    ed.feed("g")
    conts = {k: c for k, c, _d in ed.pending_continuations()}
    assert conts["g"] == "goto-first-line" and conts["U"] == "operator-uppercase"
    assert all(doc for _k, _c, doc in ed.pending_continuations())


def test_visual_range_and_cmdline() -> None:
    """visual_range() for the three visual modes; cmdline text and cursor."""
    ed = Editor.from_text("hello world\nsecond line", cursor=(0, 2))
    ed.feed("vl")
    assert ed.visual_range() == ("char", (0, 2), (0, 3))
    ed.feed("Vj")
    assert ed.visual_range() == ("line", (0, 0), (1, 10))
    ed.feed("<Esc>")
    assert ed.visual_range() is None
    ed.feed(":abc<Left><Left>X")
    assert ed.mode == "command" and ed.cmdline == ":aXbc" and ed.cmdline_cursor == 3
    ed.feed("<C-u>")
    assert ed.cmdline == ":bc"
    ed.feed("<Esc>")
    assert (ed.mode, ed.cmdline) == ("normal", "")


def test_incsearch_hook_and_matches() -> None:
    """While typing a search, the match is exposed; after it, search_matches() lists spans."""
    ed = Editor.from_text("one two one", options={"incsearch": True, "hlsearch": True})
    ed.feed("/on")
    assert ed.cmdline_state.incsearch == (0, 8, 10)
    assert ed.cursor == (0, 0)
    ed.feed("e<CR>")
    assert ed.cursor == (0, 8) and ed.last_search == "one"
    assert ed.search_matches(0, 1) == [(0, 0, 3), (0, 8, 11)]


def test_window_and_scrolling() -> None:
    """set_window() sets 'lines'/'columns'; top_row follows the cursor like Vim."""
    ed = Editor.from_text("\n".join(str(i) for i in range(100)))
    ed.set_window(12, 40)
    assert ed.window_height() == 11
    ed.feed("20j")
    assert ed.top_row == 15  # far below the window: Vim centres the cursor line
    ed.feed("zt")
    assert ed.top_row == 20
    ed.feed("<C-e>")
    assert ed.top_row == 21 and ed.cursor[0] == 21


def test_listeners_and_messages() -> None:
    """add_listener() hears cursor/mode/text changes; set_error / set_message."""
    ed = Editor.from_text("abc")
    seen: list[tuple[str, tuple[int, int]]] = []
    ed.add_listener(lambda e: seen.append((e.mode, e.cursor)))
    ed.feed("l")
    ed.feed("i")
    assert seen == [("normal", (0, 1)), ("insert", (0, 1))]
    ed.set_error("E1: bad")
    assert ed.message_is_error
    ed.set_message("fine")
    assert not ed.message_is_error and ed.message == "fine"


def test_marks_api_and_quit() -> None:
    """get_mark / set_mark, and :q sets quit_requested."""
    ed = Editor.from_text("a\nb\nc")
    assert ed.set_mark("x", (2, 0))
    ed.feed("'x")
    assert ed.cursor == (2, 0) and ed.get_mark("x") == (2, 0)
    ed.feed(":q<CR>")
    assert ed.quit_requested


def test_ex_register_from_shell() -> None:
    """The shell adds ex commands through ed.ex.register."""
    ed = Editor.from_text("abc")
    calls: list[tuple[str, bool]] = []

    def hello(ed: Editor, args: str, bang: bool) -> None:
        """Say hello."""
        calls.append((args, bang))

    ed.ex.register("hello", hello, "Say hello.")
    ed.feed(":hello! there<CR>")
    assert calls == [("there", True)]


def test_backspace_default_is_vims() -> None:
    """Without an explicit 'backspace' the engine uses Vim's compiled default (empty)."""
    ed = Editor.from_text("abc", cursor=(0, 2))
    ed.feed("i<BS><Esc>")
    assert ed.text == "abc"
    ed = Editor.from_text("abc", cursor=(0, 2), options={"backspace": "indent,eol,start"})
    ed.feed("i<BS><Esc>")
    assert ed.text == "ac"
