"""Benchmark the text core: piece-table edits, line reads, file loads, memory.

Generates deterministic markdown-like files of 10 MB and 100 MB in a temporary
folder and prints one JSON object of figures, each next to its target:

* 100k random single-character inserts/deletes on the 10 MB text: median us per
  edit (target <= 20), on the PieceTable and through Document (undo, marks);
* ``line(i)`` at random rows afterwards (target <= 10 us median);
* 50 consecutive lines, as the view draws them (target <= 0.5 ms median);
* ``Document.load`` of 10 MB (target <= 300 ms) and 100 MB (target <= 3 s);
* memory held beyond the text itself after load (target <= 0.6x the text),
  measured with tracemalloc, and after the 100k edits (pieces are compacted
  automatically, so the same bound holds).

Usage: ``python benchmarks/bench_buffer.py [--quick]`` (--quick skips 100 MB).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinymorph_tui.core.document import Document  # noqa: E402
from tinymorph_tui.core.piece_table import PieceTable  # noqa: E402

MB = 1_000_000
WORDS = (
    "the a of and to in is was that it for on with as his her they at by from had "
    "writer novel chapter river evening garden letter quiet light window morning "
    "remembered whispered slowly across beneath harbour lantern café naïve über"
).split()


def make_markdown(size: int, seed: int = 7) -> str:
    """A deterministic markdown-like text of about ``size`` characters."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 16))]
        words[0] = words[0].capitalize()
        return " ".join(words) + rng.choice(".,;!?") + " "

    pool: list[str] = []
    for i in range(4000):
        kind = i % 10
        if kind == 0:
            pool.append("#" * rng.randint(1, 3) + " " + sentence().strip(" .,;!?") + "\n\n")
        elif kind == 1:
            pool.append("".join(f"- {sentence().strip()}\n" for _ in range(rng.randint(2, 5))) + "\n")
        elif kind == 2:
            body = "".join(f"    x = {rng.randint(0, 999)}  # {rng.choice(WORDS)}\n" for _ in range(3))
            pool.append(f"```python\n{body}```\n\n")
        elif kind == 3:
            pool.append(f"> {sentence()}*{rng.choice(WORDS)}* and **{rng.choice(WORDS)}**\n\n")
        else:
            # Paragraphs wrapped at about 80 columns, as writers' files often are.
            text = "".join(sentence() for _ in range(rng.randint(2, 8))).strip()
            lines, line = [], ""
            for word in text.split(" "):
                if len(line) + len(word) > 78:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            lines.append(line)
            pool.append("\n".join(lines) + "\n\n")
    parts: list[str] = []
    total = 0
    while total < size:
        block = pool[rng.randrange(len(pool))]
        parts.append(block)
        total += len(block)
    return "".join(parts)[:size]


def median_us(samples: list[int]) -> float:
    """Median of nanosecond samples, in microseconds (2 decimals)."""
    return round(statistics.median(samples) / 1000, 2)


def bench_edits(text: str, n_edits: int, seed: int = 1) -> dict[str, float | int]:
    """Random single-character edits on a PieceTable and on a Document."""
    rng = random.Random(seed)
    plan = []
    size = len(text)
    for _ in range(n_edits):
        if rng.random() < 0.5:
            plan.append((0, rng.randrange(size + 1), rng.choice("abc \né")))
            size += 1
        else:
            plan.append((1, rng.randrange(size), ""))
            size -= 1
    clock = time.perf_counter_ns
    out: dict[str, float | int] = {}

    pt = PieceTable(text)
    insert, delete = pt.insert, pt.delete
    times = []
    gc.disable()  # collector pauses are not what this measures
    try:
        for kind, offset, ch in plan:
            if kind == 0:
                t = clock()
                insert(offset, ch)
                times.append(clock() - t)
            else:
                t = clock()
                delete(offset, 1)
                times.append(clock() - t)
    finally:
        gc.enable()
    out["edit_median_us"] = median_us(times)
    out["edit_p99_us"] = round(sorted(times)[int(len(times) * 0.99)] / 1000, 2)
    # The slowest edit includes any automatic compaction (one O(n) rebuild).
    out["edit_max_ms"] = round(max(times) / 1e6, 2)
    shape = pt.check()
    out["pieces_after_edits"] = shape["pieces"]
    out["tree_height_after_edits"] = shape["height"]

    rows = pt.line_count
    times = []
    for _ in range(20_000):
        i = rng.randrange(rows)
        pt._lc_line = -1  # a random row: measure the walk, not the sequential cache
        t = clock()
        pt.line(i)
        times.append(clock() - t)
    out["line_median_us"] = median_us(times)

    times = []
    for _ in range(2000):
        top = rng.randrange(rows - 50)
        t = clock()
        for i in range(top, top + 50):
            pt.line(i)
        times.append(clock() - t)
    out["visible_50_lines_median_ms"] = round(statistics.median(times) / 1e6, 4)

    doc = Document(text)
    doc.set_mark("a", len(text) // 2)
    times = []
    gc.disable()
    try:
        for kind, offset, ch in plan[:20_000]:
            if kind == 0:
                t = clock()
                doc.insert(offset, ch)
                times.append(clock() - t)
            else:
                t = clock()
                doc.delete(offset, 1)
                times.append(clock() - t)
    finally:
        gc.enable()
    out["document_edit_median_us"] = median_us(times)

    # As in the editor: one undo group per insert session, a listener (syntax, hints).
    doc = Document(text)
    events = []
    doc.add_listener(events.append)
    times = []
    gc.disable()
    try:
        for n, (kind, offset, ch) in enumerate(plan[:20_000]):
            if n % 20 == 0:
                doc.end_group((0, 0))
                doc.begin_group((0, 0))
                events.clear()
            if kind == 0:
                t = clock()
                doc.insert(offset, ch)
                times.append(clock() - t)
            else:
                t = clock()
                doc.delete(offset, 1)
                times.append(clock() - t)
    finally:
        gc.enable()
    out["document_edit_with_listener_median_us"] = median_us(times)
    return out


def bench_load(path: Path, runs: int) -> float:
    """Median seconds of Document.load(path)."""
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        doc = Document.load(path)
        times.append(time.perf_counter() - t)
        del doc
    return round(statistics.median(times), 3)


def memory_ratio(path: Path) -> tuple[float, float]:
    """(held, peak) memory of Document.load beyond the text, as a fraction of the text."""
    gc.collect()
    tracemalloc.start()
    doc = Document.load(path)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    text_bytes = sys.getsizeof(doc.text())  # one piece: text() is the loaded str itself
    return round((held - text_bytes) / text_bytes, 3), round((peak - text_bytes) / text_bytes, 3)


def memory_after_edits(text: str, n_edits: int) -> float:
    """Memory beyond the text after ``n_edits`` random edits, as a fraction of the text."""
    rng = random.Random(3)
    gc.collect()
    tracemalloc.start()
    pt = PieceTable(text)
    size = len(text)
    for _ in range(n_edits):
        if rng.random() < 0.5:
            pt.insert(rng.randrange(size + 1), "x")
            size += 1
        else:
            pt.delete(rng.randrange(size), 1)
            size -= 1
    gc.collect()  # a compaction leaves the old tree as cyclic garbage
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # After an automatic compaction the table holds the text anew, allocated
    # while tracing: that copy is the text itself, not overhead.
    rebuilt = {id(n.buf.text): n.buf.text for n in pt._nodes() if len(n.buf.text) >= len(text) // 2}
    own = sum(sys.getsizeof(t) for t in rebuilt.values() if t is not text)
    return round((held - own) / sys.getsizeof(text), 3)


def main() -> int:
    """Run the benchmarks and print the JSON figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100 MB file")
    parser.add_argument("--edits", type=int, default=100_000)
    args = parser.parse_args()
    figures: dict[str, object] = {"python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="tinymorph-bench-") as tmp:
        small = Path(tmp) / "10mb.md"
        text = make_markdown(10 * MB)
        small.write_text(text, encoding="utf-8")
        figures["size_10mb_chars"] = len(text)
        figures["lines_10mb"] = text.count("\n") + 1
        figures.update(bench_edits(text, args.edits))
        figures["load_10mb_s"] = bench_load(small, 5)
        figures["memory_beyond_text_10mb"], figures["memory_peak_load_10mb"] = memory_ratio(small)
        figures["memory_beyond_text_after_edits_10mb"] = memory_after_edits(text, args.edits)
        del text
        if not args.quick:
            big = Path(tmp) / "100mb.md"
            big.write_text(make_markdown(100 * MB, seed=8), encoding="utf-8")
            figures["load_100mb_s"] = bench_load(big, 3)
            held, peak = memory_ratio(big)
            figures["memory_beyond_text_100mb"] = held
            figures["memory_peak_load_100mb"] = peak
    targets = {
        "edit_median_us": 20, "line_median_us": 10, "visible_50_lines_median_ms": 0.5,
        "load_10mb_s": 0.3, "load_100mb_s": 3.0, "memory_beyond_text_10mb": 0.6,
        "memory_beyond_text_100mb": 0.6, "memory_beyond_text_after_edits_10mb": 0.6,
    }
    figures["targets_met"] = {
        k: figures[k] <= v for k, v in targets.items() if k in figures  # type: ignore[operator]
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
