"""Benchmark `tinymorph serve` against llama-cpp-python called directly.

    python benchmarks/bench_serve.py [--model PATH] [--max-tokens 200] [--repeats 9]
                                     [--n-threads 1] [--n-gpu-layers -1]

Uses TINYMORPH_TEST_MODEL or ../shared/models/stories260K.gguf (beside the checkout) by default. The same
greedy generation (same prompt, same tokens) runs three ways, warm (the prompt is cached
after the first run in every path, as it is for an editor's repeated requests):

- `direct`: `llama_cpp.Llama.create_completion(..., stream=True)` in this process;
- `backend`: tinymorph's `LocalBackend.generate_sync` (the engine's own generation loop);
- `server`: `tinymorph serve` in a subprocess, streamed over HTTP/SSE from this process.

TTFT is measured by the caller (call or request sent -> first text), tokens/s from the
first to the last text as the caller sees it. Prints one JSON object with medians:
`server_over_direct_tokens_per_s` (target >= 0.9) and `added_ttft_ms` (server TTFT minus
direct TTFT; target <= 5). `http_round_trip_ms` is a GET /health round trip on the same
connection: the part of the added TTFT that any HTTP server and client pay.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import find_model  # noqa: E402

from tinymorph_tui.inference import CompletionRequest  # noqa: E402
from tinymorph_tui.inference.local import LocalBackend  # noqa: E402

PROMPT = "Once upon a time"


def pick_model(arg: str | None) -> Path:
    """--model, else TINYMORPH_TEST_MODEL, else the shared stories260K."""
    model = find_model(arg)
    if model is None:
        raise SystemExit("bench_serve: no model (pass --model or set TINYMORPH_TEST_MODEL)")
    return model


def rate(tokens: int, first: float, last: float) -> float:
    """Tokens per second after the first one (as CompletionStats.tokens_per_s)."""
    return (tokens - 1) / (last - first) if tokens > 1 and last > first else 0.0


def bench_direct(model: Path, args: argparse.Namespace) -> list[tuple[float, float, int]]:
    """(ttft_ms, tokens_per_s, tokens) per run of llama-cpp-python's own streaming API."""
    from llama_cpp import Llama

    llm = Llama(
        model_path=str(model),
        n_ctx=args.n_ctx,
        n_threads=args.n_threads,
        n_gpu_layers=args.n_gpu_layers,
        verbose=False,
    )
    out = []
    for _ in range(args.repeats + 1):
        started = time.perf_counter()
        first = last = 0.0
        tokens = 0
        for chunk in llm.create_completion(
            PROMPT, max_tokens=args.max_tokens, temperature=0.0, stream=True
        ):
            now = time.perf_counter()
            choice = chunk["choices"][0]
            if choice["text"]:
                first = first or now
                last = now
            if choice["finish_reason"] is None:  # one chunk per generated token
                tokens += 1
        out.append(((first - started) * 1000.0, rate(tokens, first, last), tokens))
    llm.close()
    return out[1:]  # the first run fills the cache


def bench_backend(model: Path, args: argparse.Namespace) -> list[tuple[float, float, int]]:
    """The same through LocalBackend.generate_sync (what the server's worker runs)."""
    backend = LocalBackend(
        model, n_ctx=args.n_ctx, n_threads=args.n_threads, n_gpu_layers=args.n_gpu_layers
    )
    backend.load_sync()
    out = []
    for _ in range(args.repeats + 1):
        stats = backend.generate_sync(
            CompletionRequest(PROMPT, max_tokens=args.max_tokens, temperature=0.0),
            lambda _text: None,
        )
        # The backend's own stats: ttft from the call, speed from first to last token.
        out.append((stats.ttft_ms, stats.tokens_per_s, stats.tokens))
    backend.close()
    return out[1:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RawClient:
    """A minimal keep-alive HTTP/1.1 client on a plain socket.

    It measures the server, not a client library: httpx alone spends milliseconds of
    Python per request on a loaded machine. Each request is one `sendall`; the streamed
    answer is scanned for SSE events as bytes arrive (chunk-size lines are harmless).
    """

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def stream(self, body: dict[str, object]) -> tuple[float, float, float, int, float, float]:
        """(sent, first text event, last text event, tokens, server tokens/s, server ttft)."""
        data = json.dumps(body).encode()
        head = (
            "POST /v1/completions HTTP/1.1\r\nHost: localhost\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode()
        buf = b""
        first = last = 0.0
        seen = 0
        sent = time.perf_counter()
        self.sock.sendall(head + data)
        while b"data: [DONE]" not in buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise SystemExit("bench_serve: the server closed the connection")
            now = time.perf_counter()
            buf += chunk
            texts = buf.count(b'"finish_reason":null')
            if texts > seen:
                first = first or now
                last = now
                seen = texts
        usage = re.search(rb'"completion_tokens":(\d+)', buf)
        speed = re.search(rb'"tokens_per_s":([\d.]+)', buf)
        inner = re.search(rb'"ttft_ms":([\d.]+)', buf)
        assert usage and speed and inner, buf[-400:]
        return sent, first, last, int(usage[1]), float(speed[1]), float(inner[1])

    def close(self) -> None:
        self.sock.close()


def bench_server(
    model: Path, args: argparse.Namespace
) -> dict[str, list[tuple[float, float, int]]]:
    """Runs through `tinymorph serve` (a subprocess) seen by a raw socket client and by
    httpx, plus the server's own (ttft, tokens/s) and GET /health round trips."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinymorph_tui.cli",
            "serve",
            "--model",
            str(model),
            "--port",
            str(port),
            "--n-ctx",
            str(args.n_ctx),
            "--n-threads",
            str(args.n_threads),
            "--n-gpu-layers",
            str(args.n_gpu_layers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    body = {
        "prompt": PROMPT,
        "max_tokens": args.max_tokens,
        "temperature": 0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    out: dict[str, list[tuple[float, float, int]]] = {
        "raw": [],
        "httpx": [],
        "own": [],
        "floor": [],
    }
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/health")
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("bench_serve: the server did not start") from None
                    time.sleep(0.05)
            raw = RawClient(port)
            for i in range(args.repeats + 1):
                sent, first, last, tokens, speed, inner = raw.stream(body)
                if i:  # the first run fills the cache
                    out["raw"].append(((first - sent) * 1000.0, rate(tokens, first, last), tokens))
                    out["own"].append((inner, speed, tokens))
            raw.close()
            for i in range(args.repeats + 1):
                started = time.perf_counter()
                first = last = 0.0
                tokens = 0
                with client.stream("POST", "/v1/completions", json=body) as resp:
                    for line in resp.iter_lines():
                        if not line.startswith("data: {"):
                            continue
                        event = json.loads(line[6:])
                        now = time.perf_counter()
                        if event["choices"] and event["choices"][0]["text"]:
                            first = first or now
                            last = now
                        if event.get("usage"):
                            tokens = event["usage"]["completion_tokens"]
                if i:
                    out["httpx"].append(
                        ((first - started) * 1000.0, rate(tokens, first, last), tokens)
                    )
            # A request that does no work at all: what any HTTP round trip costs here.
            for _ in range(args.repeats + 1):
                t0 = time.perf_counter()
                client.get("/health")
                out["floor"].append(((time.perf_counter() - t0) * 1000.0, 0.0, 0))
        return out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def summary(runs: list[tuple[float, float, int]]) -> dict[str, float]:
    return {
        "ttft_ms": round(statistics.median(r[0] for r in runs), 3),
        "tokens_per_s": round(statistics.median(r[1] for r in runs), 1),
        "tokens": int(statistics.median(r[2] for r in runs)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--model")
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--n-ctx", type=int, default=512)
    parser.add_argument("--n-threads", type=int, default=1)
    parser.add_argument("--n-gpu-layers", type=int, default=-1)
    args = parser.parse_args()
    model = pick_model(args.model)

    # Interleave the paths over rounds so machine noise (a shared box) hits all alike.
    direct: list[tuple[float, float, int]] = []
    backend: list[tuple[float, float, int]] = []
    server: dict[str, list[tuple[float, float, int]]] = {
        "raw": [],
        "httpx": [],
        "own": [],
        "floor": [],
    }
    rounds = 3
    sub = argparse.Namespace(**{**vars(args), "repeats": max(1, args.repeats // rounds)})
    for _ in range(rounds):
        direct += bench_direct(model, sub)
        backend += bench_backend(model, sub)
        for key, runs in bench_server(model, sub).items():
            server[key] += runs
    d, b = summary(direct), summary(backend)
    s, h, own = summary(server["raw"]), summary(server["httpx"]), summary(server["own"])
    result = {
        "model": model.name,
        "max_tokens": args.max_tokens,
        "n_threads": args.n_threads,
        "repeats": len(server["raw"]),
        "direct_llama_cpp": d,
        "local_backend": b,
        "server": s,
        "server_own": {"ttft_ms": own["ttft_ms"], "tokens_per_s": own["tokens_per_s"]},
        "server_via_httpx": h,
        "server_over_direct_tokens_per_s": round(s["tokens_per_s"] / d["tokens_per_s"], 3)
        if d["tokens_per_s"]
        else None,
        "target_server_over_direct": 0.9,
        "added_ttft_ms": round(s["ttft_ms"] - d["ttft_ms"], 3),
        "added_ttft_ms_via_httpx": round(h["ttft_ms"] - d["ttft_ms"], 3),
        "target_added_ttft_ms": 5.0,
        "get_health_via_httpx_ms": round(statistics.median(r[0] for r in server["floor"]), 3),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
