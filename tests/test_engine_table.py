"""Table tests of the Vim engine: ("start with | as cursor", keys, "expected", mode).

Every expected value was produced by real Vim 9 (tests/vim_oracle.py) with the corpus options
(tabstop=2 expandtab ignorecase smartcase autoindent joinspaces textwidth=80, 120x40 window).
"""

from __future__ import annotations

import pytest

from tinymorph_tui.core.editor import Editor

OPTIONS = {
    "tabstop": 2,
    "expandtab": True,
    "ignorecase": True,
    "smartcase": True,
    "autoindent": True,
    "joinspaces": True,
    "textwidth": 80,
    "lines": 40,
    "columns": 120,
}


def parse(s: str) -> tuple[str, tuple[int, int]]:
    """Split "he|llo" into the text and the (row, col) of the "|"."""
    lines = s.split("\n")
    for r, line in enumerate(lines):
        if "|" in line:
            c = line.index("|")
            lines[r] = line[:c] + line[c + 1 :]
            return "\n".join(lines), (r, c)
    raise ValueError(f"no cursor in {s!r}")


def render(text: str, cursor: tuple[int, int]) -> str:
    """Put a "|" at the cursor."""
    lines = text.split("\n")
    r, c = cursor
    lines[r] = lines[r][:c] + "|" + lines[r][c:]
    return "\n".join(lines)


def run(start: str, keys: str) -> Editor:
    """An editor on `start` after typing `keys`."""
    text, cursor = parse(start)
    ed = Editor.from_text(text, cursor=cursor, options=dict(OPTIONS))
    ed.feed(keys)
    return ed


MOTIONS = [
    ('he|llo world', 'h', 'h|ello world', 'normal'),
    ('he|llo world', 'l', 'hel|lo world', 'normal'),
    ('he|llo world', '3l', 'hello| world', 'normal'),
    ('hello worl|d', 'l', 'hello worl|d', 'normal'),
    ('a|bc\ndef\nghi', 'j', 'abc\nd|ef\nghi', 'normal'),
    ('abcdef\nx\nabc|def', 'kk', 'abc|def\nx\nabcdef', 'normal'),
    ('abc\nde|f', 'k', 'ab|c\ndef', 'normal'),
    ('abc|def\nx', '$j', 'abcdef\n|x', 'normal'),
    ('one two thr|ee', '0', '|one two three', 'normal'),
    ('   on|e', '^', '   |one', 'normal'),
    ('o|ne two', '$', 'one tw|o', 'normal'),
    ('one  two  |', 'g_', 'one  tw|o  ', 'normal'),
    ('o|ne two three', 'w', 'one |two three', 'normal'),
    ('o|ne two three', '2w', 'one two |three', 'normal'),
    ('one two th|ree', 'b', 'one two |three', 'normal'),
    ('one two th|ree', '3b', '|one two three', 'normal'),
    ('o|ne two', 'e', 'on|e two', 'normal'),
    ('one tw|o three', 'ge', 'on|e two three', 'normal'),
    ('a.b c|d', 'B', 'a.b |cd', 'normal'),
    ('a|.b cd', 'W', 'a.b |cd', 'normal'),
    ('a|.b cd ef', 'E', 'a.|b cd ef', 'normal'),
    ('ab cd.e|f', 'gE', 'a|b cd.ef', 'normal'),
    ('foo(bar|)', '%', 'foo|(bar)', 'normal'),
    ('f|oo(bar)', '%', 'foo(bar|)', 'normal'),
    ('if (a[i] == b) {|', '%', 'if (a[i] == b) |{', 'normal'),
    ('(a (b) |c)', '[(', '|(a (b) c)', 'normal'),
    ('{ a { b } |c }', '[{', '|{ a { b } c }', 'normal'),
    ('(a |(b) c)', '])', '(a (b|) c)', 'normal'),
    ('hello wor|ld', 'Fo', 'hello w|orld', 'normal'),
    ('h|ello world', 'fo', 'hell|o world', 'normal'),
    ('h|ello world', 'to', 'hel|lo world', 'normal'),
    ('hello wor|ld', 'To', 'hello wo|rld', 'normal'),
    ('h|ello world', 'fo;', 'hello w|orld', 'normal'),
    ('hello world|', 'Fo;,', 'hello w|orld', 'normal'),
    ('h|a.b.c.d', '2f.', 'ha.b|.c.d', 'normal'),
    ('h|a.b.c.d', 't.;', 'ha.|b.c.d', 'normal'),
    ('a\nb\nc\nd|', 'gg', '|a\nb\nc\nd', 'normal'),
    ('a|\nb\nc\nd', 'G', 'a\nb\nc\n|d', 'normal'),
    ('a|\nb\nc\nd', '3G', 'a\nb\n|c\nd', 'normal'),
    ('a|\nb\nc\nd', '2gg', 'a\n|b\nc\nd', 'normal'),
    ('a|\nb\nc\nd', '50%', 'a\n|b\nc\nd', 'normal'),
    ('one\n\ntwo| three\nfour\n\nfive', '}', 'one\n\ntwo three\nfour\n|\nfive', 'normal'),
    ('one\n\ntwo three\nfour\n\nfi|ve', '{', 'one\n\ntwo three\nfour\n|\nfive', 'normal'),
    ('one\n\ntwo| three\nfour\n\nfive', '2}', 'one\n\ntwo three\nfour\n\nfiv|e', 'normal'),
    ('First one.  Second| two.  Third.', ')', 'First one.  Second two.  |Third.', 'normal'),
    ('First one.  Second two.  Th|ird.', '(', 'First one.  Second two.  |Third.', 'normal'),
    ('First| one. Second.\n\nNext para.', '2)', 'First one. Second.\n|\nNext para.', 'normal'),
    ('  a\n  b|\n  c', '-', '  |a\n  b\n  c', 'normal'),
    ('  a|\n  b\n  c', '+', '  a\n  |b\n  c', 'normal'),
    ('  a|\n  b\n  c', '<CR>', '  a\n  |b\n  c', 'normal'),
    ('  a|\n  b\n  c', '2_', '  a\n  |b\n  c', 'normal'),
    ('abc|def', '<Bar>', '|abcdef', 'normal'),
    ('abc|def', '2<Bar>', 'a|bcdef', 'normal'),
    ('ab|c', '<Space>', 'ab|c', 'normal'),
    ('abc\nd|ef', '<BS><BS>', 'ab|c\ndef', 'normal'),
    ('a\nb\nc\nd\ne|', 'H', '|a\nb\nc\nd\ne', 'normal'),
    ('a|\nb\nc\nd\ne', 'L', 'a\nb\nc\nd\n|e', 'normal'),
    ('a|\nb\nc\nd\ne', 'M', 'a\nb\n|c\nd\ne', 'normal'),
    ('a|\nb\nc\nd\ne', '2H', 'a\n|b\nc\nd\ne', 'normal'),
    ('a|\nb\nc\nd\ne', '2L', 'a\nb\nc\n|d\ne', 'normal'),
    ('foo bar f|oo baz foo', '*', 'foo bar foo baz |foo', 'normal'),
    ('foo bar f|oo baz foo', '#', '|foo bar foo baz foo', 'normal'),
    ('foo bar f|oo baz foo', '*n', '|foo bar foo baz foo', 'normal'),
    ('foo bar f|oo baz foo', '*N', 'foo bar |foo baz foo', 'normal'),
    ('foo| foobar foo', 'g*', 'foo |foobar foo', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), MOTIONS)
def test_motions(start: str, keys: str, expected: str, mode: str) -> None:
    """Motions behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


OPERATORS = [
    ('foo |bar baz', 'dw', 'foo |baz', 'normal'),
    ('foo |bar baz', 'd2w', 'foo| ', 'normal'),
    ('foo |bar baz qux end', '2dw', 'foo |qux end', 'normal'),
    ('a |b c d e f g h', '2d3w', 'a |h', 'normal'),
    ('foo bar| baz', 'db', 'foo | baz', 'normal'),
    ('foo |bar\nbaz', 'dw', 'foo| \nbaz', 'normal'),
    ('foo |bar\n  baz', 'd2w', 'foo| ', 'normal'),
    ('foo |bar baz', 'de', 'foo | baz', 'normal'),
    ('foo |bar baz', 'd$', 'foo| ', 'normal'),
    ('foo |bar baz', 'D', 'foo| ', 'normal'),
    ('foo |bar baz', 'd0', '|bar baz', 'normal'),
    ('   foo |bar', 'd^', '   |bar', 'normal'),
    ('a\nb|\nc\nd', 'dd', 'a\n|c\nd', 'normal'),
    ('a\nb|\nc\nd', '2dd', 'a\n|d', 'normal'),
    ('a\nb\nc\nd|', '2dd', 'a\nb\nc\n|d', 'normal'),
    ('a\nb|\nc\nd', 'dj', 'a\n|d', 'normal'),
    ('a\nb|\nc\nd', 'dk', '|c\nd', 'normal'),
    ('a\nb|\nc\nd', 'dG', '|a', 'normal'),
    ('a\nb|\nc\nd', 'dgg', '|c\nd', 'normal'),
    ('foo |bar baz', 'cwxx<Esc>', 'foo x|x baz', 'normal'),
    ('foo |bar baz', 'cexx<Esc>', 'foo x|x baz', 'normal'),
    ('foo |  bar', 'cwx<Esc>', 'foo |xbar', 'normal'),
    ('foo bar |baz', 'ccnew<Esc>', 'ne|w', 'normal'),
    ('  foo bar |baz', 'ccnew<Esc>', '  ne|w', 'normal'),
    ('foo |bar baz', 'Cx<Esc>', 'foo |x', 'normal'),
    ('foo |bar baz', 'yw', 'foo |bar baz', 'normal'),
    ('foo |bar baz', 'ywP', 'foo bar| bar baz', 'normal'),
    ('foo |bar baz', 'yyp', 'foo bar baz\n|foo bar baz', 'normal'),
    ('a\nb|\nc', 'yjP', 'a\n|b\nc\nb\nc', 'normal'),
    ('a\nb|\nc', 'ykp', 'a\n|a\nb\nb\nc', 'normal'),
    ('foo |bar baz', 'Yp', 'foo bar baz\n|foo bar baz', 'normal'),
    ('foo |bar', '>>', '        |foo bar', 'normal'),
    ('  foo |bar', '<lt><lt>', '|foo bar', 'normal'),
    ('a|\nb\nc', '3>>', '        |a\n        b\n        c', 'normal'),
    ('a|\nb\nc', '>j', '        |a\n        b\nc', 'normal'),
    ('    a|', '<lt><lt>', '|a', 'normal'),
    ('\ta|', '>>', '          |a', 'normal'),
    ('hello |world', 'g~w', 'hello |WORLD', 'normal'),
    ('hello |world', 'gUw', 'hello |WORLD', 'normal'),
    ('HELLO |WORLD', 'guw', 'HELLO |world', 'normal'),
    ('hello |world', 'g?w', 'hello |jbeyq', 'normal'),
    ('hello |world', 'g~~', '|HELLO WORLD', 'normal'),
    ('hello |world', 'gUU', '|HELLO WORLD', 'normal'),
    ('Hello |World', 'guu', '|hello world', 'normal'),
    ('hello |world', 'g??', '|uryyb jbeyq', 'normal'),
    ('hel|lo', '~', 'helL|o', 'normal'),
    ('hel|lo', '3~', 'helL|O', 'normal'),
    ('hel|lo', '10~', 'helL|O', 'normal'),
    ('hel|lo', 'x', 'hel|o', 'normal'),
    ('hel|lo', '3x', 'he|l', 'normal'),
    ('hel|lo', '9x', 'he|l', 'normal'),
    ('hel|lo', 'X', 'he|lo', 'normal'),
    ('hel|lo', '2X', 'h|lo', 'normal'),
    ('hel|lo', 'rx', 'hel|xo', 'normal'),
    ('hel|lo', '2rx', 'helx|x', 'normal'),
    ('hel|lo', '5rx', 'hel|lo', 'normal'),
    ('hel|lo world', 'r<CR>', 'hel\n|o world', 'normal'),
    ('hel|lo', 'sxy<Esc>', 'helx|yo', 'normal'),
    ('a\nhel|lo\nb', 'Sxy<Esc>', 'a\nx|y\nb', 'normal'),
    ('  hel|lo', 'Sxy<Esc>', '  x|y', 'normal'),
    ('a|\nb\nc', 'J', 'a| b\nc', 'normal'),
    ('a|\nb\nc', '3J', 'a b| c', 'normal'),
    ('a.|\nb', 'J', 'a.|  b', 'normal'),
    ('a|\n  b', 'J', 'a| b', 'normal'),
    ('a |\nb', 'J', 'a |b', 'normal'),
    ('a|\n)b', 'J', 'a|)b', 'normal'),
    ('a|\n  b', 'gJ', 'a|  b', 'normal'),
    ('a?|\nb', 'J', 'a?|  b', 'normal'),
    ('a|\n\nb', '3J', 'a| b', 'normal'),
    ('x = 7|', '<C-a>', 'x = |8', 'normal'),
    ('x = |7', '5<C-a>', 'x = 1|2', 'normal'),
    ('x = |7', '<C-x>', 'x = |6', 'normal'),
    ('x = |0', '<C-x>', 'x = -|1', 'normal'),
    ('x = |-3', '<C-a><C-a><C-a><C-a>', 'x = |1', 'normal'),
    ('|0x0f', '<C-a>', '0x1|0', 'normal'),
    ('|007', '<C-a>', '01|0', 'normal'),
    ('|0b101', '<C-a>', '0b11|0', 'normal'),
    ('a|bc 9', '<C-a>', 'abc 1|0', 'normal'),
    ('|word', '<C-a>', '|word', 'normal'),
    ('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen| nineteen twenty', 'gqq', 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen\n|fifteen sixteen seventeen eighteen nineteen twenty', 'normal'),
    ('aaa\nbbb|\nccc\n\nddd', 'gqip', '|aaa bbb ccc\n\nddd', 'normal'),
    ('aaa\nbbb|\nccc\n\nddd', 'gwip', 'aaa bb|b ccc\n\nddd', 'normal'),
    ('one. |two\nthree', 'gqj', '|one. two three', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), OPERATORS)
def test_operators(start: str, keys: str, expected: str, mode: str) -> None:
    """Operators behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


TEXT_OBJECTS = [
    ('foo b|ar baz', 'diw', 'foo | baz', 'normal'),
    ('foo b|ar baz', 'daw', 'foo |baz', 'normal'),
    ('foo b|ar', 'daw', 'fo|o', 'normal'),
    ('foo b|ar baz', 'ciwX<Esc>', 'foo |X baz', 'normal'),
    ('foo b|ar baz', 'yiwP', 'foo ba|rbar baz', 'normal'),
    ('a.b c|.d e', 'diW', 'a.b | e', 'normal'),
    ('a.b c|.d e', 'daW', 'a.b |e', 'normal'),
    ('foo b|ar baz qux', 'd2aw', 'foo |qux', 'normal'),
    ('foo  | bar', 'diw', 'foo|bar', 'normal'),
    ('First one.  Sec|ond two.  Third.', 'dis', 'First one.  |  Third.', 'normal'),
    ('First one.  Sec|ond two.  Third.', 'das', 'First one.  |Third.', 'normal'),
    ('a\n\nb|\nc\n\nd', 'dip', 'a\n\n|\nd', 'normal'),
    ('a\n\nb|\nc\n\nd', 'dap', 'a\n\n|d', 'normal'),
    ('a\n\nb|\nc\n\nd', 'yapP', 'a\n\n|b\nc\n\nb\nc\n\nd', 'normal'),
    ('say "hel|lo" now', 'di"', 'say "|" now', 'normal'),
    ('say "hel|lo" now', 'da"', 'say |now', 'normal'),
    ("say 'hel|lo' now", "ci'X<Esc>", "say '|X' now", 'normal'),
    ('say `hel|lo` now', 'da`', 'say |now', 'normal'),
    ('|say "hello" now', 'di"', 'say "|" now', 'normal'),
    ('f(a, |b)', 'di(', 'f(|)', 'normal'),
    ('f(a, |b)', 'da(', '|f', 'normal'),
    ('f(a, |b)', 'dib', 'f(|)', 'normal'),
    ('x[1, |2]', 'di[', 'x[|]', 'normal'),
    ('x{1, |2}', 'da{', '|x', 'normal'),
    ('x{1, |2}', 'diB', 'x{|}', 'normal'),
    ('<a |b>', 'di<lt>', '<|>', 'normal'),
    ('f(a, (|b), c)', 'd2i(', 'f(|)', 'normal'),
    ('{\n  a|\n  b\n}', 'di{', '{\n|}', 'normal'),
    ('{\n  a|\n  b\n}', 'ci{x<Esc>', '{\n  |x\n}', 'normal'),
    ('<b>bo|ld</b>', 'dit', '<b>|</b>', 'normal'),
    ('<b>bo|ld</b>', 'dat', '|', 'normal'),
    ('<p><b>bo|ld</b></p>', 'd2it', '<p>|</p>', 'normal'),
    ('foo b|ar baz', 'viwd', 'foo | baz', 'normal'),
    ('foo b|ar baz qux', 'viwiwiwd', 'foo | qux', 'normal'),
    ('f(a, |b)', 'vi(d', 'f(|)', 'normal'),
    ('f(a, |b)', 'va(y', 'f|(a, b)', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), TEXT_OBJECTS)
def test_text_objects(start: str, keys: str, expected: str, mode: str) -> None:
    """Text objects behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


INSERT = [
    ('he|llo', 'ixy<Esc>', 'hex|yllo', 'normal'),
    ('he|llo', 'axy<Esc>', 'helx|ylo', 'normal'),
    ('  he|llo', 'Ixy<Esc>', '  x|yhello', 'normal'),
    ('  he|llo', 'gIxy<Esc>', 'x|y  hello', 'normal'),
    ('he|llo', 'Axy<Esc>', 'hellox|y', 'normal'),
    ('he|llo', '3ix<Esc>', 'hexx|xllo', 'normal'),
    ('he|llo', 'ix', 'hex|llo', 'insert'),
    ('  he|llo', 'onew<Esc>', '  hello\n  ne|w', 'normal'),
    ('  he|llo', 'Onew<Esc>', '  ne|w\n  hello', 'normal'),
    ('he|llo', '2onew<Esc>', 'hello\nnew\nne|w', 'normal'),
    ('he|llo', '3Onew<Esc>', 'new\nnew\nne|w\nhello', 'normal'),
    ('  he|llo', 'o<Esc>', '  hello\n|', 'normal'),
    ('  he|llo', 'ox<CR><Esc>', '  hello\n  x\n|', 'normal'),
    ('he|llo', 'ia<CR>b<Esc>', 'hea\n|bllo', 'normal'),
    ('  he|llo', 'ia<CR>b<Esc>', '  hea\n  |bllo', 'normal'),
    ('he|llo', 'ixy<BS><Esc>', 'he|xllo', 'normal'),
    ('he|llo', 'i<BS><Esc>', 'h|ello', 'normal'),
    ('he|llo', 'ifoo bar<C-w><Esc>', 'hefoo| llo', 'normal'),
    ('he|llo', 'ifoo bar<C-u><Esc>', 'h|ello', 'normal'),
    ('he|llo', 'i<Del><Esc>', 'h|elo', 'normal'),
    ('he|llo', 'i<C-t><Esc>', '        h|ello', 'normal'),
    ('    he|llo', 'i<C-d><Esc>', 'h|ello', 'normal'),
    ('he|llo', 'i<Left>x<Esc>', 'h|xello', 'normal'),
    ('he|llo', 'i<Right>x<Esc>', 'hel|xlo', 'normal'),
    ('he|llo', 'i<Home>x<Esc>', '|xhello', 'normal'),
    ('he|llo', 'i<End>x<Esc>', 'hello|x', 'normal'),
    ('ab\nhe|llo', 'i<Up>x<Esc>', 'ab|x\nhello', 'normal'),
    ('he|llo', 'ix<C-o>0y<Esc>', '|yhexllo', 'normal'),
    ('he|llo', 'ixy<Esc>A<C-a><Esc>', 'hexyllox|y', 'normal'),
    ('he|llo', 'yiwA <C-r>"<Esc>', 'hello hell|o', 'normal'),
    ('he|llo', 'ix<Tab>y<Esc>', 'hex |yllo', 'normal'),
    ('he|llo world', 'Rxy<Esc>', 'hex|yo world', 'normal'),
    ('he|llo', 'Rxyzabc<Esc>', 'hexyzab|c', 'normal'),
    ('he|llo', 'Rxy<BS><BS><Esc>', 'h|ello', 'normal'),
    ('|', 'ione two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen x<Esc>', 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen\nfifteen sixteen seventeen |x', 'normal'),
    ('  |', 'Aone two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen x<Esc>', '  one two three four five six seven eight nine ten eleven twelve thirteen\n  fourteen fifteen sixteen seventeen |x', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), INSERT)
def test_insert(start: str, keys: str, expected: str, mode: str) -> None:
    """Insert behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


VISUAL = [
    ('he|llo world', 'vlld', 'he| world', 'normal'),
    ('he|llo world', 'vey', 'he|llo world', 'normal'),
    ('he|llo world', 'velp', 'he|world', 'normal'),
    ('a\nb|\nc', 'Vjd', '|a', 'normal'),
    ('a\nb|\nc', 'Vky', '|a\nb\nc', 'normal'),
    ('a\nb|\nc\nd', 'Vj>', 'a\n        |b\n        c\nd', 'normal'),
    ('he|llo world', 'v3lU', 'he|LLO world', 'normal'),
    ('HE|LLO world', 'vllu', 'HE|llo world', 'normal'),
    ('he|llo world', 'v$~', 'he|LLO WORLD', 'normal'),
    ('he|llo\nworld', 'vjd', 'he|ld', 'normal'),
    ('he|llo\nworld', 'v$d', 'he|world', 'normal'),
    ('he|llo world', 'vllo<Esc>', 'he|llo world', 'normal'),
    ('he|llo world', 'vllc12<Esc>', 'he1|2 world', 'normal'),
    ('he|llo world', 'vllrx', 'he|xxx world', 'normal'),
    ('a|\nb\nc', 'VjJ', 'a| b\nc', 'normal'),
    ('a|\nb\nc', 'vjJ', 'a| b\nc', 'normal'),
    ('abc|d\nefgh\nijkl', '<C-v>jld', 'ab|c\nefg\nijkl', 'normal'),
    ('abc|d\nefgh\nijkl', '<C-v>jlIX<Esc>', 'abc|Xd\nefgXh\nijkl', 'normal'),
    ('abc|d\nefgh\nijkl', '<C-v>jlAX<Esc>', 'abc|d X\nefgh X\nijkl', 'normal'),
    ('abc|d\nefgh\nijkl', '<C-v>jlcZ<Esc>', 'abc|Z\nefgZ\nijkl', 'normal'),
    ('ab|cd\nefgh\nijkl', '<C-v>j$AX<Esc>', 'ab|cdX\nefghX\nijkl', 'normal'),
    ('abc|d\nefgh', '<C-v>jy$p', 'abcd|d\nefghh', 'normal'),
    ('ab|cd\nefgh\nijkl', '<C-v>jjrx', 'ab|xd\nefxh\nijxl', 'normal'),
    ('he|llo world', 'vll<Esc>gvd', 'he| world', 'normal'),
    ('he|llo world', 'vllyP', 'hell|ollo world', 'normal'),
    ('a|\nb\nc', 'VjY', '|a\nb\nc', 'normal'),
    ('a|\nb\nc', 'vjD', '|c', 'normal'),
    ('a|\nb\nc', 'vjX', '|c', 'normal'),
    ('he|llo world', 'vllC12<Esc>', '1|2', 'normal'),
    ('1\n|2\n3', 'VG<C-a>', '1\n|3\n4', 'normal'),
    ('x 1\nx |1\nx 1', 'VGg<C-a>', 'x 1\n|x 2\nx 3', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), VISUAL)
def test_visual(start: str, keys: str, expected: str, mode: str) -> None:
    """Visual behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


UNDO_REPEAT = [
    ('foo |bar baz', 'dwu', 'foo |bar baz', 'normal'),
    ('foo |bar baz', 'dwu<C-r>', 'foo |baz', 'normal'),
    ('foo |bar baz', 'dwdwuu', 'foo |bar baz', 'normal'),
    ('foo |bar baz', 'ixy<Esc>u', 'foo |bar baz', 'normal'),
    ('a|\nb\nc', 'ddu', '|a\nb\nc', 'normal'),
    ('a|\nb\nc', 'jddu', 'a\n|b\nc', 'normal'),
    ('a|\nb', 'onew<Esc>u', '|a\nb', 'normal'),
    ('he|llo', 'xxxu', 'he|o', 'normal'),
    ('he|llo', '3xu', 'he|llo', 'normal'),
    ('he|llo', 'xu<C-r>', 'he|lo', 'normal'),
    ('a b c d e |f', 'dw..', 'a b c d| ', 'normal'),
    ('a |b c d e f', 'dw.', 'a |d e f', 'normal'),
    ('a |b c d e f', '2dw.', 'a |f', 'normal'),
    ('a |b c d e f', 'dw3.', 'a |f', 'normal'),
    ('he|llo', 'ixy<Esc>.', 'hexx|yyllo', 'normal'),
    ('he|llo', '3ix<Esc>.', 'hexxxx|xxllo', 'normal'),
    ('a\nb|\nc\nd', 'dd.', 'a\n|d', 'normal'),
    ('a|\nb\nc', 'Ax<Esc>j.', 'ax\nb|x\nc', 'normal'),
    ('he|llo', 'cwab<Esc>u', 'he|llo', 'normal'),
    ('foo |bar baz', 'ciwX<Esc>w.', 'foo X |X', 'normal'),
    ('a|\nb\nc\nd', '>>j.', '        a\n        |b\nc\nd', 'normal'),
    ('a b c|', 'x..', 'a| ', 'normal'),
    ('abc |def ghi', 'vly$.', 'abc def gh|i', 'normal'),
    ('hello |world', '~..', 'hello WOR|ld', 'normal'),
    ('a|\nb\nc\nd', 'Jx.', '|a\nc\nd', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), UNDO_REPEAT)
def test_undo_repeat(start: str, keys: str, expected: str, mode: str) -> None:
    """Undo repeat behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


REGISTERS = [
    ('foo |bar baz', '"ayiw$"ap', 'foo bar bazba|r', 'normal'),
    ('foo |bar baz', '"ayiww"Ayiw$"ap', 'foo bar bazbarba|z', 'normal'),
    ('a|\nb', '"ayy"Ayyj"ap', 'a\nb\n|a\na', 'normal'),
    ('foo |bar baz', 'dwwdw"1p', 'foo b|a', 'normal'),
    ('a|\nb\nc', 'dddd"1p"2p', 'c\nb\n|a', 'normal'),
    ('a|\nb\nc', 'dd"_ddp', 'c\n|a', 'normal'),
    ('foo |bar baz', 'yiwdw"0P', 'foo ba|rbaz', 'normal'),
    ('foo |bar baz', 'dw"-P', 'foo bar| baz', 'normal'),
    ('a|\nb\nc\nd', 'dddddd"1p..', 'd\nc\nb\n|a', 'normal'),
    ('foo |bar', 'ixy<Esc>".p', 'foo xyx|ybar', 'normal'),
    ('he|llo', '"ax"ap', 'hel|lo', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), REGISTERS)
def test_registers(start: str, keys: str, expected: str, mode: str) -> None:
    """Registers behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


MACROS = [
    ('a|\nb\nc\nd', 'qaA!<Esc>jq2@a', 'a!\nb!\nc!\n|d', 'normal'),
    ('a|\nb\nc\nd', 'qaA!<Esc>jq@a@@', 'a!\nb!\nc!\n|d', 'normal'),
    ('1|\n2\n3', 'qa<C-a>jq5@a', '2\n3\n|4', 'normal'),
    ('x a|\nx b\nx c', 'qa0xjq3@a', ' a\n b\n| c', 'normal'),
    ('a|\nb', 'qqddq', '|b', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), MACROS)
def test_macros(start: str, keys: str, expected: str, mode: str) -> None:
    """Macros behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


MARKS = [
    ('a|\nb\nc\nd', "majjd'a", '|d', 'normal'),
    ('ab|c\nb\nc\nd', 'majj`a', 'ab|c\nb\nc\nd', 'normal'),
    ('a|\nb\nc\nd', "majjy'aP", '|a\nb\nc\na\nb\nc\nd', 'normal'),
    ('abc|def\nb', 'mallx`a', 'abc|de\nb', 'normal'),
    ('a|\nb\nc\nd', "Gma''", '|a\nb\nc\nd', 'normal'),
    ('a|\nb\nc\nd', 'G``', '|a\nb\nc\nd', 'normal'),
    ('a|\nb\nc\nd', 'jddjix<Esc>`.', 'a\nc\n|xd', 'normal'),
    ('a|\nb\nc\nd', 'Gggjj<C-o>', 'a\nb\nc\n|d', 'normal'),
    ('a|\nb\nc\nd', 'G<C-o><Tab>', 'a\nb\nc\n|d', 'normal'),
    ('foo |bar baz', 'yiw`]', 'foo ba|r baz', 'normal'),
    ('foo |bar baz', 'yiw$`[', 'foo |bar baz', 'normal'),
    ('a|b\nc\nd', 'vjy`>', 'ab\n|c\nd', 'normal'),
    ('a\nb|c\nd', 'ix<Esc>gg`^', 'a\nbx|c\nd', 'normal'),
    ('a\nb|c\nd', 'ix<Esc>gggi!<Esc>', 'a\nbx|!c\nd', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), MARKS)
def test_marks(start: str, keys: str, expected: str, mode: str) -> None:
    """Marks behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


SCROLL = [
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '<C-d>', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n|20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '<C-f>', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n|38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'GH', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n|12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'GM', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n|31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '<C-e><C-e>H', '1\n2\n|3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '25Gzt', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n|25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '25GztH', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n|25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '45GzbL', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n|45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', '30GzzH', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n|11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'G<C-u>', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n|31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
    ('1|\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'G<C-b>', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n|13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n45\n46\n47\n48\n49\n50', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), SCROLL)
def test_scroll(start: str, keys: str, expected: str, mode: str) -> None:
    """Scroll behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


CMDLINE = [
    ('foo |bar', ':', 'foo |bar', 'command'),
    ('foo |bar', ':abc', 'foo |bar', 'command'),
    ('foo |bar', ':abc<BS>', 'foo |bar', 'command'),
    ('foo |bar', ':<BS>', 'foo |bar', 'normal'),
    ('foo |bar', ':abc<Esc>', 'foo |bar', 'normal'),
    ('foo |bar', '/ba', 'foo |bar', 'command'),
    ('foo bar |baz bar', '/bar<CR>', 'foo bar baz |bar', 'normal'),
    ('foo bar |baz bar', '?bar<CR>', 'foo |bar baz bar', 'normal'),
    ('foo bar |baz bar', 'd/bar<CR>', 'foo bar |bar', 'normal'),
    ('a |foo foo', '/foo<CR>n', 'a |foo foo', 'normal'),
    ('a |foo foo', '/foo<CR>N', 'a |foo foo', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), CMDLINE)
def test_cmdline(start: str, keys: str, expected: str, mode: str) -> None:
    """Cmdline behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)


EXTRAS = [
    ('|the cat and the dog', '/and<CR>cgnX<Esc>', 'the cat |X the dog', 'normal'),
    ('the cat and the |dog and', '/and<CR>ggcgnX<Esc>.', 'the cat X the dog |X', 'normal'),
    ('a and |b', '/and<CR>gnd', 'a | b', 'normal'),
    ('abc |def', 'ihello<Left>x<Esc>u', 'abc hell|odef', 'normal'),
    ('abc |def', 'ia<End>b<Esc>.', 'abc adef|bb', 'normal'),
    ('abc |def\nghi', '3ia<Left>b<Esc>', 'abc |badef\nghi', 'normal'),
    ('abc |def\nghi', 'ione<CR>two<Esc>gg`.', 'abc one\n|twodef\nghi', 'normal'),
    ('abc |def\nghi', 'yyp`]', 'abc def\nabc de|f\nghi', 'normal'),
    ('abc |def\nghi', 'J`[', 'abc def| ghi', 'normal'),
    ('abc\nd|ef', 'ix<Esc>`[', 'abc\nd|xef', 'normal'),
    ('|abc\ndef', 'ddu`.', '|abc\ndef', 'normal'),
    ('ab|cdef\nabcdef\nab', '<C-v>jj>', 'ab|        cdef\nab        cdef\nab        ', 'normal'),
    ('a|bcdef', 'r<Tab>', 'a| cdef', 'normal'),
    ('aa\nbb|\ncc', 'dd"2pu', 'aa\n|cc', 'normal'),
    ('x = |7', 'gUiwgUiwu', 'x = |7', 'normal'),
    ('one| two', 'guuu', '|one two', 'normal'),
    ('a\nb\nc\nd\n|e\nf', '3G5G<C-o><C-o><C-i>', 'a\nb\n|c\nd\ne\nf', 'normal'),
    ('abc |def', 'xxxU', 'abc |def', 'normal'),
    ('abc |def', 'xxxUU', 'abc| ', 'normal'),
    ('|foo bar', 'i<C-r>=6*7<CR><Esc>', '4|2foo bar', 'normal'),
    ('abc\nde|f', 'i<C-o>$x<Esc>', 'abc\ndef|x', 'normal'),
    ('- one two three four five six seven eight nine ten eleven twelve thirteen fourteen| fifteen', 'A sixteen seventeen<Esc>', '- one two three four five six seven eight nine ten eleven twelve thirteen\n  fourteen fifteen sixteen seventee|n', 'normal'),
    ('# |heading', 'A one two three four five six seven eight nine ten eleven twelve thirteen fourteen<Esc>', '# heading one two three four five six seven eight nine ten eleven twelve\n# thirteen fourtee|n', 'normal'),
    ('plain text\n- a list item\nmore\n# |head\ntext after', 'gggqG', 'plain text\n- a list item more\n# head\n|text after', 'normal'),
]


@pytest.mark.parametrize(("start", "keys", "expected", "mode"), EXTRAS)
def test_extras(start: str, keys: str, expected: str, mode: str) -> None:
    """Extras behave as in Vim 9."""
    ed = run(start, keys)
    assert (render(ed.text, ed.cursor), ed.mode) == (expected, mode)
