"""Benchmark the local backend: prefix reuse after a keystroke, and generation speed.

    python benchmarks/bench_inference.py [--model PATH] [--context-tokens 400] [--repeats 15]

Without --model it uses TINYMORPH_TEST_MODEL (stories260K) or, failing that, writes the tiny
random test model. Prints one JSON object:
- `cold_ttft_ms`: time to first token for a ~400-token context with nothing cached;
- `warm_ttft_ms`: the same context plus one typed character, right after the previous
  request (the KV prefix is reused, only the new tail is evaluated);
- `warm_over_cold`: their ratio (target <= 0.25), `cached_tokens` of the warm request;
- `stream_overhead_ms`: extra time to first chunk through the asyncio `stream()` bridge
  over the backend's own measured TTFT;
- `tokens_per_s`: greedy generation speed over 128 tokens.
Medians over `--repeats` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import STORY  # noqa: E402

from tinymorph_tui.inference import CompletionRequest  # noqa: E402
from tinymorph_tui.inference.local import LocalBackend  # noqa: E402

_TMP = tempfile.TemporaryDirectory(prefix="tinymorph-bench-")  # removed at exit


def pick_model(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("TINYMORPH_TEST_MODEL")
    if env and Path(env).is_file():
        return Path(env)
    from tinymorph_tui.testing.tiny_gguf import write_tiny_llama

    return write_tiny_llama(Path(_TMP.name) / "tiny.gguf")


def context_of(backend: LocalBackend, n_tokens: int) -> str:
    """A story prompt of about `n_tokens` tokens."""
    text = ""
    while backend.count_tokens(text) < n_tokens:
        text += STORY
    words = text.split(" ")
    while backend.count_tokens(" ".join(words)) > n_tokens:
        words.pop()
    return " ".join(words)


def run(backend: LocalBackend, prompt: str, max_tokens: int = 4):
    req = CompletionRequest(prompt=prompt, max_tokens=max_tokens, temperature=0.0)
    return backend.generate_sync(req, lambda _text: None)


async def stream_ttft(backend: LocalBackend, prompt: str) -> tuple[float, float]:
    """(ms to the first chunk seen by the consumer, the backend's own ttft_ms)."""
    req = CompletionRequest(prompt=prompt, max_tokens=4, temperature=0.0)
    started = time.perf_counter()
    first: float | None = None
    own = 0.0
    async for chunk in backend.stream(req):
        if chunk.text and first is None:
            first = time.perf_counter()
        if chunk.done and chunk.stats is not None:
            own = chunk.stats.ttft_ms
    return ((first or time.perf_counter()) - started) * 1000.0, own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model")
    parser.add_argument("--context-tokens", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--n-gpu-layers", type=int, default=-1)
    args = parser.parse_args()

    model = pick_model(args.model)
    backend = LocalBackend(model, n_gpu_layers=args.n_gpu_layers)
    info = backend.load_sync()
    prompt = context_of(backend, min(args.context_tokens, info.n_ctx - 140))
    n_prompt = backend.count_tokens(prompt)
    run(backend, prompt)  # warm up threads and buffers

    cold, warm, cached = [], [], []
    for i in range(args.repeats):
        backend.clear_cache()
        cold.append(run(backend, prompt).ttft_ms)
        # One more typed character after a request on the same text.
        typed = prompt + "abcdefghijklmnopqrstuvwxyz"[i % 26]
        stats = run(backend, typed)
        warm.append(stats.ttft_ms)
        cached.append(stats.cached_tokens or 0)

    overhead = []
    for i in range(args.repeats):
        seen, own = asyncio.run(stream_ttft(backend, prompt + " x" * (i % 3)))
        overhead.append(seen - own)

    speeds = []
    for _ in range(max(3, args.repeats // 3)):
        backend.clear_cache()
        speeds.append(run(backend, "Once upon a time", max_tokens=128).tokens_per_s)

    cold_ms, warm_ms = statistics.median(cold), statistics.median(warm)
    result = {
        "model": info.name,
        "model_path": str(model),
        "n_gpu_layers": info.n_gpu_layers,
        "context_tokens": n_prompt,
        "cold_ttft_ms": round(cold_ms, 3),
        "warm_ttft_ms": round(warm_ms, 3),
        "warm_over_cold": round(warm_ms / cold_ms, 4) if cold_ms else None,
        "target_warm_over_cold": 0.25,
        "cached_tokens": int(statistics.median(cached)),
        "stream_overhead_ms": round(statistics.median(overhead), 3),
        "tokens_per_s": round(statistics.median(speeds), 1),
        "repeats": args.repeats,
    }
    backend.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
