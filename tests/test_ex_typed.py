"""Ex commands and searches typed as keys in a real terminal Vim (tests/vim_oracle.py) and in
the Editor, with the hidden corpus's options (ts=2 et ic scs ai js tw=80, 120x40)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vim_oracle  # noqa: E402

pytestmark = pytest.mark.skipif(not vim_oracle.available(), reason="vim is not installed")

FOOS = "foo foo foo\nfoo foo foo\nfoo foo foo"
TEXT = "The quick brown fox.\n  jumps over the lazy dog\n\nfoo bar baz foo\nlast line? yes"

CASES: list[tuple[str, tuple[int, int], str]] = [
    (TEXT, (0, 0), ":%s/o/0/g<CR>"),
    (TEXT, (0, 0), ":s/quick/slow/<CR>u"),
    (TEXT, (0, 0), ":g/o/d<CR>"),
    (TEXT, (0, 0), ":2,3d<CR>p"),
    (TEXT, (0, 0), "Vj:s/\\w\\+/[&]/g<CR>"),
    (TEXT, (0, 0), "/foo<CR>:s//X/g<CR>"),
    (TEXT, (0, 0), ":s/quick/a/<CR>j&"),
    (TEXT, (0, 0), ":s/o/0/<CR>g&"),
    (TEXT, (0, 0), "/Foo<CR>nN"),
    (TEXT, (3, 0), "*n"),
    (TEXT, (0, 0), "d/lazy/e<CR>"),
    (TEXT, (0, 0), ":m$<CR>:1<CR>"),
    (TEXT, (0, 0), ":%j<CR>"),
    (TEXT, (1, 4), ":>><CR>"),
    (TEXT, (0, 0), ":sort<CR>"),
    (TEXT, (0, 0), ":%norm Ax<CR>"),
    (TEXT, (0, 0), "3:d<CR>"),
    (TEXT, (0, 0), ":foo<CR>"),
    (TEXT, (0, 0), ":s/x/y/<CR>"),
    (TEXT, (0, 0), "/zzz<CR>"),
    (TEXT, (0, 0), ":%s/\\s\\+$//e<CR>"),
    (TEXT, (0, 0), ":%s/\\(\\w\\+\\) \\(\\w\\+\\)/\\2 \\1/<CR>"),
    (TEXT, (0, 0), ":g/^$/d<CR>"),
    (TEXT, (0, 0), ":v/\\S/d<CR>"),
    (TEXT, (0, 0), ":%s/^/> /<CR>"),
    (TEXT, (1, 0), "vj:s/o/O/g<CR>"),
    (TEXT, (0, 0), ":.,+2j<CR>"),
    (TEXT, (1, 3), ":t.<CR>"),
    (TEXT, (1, 3), ":co0<CR>"),
    (TEXT, (0, 0), ":%le<CR>"),
    (TEXT, (0, 0), ":ce<CR>"),
    (TEXT, (0, 0), "/fox/e+1<CR>"),
    (TEXT, (4, 0), "?the?b-1<CR>"),
    (TEXT, (0, 0), "/o/e<CR>//<CR>"),
    (TEXT, (0, 0), "/o/e<CR>/<CR>"),
    (TEXT, (0, 0), ":set ts=4 sw=0<CR>>>"),
    (TEXT, (0, 0), ":set noet<CR>:%>><CR>"),
    (TEXT, (0, 0), "qa:s/o/0/<CR>jq@a"),
    (TEXT, (0, 0), ":s/o/0/g<CR>j:&&<CR>"),
    (TEXT, (0, 0), "/\\<the\\><CR>cwTHE<Esc>n."),
    (TEXT, (0, 0), ":2<CR>dd:$<CR>p"),
    (TEXT, (0, 0), ":/lazy/;/foo/d<CR>"),
    (TEXT, (0, 0), "ma3j:'a,.d<CR>"),
    (TEXT, (0, 0), ":%s/o\\|e/_/g<CR>u<C-r>"),
    (TEXT, (0, 0), ":%s/\\n//<CR>"),
    (TEXT, (0, 0), ":1,2s/$/\\r/<CR>"),
    (TEXT, (0, 0), ":%sort! u<CR>"),
    (TEXT, (2, 0), "ifoo<Esc>:s/foo/\\U&/<CR>"),
    (TEXT, (0, 0), ":normal! 2dw<CR>"),
    (FOOS, (0, 0), "wvjw<Esc>:%s/\\%Vfoo/X/g<CR>"),
    (FOOS, (0, 0), "w<C-v>jlll<Esc>:%s/\\%Vfoo/X/g<CR>"),
    (FOOS, (0, 0), "wvjw:s/\\%Vfoo/X/g<CR>"),
    (FOOS, (0, 0), "wvjw<Esc>gg/\\%Vfoo<CR>nn"),
    (FOOS, (0, 0), "Vj<Esc>:g/\\%Vfoo/d<CR>"),
]


@pytest.mark.parametrize(("text", "cursor", "keys"), CASES)
def test_typed_matches_vim(text: str, cursor: tuple[int, int], keys: str) -> None:
    want = vim_oracle.run_vim(text, cursor, keys)
    got = vim_oracle.run_engine(text, cursor, keys)
    assert (got.text, got.cursor, got.mode) == (want.text, want.cursor, want.mode)
    assert got.errmsg[:5] == want.errmsg[:5]
