"""Differential tests of ex commands against real Vim 9 (batch `vim -u NONE -N -es`).

Each case runs ex commands (and optionally normal-mode keys) on a buffer in Vim and in the
Editor, then compares the text, the cursor and the error number.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_search_vim import VIM, run_vim

from tinymorph_tui.core import ex_commands
from tinymorph_tui.core.editor import Editor

needs_vim = pytest.mark.skipif(VIM is None, reason="vim is not installed")

CORPUS = "ts=2 et ic scs ai js tw=80"
#: run first on both sides so that "~" and ":s" repeats start from the same state
RESET = "s/^//e"

TEXT = [
    "The quick brown fox.",
    "  jumps over the lazy dog",
    "",
    "foo bar baz foo",
    "\tTabbed line here",
    "last line? yes",
]
NUMS = ["10 apples", "9 pears", "-3 plums", "x no number", "0x1F hex", "100", "9 pears"]
WORDS = ["banana", "Apple", "cherry", "apple", "Banana", "date"]

# (lines, cursor row, cursor col, options, steps)
CASES: list[tuple[list[str], int, int, str, list[str]]] = [
    # :s and flags
    (TEXT, 0, 0, CORPUS, [":s/quick/slow/"]),
    (TEXT, 3, 5, CORPUS, [":s/foo/X/"]),
    (TEXT, 3, 5, CORPUS, [":s/foo/X/g"]),
    (TEXT, 0, 0, CORPUS, [":%s/o/0/g"]),
    (TEXT, 0, 0, CORPUS, [":%s/the/THE/"]),
    (TEXT, 0, 0, CORPUS, [":%s/The/x/"]),
    (TEXT, 0, 0, CORPUS, [":%s/the/x/I"]),
    (TEXT, 0, 0, "", [":%s/the/x/i"]),
    (TEXT, 0, 0, CORPUS, [":s/zzz/y/"]),
    (TEXT, 0, 0, CORPUS, [":s/zzz/y/e"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\<\\(\\w\\)\\(\\w*\\)\\>/\\u\\1\\L\\2/g"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\w\\+/\\U&/"]),
    (TEXT, 0, 0, CORPUS, [":s/\\v(\\w+) (\\w+)/\\2 \\1/"]),
    (TEXT, 0, 0, CORPUS, [":s/ /\\r/g"]),
    (TEXT, 1, 0, CORPUS, [":s/over/\\r/"]),
    (TEXT, 0, 0, CORPUS, [":1,3s/$/;/"]),
    (TEXT, 0, 0, CORPUS, [":%s/^/> /"]),
    (TEXT, 0, 0, CORPUS, [":%s/x*/-/g"]),
    (TEXT, 0, 0, CORPUS, [":s/o/0/g 3"]),
    (TEXT, 0, 0, CORPUS, [":s#o#0#g"]),
    (TEXT, 0, 0, CORPUS, [":s/o/&&/g"]),
    (TEXT, 0, 0, CORPUS, [":s/quick/a\\&b/"]),
    (TEXT, 0, 0, CORPUS, [":s/quick/X/", ":%s/o/~~/g"]),
    (TEXT, 0, 0, CORPUS, [":s/quick/Q/", ":3,4&&"]),
    (TEXT, 0, 0, CORPUS, [":s/o/0/g", ":2&"]),
    (TEXT, 0, 0, CORPUS, [":s/o/0/g", ":2&&"]),
    (TEXT, 0, 0, CORPUS, [":s/o/0/", "j", ":s"]),
    (TEXT, 0, 0, CORPUS, [":%s/o/0/gn"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\n//"]),
    (TEXT, 0, 0, CORPUS, [":1,2s/\\n/ /"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\n\\n/\\r/"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\s\\+$//e"]),
    (TEXT, 0, 0, CORPUS, [":%s/[aeiou]//g"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\t/    /"]),
    (TEXT, 0, 0, CORPUS, [":%s/o\\zsv/V/"]),
    (TEXT, 0, 0, CORPUS, [":%s/\\(fo\\)\\@<=o/O/g"]),
    (TEXT, 0, 0, CORPUS, ["/lazy\r", ":s//LAZY/"]),
    (TEXT, 0, 0, CORPUS, [":s/quick/fast/", "n"]),
    (TEXT, 2, 0, CORPUS, [":.,$s/e/E/g|1"]),
    (TEXT, 0, 0, CORPUS, [":s/a\\|e/_/g"]),
    # ranges and addresses
    (TEXT, 0, 0, CORPUS, [":3"]),
    (TEXT, 0, 0, CORPUS, [":$"]),
    (TEXT, 0, 0, CORPUS, [":99"]),
    (TEXT, 3, 4, CORPUS, [":-2"]),
    (TEXT, 3, 4, CORPUS, [":+"]),
    (TEXT, 0, 0, CORPUS, [":/lazy/"]),
    (TEXT, 0, 0, CORPUS, [":/foo/d"]),
    (TEXT, 5, 0, CORPUS, [":?quick?d"]),
    (TEXT, 0, 0, CORPUS, [":/dog/,/Tabbed/d"]),
    (TEXT, 0, 0, CORPUS, [":/dog/;+1d"]),
    (TEXT, 0, 0, CORPUS, [":2;+2d"]),
    (TEXT, 0, 0, CORPUS, [":.,.+2d"]),
    (TEXT, 0, 0, CORPUS, [":2,4y", ":$put"]),
    (TEXT, 0, 0, CORPUS, ["jma", "3jmb", ":'a,'bd"]),
    (TEXT, 0, 0, CORPUS, [":'a,'bd"]),
    (TEXT, 0, 0, CORPUS, [":0"]),
    (TEXT, 0, 0, CORPUS, [":7d"]),
    (TEXT, 0, 0, CORPUS, [":/nomatch/d"]),
    (TEXT, 0, 0, CORPUS, [":foo"]),
    (TEXT, 0, 0, CORPUS, [":d x"]),
    (TEXT, 0, 0, CORPUS, [":\\/d"]),
    (TEXT, 1, 0, CORPUS, [":/the/+1d"]),
    # :d :y :m :t :j
    (TEXT, 1, 3, CORPUS, [":d"]),
    (TEXT, 1, 3, CORPUS, [":d 3"]),
    (TEXT, 1, 3, CORPUS, [":2,3d a", ":$pu a"]),
    (TEXT, 5, 3, CORPUS, [":d"]),
    (TEXT, 4, 3, CORPUS, [":,$d"]),
    (TEXT, 0, 0, CORPUS, [":%d"]),
    (TEXT, 1, 3, CORPUS, [":m0"]),
    (TEXT, 1, 3, CORPUS, [":m$"]),
    (TEXT, 1, 3, CORPUS, [":m+1"]),
    (TEXT, 1, 3, CORPUS, [":m-2"]),
    (TEXT, 1, 3, CORPUS, [":1,2m4"]),
    (TEXT, 1, 3, CORPUS, [":3,5m1"]),
    (TEXT, 1, 3, CORPUS, [":1,3m2"]),
    (TEXT, 1, 3, CORPUS, [":t."]),
    (TEXT, 1, 3, CORPUS, [":t0"]),
    (TEXT, 1, 3, CORPUS, [":1,2t$"]),
    (TEXT, 1, 3, CORPUS, [":1,2co3"]),
    (TEXT, 0, 3, CORPUS, [":j"]),
    (TEXT, 0, 3, CORPUS, [":j!"]),
    (TEXT, 0, 3, CORPUS, [":j 4"]),
    (TEXT, 0, 3, CORPUS, [":1,4j"]),
    (TEXT, 0, 3, "nojs", [":%j"]),
    (TEXT, 5, 3, CORPUS, [":j"]),
    (["a.", "b?", "c!", "d ", "  e", ")f", "g\t", "h"], 0, 0, CORPUS, [":%j"]),
    (["a.", "b?", "c!", "d ", "  e", ")f", "g\t", "h"], 0, 0, "nojs", [":%j"]),
    (["a. ", "b"], 0, 0, CORPUS, [":j"]),
    (["", "  b"], 0, 0, CORPUS, [":j"]),
    # :> :<
    (TEXT, 0, 0, CORPUS, [":>"]),
    (TEXT, 0, 0, CORPUS, [":>>"]),
    (TEXT, 0, 0, CORPUS, [":> 3"]),
    (TEXT, 0, 0, CORPUS, [":%>"]),
    (TEXT, 1, 0, CORPUS, [":<"]),
    (TEXT, 4, 0, CORPUS, [":<"]),
    (TEXT, 0, 0, "ts=8 sw=4", [":%>"]),
    (TEXT, 0, 0, "ts=8 sw=4 noet", [":%>>"]),
    (TEXT, 1, 5, CORPUS, [":2,3>"]),
    # :normal
    (TEXT, 0, 0, CORPUS, [":normal Ax"]),
    (TEXT, 0, 0, CORPUS, [":%normal Ax"]),
    (TEXT, 0, 0, CORPUS, [":2,3norm! dw"]),
    (TEXT, 0, 0, CORPUS, [":norm 2wd$"]),
    (TEXT, 0, 0, CORPUS, [":g/o/norm $x"]),
    (TEXT, 0, 0, CORPUS, [":norm! ifoo"]),
    # :g :v
    (TEXT, 0, 0, CORPUS, [":g/the/d"]),
    (TEXT, 0, 0, CORPUS, [":g!/the/d"]),
    (TEXT, 0, 0, CORPUS, [":v/o/d"]),
    (TEXT, 0, 0, CORPUS, [":g/^$/d"]),
    (TEXT, 0, 0, CORPUS, [":g/o/s/o/0/g"]),
    (TEXT, 0, 0, CORPUS, [":g/line/m0"]),
    (TEXT, 0, 0, CORPUS, [":g/^/m0"]),
    (TEXT, 0, 0, CORPUS, [":g/e/t$"]),
    (TEXT, 0, 0, CORPUS, [":g/fox\\|dog/j"]),
    (TEXT, 0, 0, CORPUS, [":2,4g/o/d"]),
    (TEXT, 0, 0, CORPUS, [":g/zzz/d"]),
    (TEXT, 0, 0, CORPUS, [":g/o/>"]),
    (TEXT, 0, 0, CORPUS, [":g/o/normal Ax"]),
    (TEXT, 0, 0, CORPUS, [":g/o/s/o/0/|s/e/E/"]),
    (TEXT, 0, 0, CORPUS, [":g/o/"]),
    # :sort
    (WORDS, 0, 0, CORPUS, [":sort"]),
    (WORDS, 0, 0, CORPUS, [":sort!"]),
    (WORDS, 0, 0, CORPUS, [":sort i"]),
    (WORDS, 0, 0, CORPUS, [":sort u"]),
    (WORDS, 0, 0, CORPUS, [":sort ui"]),
    (WORDS, 0, 0, CORPUS, [":2,5sort"]),
    (NUMS, 0, 0, CORPUS, [":sort n"]),
    (NUMS, 0, 0, CORPUS, [":sort! n"]),
    (NUMS, 0, 0, CORPUS, [":sort nu"]),
    (NUMS, 0, 0, CORPUS, [":sort x"]),
    (NUMS, 0, 0, CORPUS, [":sort /\\d\\+ /"]),
    (NUMS, 0, 0, CORPUS, [":sort /\\a\\+/ r"]),
    (NUMS, 0, 0, CORPUS, [":sort f"]),
    (["b 2", "a 10", "c 1"], 0, 0, CORPUS, [":sort /\\w /"]),
    (["b 2", "a 10", "c 1"], 0, 0, CORPUS, [":sort n /\\w /"]),
    # :le :ce :ri :retab
    (TEXT, 0, 0, CORPUS, [":%center"]),
    (TEXT, 0, 0, CORPUS, [":%center 40"]),
    (TEXT, 0, 0, CORPUS, [":%right 40"]),
    (TEXT, 3, 2, CORPUS, [":%left 4"]),
    (TEXT, 0, 0, CORPUS, [":%left"]),
    (TEXT, 0, 0, "ts=8 noet", [":%center 50"]),
    (TEXT, 0, 0, CORPUS, [":retab"]),
    (TEXT, 0, 0, "ts=8 noet", [":%retab 4"]),
    (["    four", "        eight", "  a\tb"], 0, 0, "ts=4 noet", [":retab!"]),
    (["    four", "        eight", "  a\tb"], 0, 0, "ts=4 et", [":retab! 2"]),
    # misc
    (TEXT, 0, 0, CORPUS, [":2ma x", ":'xd"]),
    (TEXT, 0, 0, CORPUS, [":3k y", ":'yd"]),
    (TEXT, 0, 0, CORPUS, [":2p"]),
    (TEXT, 0, 0, CORPUS, [":set ts=4", ":retab"]),
    (TEXT, 0, 0, CORPUS, [":set invet", ":2>"]),
    (TEXT, 0, 0, CORPUS, [":set sw=4 sts=4", ":3,4>"]),
    (TEXT, 0, 0, CORPUS, [":set foo"]),
    (TEXT, 0, 0, CORPUS, [":set ts=x"]),
    (TEXT, 0, 0, CORPUS, [":d|d"]),
    (TEXT, 0, 0, CORPUS, [":2d|$d"]),
    (TEXT, 0, 0, CORPUS, [":w"]),
    (TEXT, 0, 0, CORPUS, [":d 0"]),
    (TEXT, 0, 0, CORPUS, [":m 9"]),
    (TEXT, 0, 0, CORPUS, [":co"]),
]


def _opts(spec: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in spec.split():
        if "=" in item:
            k, v = item.split("=", 1)
            out[k] = int(v) if v.isdigit() else v
        elif item.startswith("no"):
            out[item[2:]] = False
        else:
            out[item] = True
    return out


def run_ours(lines: list[str], row: int, col: int, opts: str, steps: list[str]) -> dict[str, Any]:
    """Run the steps on an Editor: ":" steps through ex_commands.execute, others as keys."""
    ed = Editor.from_text("\n".join(lines), cursor=(row, col), options=_opts(opts))
    # the same starting state as the Vim script: an empty previous substitute string
    ex_commands.execute(ed, RESET)
    ed.last_search = None  # the script then empties @/
    ed.cursor = (row, col)
    err = ""
    for step in steps:
        ed.message = ""
        ed.message_is_error = False
        if step.startswith(":"):
            ex_commands.execute(ed, step[1:])
        else:
            ed.feed(step.replace("\r", "<CR>"))
        if ed.message_is_error and re.match(r"E\d+:", ed.message):
            err += " " + ed.message  # like the Vim script: keep going, report every error
    return {"lines": ed.text.split("\n"), "row": ed.cursor[0], "col": ed.cursor[1], "err": err}


def _errno(msg: str) -> str:
    """The error numbers in a message list ("E486 E16")."""
    return " ".join(re.findall(r"(?:^|\s)(E\d+):", msg))


@needs_vim
def test_ex_commands_match_vim() -> None:
    cases = [
        {
            "lines": c[0],
            "row": c[1],
            "col": c[2],
            "opts": c[3] or "ws",
            "keys": c[4],
            "reset": RESET,
        }
        for c in CASES
    ]
    expected = run_vim(cases)
    failures = []
    for c, case, exp in zip(CASES, cases, expected, strict=True):
        got = run_ours(*c)
        want = {
            "lines": exp["lines"],
            "row": exp["row"],
            "col": exp["col"],
            "err": _errno(exp["err"]),
        }
        got["err"] = _errno(got["err"])
        if got != want:
            failures.append(
                f"{case['keys']} @({c[1]},{c[2]}) {c[3]!r}\n  got  {got}\n  want {want}"
            )
    total = len(cases)
    passed = total - len(failures)
    assert not failures, f"{passed}/{total} pass\n" + "\n".join(failures)
