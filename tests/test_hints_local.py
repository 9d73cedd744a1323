"""The hint controller on the real in-process backend (tiny random model; stories260K)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tinymorph_tui.hints.controller import HintController

pytest.importorskip("llama_cpp")
local = pytest.importorskip("tinymorph_tui.inference.local")


async def settle(ctl: HintController, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while ctl.busy:
        assert loop.time() < end, "controller never settled"
        await asyncio.sleep(0.005)


async def test_tiny_model_hint_and_cancel_on_edit(tiny_model_path: Path) -> None:
    backend = local.LocalBackend(tiny_model_path, n_threads=1, n_gpu_layers=0)
    events: list[str] = []
    ctl = HintController(
        backend,
        debounce_ms=5,
        adaptive_debounce=False,
        prefetch=False,
        max_tokens=200,
        max_words=1000,
        stop_at_paragraph=False,
        temperature=0.0,
        on_event=lambda kind, data: events.append(kind),
    )
    try:
        ctl.on_mode("insert")
        prompt = "once upon a time the little girl said"
        ctl.on_edit(1, prompt, "")
        await settle(ctl)
        assert ctl.state == "idle", ctl.reason
        assert ctl.last_stats is not None and ctl.last_stats.tokens >= 1
        first = ctl.hint.text if ctl.hint else ""
        # An edit while a (long) generation streams cancels it within a token.
        ctl.on_edit(2, prompt + " to", "")
        for _ in range(2000):
            await asyncio.sleep(0.002)
            if ctl.state == "streaming":
                break
        assert ctl.state == "streaming"
        ctl.on_edit(3, prompt + " to the", "")
        await asyncio.sleep(0.05)
        await settle(ctl)
        assert ctl.state == "idle", ctl.reason
        assert ctl.hint is None or ctl.hint.version == 3
        assert "shown" in events
        assert first == "" or events[0] == "shown"
    finally:
        await ctl.aclose()
        await backend.aclose()


async def test_stories_model_hint_accept_and_reuse(real_model_path: Path) -> None:
    backend = local.LocalBackend(real_model_path, n_threads=1, n_gpu_layers=0)
    ctl = HintController(
        backend, debounce_ms=5, adaptive_debounce=False, prefetch=True, temperature=0.0,
        max_words=6,
    )
    try:
        ctl.on_mode("insert")
        ctl.on_edit(1, "Once upon a time", "")
        await settle(ctl)
        assert ctl.hint is not None, ctl.reason
        assert ctl.hint.text == ", there was a little girl"  # cut at 6 words
        assert ctl.last_stats is not None and ctl.last_stats.ttft_ms > 0
        assert ctl.accept("word") == ","
        ctl.on_edit(2, "Once upon a time,", "")
        assert ctl.accept("all") == " there was a little girl"
        ctl.on_edit(3, "Once upon a time, there was a little girl", "")
        # The continuation was prefetched: shown at once.
        assert ctl.hint is not None and ctl.hint.text.startswith(" named Lily")
        await settle(ctl)
    finally:
        await ctl.aclose()
        await backend.aclose()


async def test_stories_model_prefix_is_reused_after_typing(real_model_path: Path) -> None:
    backend = local.LocalBackend(real_model_path, n_threads=1, n_gpu_layers=0)
    ctl = HintController(
        backend, debounce_ms=5, adaptive_debounce=False, prefetch=False, temperature=0.0,
        max_tokens=4, max_words=100,
    )
    text = "Once upon a time, there was a little girl named Lily. She loved to play"
    try:
        ctl.on_mode("insert")
        ctl.on_edit(1, text, "")
        await settle(ctl)
        cold = ctl.last_stats
        ctl.on_edit(2, text + "s", "", typed="s")  # does not match the hint: new request
        await settle(ctl)
        warm = ctl.last_stats
        assert cold is not None and warm is not None and warm is not cold
        assert (warm.cached_tokens or 0) >= 10
    finally:
        await ctl.aclose()
        await backend.aclose()
