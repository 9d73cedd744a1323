"""search.py without vim: find() with wrapscan and its messages, offsets, n/N, hlsearch
spans, parse_search/parse_offset, and the Editor's `/` `?` `n` `*` keys."""

from __future__ import annotations

import pytest
from test_search_vim import FakeEd

from tinymorph_tui.core.document import Document
from tinymorph_tui.core.editor import Editor
from tinymorph_tui.core.search import (
    BOT_TOP_MSG,
    TOP_BOT_MSG,
    Searcher,
    compile_for,
    find,
    highlight_matches,
    matches_in_rows,
    parse_offset,
    parse_search,
    search,
    search_command,
    search_next,
    search_state,
    translate,
)
from tinymorph_tui.core.vim_regex import compile_vim

DOC = Document("alpha beta\ngamma alpha\n\ndelta alpha beta")


@pytest.mark.parametrize(
    ("pattern", "start", "forward", "wrapscan", "count", "expected"),
    [
        ("alpha", (0, 0), True, True, 1, ((1, 6), False)),
        ("alpha", (0, 0), True, True, 2, ((3, 6), False)),
        ("alpha", (0, 0), True, True, 3, ((0, 0), True)),
        ("alpha", (3, 6), True, True, 1, ((0, 0), True)),
        ("alpha", (0, 0), False, True, 1, ((3, 6), True)),
        ("alpha", (3, 6), False, True, 1, ((1, 6), False)),
        ("beta", (3, 12), True, True, 1, ((0, 6), True)),
        ("^", (0, 3), True, True, 1, ((1, 0), False)),
        ("$", (0, 9), True, True, 1, ((1, 11), False)),
        ("^$", (0, 0), True, True, 1, ((2, 0), False)),
        ("a\\nd", (0, 0), True, True, 1, None),
        ("\\n\\n", (0, 0), True, True, 1, ((1, 11), False)),
        ("a\\_s\\+g", (0, 0), True, True, 1, ((0, 9), False)),
    ],
)
def test_find(
    pattern: str,
    start: tuple[int, int],
    forward: bool,
    wrapscan: bool,
    count: int,
    expected: tuple[tuple[int, int], bool] | None,
) -> None:
    res = find(
        DOC,
        compile_vim(pattern),
        start,
        forward=forward,
        wrapscan=wrapscan,
        count=count,
        pattern_text=pattern,
    )
    if expected is None:
        assert not res.found and res.message == f"E486: Pattern not found: {pattern}"
        return
    assert res.found and (res.start, res.wrapped) == expected


def test_find_without_wrapscan_gives_e384_e385() -> None:
    rx = compile_vim("gamma")
    res = find(DOC, rx, (2, 0), forward=True, wrapscan=False, pattern_text="gamma")
    assert res.message == "E385: Search hit BOTTOM without match for: gamma"
    res = find(DOC, rx, (0, 0), forward=False, wrapscan=False, pattern_text="gamma")
    assert res.message == "E384: Search hit TOP without match for: gamma"


def test_find_accept_at_cursor_and_match_end() -> None:
    rx = compile_vim("alpha")
    res = find(DOC, rx, (1, 6), forward=True, wrapscan=True, accept_at_cursor=True)
    assert res.start == (1, 6) and res.end == (1, 11)
    res = find(DOC, rx, (1, 10), forward=True, wrapscan=True, match_end=True)
    assert res.start == (3, 6)


def test_find_takes_a_plain_python_pattern() -> None:
    res = find(DOC, translate("gam\\+a"), (0, 0), forward=True, wrapscan=True)
    assert res.start == (1, 0)


def test_search_on_a_large_document_is_line_based() -> None:
    lines = [f"filler text line number {i}" for i in range(20000)] + ["needle here"]
    doc = Document("\n".join(lines))
    res = find(doc, compile_vim("needle"), (0, 0), forward=True, wrapscan=True)
    assert res.start == (20000, 0)
    res = find(doc, compile_vim("needle"), (0, 0), forward=False, wrapscan=True)
    assert res.start == (20000, 0) and res.wrapped


@pytest.mark.parametrize(
    ("text", "sep", "expected"),
    [
        ("foo", "/", ("foo", "")),
        ("foo/e", "/", ("foo", "e")),
        ("a\\/b/e+1", "/", ("a\\/b", "e+1")),
        ("[/]x/s", "/", ("[/]x", "s")),
        ("foo?b", "?", ("foo", "b")),
        ("foo/;/bar/", "/", ("foo", ";/bar/")),
        ("[abc", "/", ("[abc", "")),
    ],
)
def test_parse_search(text: str, sep: str, expected: tuple[str, str]) -> None:
    assert parse_search(text, sep) == expected


@pytest.mark.parametrize(
    ("text", "line", "end", "off", "rest"),
    [
        ("", False, False, 0, ""),
        ("e", False, True, 0, ""),
        ("e+2", False, True, 2, ""),
        ("e-", False, True, -1, ""),
        ("s+1", False, False, 1, ""),
        ("b-3", False, False, -3, ""),
        ("+3", True, False, 3, ""),
        ("-", True, False, -1, ""),
        ("2", True, False, 2, ""),
        ("e;/x/", False, True, 0, ";/x/"),
    ],
)
def test_parse_offset(text: str, line: bool, end: bool, off: int, rest: str) -> None:
    o, r = parse_offset(text)
    assert (o.line, o.end, o.off, r) == (line, end, off, rest)


def _ed(text: str, cursor: tuple[int, int] = (0, 0), **opts: object) -> FakeEd:
    return FakeEd(text.split("\n"), cursor, dict(opts))


def test_search_sets_state_register_and_messages() -> None:
    ed = _ed("one two\ntwo one")
    m = search_command(ed, "two")
    assert m is not None and m.position == (0, 4) and not m.linewise and not m.inclusive
    assert ed.last_search == "two" and ed.registers["/"] == "two"
    assert ed.message == "/two"
    ed.cursor = m.position
    m = search_next(ed)
    assert m is not None and m.position == (1, 0)
    ed.cursor = m.position
    m = search_next(ed)
    assert m is not None and m.position == (0, 4) and m.wrapped and ed.message == BOT_TOP_MSG
    ed.cursor = m.position
    m = search_next(ed, reverse=True)
    assert m is not None and m.position == (1, 0) and ed.message == TOP_BOT_MSG


def test_search_offsets_give_motion_kinds() -> None:
    ed = _ed("one two\nthree\nfour")
    m = search_command(ed, "two/e")
    assert m is not None and m.position == (0, 6) and m.inclusive
    m = search_command(ed, "two/+1")
    assert m is not None and m.position == (1, 0) and m.linewise
    m = search_command(ed, "thr/;/ou")
    assert m is not None and m.position == (2, 1)


def test_search_errors() -> None:
    ed = _ed("abc")
    assert search_next(ed) is None and ed.message == "E35: No previous regular expression"
    assert search_command(ed, "") is None and ed.message.startswith("E35")
    assert search_command(ed, "\\(") is None and ed.message == "E54: Unmatched \\("
    assert search_command(ed, "zz") is None and ed.message == "E486: Pattern not found: zz"
    assert ed.message_is_error
    ed2 = _ed("abc\nabc", wrapscan=False)
    ed2.cursor = (1, 0)
    assert search_command(ed2, "abc") is None
    assert ed2.message == "E385: Search hit BOTTOM without match for: abc"


def test_smartcase_applies_to_typed_patterns_only() -> None:
    ed = _ed("Foo foo", ignorecase=True, smartcase=True)
    m = search_command(ed, "foo")
    assert m is not None and m.position == (0, 4)
    m = search_command(ed, "Foo")
    assert m is not None and m.position == (0, 0) and m.wrapped
    assert compile_for(ed, "Foo", use_smartcase=False).ignorecase


def test_highlight_matches_and_noh() -> None:
    ed = _ed("ab ab\nxx\nab", hlsearch=True)
    assert highlight_matches(ed, 0, 3) == []
    search_command(ed, "ab")
    assert highlight_matches(ed, 0, 3) == [(0, 0, 2), (0, 3, 5), (2, 0, 2)]
    assert highlight_matches(ed, 1, 2) == []
    search_state(ed).no_highlight = True
    assert highlight_matches(ed, 0, 3) == []
    ed.options["hlsearch"] = False
    search_command(ed, "x")
    assert highlight_matches(ed, 0, 3) == []


def test_matches_in_rows_multiline_and_empty() -> None:
    doc = Document("ab\ncd\n\nef")
    spans = matches_in_rows(doc, compile_vim("b\\nc"), 0, 4)
    assert spans == [(0, 1, 3), (1, 0, 1)]
    assert matches_in_rows(doc, compile_vim("^$"), 0, 4) == [(2, 0, 1)]
    assert matches_in_rows(doc, compile_vim("x*"), 3, 4) == [(3, 0, 1), (3, 1, 2), (3, 2, 3)]


def test_searcher_object_on_editor() -> None:
    ed = Editor.from_text("foo bar foo\nbar", options={"hlsearch": True})
    s = ed.searcher()
    assert isinstance(s, Searcher)
    m = s.command("bar")
    assert m is not None and m.position == (0, 4)
    assert s.matches(0, 2) == [(0, 4, 7), (1, 0, 3)]
    s.nohlsearch()
    assert s.matches(0, 2) == []
    m = s.word("foo", forward=True, whole=True, start=(0, 0))
    assert m is not None and m.position == (0, 8) and ed.last_search == "\\<foo\\>"


@pytest.mark.parametrize(
    ("text", "cursor", "keys", "expected"),
    [
        ("one two one", (0, 0), "/one<CR>", (0, 8)),
        ("one two one", (0, 0), "/one<CR>n", (0, 0)),
        ("one two one", (0, 0), "?two<CR>", (0, 4)),
        ("one two one", (0, 0), "*", (0, 8)),
        ("one two one", (0, 8), "#", (0, 0)),
        ("a\nb\nc", (0, 0), "/c/-1<CR>", (1, 0)),
        ("one two one", (0, 0), "d/two<CR>", (0, 0)),
    ],
)
def test_editor_search_keys(
    text: str, cursor: tuple[int, int], keys: str, expected: tuple[int, int]
) -> None:
    ed = Editor.from_text(text, cursor=cursor)
    ed.feed(keys)
    assert ed.cursor == expected


def test_search_with_explicit_start_and_no_memory() -> None:
    ed = _ed("x y x")
    m = search(ed, "x", forward=True, start=(0, 4), remember=False)
    assert m is not None and m.position == (0, 0)
    assert ed.last_search is None


def test_star_search_ignores_smartcase_also_for_n_and_hlsearch() -> None:
    ed = Editor.from_text(
        "Foo foo FOO Foo", options={"ignorecase": True, "smartcase": True, "hlsearch": True}
    )
    ed.feed("*")
    assert ed.cursor == (0, 4)
    assert len(ed.search_matches(0, 1)) == 4
    ed.feed("n")
    assert ed.cursor == (0, 8)
    ed.feed("/Foo<CR>")
    assert ed.cursor == (0, 12)
    ed.feed("n")
    assert ed.cursor == (0, 0)
    assert ed.search_matches(0, 1) == [(0, 0, 3), (0, 12, 15)]


@pytest.mark.parametrize(
    ("cursor", "forward", "expected"),
    [
        ((0, 0), True, ((0, 4), (0, 7))),
        ((0, 5), True, ((0, 4), (0, 7))),
        ((0, 7), True, ((0, 12), (0, 15))),
        ((0, 13), False, ((0, 12), (0, 15))),
        ((0, 11), False, ((0, 4), (0, 7))),
        ((0, 2), False, ((0, 12), (0, 15))),
    ],
)
def test_gn_match(
    cursor: tuple[int, int], forward: bool, expected: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    ed = Editor.from_text("one the x y the z", cursor=cursor)
    ed.searcher().command("the")
    ed.cursor = cursor
    assert ed.searcher().gn(forward=forward) == expected
