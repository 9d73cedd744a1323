"""Soft wrap (ui/wrap.py) and Textual key -> Vim token mapping (ui/textual_keys.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.ui.textual_keys import key_to_token, token_to_textual
from tinymorph_tui.ui.wrap import (
    BREAKAT,
    LongLineLayout,
    _layout_simple,
    _layout_slow,
    display_width,
    is_simple_text,
    layout_line,
)


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


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab  c.-/?é“”—")), max_size=120),
    width=st.integers(min_value=1, max_value=25),
    wrap=st.booleans(),
    lbr=st.booleans(),
)
def test_simple_text_fast_path_matches_the_per_character_loop(text, width, wrap, lbr):
    assert is_simple_text(text)
    fast = _layout_simple(text, width, wrap, lbr, BREAKAT)
    slow = _layout_slow(text, width, 8, wrap, lbr, BREAKAT)
    assert fast == slow


def test_simple_text_excludes_tabs_controls_and_wide_characters():
    assert is_simple_text("Plain prose, “quoted” — café…")
    for odd in ("a\tb", "a\x01b", "漢", "e\u0301", "\x7f"):
        assert not is_simple_text(odd)


def _counting_fetch(text):
    fetched = []

    def fetch(a, b):
        fetched.append((a, b))
        return text[a:b]

    return fetch, fetched


def test_long_line_layout_rows_are_arithmetic_and_read_lazily():
    text = "word " * 200_000  # 1 MB, one line
    fetch, fetched = _counting_fetch(text)
    lay = LongLineLayout(fetch, len(text), 80)
    fetched.clear()  # the constructor samples the start for wide characters
    assert lay.height == len(text) // 80
    col = 654_321
    row, x = lay.position(col)
    assert (row, x) == (col // 80, col % 80)
    assert lay.row_span(row) == (row * 80, row * 80 + 80)
    assert lay.col_at(row, x) == col
    text_part, xs, widths = lay.cells(*lay.row_span(row))
    assert text_part == text[row * 80 : row * 80 + 80] and list(xs) == list(range(80))
    assert sum(b - a for a, b in fetched) <= 80  # one row read, never the line
    assert lay.position(len(text)) == (lay.height - 1, 79)  # just past the end


def test_long_line_layout_halves_rows_for_wide_characters_and_keeps_them_on_screen():
    text = "漢字" * 60_000
    fetch, _ = _counting_fetch(text)
    lay = LongLineLayout(fetch, len(text), 80)
    assert lay.per_row == 40
    _t, xs, widths = lay.cells(*lay.row_span(5))
    assert xs[-1] + widths[-1] <= 80
    assert lay.position(5 * 40 + 3) == (5, 6)


def test_long_line_layout_without_wrap_reads_only_the_window():
    text = "x" * 500_000
    fetch, fetched = _counting_fetch(text)
    lay = LongLineLayout(fetch, len(text), 80, wrap=False)
    fetched.clear()
    assert lay.height == 1
    assert lay.position(400_000) == (0, 400_000)
    a, b = lay.visible(0, 399_960, 400_040)
    assert (a, b) == (399_960, 400_040)
    part, xs, _w = lay.cells(a, b)
    assert part == "x" * 80 and xs[0] == 399_960
    assert sum(b - a for a, b in fetched) == 80


def test_line_layout_visible_keeps_a_wide_character_straddling_the_left_edge():
    lay = layout_line("ab漢cdef", 20, wrap=False)
    assert lay.visible(0, 3, 6) == (2, 5)  # 漢 covers cells 2-3
    assert lay.visible(0, 0, 2) == (0, 2)
    assert lay.end_x(0) == 8


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


# -- the editor view on lines taller than the window -----------------------------------------


def _app(text: str, **options):
    from tinymorph_tui.core.editor import Editor
    from tinymorph_tui.ui.app import TinymorphApp

    ed = Editor.from_text(text, options={"wrap": True, "linebreak": True, **options})
    return TinymorphApp(None, editor=ed, state=False)


@pytest.mark.parametrize("size", [20_000, 300_000])  # exact layout / LongLineLayout
async def test_cursor_stays_on_screen_in_a_line_many_windows_tall(size):
    text = "word " * (size // 5) + "\nnext line\n"
    app = _app(text)
    async with app.run_test(size=(60, 12)) as pilot:
        for keys in ("$", "0", "5000l", "gj", "gk", "$"):
            app.feed(keys)
            await pilot.pause()
            pos = app.view.cursor_screen_position()
            assert pos is not None, keys
            x, y = pos
            d = app.view.display_rows[y]
            assert d.row == 0 and 0 <= x < 60
            # The character drawn under the cursor is the one the engine points at.
            row_text = app.view.render_line(y).text
            assert row_text[x] == text[app.ed.cursor[1]]
        app.feed("j")
        await pilot.pause()
        assert app.view.render_line(app.view.cursor_screen_position()[1]).text.startswith(
            "next line"
        )


async def test_huge_line_without_wrap_draws_the_window_around_the_cursor():
    text = "".join(f"{i:07d} " for i in range(40_000))  # 320 000 characters, one line
    app = _app(text, wrap=False)
    async with app.run_test(size=(60, 8)) as pilot:
        app.feed("/0031337<CR>")
        await pilot.pause()
        col = text.index("0031337")
        assert app.ed.cursor == (0, col)
        x, y = app.view.cursor_screen_position()
        assert app.view.render_line(y).text[x : x + 7] == "0031337"
        app.feed("iab<Esc>")
        await pilot.pause()
        x, y = app.view.cursor_screen_position()
        assert app.view.render_line(y).text[x - 1 : x + 8] == "ab0031337"


@pytest.mark.parametrize("wrap", [True, False])
async def test_hlsearch_on_a_huge_line_marks_the_matches_on_screen(wrap):
    import re

    text = "".join(f"{i:07d} " for i in range(40_000))  # 320 000 characters, one line
    app = _app(text, wrap=wrap, hlsearch=True)
    async with app.run_test(size=(60, 8)) as pilot:
        # The line holds 20 000 matches; only those around the window are looked for.
        def whole_line(*_args):
            raise AssertionError("the view searched the whole huge line")

        app.ed.search_matches = whole_line
        app.feed("200000|/00\\d\\d\\d\\d[13579]<CR>")
        await pilot.pause()
        assert app.ed.cursor == (0, text.index("0025001"))
        view = app.view
        mark = view._style("ui.search")
        marked: list[str] = []
        for y in range(view.size.height):
            for seg in view.render_line(y):
                style = seg.style
                if style is not None and (style + mark) == style and seg.text.strip():
                    marked.append(seg.text)
        words = " ".join(marked).split()
        assert len(words) >= 3  # every match on screen, not only the cursor's
        assert all(re.fullmatch(r"00\d\d\d\d[13579]", w) for w in words if len(w) == 7)




@pytest.mark.parametrize("length", [100, 200_000])  # exact layout / LongLineLayout
async def test_nowrap_append_at_the_end_of_a_long_line_scrolls_to_the_cursor(length):
    text = ("abcdefghij" * (length // 10))[:-1] + "Z"
    app = _app(text + "\n", wrap=False)
    async with app.run_test(size=(40, 6)) as pilot:
        app.feed("A")
        await pilot.pause()
        assert app.ed.cursor == (0, length)
        x, y = app.view.cursor_screen_position()
        row = app.view.render_line(y).text
        assert 0 < x < 40 and row[x - 1] == "Z" and row[x] == " "
        assert app.view.layout(0).position(length) == (0, length)  # not clamped to the window
