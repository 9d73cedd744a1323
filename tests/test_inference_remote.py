"""RemoteBackend against a real OpenAI-compatible HTTP server on loopback, and its faults."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tinymorph_tui.inference import BackendError, CompletionRequest, collect
from tinymorph_tui.inference.remote import RemoteBackend, normalize_url

KEY = "sk-test-secret-123"


@dataclass
class Script:
    """What the fake server does next; tests change it between requests."""

    mode: str = "ok"
    tinymorph: bool = False
    health_tinymorph: bool = False  # announce via /health instead of /v1/models
    fail_first: int = 0  # answer 503 this many times before succeeding
    attempts: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str | None] = field(default_factory=list)


def sse(obj: Any) -> bytes:
    return f"data: {json.dumps(obj)}\n\n".encode()


def piece(text: str) -> dict[str, Any]:
    return {"id": "c1", "object": "text_completion", "choices": [{"index": 0, "text": text}]}


def make_app(script: Script) -> Starlette:
    async def models(request: Request) -> Response:
        entry: dict[str, Any] = {"id": "fake-model", "object": "model"}
        if script.tinymorph:
            entry["tinymorph"] = {"steering": True, "features": 1}
        return JSONResponse({"object": "list", "data": [entry]})

    async def health(request: Request) -> Response:
        if script.health_tinymorph:
            return JSONResponse({"status": "ok", "server": "tinymorph", "steering": True})
        return JSONResponse({"status": "ok"})

    async def completions(request: Request) -> Response:
        script.attempts += 1
        script.auth.append(request.headers.get("authorization"))
        body = await request.json()
        script.bodies.append(body)
        mode = script.mode
        if script.fail_first > 0:
            script.fail_first -= 1
            return JSONResponse({"error": {"message": "warming up"}}, status_code=503)
        if mode == "401":
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        if mode == "500":
            return JSONResponse({"error": {"message": "the GPU caught fire"}}, status_code=500)
        if mode == "not_streamed":  # a server that ignores "stream": true
            return JSONResponse({"choices": [{"text": "Whole answer."}]})

        async def events() -> AsyncIterator[bytes]:
            if mode == "malformed_sse":
                yield b"<html>this is not an event stream</html>\n\n"
                return
            if mode == "garbage_json":
                yield b"data: {not json at all\n\n"
                return
            words = ["Hello", ",", " wide", " world", "!"]
            for i, word in enumerate(words[: body.get("max_tokens", 5)]):
                yield sse(piece(word))
                if mode == "stall" and i == 0:
                    await asyncio.sleep(3)
            final = piece("")
            final["choices"][0]["finish_reason"] = "length"
            if mode == "llama_server":  # llama-server reports its cache in `timings`
                final["timings"] = {"prompt_n": 2, "cache_n": 11, "predicted_n": 5}
            else:
                final["usage"] = {
                    "prompt_tokens": 7,
                    "completion_tokens": 5,
                    "prompt_tokens_details": {"cached_tokens": 6},
                }
            yield sse(final)
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/v1/models", models),
            Route("/health", health),
            Route("/v1/completions", completions, methods=["POST"]),
        ]
    )


@dataclass
class LiveServer:
    url: str
    script: Script


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    """A real uvicorn server on 127.0.0.1 (random port) in a background thread."""
    script = Script()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(script), log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield LiveServer(f"http://127.0.0.1:{port}", script)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def srv(live_server: LiveServer) -> LiveServer:
    """The live server with a fresh script for this test."""
    fresh = Script()
    live_server.script.__dict__.update(fresh.__dict__)
    return live_server


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def req(**kw: Any) -> CompletionRequest:
    return CompletionRequest(prompt="Say hi", max_tokens=5, **kw)


async def test_streams_text_with_stats(srv: LiveServer) -> None:
    backend = RemoteBackend(srv.url, KEY)
    try:
        chunks = [c async for c in backend.stream(req(seed=3, stop=("zzz",)))]
    finally:
        await backend.aclose()
    assert "".join(c.text for c in chunks) == "Hello, wide world!"
    assert [c.text for c in chunks[:-1]][0] == "Hello"
    stats = chunks[-1].stats
    assert chunks[-1].done and stats is not None
    assert stats.tokens == 5 and stats.cached_tokens == 6 and stats.ttft_ms > 0
    body = srv.script.bodies[-1]
    assert body["stream"] is True and body["model"] == "fake-model" and body["seed"] == 3
    assert body["stop"] == ["zzz"]
    assert srv.script.auth[-1] == f"Bearer {KEY}"


async def test_stop_sequence_is_cut_client_side(srv: LiveServer) -> None:
    backend = RemoteBackend(srv.url)
    try:
        done = await collect(backend, req(stop=(" wor",)))
    finally:
        await backend.aclose()
    assert done.text == "Hello, wide"


async def test_llama_server_timings_give_cached_tokens(srv: LiveServer) -> None:
    srv.script.mode = "llama_server"
    backend = RemoteBackend(srv.url)
    done = await collect(backend, req())
    await backend.aclose()
    assert done.stats is not None and done.stats.cached_tokens == 11 and done.stats.tokens == 5


async def test_server_ignoring_stream_flag_still_works(srv: LiveServer) -> None:
    srv.script.mode = "not_streamed"
    backend = RemoteBackend(srv.url)
    done = await collect(backend, req())
    await backend.aclose()
    assert done.text == "Whole answer." and done.stats is not None and done.stats.tokens == 1


async def test_refused_connection_is_server_down() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    backend = RemoteBackend(url, retries=1, backoff=0.01)
    with pytest.raises(BackendError) as info:
        await collect(backend, req())
    await backend.aclose()
    assert str(info.value) == f"server down (connection refused at {url})"


async def test_stall_is_server_too_slow(srv: LiveServer) -> None:
    srv.script.mode = "stall"
    backend = RemoteBackend(srv.url, read_timeout=0.3)
    got: list[str] = []
    with pytest.raises(BackendError, match=r"server too slow \(no data for 0.3s\)"):
        async for chunk in backend.stream(req()):
            got.append(chunk.text)
    await backend.aclose()
    assert got == ["Hello"]


async def test_401_names_the_key_and_never_shows_it(srv: LiveServer) -> None:
    srv.script.mode = "401"
    backend = RemoteBackend(srv.url, KEY)
    with pytest.raises(BackendError) as info:
        await collect(backend, req())
    await backend.aclose()
    assert str(info.value) == "server refused the API key (401)"
    assert KEY not in repr(backend)
    no_key = RemoteBackend(srv.url)
    with pytest.raises(BackendError, match="TINYMORPH_API_KEY"):
        await collect(no_key, req())
    await no_key.aclose()


async def test_500_carries_the_message(srv: LiveServer) -> None:
    srv.script.mode = "500"
    backend = RemoteBackend(srv.url, retries=3, backoff=0.01)
    with pytest.raises(BackendError) as info:
        await collect(backend, req())
    await backend.aclose()
    assert str(info.value) == "server error 500: the GPU caught fire"
    assert srv.script.attempts == 1, "500 is not retried"


async def test_malformed_sse(srv: LiveServer) -> None:
    srv.script.mode = "malformed_sse"
    backend = RemoteBackend(srv.url)
    with pytest.raises(BackendError, match="^server sent malformed data: "):
        await collect(backend, req())
    await backend.aclose()


async def test_garbage_json(srv: LiveServer) -> None:
    srv.script.mode = "garbage_json"
    backend = RemoteBackend(srv.url)
    with pytest.raises(BackendError, match="^server sent malformed data: .*not json"):
        await collect(backend, req())
    await backend.aclose()


async def test_503_is_retried_then_succeeds(srv: LiveServer) -> None:
    srv.script.fail_first = 2
    backend = RemoteBackend(srv.url, retries=2, backoff=0.01)
    done = await collect(backend, req())
    await backend.aclose()
    assert done.text == "Hello, wide world!"
    assert srv.script.attempts == 3


async def test_503_gives_up_after_retries(srv: LiveServer) -> None:
    srv.script.fail_first = 5
    backend = RemoteBackend(srv.url, retries=1, backoff=0.01)
    with pytest.raises(BackendError, match="server error 503: warming up"):
        await collect(backend, req())
    await backend.aclose()
    assert srv.script.attempts == 2


async def test_tinymorph_server_gets_native_steering(srv: LiveServer) -> None:
    srv.script.tinymorph = True
    backend = RemoteBackend(srv.url, logit_bias_fn=lambda f: {5: 1.0})
    await collect(backend, req(steering={"joy": 0.8}))
    await backend.aclose()
    assert backend.steering_mode == "native"
    body = srv.script.bodies[-1]
    assert body["steering"] == {"features": {"joy": 0.8}}
    assert "logit_bias" not in body


async def test_tinymorph_server_found_by_health(srv: LiveServer) -> None:
    srv.script.health_tinymorph = True
    backend = RemoteBackend(srv.url)
    info = await backend.probe()
    await backend.aclose()
    assert info.tinymorph and backend.steering_mode == "native" and info.model == "fake-model"


async def test_stock_server_gets_logit_bias(srv: LiveServer) -> None:
    seen: list[dict[str, float]] = []

    def bias(features: dict[str, float]) -> dict[int, float]:
        seen.append(dict(features))
        return {42: 2.5, 7: -500.0}

    backend = RemoteBackend(srv.url, logit_bias_fn=bias)
    await collect(backend, req(steering={"joy": 0.8, "gloom": 0.0}, logit_bias={42: 1.0, 9: 3}))
    await backend.aclose()
    assert backend.steering_mode == "logit_bias"
    assert seen == [{"joy": 0.8}]
    body = srv.script.bodies[-1]
    assert body["logit_bias"] == {"42": 3.5, "7": -100.0, "9": 3.0}
    assert "steering" not in body
    plain = RemoteBackend(srv.url)
    await collect(plain, req(steering={"joy": 1.0}))
    await plain.aclose()
    assert plain.steering_mode == "none"
    assert "logit_bias" not in srv.script.bodies[-1]


async def test_closing_the_stream_early_is_clean(srv: LiveServer) -> None:
    srv.script.mode = "stall"
    backend = RemoteBackend(srv.url, read_timeout=10)
    stream = backend.stream(req())
    first = await stream.__anext__()
    await stream.aclose()  # must not wait out the server's 3 s stall
    await backend.aclose()
    assert first.text == "Hello"


def test_url_normalisation() -> None:
    assert normalize_url("localhost:8741") == "http://localhost:8741"
    assert normalize_url("http://gpu:8000/v1/") == "http://gpu:8000"
    with pytest.raises(BackendError, match="not a server URL"):
        normalize_url("ftp://x")


def test_complete_command_against_the_server(
    srv: LiveServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinymorph_tui.cli import main

    monkeypatch.setenv("TINYMORPH_API_KEY", KEY)
    assert main(["complete", "--server", srv.url, "--prompt", "Say hi"]) == 0
    assert capsys.readouterr().out == "Hello, wide world!\n"
    assert srv.script.auth[-1] == f"Bearer {KEY}"
    assert main(["complete", "--server", srv.url, "--prompt", "Say hi", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == "Hello, wide world!" and out["tokens"] == 5
    assert out["cached_tokens"] == 6
    # A stock server without a logit-bias converter cannot be steered: say so, exit 2.
    assert main(["complete", "--server", srv.url, "--prompt", "x", "--feature", "joy=1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinymorph complete: ") and "cannot apply steering" in err
    assert KEY not in err
