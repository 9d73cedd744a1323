"""Property tests: random key sequences never raise, and undo returns to the start text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.core.editor import Editor

KEYS = [
    "h", "j", "k", "l", "w", "b", "e", "W", "B", "E", "0", "$", "^", "gg", "G", "x", "X", "dd",
    "dw", "cw", "yy", "p", "P", "J", "u", "<C-r>", ".", "i", "a", "o", "O", "A", "I", "<Esc>",
    "<BS>", "<CR>", "<C-w>", "<C-u>", "v", "V", "<C-v>", "d", "y", "c", ">", "<lt>", "~", "r",
    "f", "t", ";", ",", "%", "(", ")", "{", "}", "iw", "aw", "ip", "i(", "2", "3", "\"a", "qa",
    "q", "@a", "ma", "'a", "`a", "*", "n", "/", "?", ":", "<C-a>", "<C-x>", "gq", "gU", "R",
    "zz", "<C-d>", "<C-u>", "H", "L", "M", "s", "S", "C", "D", "Y", "gv", "o", "I", "<Del>",
    "<Up>", "<Down>", "<Left>", "<Right>", "<C-o>", "<Tab>", "foo", " ", "é", "\t", "-", "+",
]
TEXTS = ["", "hello world", "a\n\nb (c) \"d\"\n  e. f! g?", "x = {'a': [1, 2]}\n\tfoo(bar)\n", "é ü 中文 words"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEXTS), st.lists(st.sampled_from(KEYS), max_size=25))
def test_random_keys_never_raise(text: str, keys: list[str]) -> None:
    """Any key sequence leaves a consistent editor (cursor inside the text)."""
    ed = Editor.from_text(text, options={"lines": 10, "columns": 40})
    for k in keys:
        ed.feed(k)
        row, col = ed.cursor
        assert 0 <= row < ed.doc.line_count
        assert 0 <= col <= len(ed.doc.line(row))
    ed.feed("<Esc><Esc>")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEXTS), st.lists(st.sampled_from(KEYS), max_size=20))
def test_undo_restores_start(text: str, keys: list[str]) -> None:
    """Undoing everything after any key sequence gives back the original text."""
    ed = Editor.from_text(text)
    for k in keys:
        ed.feed(k)
    ed.feed("<Esc><Esc>")
    if ed.mode == "command":
        ed.feed("<Esc>")
    for _ in range(200):
        if not ed.doc.can_undo:
            break
        ed.feed("u")
    assert ed.text == text
