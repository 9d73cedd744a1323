"""The Vim regex dialect translated to Python: table tests and a differential run against
Vim's own matcher (`matchstrpos()`), which needs vim."""

from __future__ import annotations

import pytest
from test_search_vim import VIM
from vim_oracle import run_vim_script

from tinymorph_tui.core.vim_regex import (
    VimRegexError,
    compile_vim,
    match_span,
    pattern_has_uppercase,
    translate,
)

needs_vim = pytest.mark.skipif(VIM is None, reason="vim is not installed")


def first(pattern: str, text: str, ic: bool = False, scs: bool = False) -> tuple[int, int] | None:
    c = compile_vim(pattern, ic, scs)
    m = c.regex.search(text)
    return match_span(m) if m else None


# (pattern, text, expected (start, end) or None)
TABLE: list[tuple[str, str, tuple[int, int] | None]] = [
    ("foo", "a foo", (2, 5)),
    ("f.o", "a fxo", (2, 5)),
    ("f\\.o", "a fxo f.o", (6, 9)),
    ("a*", "baa", (0, 0)),
    ("ba*", "baa", (0, 3)),
    ("ba\\+", "b baa", (2, 5)),
    ("ba\\=c", "bc", (0, 2)),
    ("ba\\?c", "bac", (0, 3)),
    ("a\\{2}", "aaa", (0, 2)),
    ("a\\{2,}", "aaaa", (0, 4)),
    ("a\\{,2}", "aaaa", (0, 2)),
    ("a\\{-1,}", "aaaa", (0, 1)),
    ("a\\{-}b", "aab", (0, 3)),
    ("a\\{}", "aaa", (0, 3)),
    ("\\<is\\>", "this is", (5, 7)),
    ("\\(ab\\)\\1", "xabab", (1, 5)),
    ("\\%(ab\\)\\+", "ababx", (0, 4)),
    ("a\\|b", "xb", (1, 2)),
    ("\\v(a|b)+", "xabba", (1, 5)),
    ("\\v<\\w+>", "  word!", (2, 6)),
    ("\\Va*b", "aab a*b", (4, 7)),
    ("\\Ma*b", "aab a*b", (4, 7)),
    ("^a", "aa", (0, 1)),
    ("a^", "a^", (0, 2)),
    ("a$", "aa", (1, 2)),
    ("$a", "$a", (0, 2)),
    ("^*", "*x", (0, 1)),
    ("\\(*\\)", "a*", (1, 2)),
    ("x\\zsy", "xy", (1, 2)),
    ("x\\zey", "xy", (0, 1)),
    ("\\d\\+", "ab12", (2, 4)),
    ("\\D", "12a", (2, 3)),
    ("\\s", "a b", (1, 2)),
    ("\\S\\+", "  ab ", (2, 4)),
    ("\\x\\+", "zzbeefz", (2, 6)),
    ("\\o\\+", "98017", (2, 5)),
    ("\\h\\w*", "1 _a1", (2, 5)),
    ("\\a\\+", "12ab3", (2, 4)),
    ("\\l\\+", "ABcd", (2, 4)),
    ("\\u\\+", "abCD", (2, 4)),
    ("[abc]\\+", "xxcab", (2, 5)),
    ("[^abc]", "abcd", (3, 4)),
    ("[a-c]", "xyzb", (3, 4)),
    ("[]x]", "a]", (1, 2)),
    ("[[:digit:]]", "ab5", (2, 3)),
    ("[[:upper:][:digit:]]\\+", "abC5d", (2, 4)),
    ("[\\t]", "a\tb", (1, 2)),
    ("[abc", "x[abc", (1, 5)),
    ("\\t", "a\tb", (1, 2)),
    ("\\e", "a\x1bb", (1, 2)),
    ("a\\nb", "a\nb", (0, 3)),
    ("a\\_sb", "a\nb", (0, 3)),
    ("a\\_.b", "a\nb", (0, 3)),
    ("\\_[ab]\\+", "x\nab", (1, 4)),
    ("\\%d65", "xA", (1, 2)),
    ("\\%x41", "xA", (1, 2)),
    ("\\%u00e9", "xé", (1, 2)),
    ("fu\\%[nction]", "fun", (0, 3)),
    ("\\(foo\\)\\@<=bar", "foobar", (3, 6)),
    ("foo\\(bar\\)\\@=", "foobar foo", (0, 3)),
    ("foo\\(bar\\)\\@!", "foobar foo", (7, 10)),
    ("\\(x\\)\\@<!y", "xy y", (3, 4)),
    (".*\\&x", "ax", (1, 2)),
    ("a\\{3,1}", "aaaa", (0, 1)),
    ("\\k\\+", "  été", (2, 5)),
    ("\\i\\+", "a-b", (0, 1)),
    ("~", "x~", (1, 2)),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), TABLE)
def test_translate_table(pattern: str, text: str, expected: tuple[int, int] | None) -> None:
    if pattern == "~":
        # "~" is the previous substitute string; without one it is an error
        with pytest.raises(VimRegexError, match="E33"):
            compile_vim("~")
        c = compile_vim("~", last_sub="~")
        m = c.regex.search(text)
        assert m is not None and match_span(m) == expected
        return
    assert first(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("\\(", "E54: Unmatched \\("),
        ("\\(a\\|b", "E54: Unmatched \\("),
        ("a\\)", "E55: Unmatched \\)"),
        ("\\%(a", "E53: Unmatched \\%("),
        ("a\\{", "E554: Syntax error in \\{...}"),
        ("a\\{x}", "E554: Syntax error in \\{...}"),
        ("a**", "E871: (NFA regexp) Can't have a multi follow a multi"),
        ("\\%[", "E69: Missing ] after \\%["),
        ("\\%[]", "E70: Empty \\%[]"),
        ("\\1", "E65: Illegal back reference"),
        ("\\(a\\1\\)", "E65: Illegal back reference"),
        ("\\zx", "E68: Invalid character after \\z"),
        ("\\%q", "E71: Invalid character after \\%"),
        ("\\_", "E63: Invalid use of \\_"),
        ("\\@=", "E64: \\@ follows nothing"),
        ("\\v+", "E64: + follows nothing"),
        ("a\\@x", "E59: Invalid character after \\@"),
    ],
)
def test_translate_errors(pattern: str, error: str) -> None:
    with pytest.raises(VimRegexError) as info:
        translate(pattern)
    assert info.value.message == error


def test_case_flags_and_smartcase() -> None:
    assert first("foo", "FOO", ic=True) == (0, 3)
    assert first("foo", "FOO", ic=False) is None
    assert first("Foo", "FOO", ic=True, scs=True) is None
    assert first("foo", "FOO", ic=True, scs=True) == (0, 3)
    assert first("\\cfoo", "FOO") == (0, 3)
    assert first("foo\\c", "FOO") == (0, 3)
    assert first("\\Cfoo", "FOO", ic=True) is None
    assert first("\\CFoo\\c", "foo") == (0, 3)  # \c wins
    # \u and \l ignore 'ignorecase', as in Vim
    assert first("\\u", "aB", ic=True) == (1, 2)
    assert first("[A-Z]", "aB", ic=True) == (0, 1)


def test_pattern_has_uppercase() -> None:
    assert pattern_has_uppercase("Foo")
    assert not pattern_has_uppercase("foo")
    assert not pattern_has_uppercase("\\Sfoo")
    assert not pattern_has_uppercase("\\_Sfoo")
    assert not pattern_has_uppercase("\\%Vfoo")
    assert pattern_has_uppercase("\\sFoo")


def test_custom_iskeyword() -> None:
    c = compile_vim("\\<\\k\\+\\>", keyword_class="a-z\\-")
    m = c.regex.search("X foo-bar Y")
    assert m is not None and m.group(0) == "foo-bar"


def test_groups_are_named() -> None:
    c = compile_vim("\\(a\\)\\(b\\)")
    m = c.regex.search("ab")
    assert m is not None and m.group("g1") == "a" and m.group("g2") == "b"
    assert c.group_count == 2 and not c.multiline
    assert compile_vim("a\\nb").multiline and compile_vim("\\_s").multiline
    assert compile_vim("\\%^a").multiline


# -- differential: Vim's matchstrpos() ------------------------------------------------------

_PATTERNS = [
    "foo",
    "o\\+",
    "\\<o",
    "o\\>",
    "\\w\\+",
    "\\W",
    "\\s\\+",
    "\\S\\+",
    "\\d\\+",
    "\\a\\+",
    "\\l\\+",
    "\\u",
    "\\x\\+",
    "\\h\\+",
    "\\k\\+",
    "\\i\\+",
    "\\f\\+",
    "\\p\\+",
    "[aeiou]\\+",
    "[^aeiou ]\\+",
    "[a-f0-3]\\+",
    "[[:alpha:]]\\+",
    "[[:punct:]]",
    "[[:space:]]",
    "[[:lower:]]\\+",
    "[[:upper:]]",
    "[[:alnum:]_]\\+",
    "[[:xdigit:]]\\+",
    "\\v\\w+\\s\\w+",
    "\\v(\\w)\\1",
    "\\(\\w\\)\\1",
    "\\v<(\\w+)\\s+\\1>",
    "^\\s*\\zs\\S",
    "\\S\\ze\\s*$",
    "\\v^.{3}",
    "\\v.{2,4}$",
    "a.\\{-}o",
    "a.*o",
    "\\%(ab\\|cd\\)\\+",
    "\\Vfoo.",
    "\\Mfoo*",
    "\\v(foo|bar)+",
    "o\\{2}",
    "\\v[0-9]{2,}",
    "\\v\\d{-1,}",
    "\\(quick\\)\\@<=\\s",
    "\\s\\(brown\\)\\@=",
    "\\w\\+\\(!\\)\\@!",
    "x*",
    "^",
    "$",
    ".$",
    "^.",
    "\\.",
    "[.]",
    "[]]",
    "[-a]",
    "[a-]",
    "[\\]]",
    "[\\\\]",
    "\\\\",
    "\\/",
    "/",
    "\\*",
    "*",
    "\\~",
    "\\v\\~",
    "\\v%(x|y)",
    "\\v<",
    "\\v>",
    "\\<\\k",
    "\\%[abc]x",
    "b\\%[ar]",
    "\\cFOO",
    "\\CFoo",
    "é",
    "\\<\\u\\l\\+",
    "\\_s",
    "\\v\\s{2,}",
    "[^[:space:]]\\+",
    "\\v(a|e|i|o|u){2}",
    "[[=a=]]",
    "\\a\\{-2,}",
    "\\(a\\|\\)b",
    ".*",
    "\\v(\\a+)(\\d+)",
    "q\\%[uick]",
    "\\v^(\\s*)(\\S+)",
    "[0-9]\\{1,3}",
    "\\v[^a-z ]+",
    "\\e",
    "\\t",
    "[\\t ]\\+",
    "\\v\\(",
    "(",
    ")",
    "\\v\\)",
    "\\v\\|",
    "|",
    "\\|x",
    "a\\|",
    "[[:upper:]]\\+",
    "[^[:lower:]]\\+",
    "[[:lower:][:digit:]]\\+",
    "\\%x66",
    "\\%d102oo",
    "\\%o146",
    "\\%u0066",
    "[\\d102]",
    "[\\x66]",
    "[\\u0066]",
]
_TEXTS = [
    "the quick brown fox jumps! over foofoo",
    "  Indented LINE with CAPS and 0x1F 1234",
    "tab\there; (parens) [brackets] a*b a.b ~tilde",
    "aa ee oo ii uu: éclair Übung straße",
    "path/to/file.txt -- a/b\\c |bar|",
    "",
    "x",
]
_IC_CASES = [
    ("foo", True),
    ("FOO", True),
    ("Foo", False),
    ("\\u\\+", True),
    ("[a-c]\\+", True),
    ("[[:upper:]]\\+", True),
    ("[[:lower:]]\\+", True),
    ("[^[:upper:] ]\\+", True),
]


def _vim_first_matches(pairs: list[tuple[str, str, bool]]) -> list[object]:
    script = r"""
function s:Idx(text, byte)
  return a:byte >= strlen(a:text) ? strchars(a:text) : charidx(a:text, a:byte)
endfunction
let s:pairs = json_decode(join(readfile(g:infile), ''))
let s:out = []
for s:p in s:pairs
  let &ignorecase = s:p[2]
  try
    let s:r = matchstrpos(s:p[1], s:p[0])
    if s:r[1] < 0
      call add(s:out, v:null)
    else
      call add(s:out, [s:Idx(s:p[1], s:r[1]), s:Idx(s:p[1], s:r[2])])
    endif
  catch
    call add(s:out, matchstr(v:exception, 'E\d\+'))
  endtry
endfor
call writefile([json_encode(s:out)], g:outfile)
qa!
"""
    assert VIM is not None
    return run_vim_script(script, pairs)


def _ours(pattern: str, text: str, ic: bool) -> object:
    try:
        c = compile_vim(pattern, ic, False)
    except VimRegexError as exc:
        return exc.message.split(":")[0]
    m = c.regex.search(text)
    if m is None:
        return None
    return list(match_span(m))


@needs_vim
def test_regex_matches_vim() -> None:
    pairs = [(p, t, False) for p in _PATTERNS for t in _TEXTS]
    pairs += [(p, t, ic) for p, ic in _IC_CASES for t in ("foo FOO Foo abc ABC",)]
    expected = _vim_first_matches(pairs)
    failures = []
    for (p, t, ic), exp in zip(pairs, expected, strict=True):
        got = _ours(p, t, ic)
        if got != exp:
            failures.append(f"{p!r} on {t!r} ic={ic}: got {got} want {exp}")
    assert not failures, f"{len(pairs) - len(failures)}/{len(pairs)} pass\n" + "\n".join(
        failures[:60]
    )


def test_visual_area_atom() -> None:
    c = compile_vim("\\%Vfoo")
    assert c.visual
    assert [m.start() for m in c.regex.finditer("foo foo")] == [0, 4]  # no area: anywhere
    inside = c.for_visual((4, 8))
    assert [m.start() for m in inside.finditer("foo foo foo")] == [4, 8]
    assert c.for_visual(None).search("foo") is None
    assert [m.start() for m in c.for_visual((0, 1 << 30)).finditer("foo foo")] == [0, 4]
