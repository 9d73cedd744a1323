"""Benchmark the hint pipeline: overhead to the first ghost character, and prefix reuse.

    python benchmarks/bench_hints.py [--model PATH] [--runs 30] [--skip-app]

Prints one JSON object with:
- `controller_overhead_ms`: from the moment the debounce fires (the controller decides to
  ask) to the hint being visible to the UI (`on_change` with the new text), minus the
  backend's own time to first chunk; an instant scripted backend, medians and p95.
- `app_overhead_ms`: the same up to the first ghost character *drawn* by the real
  TinymorphApp (App.run_test; the moment EditorView renders a line holding the ghost
  text), for the instant backend and, with a model, for LocalBackend. `frame_wait_ms` is
  the part of it between `on_change` and the paint (Textual's refresh path and frame
  pacing); `key_to_paint_ms`, for comparison, is the same path for a typed character (the
  key reaching the engine to the next repaint of the view).
- `prefix_reuse`: the LocalBackend through the controller: time to first token for a
  ~400-token context with nothing cached (`cold_ttft_ms`) and right after typing one more
  character (`warm_ttft_ms`), their ratio (target <= 0.25) and the cached token count.
Targets from the issue: overhead <= 10 ms, warm/cold <= 0.25.

Without --model it uses TINYMORPH_TEST_MODEL, else ../shared/models/stories260K.gguf when
present; the model parts are skipped (and say so) when there is none.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import STORY, find_model  # noqa: E402

from tinymorph_tui.hints.controller import HintController  # noqa: E402
from tinymorph_tui.hints.scripted import ScriptedBackend  # noqa: E402
from tinymorph_tui.inference.types import Chunk, CompletionRequest  # noqa: E402


class Marks:
    """Timestamps of one hint's way through the pipeline."""

    def __init__(self) -> None:
        self.debounce_end: float | None = None
        self.stream_call: float | None = None
        self.first_chunk: float | None = None
        self.visible: float | None = None
        self.drawn: float | None = None

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


class TimedBackend:
    """Wraps a backend and stamps when `stream()` is called and the first text arrives."""

    def __init__(self, inner: Any, marks: Marks) -> None:
        self.inner = inner
        self.marks = marks
        self.name = getattr(inner, "name", "timed")
        self.steering_mode = getattr(inner, "steering_mode", "none")

    async def stream(self, req: CompletionRequest) -> AsyncIterator[Chunk]:
        self.marks.stream_call = time.perf_counter()
        self.marks.first_chunk = None
        it = self.inner.stream(req)
        try:
            async for chunk in it:
                if chunk.text and self.marks.first_chunk is None:
                    self.marks.first_chunk = time.perf_counter()
                yield chunk
        finally:
            await it.aclose()

    async def aclose(self) -> None:
        await self.inner.aclose()


def timed_sleep(marks: Marks) -> Any:
    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds)
        marks.debounce_end = time.perf_counter()

    return sleep


def summary(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {
        "median": round(statistics.median(values), 3),
        "p95": round(p95, 3),
        "min": round(values[0], 3),
        "n": len(values),
    }


def overhead(m: Marks, end: float | None) -> float:
    assert m.debounce_end and m.stream_call and m.first_chunk and end
    backend_ttft = m.first_chunk - m.stream_call
    return (end - m.debounce_end - backend_ttft) * 1000.0


def marker_backend() -> ScriptedBackend:
    """Instant backend whose every answer is unique, so each hint can be spotted."""
    counter = iter(range(1, 1_000_000))
    return ScriptedBackend(respond=lambda req: f" Zq{next(counter)}x more words", piece=64)


async def bench_controller(runs: int) -> dict[str, Any]:
    marks = Marks()
    backend = TimedBackend(marker_backend(), marks)
    ctl: HintController

    def changed() -> None:
        hint = ctl.hint
        if hint is not None and marks.visible is None and marks.first_chunk is not None:
            marks.visible = time.perf_counter()

    ctl = HintController(
        backend, debounce_ms=5, adaptive_debounce=False, prefetch=False,
        on_change=changed, sleep=timed_sleep(marks),
    )
    ctl.on_mode("insert")
    text = STORY * 4
    results = []
    for i in range(runs + 3):
        marks.reset()
        text += "abcdefgh"[i % 8]
        ctl.on_edit(i, text, "", typed=text[-1])
        while ctl.busy:
            await asyncio.sleep(0.0005)
        if i >= 3:  # warm-up
            results.append(overhead(marks, marks.visible))
    await ctl.aclose()
    return summary(results)


async def bench_app(
    runs: int,
    backend_inner: Any,
    label: str,
    debounce_ms: float,
    repaint_s: float | None = None,
) -> dict[str, Any]:
    """The real app in App.run_test; `repaint_s` overrides the app's hint repaint delay
    (`ui.app.HINT_REPAINT_S`) for a what-if run."""
    from tinymorph_tui.ui import app as app_module

    saved_repaint = getattr(app_module, "HINT_REPAINT_S", None)
    if repaint_s is not None:
        app_module.HINT_REPAINT_S = repaint_s
    try:
        return await _bench_app(runs, backend_inner, label, debounce_ms)
    finally:
        if saved_repaint is not None:
            app_module.HINT_REPAINT_S = saved_repaint


async def _bench_app(
    runs: int, backend_inner: Any, label: str, debounce_ms: float
) -> dict[str, Any]:
    from textual.strip import Strip

    from tinymorph_tui.core.editor import Editor
    from tinymorph_tui.ui import app as app_module
    from tinymorph_tui.ui.app import TinymorphApp

    marks = Marks()
    backend = TimedBackend(backend_inner, marks)
    ctl = HintController(
        backend, debounce_ms=debounce_ms, adaptive_debounce=False, prefetch=False,
        sleep=timed_sleep(marks),
    )
    editor = Editor.from_text(STORY * 3, options={"wrap": True})
    app = TinymorphApp(editor=editor, backend=backend, hint_controller=ctl)
    drawn = asyncio.Event()
    results: list[float] = []
    frame_waits: list[float] = []
    key_paints: list[float] = []
    key_times: dict[str, float] = {}
    no_hint = 0

    async with app.run_test(size=(100, 30)) as pilot:
        view = app.view
        original = view.render_line
        inner_change = None

        def render_line(y: int) -> Strip:
            # The first repaint of the view after the hint became visible draws it: the
            # controller's on_change made the app sync the view, which marked the ghost's
            # rows dirty, and a repaint renders the dirty rows from the current state.
            strip = original(y)
            now = time.perf_counter()
            if "key" in key_times and "paint" not in key_times:
                key_times["paint"] = now
            if marks.visible is not None and marks.drawn is None:
                marks.drawn = now
                drawn.set()
            return strip

        view.render_line = render_line  # type: ignore[method-assign]
        feed_key = app.ed.feed_key

        def timed_feed_key(token: str) -> Any:
            if len(token) == 1:
                key_times.clear()
                key_times["key"] = time.perf_counter()
            return feed_key(token)

        app.ed.feed_key = timed_feed_key
        await pilot.pause()
        inner_change = ctl.on_change

        def on_change() -> None:
            hint = ctl.hint
            if hint is not None and marks.visible is None and marks.first_chunk is not None:
                marks.visible = time.perf_counter()
            if inner_change is not None:
                inner_change()

        ctl.on_change = on_change
        await pilot.press("G", "A")  # insert at the end of the text
        await pilot.pause()
        for i in range(runs + 3):
            marks.reset()
            drawn.clear()
            await pilot.press("abcdefgh"[i % 8])
            try:
                await asyncio.wait_for(drawn.wait(), 5)
            except TimeoutError:
                no_hint += 1  # the model had nothing to add here (e.g. a paragraph end)
                continue
            if i >= 3:
                results.append(overhead(marks, marks.drawn))
                assert marks.visible is not None and marks.drawn is not None
                frame_waits.append((marks.drawn - marks.visible) * 1000.0)
                if "paint" in key_times:
                    key_paints.append((key_times["paint"] - key_times["key"]) * 1000.0)
            while ctl.busy:
                await asyncio.sleep(0.001)
        await pilot.press("escape")
    out: dict[str, Any] = {
        "backend": label,
        "debounce_ms": debounce_ms,
        "app_hint_repaint_s": getattr(app_module, "HINT_REPAINT_S", None),
        "overhead_ms": summary(results),
    }
    out["frame_wait_ms"] = summary(frame_waits)
    out["key_to_paint_ms"] = summary(key_paints)
    out["runs_without_hint"] = no_hint
    return out


async def bench_prefix_reuse(model: Path, repeats: int) -> dict[str, Any]:
    from tinymorph_tui.inference.local import LocalBackend

    # One thread: this machine may be busy, and llama.cpp threads spin while they wait.
    backend = LocalBackend(model, n_threads=1, n_gpu_layers=0)
    await backend.load()
    # ~400 tokens of context for the model's own tokenizer.
    text = STORY
    while backend.count_tokens(text) < 400:
        text += STORY
    words = text.split(" ")
    while backend.count_tokens(" ".join(words)) > 400:
        words.pop()
    base = " ".join(words)
    n_tokens = backend.count_tokens(base)
    ctl = HintController(
        backend, debounce_ms=1, adaptive_debounce=False, prefetch=False, temperature=0.0,
        max_tokens=4, max_words=100, context_tokens=1024,
    )
    ctl.on_mode("insert")
    colds, warms, cached = [], [], []
    version = 0
    for i in range(repeats + 1):
        # Cold: a context sharing nothing with the last one (other first word).
        context = f"Story {i}: {base}"
        ctl.clear_cache()  # the contexts differ only at the start, beyond the cache key
        version += 1
        ctl.on_edit(version, context, "")
        while ctl.busy:
            await asyncio.sleep(0.001)
        cold = ctl.last_stats
        # Warm: one more typed character (one that does not match the hint, so the
        # controller asks again instead of typing through).
        hint = ctl.hint.text if ctl.hint else ""
        ch = "q" if not hint.startswith("q") else "z"
        version += 1
        ctl.on_edit(version, context + ch, "", typed=ch)
        while ctl.busy:
            await asyncio.sleep(0.001)
        warm = ctl.last_stats
        if i == 0 or cold is None or warm is None:
            continue  # warm-up
        colds.append(cold.ttft_ms)
        warms.append(warm.ttft_ms)
        cached.append(warm.cached_tokens or 0)
    await ctl.aclose()
    await backend.aclose()
    cold_ms = statistics.median(colds)
    warm_ms = statistics.median(warms)
    return {
        "model": model.name,
        "context_tokens": n_tokens,
        "cold_ttft_ms": round(cold_ms, 3),
        "warm_ttft_ms": round(warm_ms, 3),
        "warm_over_cold": round(warm_ms / cold_ms, 3) if cold_ms else None,
        "cached_tokens": int(statistics.median(cached)),
        "repeats": len(colds),
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="GGUF model for the LocalBackend parts")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-app", action="store_true", help="skip the Textual app runs")
    parser.add_argument(
        "--debounce-ms",
        type=float,
        nargs="+",
        default=[30.0, 5.0],
        help="debounces for the app runs (30: the adaptive floor, the shortest pause the "
        "controller uses by default; 5: a hint landing inside the key's own frame)",
    )
    args = parser.parse_args()
    out: dict[str, Any] = {"target_overhead_ms": 10.0, "target_warm_over_cold": 0.25}
    out["controller_overhead_ms"] = await bench_controller(args.runs)
    model = find_model(args.model)
    if not args.skip_app:
        apps = []
        for debounce in args.debounce_ms:
            apps.append(await bench_app(args.runs, marker_backend(), "instant", debounce))
        if model is not None:
            from tinymorph_tui.inference.local import LocalBackend

            local = LocalBackend(model, n_threads=1, n_gpu_layers=0)
            await local.load()
            label = f"LocalBackend {model.name}"
            runs = max(5, args.runs // 2)
            apps.append(await bench_app(runs, local, label, args.debounce_ms[0]))
            await local.aclose()
        # What-if: the app drawing a hint change at once (0.1 ms: Textual timers need > 0)
        # (the controller already merges a stream's growth to one notice per frame).
        apps.append(
            await bench_app(args.runs, marker_backend(), "instant", args.debounce_ms[0], 1e-4)
        )
        out["app_overhead_ms"] = apps
    if model is not None:
        out["prefix_reuse"] = await bench_prefix_reuse(model, max(5, args.runs // 3))
    else:
        out["prefix_reuse"] = "skipped: no model (set --model or TINYMORPH_TEST_MODEL)"
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
