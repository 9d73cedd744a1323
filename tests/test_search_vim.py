"""Differential tests of search against real Vim 9 (`vim -u NONE -N -es`).

Each case is (buffer lines, cursor, options, keys); Vim runs all cases of a table in one
process (a Vim script reads them as JSON) and reports the cursor, the text and messages.
Skipped where vim is absent.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from vim_oracle import run_vim_script

from tinymorph_tui.core.document import Document
from tinymorph_tui.core.options import Options
from tinymorph_tui.core.registers import Registers
from tinymorph_tui.core.search import search_command, search_next

VIM = shutil.which("vim")
needs_vim = pytest.mark.skipif(VIM is None, reason="vim is not installed")

_SCRIPT = r"""
let s:cases = json_decode(join(readfile(g:infile), ''))
let s:out = []
for s:c in s:cases
  silent! %delete _
  call setline(1, s:c.lines)
  exe 'set ' . s:c.opts
  if has_key(s:c, 'reset')
    exe s:c.reset
  endif
  let @/ = ''
  call cursor(s:c.row + 1, 1)
  call setcursorcharpos(s:c.row + 1, s:c.col + 1)
  let s:p = getcurpos()
  let s:p[4] = virtcol('.')
  call setpos('.', s:p)
  let v:errmsg = ''
  let v:warningmsg = ''
  let s:err = ''
  for s:k in s:c.keys
    try
      if s:k[0] == ':'
        exe s:k[1:]
      else
        exe 'normal! ' . s:k
      endif
    catch
      let s:err .= ' ' . substitute(v:exception, '^Vim[^:]*:', '', '')
    endtry
  endfor
  let s:err = trim(s:err)
  call add(s:out, {'row': line('.') - 1, 'col': charcol('.') - 1,
        \ 'lines': getline(1, '$'), 'err': s:err, 'warn': v:warningmsg})
  exe 'set all&'
endfor
call writefile([json_encode(s:out)], g:outfile)
qa!
"""


def run_vim(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run cases in one Vim process; each case: lines, row, col, opts, keys (list).

    A key string starting with ":" runs as an ex command (`:exe`), others as `:normal!`.
    """
    return run_vim_script(_SCRIPT, cases)


class FakeEd:
    """The slice of the Editor surface that search uses."""

    def __init__(self, lines: list[str], cursor: tuple[int, int], opts: dict[str, Any]):
        self.doc = Document("\n".join(lines))
        self.options = Options(opts)
        self.cursor = cursor
        self.message = ""
        self.message_is_error = False
        self.registers = Registers()
        self.last_search: str | None = None

    def set_error(self, msg: str) -> None:
        self.message = msg
        self.message_is_error = True

    def set_message(self, msg: str) -> None:
        self.message = msg
        self.message_is_error = False


def _clamp(ed: FakeEd, pos: tuple[int, int]) -> tuple[int, int]:
    r, c = pos
    n = len(ed.doc.line(r))
    return (r, max(0, min(c, n - 1)))


def run_ours(case: dict[str, Any]) -> dict[str, Any]:
    """Drive search_command / search_next the way the normal-mode keys do."""
    opts: dict[str, Any] = {}
    for item in case["opts"].split():
        if item.startswith("no"):
            opts[item[2:]] = False
        elif "=" in item:
            k, v = item.split("=", 1)
            opts[k] = int(v) if v.isdigit() else v
        else:
            opts[item] = True
    ed = FakeEd(case["lines"], (case["row"], case["col"]), opts)
    err = ""
    for key in case["keys"]:
        count = 1
        k = key
        while k and k[0].isdigit():
            count_s = ""
            while k and k[0].isdigit():
                count_s += k[0]
                k = k[1:]
            count = int(count_s)
        ed.message = ""
        ed.message_is_error = False
        if k[0] in "/?":
            motion = search_command(ed, k[1:].rstrip("\r"), forward=k[0] == "/", count=count)
        elif k == "n":
            motion = search_next(ed, count=count)
        elif k == "N":
            motion = search_next(ed, reverse=True, count=count)
        else:
            raise AssertionError(k)
        if motion is None:
            err = ed.message
        else:
            ed.cursor = _clamp(ed, motion.position)
    return {"row": ed.cursor[0], "col": ed.cursor[1], "err": err}


LINES = [
    "foo bar baz foo",
    "  Foo qux(bar) foo_bar",
    "",
    "aaaa bbbb aaaa",
    "the end. foo",
]

SEARCH_CASES: list[tuple[list[str], int, int, str, list[str]]] = [
    (LINES, 0, 0, "", ["/foo\r"]),
    (LINES, 0, 0, "", ["/foo\r", "n"]),
    (LINES, 0, 0, "", ["/foo\r", "n", "n", "n"]),
    (LINES, 0, 0, "", ["/foo\r", "N"]),
    (LINES, 0, 0, "", ["?foo\r"]),
    (LINES, 0, 0, "", ["?foo\r", "n"]),
    (LINES, 0, 0, "", ["3/foo\r"]),
    (LINES, 0, 0, "ic", ["/foo\r", "n"]),
    (LINES, 0, 0, "ic scs", ["/Foo\r", "n"]),
    (LINES, 0, 0, "ic scs", ["/foo\r", "n"]),
    (LINES, 0, 0, "ic scs", ["/\\CFoo\r"]),
    (LINES, 0, 0, "", ["/\\cFOO\r", "n"]),
    (LINES, 0, 0, "nows", ["/the\r", "n"]),
    (LINES, 4, 0, "nows", ["/foo\r", "n"]),
    (LINES, 0, 0, "nows", ["?foo\r"]),
    (LINES, 0, 0, "", ["/zzz\r"]),
    (LINES, 0, 0, "", ["/foo/e\r"]),
    (LINES, 0, 0, "", ["/foo/e\r", "n"]),
    (LINES, 0, 0, "", ["/foo/e+1\r"]),
    (LINES, 0, 0, "", ["/foo/e-1\r", "n"]),
    (LINES, 0, 0, "", ["/bar/s+1\r"]),
    (LINES, 0, 0, "", ["/bar/b-2\r", "n"]),
    (LINES, 0, 0, "", ["/qux/+2\r"]),
    (LINES, 0, 0, "", ["/qux/-1\r"]),
    (LINES, 2, 0, "", ["?aaaa?e\r", "n"]),
    (LINES, 0, 0, "", ["/bar/;/foo\r"]),
    (LINES, 0, 0, "", ["/\\<bar\\>\r", "n"]),
    (LINES, 0, 0, "", ["/a\\+\r", "n", "n"]),
    (LINES, 3, 0, "", ["/aa\r", "n", "n"]),
    (LINES, 3, 13, "", ["?aa\r", "n", "n"]),
    (LINES, 0, 0, "", ["/$\r", "n", "n"]),
    (LINES, 0, 5, "", ["?^\r", "n"]),
    (LINES, 0, 0, "", ["/^$\r"]),
    (LINES, 0, 0, "", ["/bar\\|qux\r", "n", "n"]),
    (LINES, 0, 0, "", ["/\\(foo\\|bar\\)_\r"]),
    (LINES, 0, 0, "", ["/foo\\zsbar\r"]),
    (LINES, 0, 0, "", ["/foo_\\zsbar\r", "N"]),
    (LINES, 0, 0, "", ["/qux\\ze(\r"]),
    (LINES, 0, 0, "", ["/\\v(foo|baz)>\r", "n", "n"]),
    (LINES, 0, 0, "", ["/\\Vqux(\r"]),
    (LINES, 0, 0, "", ["/[0-9]\r"]),
    (LINES, 0, 0, "", ["/[[:upper:]]\r"]),
    (LINES, 0, 0, "", ["/b\\{4}\r"]),
    (LINES, 0, 0, "", ["/a\\{-1,}\r", "n"]),
    (LINES, 0, 0, "", ["/end\\.\r"]),
    (LINES, 0, 0, "", ["/end.\r"]),
    (LINES, 0, 0, "", ["/bar\\nbar\r"]),
    (LINES, 0, 0, "", ["/foo\\n\r", "n"]),
    (LINES, 0, 0, "", ["/\\_s\\+Foo\r"]),
    (LINES, 0, 0, "", ["/\\n\\n\r"]),
    (LINES, 0, 0, "", ["/\\(\r"]),
    (LINES, 0, 0, "", ["/a\\)\r"]),
    (LINES, 0, 0, "", ["n"]),
    (LINES, 0, 0, "", ["/foo\r", "/\r"]),
    (LINES, 0, 0, "", ["/foo/e\r", "//\r"]),
    (LINES, 0, 0, "", ["/foo/e\r", "/\r"]),
    (LINES, 0, 0, "", ["/\\s\\S\r", "n", "n"]),
    (LINES, 0, 0, "", ["/\\u\\l\r", "n"]),
    (LINES, 0, 0, "ic", ["/\\u\\l\r", "n"]),
    (LINES, 0, 0, "", ["/\\d*\r"]),
    (LINES, 0, 0, "", ["/x*\r", "n"]),
    (LINES, 1, 0, "", ["/^\\s*\\zsF\r"]),
    (LINES, 0, 0, "", ["/\\%(foo\\)\\@<=_\r"]),
    (LINES, 0, 0, "", ["/\\(a\\)\\1\\1\r"]),
    (LINES, 0, 0, "", ["/\\%[fo]\\+o_\r"]),
    (LINES, 0, 0, "", ["/[^ a-z]\r", "n"]),
    (LINES, 0, 0, "", ["/\\_[a-c]\\{2}\r", "n"]),
    (LINES, 0, 14, "", ["/foo\r"]),
    (LINES, 4, 11, "", ["/foo\r"]),
    (LINES, 4, 11, "", ["?foo\r"]),
    (LINES, 0, 0, "", ["/o\\>\r", "2n"]),
    (LINES, 0, 0, "", ["/[\r"]),
    (LINES, 0, 0, "", ["/ba[rz]\r", "n", "n"]),
    (["a.b a*b a~b"], 0, 0, "", ["/a*b\r"]),
    (["a.b a*b a~b"], 0, 0, "", ["/\\Ma*b\r"]),
    (["a.b a*b a~b"], 0, 0, "", ["/a\\~b\r"]),
    (["a.b a*b a~b"], 0, 0, "", ["/*b\r"]),
    (["x^y x$y"], 0, 0, "", ["/x^\r"]),
    (["x^y x$y"], 0, 0, "", ["/$y\r"]),
    (["x^y x$y"], 0, 0, "", ["/\\v\\$y\r"]),
    (["one two three", "four five"], 0, 0, "", ["/\\w\\+\\s\\+\\w\\+$\r"]),
    (["one two three", "four five"], 1, 0, "", ["?\\<t\r", "n"]),
    (["one two three", "four five"], 0, 4, "", ["/\\%^one\r"]),
    (["one two three", "four five"], 0, 4, "", ["/five\\%$\r"]),
    (["one two three", "four five"], 0, 0, "", ["/e\\_.f\r"]),
    (["äöü ÄÖÜ straße"], 0, 0, "ic", ["/ö\r", "n"]),
    (["äöü ÄÖÜ straße"], 0, 0, "", ["/\\a\\+\r", "n"]),
    (["äöü ÄÖÜ straße"], 0, 0, "", ["/\\<\\k\\+\\>\r", "n"]),
]


def _case(lines: list[str], row: int, col: int, opts: str, keys: list[str]) -> dict[str, Any]:
    return {"lines": lines, "row": row, "col": col, "opts": opts or "ws", "keys": keys}


@needs_vim
def test_search_matches_vim() -> None:
    cases = [_case(*c) for c in SEARCH_CASES]
    expected = run_vim(cases)
    failures = []
    for case, exp in zip(cases, expected, strict=True):
        got = run_ours(case)
        want = {"row": exp["row"], "col": exp["col"], "err": exp["err"]}
        if got != want:
            failures.append((case["keys"], case["row"], case["col"], case["opts"], got, want))
    assert not failures, "\n".join(map(repr, failures))
