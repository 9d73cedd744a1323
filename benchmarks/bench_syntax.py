"""Markdown highlighting costs, printed as JSON.

    .venv/bin/python benchmarks/bench_syntax.py [--sizes 1,10]

Figures (milliseconds unless named otherwise), per document size in MB:

* `visible_50_cold_ms` (median, and `_max`) / `visible_50_warm_ms`: `line_spans` for 50
  rows scrolled to for the first time (query + inline parses + pygments on the UI thread;
  the first one may also import a pygments lexer module) and again (cached);
* `far_jump_to_highlighted_ms`: jumping to the middle of the file (outside the parsed
  region) until its rows are highlighted (plain meanwhile);
* `visible_50_shifted_ms`: the same rows while 20 edits are not yet parsed (the UI path
  during fast typing);
* `constructor_ms`: `MarkdownHighlighter(doc)` on the UI thread (it takes one `doc.text()`);
* `first_highlights_ms`: constructor to the first published highlights of the top screen;
  `parsed_around_view_ms`: until the worker is idle, having parsed the text around the view
  (the whole file up to 1.5 MB; a 1.5 MB window beyond that), all off the key path;
* `reparse_after_edit_ms`: one character typed mid-document until the worker is idle again;
* `listener_us`: the highlighter's document listener per edit (on the keystroke path), and
  `insert_with_highlighter_us` / `insert_without_us` for the whole `doc.insert`;
* `keystroke_p50_us` / `keystroke_p99_us`: `doc.insert` + `line_spans` of 50 rows, one key
  every 30 ms while the worker reparses after each (what a key press costs the UI thread);
* `ui_stall_max_ms`: the longest the UI thread waited for the GIL while the worker parsed
  the whole document (a 1 ms sleep loop on the main thread); `ui_stall_baseline_max_ms` is
  the same loop for a second with no worker (what the machine's own load causes).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinymorph_tui.core.document import Document  # noqa: E402
from tinymorph_tui.syntax.markdown import MarkdownHighlighter  # noqa: E402

BLOCKS = [
    "# Chapter {n}\n",
    "## Section {n}: *the* return\n",
    "It was a **bright** cold day in April, and the clocks were striking `thirteen`. "
    "Winston Smith, his chin nuzzled into his breast in an effort to escape the vile wind, "
    "slipped quickly through the [glass doors](https://example.org/{n}) of Victory Mansions.\n",
    "- first point with _emphasis_\n- second point\n  continued here\n- [ ] a task\n",
    "> A quotation that runs over\n> two lines with **strong** words.\n",
    "```python\ndef f{n}(x):\n    return x * {n}  # comment\n```\n",
    "| name | value |\n|------|-------|\n| a | {n} |\n| b | ~~old~~ |\n",
    "1. one\n2. two\n3. three\n",
]


def make_doc(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        block = rng.choice(BLOCKS).format(n=n)
        parts.append(block)
        total += len(block) + 1
        n += 1
    return "\n".join(parts)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def bench(size_mb: float) -> dict[str, float]:
    text = make_doc(int(size_mb * 1024 * 1024))
    doc = Document(text)
    rows = doc.line_count
    out: dict[str, float] = {"lines": rows}

    # baseline: the same sleep loop with no worker (what the machine's load alone causes)
    baseline = []
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        tick = time.perf_counter()
        time.sleep(0.001)
        baseline.append(time.perf_counter() - tick - 0.001)
    out["ui_stall_baseline_max_ms"] = ms(max(baseline))

    stalls: list[float] = []
    done = threading.Event()
    t0 = time.perf_counter()
    first: list[float] = []
    hl = MarkdownHighlighter(doc, on_update=lambda: first or first.append(time.perf_counter()))
    out["constructor_ms"] = ms(time.perf_counter() - t0)
    while not done.is_set():
        tick = time.perf_counter()
        time.sleep(0.001)
        stalls.append(time.perf_counter() - tick - 0.001)
        if hl._is_idle and hl.version >= doc.version:
            done.set()
    out["first_highlights_ms"] = ms(first[0] - t0)
    out["parsed_around_view_ms"] = ms(time.perf_counter() - t0)
    out["ui_stall_max_ms"] = ms(max(stalls))

    # a far jump (G, a search): rows outside the parsed region show plain until the worker
    # has parsed the chunk(s) there
    mid = rows // 2
    t = time.perf_counter()
    while not any(hl.line_spans(mid, mid + 50)) and time.perf_counter() - t < 60:
        time.sleep(0.001)  # a UI redrawing on each on_update would see them now
    out["far_jump_to_highlighted_ms"] = ms(time.perf_counter() - t)
    hl.wait_idle(60)
    # scrolling one screen at a time: rows never drawn before, computed on the UI thread
    # (query + inline parses + pygments), then the same rows again (cached)
    cold = []
    for k in range(1, 8):
        row = mid + 50 * k
        t = time.perf_counter()
        hl.line_spans(row, row + 50)
        cold.append(time.perf_counter() - t)
    out["visible_50_cold_ms"] = ms(statistics.median(cold))
    out["visible_50_cold_max_ms"] = ms(max(cold))
    warm = []
    for _ in range(50):
        t = time.perf_counter()
        hl.line_spans(mid, mid + 50)
        warm.append(time.perf_counter() - t)
    out["visible_50_warm_ms"] = ms(statistics.median(warm))
    hl.wait_idle(60)

    # one character typed in the middle: the worker reparses that chunk only
    offset = doc.offset_of(mid + 3, 0)
    t = time.perf_counter()
    doc.insert(offset, "x")
    hl.wait_idle(60)
    out["reparse_after_edit_ms"] = ms(time.perf_counter() - t)

    # the keystroke path: insert + visible spans, one key every 30 ms (a fast typist), the
    # worker reparsing after each key
    keys = []
    for i in range(100):
        time.sleep(0.03)
        t = time.perf_counter()
        doc.insert(offset + i, "y")
        hl.line_spans(mid, mid + 50)
        keys.append(time.perf_counter() - t)
    keys.sort()
    out["keystroke_p50_us"] = round(keys[len(keys) // 2] * 1e6, 1)
    out["keystroke_p99_us"] = round(keys[int(len(keys) * 0.99)] * 1e6, 1)
    hl.wait_idle(60)

    # shifted path: 20 pending edits the worker has not applied (worker paused)
    gate = threading.Event()
    real_drain = hl._drain

    def gated(state: object) -> None:
        gate.wait()
        real_drain(state)  # type: ignore[arg-type]

    hl._drain = gated  # type: ignore[method-assign]
    hl._wake.set()
    time.sleep(0.05)
    for i in range(20):
        doc.insert(offset + i, "z")
    shifted = []
    for _ in range(20):
        t = time.perf_counter()
        hl.line_spans(mid, mid + 50)
        shifted.append(time.perf_counter() - t)
    out["visible_50_shifted_ms"] = ms(statistics.median(shifted))
    gate.set()
    hl.wait_idle(60)

    # listener cost: the bound method with a real event (worker stopped, so it is only the
    # queueing the keystroke path pays), and doc.insert with / without a highlighter
    events: list[object] = []
    doc.add_listener(events.append)
    doc.insert(offset, "q")
    doc.remove_listener(events.append)
    hl.close()
    listener = []
    for _ in range(2000):
        t = time.perf_counter()
        hl._on_edit(events[0])
        listener.append(time.perf_counter() - t)
    out["listener_us"] = round(statistics.median(listener) * 1e6, 2)
    with_hl = MarkdownHighlighter(doc)
    with_hl.wait_idle(120)
    t = time.perf_counter()
    for i in range(500):
        doc.insert(offset + i, "w")
    out["insert_with_highlighter_us"] = round((time.perf_counter() - t) / 500 * 1e6, 2)
    with_hl.close()
    t = time.perf_counter()
    for i in range(500):
        doc.insert(offset + i, "v")
    out["insert_without_us"] = round((time.perf_counter() - t) / 500 * 1e6, 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="document sizes in MB, comma separated")
    args = parser.parse_args()
    results = {f"{s}MB": bench(float(s)) for s in args.sizes.split(",")}
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
