""":s///c (confirm): the y/n/a/l/q answers, compared with Vim typed in a terminal.

The Editor routes keys to `ex_substitute.confirm_key` while a prompt is pending; these tests
do that routing themselves so they also hold before the Editor is wired.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vim_oracle  # noqa: E402

from tinymorph_tui.core.editor import Editor  # noqa: E402
from tinymorph_tui.core.ex_substitute import confirm_key, confirm_pending  # noqa: E402
from tinymorph_tui.core.keys import parse_keys  # noqa: E402

TEXT = "foo boo\nxo\nzoo"

CASES = [
    ":%s/o/0/gc<CR>yq",
    ":%s/o/0/gc<CR>nnnnnnn",
    ":%s/o/0/gc<CR>yyyyyyy",
    ":%s/o/0/gc<CR>a",
    ":%s/o/0/gc<CR>nl",
    ":%s/o/0/gc<CR>n<Esc>",
    ":%s/o/0/gc<CR>yyyyyyyu",
    ":%s/o/0/c<CR>yyy",
    ":%s/o/0/gc<CR>nna",
    ":s/o/0/gc<CR>yy",
    ":%s/o/0/gc<CR>ynynyny",
    ":%s/o/0/gc<CR>q",
    ":%s/o/\\r/gc<CR>yyyyyyy",
    ":%s/o*/-/gc<CR>yyyyyyyyyyyy",
    ":%s/\\<\\w/\\u&/gc<CR>ynyy",
]


def run_engine_confirm(text: str, cursor: tuple[int, int], keys: str) -> Editor:
    """Feed keys, sending them to the confirm prompt while one is pending."""
    ed = Editor.from_text(text, cursor=cursor, options=dict(vim_oracle.CORPUS_OPTIONS))
    for tok in parse_keys(keys):
        if confirm_pending(ed):
            confirm_key(ed, tok)
        else:
            ed.feed_key(tok)
    return ed


def test_confirm_unit() -> None:
    ed = run_engine_confirm("a a\na", (0, 0), ":%s/a/b/gc<CR>")
    assert confirm_pending(ed)
    assert ed.message == "replace with b (y/n/a/q/l/^E/^Y)?"
    assert ed.cursor == (0, 0)
    confirm_key(ed, "y")
    assert ed.cursor == (0, 2) and ed.text == "b a\na"
    confirm_key(ed, "x")  # ignored, still asking
    assert confirm_pending(ed)
    confirm_key(ed, "n")
    assert ed.cursor == (1, 0)
    confirm_key(ed, "y")
    assert not confirm_pending(ed) and ed.text == "b a\nb"
    assert not confirm_key(ed, "y")
    ed = run_engine_confirm("a", (0, 0), ":s/x/b/c<CR>")
    assert not confirm_pending(ed) and ed.message.startswith("E486")


@pytest.mark.skipif(not vim_oracle.available(), reason="vim is not installed")
@pytest.mark.parametrize("keys", CASES)
def test_confirm_matches_vim(keys: str) -> None:
    want = vim_oracle.run_vim(TEXT, (1, 1), keys)
    ed = run_engine_confirm(TEXT, (1, 1), keys)
    assert (ed.text, ed.cursor) == (want.text, want.cursor)


ROUTED = CASES + [
    ":%s/o/0/gc<CR>au",
    ":%s/o/0/gc<CR>yyyyyyyuu",
    ":%s/o/0/gc<CR>ynlu",
    ":%s/o/0/gc<CR>q0x",
    ":%s/o/0/gc<CR>yyyyyqu",
    ":%s/o/0/gc<CR>nnnau",
]


@pytest.mark.skipif(not vim_oracle.available(), reason="vim is not installed")
@pytest.mark.parametrize("keys", ROUTED)
def test_confirm_routed_by_editor_matches_vim(keys: str) -> None:
    """The Editor itself sends keys to the prompt: `y` substitutes instead of yanking."""
    want = vim_oracle.run_vim(TEXT, (1, 1), keys)
    ed = Editor.from_text(TEXT, cursor=(1, 1), options=dict(vim_oracle.CORPUS_OPTIONS))
    ed.feed(keys)
    assert (ed.text, ed.cursor, ed.mode) == (want.text, want.cursor, want.mode)


def test_confirm_routed_unit() -> None:
    ed = Editor.from_text("foo oo\nboo", options=dict(vim_oracle.CORPUS_OPTIONS))
    ed.feed(":%s/oo/XX/gc<CR>y")
    assert ed.text == "fXX oo\nboo" and confirm_pending(ed)
    ed.feed("ny")
    assert ed.text == "fXX oo\nbXX" and not confirm_pending(ed)
    assert ed.registers['"'] == ""  # no yank happened
