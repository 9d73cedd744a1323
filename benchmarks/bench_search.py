"""Benchmark search, hlsearch and ex commands on a 10 MB document.

Prints one JSON object of figures (milliseconds, medians of several runs):

* `n` to a match ~60% down the file, and a search that finds nothing (E486): both scan
  lines without building the whole text (target <= 50 ms);
* a pattern that can match line breaks (`a\\nb`), which has to read the whole text;
* hlsearch spans for one 40-line screen (target <= 2 ms);
* `:%s/the/THE/g` over every line, its undo, and `:g/river/d`;
* translating a pattern (cached and uncached).

Usage: ``python benchmarks/bench_search.py``
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinymorph_tui.core import ex_commands  # noqa: E402
from tinymorph_tui.core.editor import Editor  # noqa: E402
from tinymorph_tui.core.vim_regex import compile_vim  # noqa: E402

WORDS = (
    "the a of and to in is was that it for on with as his her they at by from had "
    "writer novel chapter river evening garden letter quiet light window morning"
).split()


def make_text(size: int) -> str:
    rng = random.Random(1)
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        lines.append(line)
        total += len(line) + 1
    lines[int(len(lines) * 0.6)] += " needle"
    return "\n".join(lines)


def median_ms(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 3)


def main() -> None:
    text = make_text(10_000_000)
    ed = Editor.from_text(text, options={"hlsearch": True})
    out: dict[str, object] = {"doc_bytes": len(text), "lines": ed.doc.line_count}

    def find_needle() -> None:
        ed.cursor = (0, 0)
        assert ed.searcher().command("needle") is not None

    def find_nothing() -> None:
        ed.cursor = (0, 0)
        assert ed.searcher().command("zzzq") is None

    def find_backward() -> None:
        ed.cursor = (ed.doc.line_count - 1, 0)
        assert ed.searcher().command("needle", forward=False) is not None

    def find_multiline() -> None:
        ed.cursor = (0, 0)
        ed.searcher().command("needle\\nthe")

    out["search_needle_ms"] = median_ms(find_needle)
    out["search_backward_ms"] = median_ms(find_backward)
    out["search_not_found_ms"] = median_ms(find_nothing)
    out["search_multiline_ms"] = median_ms(find_multiline, runs=3)
    ed.searcher().command("river")
    out["hlsearch_40_rows_ms"] = median_ms(lambda: ed.search_matches(1000, 1040), runs=50)
    out["translate_uncached_ms"] = median_ms(
        lambda: compile_vim.__wrapped__("\\v<(\\w+)\\s+\\1>", True, True), runs=50
    )
    t = time.perf_counter()
    for _ in range(10000):
        compile_vim("\\v<(\\w+)\\s+\\1>", True, True)
    out["translate_cached_us"] = round((time.perf_counter() - t) / 10000 * 1e6, 3)
    t = time.perf_counter()
    ex_commands.execute(ed, "%s/the/THE/g")
    out["substitute_all_lines_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["substitute_message"] = ed.message
    t = time.perf_counter()
    ed.feed("u")
    out["undo_substitute_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    ex_commands.execute(ed, "g/river/d")
    out["global_delete_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["global_message"] = ed.message
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
