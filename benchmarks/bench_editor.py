"""Per-key latency of the Vim engine on a 10 MB document; prints JSON figures.

    .venv/bin/python benchmarks/bench_editor.py [--mb 10] [--keys 5000] [--long-line-mb 50]

Target (issue 3): median <= 50 us per key for insert-mode characters and simple motions
(h j k l w b).  Each figure is the median (and p95) of single `ed.feed_key()` calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinymorph_tui.core.editor import Editor  # noqa: E402

LINE = "The quick brown fox jumps over the lazy dog, and then a few more words follow.\n"


def _time_keys(ed: Editor, keys: list[str], n: int) -> dict[str, float]:
    samples = []
    for i in range(n):
        k = keys[i % len(keys)]
        t0 = time.perf_counter_ns()
        ed.feed_key(k)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    return {
        "median_us": round(statistics.median(samples), 2),
        "p95_us": round(samples[int(len(samples) * 0.95)], 2),
    }


def _long_line(mb: float, n: int) -> dict[str, object]:
    """Keys in the middle of a single line of `mb` MB (a pasted blob, a minified file):
    typing there must cost about as much as a move (no copy of the line per key)."""
    text = "word " * int(mb * 1_000_000 // 5)
    ed = Editor.from_text(text, cursor=(0, len(text) // 2), options={"textwidth": 0})
    res: dict[str, object] = {"line_mb": round(len(text) / 1e6, 2)}
    res["normal_l"] = _time_keys(ed, ["l"], n)
    res["normal_h"] = _time_keys(ed, ["h"], n)
    ed.feed_key("i")
    res["insert_char"] = _time_keys(ed, list("abc "), n)
    res["insert_backspace"] = _time_keys(ed, ["x", "<BS>"], n)
    ed.feed_key("<Esc>")
    res["normal_x"] = _time_keys(ed, ["x"], min(n, 50))
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--keys", type=int, default=5000)
    ap.add_argument("--long-line-mb", type=float, default=0.0,
                    help="also time keys in the middle of ONE line of this size")
    args = ap.parse_args()
    text = LINE * int(args.mb * 1_000_000 // len(LINE))
    t0 = time.perf_counter()
    ed = Editor.from_text(text, cursor=(len(text) // len(LINE) // 2, 5))
    load_ms = (time.perf_counter() - t0) * 1000
    out: dict[str, object] = {"document_mb": round(len(text) / 1e6, 2), "open_ms": round(load_ms, 1)}
    for name, keys in (
        ("h", ["h"]),
        ("j", ["j"]),
        ("k", ["k"]),
        ("l", ["l"]),
        ("w", ["w"]),
        ("b", ["b"]),
        ("jk", ["j", "k"]),
    ):
        out[f"normal_{name}"] = _time_keys(ed, keys, args.keys)
    ed.feed_key("o")
    out["insert_char"] = _time_keys(ed, list("abcdefghij "), args.keys)
    out["insert_backspace"] = _time_keys(ed, ["x", "<BS>"], args.keys)
    ed.feed_key("<Esc>")
    out["undo_insert_session_ms"] = None
    t0 = time.perf_counter()
    ed.feed("u")
    out["undo_insert_session_ms"] = round((time.perf_counter() - t0) * 1000, 2)
    if args.long_line_mb:
        out["long_line"] = _long_line(args.long_line_mb, min(args.keys, 300))
    targets = ["normal_h", "normal_j", "normal_k", "normal_l", "normal_w", "normal_b", "insert_char"]
    out["target_median_us"] = 50
    out["meets_target"] = all(out[t]["median_us"] <= 50 for t in targets)  # type: ignore[index]
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
