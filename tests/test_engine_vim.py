"""Differential tests against real Vim 9.

* `test_recorded_corpus`: replays cases whose expected results were recorded from Vim
  (tests/data/engine_vim_corpus.json.gz, made with tests/run_vim_diff.py --save); needs no vim.
* `test_live_random_vs_vim` (marked `vim`): fresh random command sequences run through both
  real Vim (in a pty, tests/vim_oracle.py) and the engine; skipped where vim is absent.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from vim_cases import random_case  # noqa: E402
from vim_oracle import CORPUS_OPTIONS, available, run_engine, run_vim  # noqa: E402

BAR = 0.95


def _same(case_text: str, cursor: tuple[int, int], keys: str, exp: dict) -> bool:
    got = run_engine(case_text, cursor, keys, dict(CORPUS_OPTIONS))
    return (got.text, list(got.cursor), got.mode) == (exp["text"], list(exp["cursor"]), exp["mode"])


def test_recorded_corpus() -> None:
    """At least 95% of the recorded Vim cases match in text, cursor and mode."""
    with gzip.open(HERE / "data" / "engine_vim_corpus.json.gz", "rt", encoding="utf-8") as fh:
        cases = json.load(fh)
    failed = [c for c in cases if not _same(c["text"], tuple(c["cursor"]), c["keys"], c["expect"])]
    rate = 1 - len(failed) / len(cases)
    detail = "\n".join(f"{c['text']!r} {c['cursor']} {c['keys']!r}" for c in failed[:10])
    assert rate >= BAR, f"pass rate {rate:.3f} < {BAR}; first failures:\n{detail}"


@pytest.mark.vim
@pytest.mark.skipif(not available(), reason="vim is not installed")
def test_live_random_vs_vim() -> None:
    """Random command sequences agree with real Vim at least 90% of the time."""
    rng = random.Random(20261120)
    cases = [random_case(rng) for _ in range(40)]
    failed = []
    for text, cursor, keys in cases:
        v = run_vim(text, cursor, keys, dict(CORPUS_OPTIONS))
        exp = {"text": v.text, "cursor": list(v.cursor), "mode": v.mode}
        if not _same(text, cursor, keys, exp):
            failed.append((text, cursor, keys))
    assert len(failed) <= 4, failed


@pytest.mark.vim
@pytest.mark.skipif(not available(), reason="vim is not installed")
@pytest.mark.parametrize(
    ("text", "cursor", "keys"),
    [
        ("foo bar\nbaz", (0, 4), "dw"),
        ("one two three\nfour", (0, 0), "wcwX<Esc>j."),
        ("a b c\nd e f", (0, 0), "qaxwq@a"),
        ("x(a, b)y", (0, 3), "ci(z<Esc>u<C-r>"),
    ],
)
def test_vim_agrees_on_basics(text: str, cursor: tuple[int, int], keys: str) -> None:
    """A few fixed cases checked live against vim, registers included."""
    v = run_vim(text, cursor, keys, dict(CORPUS_OPTIONS))
    e = run_engine(text, cursor, keys, dict(CORPUS_OPTIONS))
    assert (e.text, e.cursor, e.mode) == (v.text, v.cursor, v.mode)
    assert e.registers['"'] == v.registers['"']
