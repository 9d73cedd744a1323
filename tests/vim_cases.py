"""Random (text, cursor, keys) cases for differential tests against Vim.

`random_case(rng)` builds a start text from prose, Markdown and code-ish lines and a key
sequence of one to four complete Vim commands (counts, operators with motions and text
objects, inserts, visual selections, undo, `.`, registers, macros, marks, searches).
"""

from __future__ import annotations

import random

WORDS = (
    "the quick brown fox jumps over lazy dog a an it is was and or but if then so "
    "writer's story tale chapter Alice Bob foo_bar x1 y2 hello world end. again, "
    "yes! no? (maybe) [note] {brace} \"quoted text\" 'single' `code` <b>bold</b> 42 0x1f 007 -3"
).split()

LINE_KINDS = ("prose", "prose", "prose", "indented", "list", "blank", "code", "heading", "short")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    s = " ".join(words)
    if rng.random() < 0.5:
        s += rng.choice([".", ".", "!", "?", ",", ""])
    if rng.random() < 0.2:
        s += "  " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    return s


def random_text(rng: random.Random) -> str:
    """A small document of 1-12 lines."""
    lines = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.choice(LINE_KINDS)
        if kind == "prose":
            lines.append(_sentence(rng, rng.randint(2, 12)))
        elif kind == "indented":
            lines.append(" " * rng.choice([2, 4]) + _sentence(rng, rng.randint(1, 6)))
        elif kind == "list":
            lines.append(rng.choice(["- ", "* ", "1. "]) + _sentence(rng, rng.randint(1, 6)))
        elif kind == "blank":
            lines.append(rng.choice(["", "", "  "]))
        elif kind == "code":
            lines.append(rng.choice(["if (a[i] == b) {", "  return f(x, y);", "}", "x = {'a': [1, 2]}", "\tfoo(bar)"]))
        elif kind == "heading":
            lines.append("# " + _sentence(rng, rng.randint(1, 4)))
        else:
            lines.append(rng.choice(["a", "ab", "x y", ".", "word"]))
    return "\n".join(lines)


MOTIONS = [
    "h", "j", "k", "l", "w", "W", "b", "B", "e", "E", "ge", "gE", "0", "^", "$", "g_",
    "gg", "G", "}", "{", ")", "(", "%", "H", "M", "L", "-", "+", "_", "<BS>", "<Space>",
    "|", "fa", "Fo", "te", "T ", ";", ",", "f.", "t,", "*", "#", "n", "N", "]}", "[(",
    "<CR>", "<Left>", "<Right>", "<Down>", "<Up>", "<Home>", "<End>",
]
TEXT_OBJECTS = [
    "iw", "aw", "iW", "aW", "is", "as", "ip", "ap", 'i"', 'a"', "i'", "a'", "i(", "a(",
    "i[", "a[", "i{", "a{", "ib", "aB", "it", "at", "i<lt>", "a`",
]
OPERATORS = ["d", "c", "y", "<lt>", ">", "g~", "gu", "gU", "g?", "gq", "gw"]
INSERT_TEXT = ["x", "hello", "new word ", "A b", "  indented", "(", "end.", "a<BS>b", "ab<C-w>cd", "xy<C-u>z", "one<CR>two"]
SIMPLE = [
    "x", "X", "D", "C<Esc>", "s<Esc>", "S<Esc>", "Y", "p", "P", "gp", "gP", "J", "gJ", "~",
    "rZ", "r<CR>", "<C-a>", "<C-x>", "u", "<C-r>", ".", "dd", "yy", "cc<Esc>", ">>", "<lt><lt>",
    "guu", "gUU", "g~~", "gqq", "xp", "ddp", "yyP", "yiwP", "ma", "`a", "'a", "mb", "`b",
    "v", "V", "<C-v>", "gv", "<Esc>", "o<Esc>", "O<Esc>", "i<Esc>", "a<Esc>", "A<Esc>",
    "I<Esc>", "3x", "2dd", "d2w", "2d3w", "5l", "3j", "2p", "3J", "10<C-a>",
    "qaxq", "@a", "@@", '"ayy', '"ap', '"Ayw', '"bdw', '"_dd', '"1p', "U", "R<Esc>",
]


def _count(rng: random.Random) -> str:
    return rng.choice(["", "", "", "2", "3"])


def random_command(rng: random.Random) -> str:
    """One complete command."""
    r = rng.random()
    if r < 0.25:
        return _count(rng) + rng.choice(MOTIONS)
    if r < 0.45:
        op = rng.choice(OPERATORS)
        tail = rng.choice(MOTIONS + TEXT_OBJECTS + [op[-1]])
        cmd = _count(rng) + op + tail
        if op == "c":
            cmd += rng.choice(INSERT_TEXT) + "<Esc>"
        return cmd
    if r < 0.6:
        return _count(rng) + rng.choice(["i", "a", "I", "A", "o", "O", "gI", "s", "S", "C", "R"]) + rng.choice(INSERT_TEXT) + rng.choice(["<Esc>", "<Esc>", "<Esc>", ""])
    if r < 0.75:
        v = rng.choice(["v", "V", "<C-v>"])
        moves = "".join(rng.choice(MOTIONS[:20] + TEXT_OBJECTS[:8]) for _ in range(rng.randint(1, 2)))
        act = rng.choice(["d", "y", "c", "x", ">", "<lt>", "~", "u", "U", "J", "rX", "p", "P", "o", "gq", "I", "A", "<Esc>", "D", "X", "Y", "C", "S"])
        if act in ("c", "I", "A", "C", "S"):
            act += rng.choice(INSERT_TEXT) + "<Esc>"
        return v + moves + act
    return _count(rng) + rng.choice(SIMPLE) if rng.random() < 0.3 else rng.choice(SIMPLE)


def random_case(rng: random.Random) -> tuple[str, tuple[int, int], str]:
    """(text, cursor, keys)."""
    text = random_text(rng)
    lines = text.split("\n")
    row = rng.randrange(len(lines))
    col = rng.randrange(max(len(lines[row]), 1))
    keys = "".join(random_command(rng) for _ in range(rng.randint(1, 4)))
    return text, (row, col), keys


PROSE = [
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "Winston Smith, his chin nuzzled into his breast in an effort to escape the vile wind, slipped quickly through the glass doors.",
    "The hallway smelt of boiled cabbage and old rag mats.",
    "At one end of it a coloured poster, too large for indoor display, had been tacked to the wall.",
    "\"Hello,\" she said.  \"Are you (really) going?\"",
    "Call me Ishmael. Some years ago -- never mind how long precisely -- I went to sea.",
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "She wasn't sure; maybe it's 3 or 42 o'clock? Nobody knew!",
]
MD = ["# Chapter One", "## Notes", "- first item", "- second item with more words", "> a quoted line", "1. numbered", "    indented code", "", "", "**bold** and _italic_ text", "[link](http://example.com)"]


def realistic_text(rng: random.Random, long: bool = False) -> str:
    """A writer's document: prose paragraphs and some Markdown."""
    lines: list[str] = []
    n = rng.randint(20, 60) if long else rng.randint(1, 10)
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            s = rng.choice(PROSE)
            if rng.random() < 0.3:
                s = s[: rng.randint(5, len(s))]
            lines.append(s)
        elif r < 0.85:
            lines.append(rng.choice(MD))
        else:
            lines.append("")
    return "\n".join(lines)


REAL_CMDS = [
    "w", "b", "e", "3w", "2b", "W", "B", "E", "ge", "0", "^", "$", "gg", "G", "3G", "j", "k", "5j", "h", "l",
    "fa", "Fe", "t.", "T,", ";", ",", "}", "{", ")", "(", "%", "H", "M", "L", "*", "#", "n", "N",
    "dw", "d2w", "3dw", "de", "db", "dd", "2dd", "d$", "D", "d0", "dj", "dk", "dG", "dgg", "d}", "d)", "dfa", "dt.",
    "cwnew<Esc>", "ceword<Esc>", "cbX<Esc>", "ccline<Esc>", "C end<Esc>", "s!<Esc>", "S<Esc>", "c$.<Esc>", "c2wtwo words<Esc>",
    "yw", "yy", "Y", "yyp", "yyP", "ywP", "yiwP", "p", "P", "2p", "xp", "ddp", "ddP", "yyjp",
    "x", "X", "3x", "~", "3~", "r!", "3rx", "J", "3J", "gJ", "guu", "gUU", "g~~", "gUiw", "guaw", "g~w", "gUe",
    ">>", "<lt><lt>", "3>>", ">ip", "=ip", "gqq", "gqip", "gqap", "gwip", "gqj",
    "diw", "daw", "ciwword<Esc>", "caw<Esc>", "dis", "das", "cis<Esc>", "dip", "dap", "yap", "di\"", "da\"", "ci\"x<Esc>", "di(", "da(", "ci(x<Esc>", "dit", "diW", "daW",
    "ihello <Esc>", "aworld<Esc>", "Ibegin <Esc>", "A end.<Esc>", "onew line<Esc>", "Oabove<Esc>", "3ix<Esc>", "2onext<Esc>",
    "ione<CR>two<Esc>", "Afoo<BS><BS>x<Esc>", "ifoo bar<C-w>baz<Esc>", "ifoo<C-u>bar<Esc>", "A<C-t><Esc>", "A<C-d><Esc>", "yiwA <C-r>\"<Esc>", "i<C-o>dw<Esc>",
    "A and then the story went on and on, far past the point where anyone would care to read it<Esc>",
    "Rxyz<Esc>", "R<BS><Esc>", "vwd", "vey", "v3ld", "vjd", "Vd", "Vjd", "Vjy", "Vj>", "vipd", "viwU", "vawc<Esc>", "v$d", "<C-v>jd", "<C-v>jIX<Esc>", "<C-v>j$AZ<Esc>", "<C-v>jlc!<Esc>", "vjJ", "Vjgq", "vllrx", "gv", "v<Esc>gvd",
    "u", "uu", "<C-r>", "u<C-r>", ".", "2.", "..", "U",
    "qaxjq", "@a", "2@a", "@@", "\"ayy", "\"ap", "\"Ayy", "\"bdw", "\"bp", "\"_dd", "\"1p", "\"2p", "\"0p",
    "ma", "'a", "`a", "d'a", "y`a", "''", "``", "`.", "'.",
    "<C-a>", "<C-x>", "5<C-a>", "<C-d>", "<C-u>", "<C-f>", "<C-b>", "<C-e>", "<C-y>", "zz", "zt", "zb", "z<CR>",
    "/the<CR>", "/the<CR>n", "?a<CR>", "/wall<CR>", "/e\\>/e<CR>", "d/the<CR>", "c/and<CR>X<Esc>", "/[Tt]he<CR>N", "/nomatchzz<CR>",
    ":s/the/THE/<CR>", ":s/a/A/g<CR>", ":%s/the/a/g<CR>", ":2d<CR>", ":1,2j<CR>", ":m0<CR>", ":t.<CR>", ":g/the/d<CR>", ":v/a/d<CR>", ":normal Ax<CR>", ":3<CR>", ":$<CR>", ":undo<CR>",
    "&", "g&",
]


def realistic_case(rng: random.Random) -> tuple[str, tuple[int, int], str]:
    """(text, cursor, keys) like a hidden-corpus case: prose and 1-3 common commands."""
    text = realistic_text(rng, long=rng.random() < 0.15)
    lines = text.split("\n")
    row = rng.randrange(len(lines))
    col = rng.randrange(max(len(lines[row]), 1))
    keys = "".join(rng.choice(REAL_CMDS) for _ in range(rng.randint(1, 3)))
    return text, (row, col), keys


FOCUS = [
    # visual-mode text objects and counts
    "viwiw", "v2iw", "vawaw", "v3aw", "vis", "vas", "vip", "vapap", "vi(", "va(", "vi\"", "va\"", "vitat",
    "Vip", "Vap", "<C-v>iw", "vi(i(", "v2i(", "vipd", "vasy",
    # block ops
    "<C-v>jjI- <Esc>", "<C-v>jj$A;<Esc>", "<C-v>jjlx", "<C-v>jjly", "<C-v>jjlp", "<C-v>jjr*", "<C-v>jj>", "<C-v>jj<lt>",
    "<C-v>jjlU", "<C-v>jjlo", "<C-v>jjlO", "<C-v>jjlc--<Esc>", "<C-v>jjlJ",
    # replace mode / insert keys
    "Rabc<Esc>", "Rab<BS><BS><BS>c<Esc>", "R<CR>x<Esc>", "3Rab<Esc>", "ia<C-o>x<Esc>", "A<C-w><C-w><Esc>", "I<Tab><Esc>",
    "i<Home>x<End>y<Esc>", "o<C-r>\"<Esc>", "ix<C-a><Esc>", "a<Del><Del><Esc>", "3A!<Esc>", "2O# <Esc>",
    # dot repeat variants
    "cwX<Esc>w.w.", "A;<Esc>j.j.", "xj.j.", "dd.", "3.", ">>j.", "vjd.", "Vjd.", "<C-v>jd.", "ciw(<C-r>\")<Esc>w.", "2dw.", "guiwW.",
    # marks and jumps
    "mxjjd'x", "mxjjy`x", "mx3jd`x", "`[", "`]", "'[", "']", "`<", "`>", "G''", "gg``", "3G<C-o>", "3G5G<C-o><C-o><C-i>",
    # undo / redo
    "xxxuu", "xxxu<C-r>", "ddjddu", "ihello<Esc>uu", "Ua", "3u", "2<C-r>", "xu.u",
    # registers and macros
    "\"qyy\"qP", "\"Qyy\"qp", "qwA;<Esc>jq@w@@", "qe0~jq3@e", "\"+yy\"+p", "\"ayw\"byw\"ap\"bp", "\"1pu.u.",
    # numbers
    "<C-a><C-a>", "10<C-x>", "w<C-a>", "$<C-a>",
    # search with offsets
    "/o/e<CR>", "/o/e+1<CR>", "/the/s-1<CR>", "/a/+1<CR>", "?o?e<CR>", "/o<CR>//<CR>", "*N", "#n", "g*", "/\\<the\\><CR>",
]


def focus_case(rng: random.Random) -> tuple[str, tuple[int, int], str]:
    """Short prose and 1-3 commands from the less common corners."""
    text = realistic_text(rng)
    lines = text.split("\n")
    row = rng.randrange(len(lines))
    col = rng.randrange(max(len(lines[row]), 1))
    pool = FOCUS + REAL_CMDS[:60]
    keys = "".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
    return text, (row, col), keys


EX_CMDS = [
    ":s/the/THE/<CR>", ":s/o/0/g<CR>", ":%s/a/A/g<CR>", ":%s/\\<the\\>/a/<CR>", ":2,3d<CR>", ":d<CR>", ":.,+1j<CR>",
    ":m0<CR>", ":m$<CR>", ":t.<CR>", ":t0<CR>", ":co$<CR>", ":g/the/d<CR>", ":v/the/d<CR>", ":g/a/s/a/X/<CR>",
    ":normal A!<CR>", ":%normal Ax<CR>", ":2<CR>", ":$<CR>", ":>\\<CR>", ":<lt><CR>", ":3,4>\\<CR>", ":sort<CR>",
    ":sort!<CR>", ":%s/e/E/gc<CR>", ":s/x/y/<CR>", ":undo<CR>", ":redo<CR>", ":2y<CR>P", ":1,2y a<CR>\"ap",
    ":&&<CR>", ":~<CR>", ":'a,'bd<CR>", ":/the/d<CR>", ":?a?d<CR>", ":+1d<CR>", ":-1d<CR>", ":noh<CR>",
    "u", "<C-r>", "j", "k", "ma", "mb", "&", "g&", "@:", ":%s/\\s\\+$//e<CR>", ":s/\\(\\w\\+\\) \\(\\w\\+\\)/\\2 \\1/<CR>",
]


def ex_case(rng: random.Random) -> tuple[str, tuple[int, int], str]:
    """Prose and 1-3 ex commands (mixed with a few normal ones)."""
    text = realistic_text(rng)
    lines = text.split("\n")
    row = rng.randrange(len(lines))
    col = rng.randrange(max(len(lines[row]), 1))
    keys = "".join(rng.choice(EX_CMDS) for _ in range(rng.randint(1, 3)))
    return text, (row, col), keys
