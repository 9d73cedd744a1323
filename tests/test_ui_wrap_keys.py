"""Soft wrap (ui/wrap.py) and Textual key -> Vim token mapping (ui/textual_keys.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.ui.textual_keys import key_to_token, token_to_textual
from tinymorph_tui.ui.wrap import display_width, layout_line


def rows_text(lay):
    return [lay.text[a:b] for a, b in lay.rows]


def test_plain_wrap_breaks_at_width():
    lay = layout_line("abcdefghij", 4)
    assert rows_text(lay) == ["abcd", "efgh", "ij"]
    assert lay.position(5) == (1, 1)


def test_linebreak_breaks_after_breakat_characters():
    lay = layout_line("The quick brown fox jumps over the lazy dog", 10, linebreak=True)
    assert rows_text(lay) == ["The quick ", "brown fox ", "jumps over ", "the lazy ", "dog"]
    # Without 'linebreak' rows are cut mid-word, as Vim does.
    plain = layout_line("The quick brown fox jumps over the lazy dog", 10)
    assert rows_text(plain)[2] == "jumps over"


def test_linebreak_long_word_falls_back_to_hard_break():
    lay = layout_line("supercalifragilistic", 8, linebreak=True)
    assert rows_text(lay) == ["supercal", "ifragili", "stic"]


def test_wide_characters_take_two_cells_and_never_split():
    lay = layout_line("漢字漢字漢字", 5)
    assert rows_text(lay) == ["漢字", "漢字", "漢字"]
    assert lay.xs[:2] == (0, 2)
    assert display_width("漢a") == 3


def test_tabs_expand_to_tabstop_from_line_start():
    lay = layout_line("a\tb\tc", 40, tabstop=4)
    assert lay.xs == (0, 1, 4, 5, 8)
    assert lay.widths[1] == 3
    assert display_width("\tx", 8) == 9


def test_nowrap_is_one_row():
    lay = layout_line("x" * 100, 10, wrap=False)
    assert lay.height == 1


def test_empty_line_has_one_row_and_cursor_at_zero():
    lay = layout_line("", 20)
    assert lay.rows == ((0, 0),)
    assert lay.position(0) == (0, 0)


def test_col_at_maps_cells_back_to_characters():
    lay = layout_line("ab漢cd", 20)
    assert lay.col_at(0, 0) == 0
    assert lay.col_at(0, 2) == 2
    assert lay.col_at(0, 3) == 2  # second cell of the wide character
    assert lay.col_at(0, 4) == 3


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab cd\t漢,.-")), max_size=80),
    width=st.integers(min_value=1, max_value=30),
    lbr=st.booleans(),
)
def test_layout_covers_every_character_once_and_fits(text, width, lbr):
    lay = layout_line(text, width, tabstop=4, linebreak=lbr)
    covered = [i for a, b in lay.rows for i in range(a, b)]
    assert covered == list(range(len(text)))
    for a, b in lay.rows:
        for i in range(a, b):
            # Every character starts inside the row; only a lone wide char or a hanging
            # space may reach past its edge.
            assert lay.xs[i] < max(width, 1) or text[i] == " "
            assert lay.row_of(i) == lay.rows.index((a, b))


@pytest.mark.parametrize(
    ("key", "char", "token"),
    [
        ("a", "a", "a"),
        ("A", "A", "A"),
        ("colon", ":", ":"),
        ("space", " ", " "),
        ("less_than_sign", "<", "<"),
        ("escape", None, "<Esc>"),
        ("enter", "\r", "<CR>"),
        ("tab", "\t", "<Tab>"),
        ("shift+tab", None, "<S-Tab>"),
        ("backspace", "\x7f", "<BS>"),
        ("delete", None, "<Del>"),
        ("ctrl+r", "\x12", "<C-r>"),
        ("ctrl+d", None, "<C-d>"),
        ("ctrl+right", None, "<C-Right>"),
        ("ctrl+right_square_bracket", None, "<C-]>"),
        ("ctrl+i", None, "<Tab>"),
        ("ctrl+j", None, "<NL>"),
        ("alt+x", None, "<M-x>"),
        ("alt+right_square_bracket", None, "<M-]>"),
        ("f1", None, "<F1>"),
        ("shift+up", None, "<S-Up>"),
        ("pagedown", None, "<PageDown>"),
        ("é", "é", "é"),
    ],
)
def test_textual_key_to_vim_token(key, char, token):
    assert key_to_token(key, char) == token


def test_unknown_modifier_is_ignored():
    assert key_to_token("hyper+x", None) is None


def test_tokens_round_trip_to_textual_names():
    for token in ("<Esc>", "<C-r>", "<CR>", "<Tab>", "<S-Tab>", "<F2>", "<C-Right>", "x", " "):
        name = token_to_textual(token)
        char = name if len(name) == 1 else (" " if name == "space" else None)
        assert key_to_token(name, char) == token
