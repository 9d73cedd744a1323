"""The `tinymorph serve` HTTP API: a Starlette app over one generation `Engine`.

Endpoints (OpenAI-compatible, plus tinymorph's steering extension):

- `GET /health`: `{"status": "ok", "server": "tinymorph", "model", "steering", "features",
  "queue_depth", "running", "max_queue", "n_ctx", ...}`;
- `GET /v1/models`, `GET /v1/models/{id}`: OpenAI model objects; each carries
  `"tinymorph": {"steering": true, "features": N, "n_ctx": ...}`, which is how the editor's
  RemoteBackend recognises a tinymorph server and sends steering natively;
- `GET /v1/features`: the model's feature catalog (name, label, layers, source, range);
- `POST /v1/completions`, `POST /v1/chat/completions`: OpenAI's schema (streaming as
  server-sent events ending with `data: [DONE]`), plus
  `"steering": {"features": {NAME: SCALE}}`.

Every error is OpenAI's `{"error": {"message", "type", "param", "code"}}`. The model is
fixed when the server starts and features are catalog names: no request names a file.

Starlette is imported at module level: only `tinymorph serve` (and tests) import this
module, never the editor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tinymorph_tui import __version__
from tinymorph_tui.server.engine import Engine, Finish, JobStream, Piece, TokenLogprob
from tinymorph_tui.server.errors import APIError, bad_request, error_response
from tinymorph_tui.server.schemas import parse_chat, parse_completion
from tinymorph_tui.server.security import GuardMiddleware, ServerSettings

_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _sse(obj: Any) -> str:
    return f"data: {_dumps(obj)}\n\n"


async def read_json(request: Request, limit: int) -> Any:
    """The request's JSON body; 413 beyond `limit` bytes (checked while reading), 400 if bad."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > limit
        except ValueError:
            raise bad_request("bad Content-Length header") from None
        if too_big:
            raise APIError(
                413, f"the request body is larger than {limit} bytes", code="body_too_large"
            )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise APIError(
                413, f"the request body is larger than {limit} bytes", code="body_too_large"
            )
    if not body:
        raise bad_request("the request body is empty; send a JSON object")
    try:
        # Decoded explicitly: json.loads(bytes) would guess UTF-16/32 from the first bytes.
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("the request body is not UTF-8 JSON") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise bad_request(f"the request body is not valid JSON ({exc})") from None


class _JobResponse(StreamingResponse):
    """A streaming response that cancels its job however the response ends.

    Starlette cancels the body iterator on a client disconnect, but an iterator that never
    started (the client left before the first byte) runs no `finally`: this does.
    """

    def __init__(self, stream: JobStream, content: AsyncIterator[str]) -> None:
        super().__init__(content, media_type="text/event-stream", headers=_SSE_HEADERS)
        self._job_stream = stream

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._job_stream.cancel()


async def _until_disconnect(request: Request) -> None:
    """Return when the client disconnects (the body has been read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def _gather(stream: JobStream, request: Request) -> tuple[str, list[TokenLogprob], Finish]:
    """Run a job to its end for a non-streaming answer; cancel it if the client leaves."""

    async def collect() -> tuple[str, list[TokenLogprob], Finish]:
        parts: list[str] = []
        logprobs: list[TokenLogprob] = []
        async for event in stream:
            if isinstance(event, Piece):
                parts.append(event.text)
                logprobs.extend(event.logprobs)
            else:
                logprobs.extend(event.logprobs)
                return "".join(parts), logprobs, event
        raise APIError(500, "generation ended without a result")

    work = asyncio.ensure_future(collect())
    watch = asyncio.ensure_future(_until_disconnect(request))
    try:
        await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not work.done():
            stream.cancel()
            work.cancel()
        watch.cancel()
        # Reap both; their own errors surface below through work.result().
        await asyncio.gather(work, watch, return_exceptions=True)
    if work.cancelled():
        raise APIError(499, "the client went away")
    return work.result()


def _usage(finish: Finish) -> dict[str, Any]:
    return {
        "prompt_tokens": finish.prompt_tokens,
        "completion_tokens": finish.completion_tokens,
        "total_tokens": finish.prompt_tokens + finish.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": finish.stats.cached_tokens or 0},
    }


def _timings(finish: Finish) -> dict[str, Any]:
    """tinymorph's own timing extension on the final answer (as llama-server's `timings`)."""
    s = finish.stats
    return {
        "ttft_ms": round(s.ttft_ms, 3),
        "tokens_per_s": round(s.tokens_per_s, 2),
        "cached_tokens": s.cached_tokens,
        "total_ms": round(s.total_ms, 3),
    }


class _CompletionLogprobs:
    """OpenAI's legacy completions `logprobs` object, built across streamed pieces."""

    def __init__(self, top: int) -> None:
        self.top = top
        self.offset = 0

    def block(self, entries: list[TokenLogprob]) -> dict[str, Any] | None:
        if not entries:
            return None
        offsets: list[int] = []
        for entry in entries:
            offsets.append(self.offset)
            self.offset += len(entry.token)
        return {
            "tokens": [e.token for e in entries],
            "token_logprobs": [e.logprob for e in entries],
            "top_logprobs": [_top_dict(e) for e in entries] if self.top else None,
            "text_offset": offsets,
        }


def _top_dict(entry: TokenLogprob) -> dict[str, float]:
    """{token text: logprob}, best first; distinct tokens with the same text (byte tokens
    shown as U+FFFD) keep the likeliest, so the values stay sorted."""
    out: dict[str, float] = {}
    for text, _, logprob in entry.top:
        out.setdefault(text, logprob)
    return out


def _chat_logprobs(entries: list[TokenLogprob]) -> dict[str, Any] | None:
    if not entries:
        return None
    return {
        "content": [
            {
                "token": e.token,
                "logprob": e.logprob,
                "bytes": list(e.token_bytes),
                "top_logprobs": [
                    {"token": t, "logprob": lp, "bytes": list(raw)} for t, raw, lp in e.top
                ],
            }
            for e in entries
        ],
        "refusal": None,
    }


def create_app(engine: Engine, settings: ServerSettings | None = None) -> Starlette:
    """The ASGI app serving `engine` under `settings` (the model loads at startup if needed)."""
    settings = settings or ServerSettings()

    def model_object() -> dict[str, Any]:
        info = engine.info
        return {
            "id": engine.model_id,
            "object": "model",
            "created": created,
            "owned_by": "tinymorph",
            "tinymorph": {
                "steering": engine.steering,
                "features": engine.feature_count(),
                "n_ctx": int(info.n_ctx) if info is not None else None,
                "chat_template": bool(engine.chat and engine.chat.has_template),
            },
        }

    async def health(request: Request) -> Response:
        info = engine.info
        return JSONResponse(
            {
                "status": "ok" if info is not None else "loading",
                "server": "tinymorph",
                "version": __version__,
                "model": engine.model_id,
                "steering": engine.steering,
                "features": engine.feature_count(),
                "n_ctx": int(info.n_ctx) if info is not None else None,
                "queue_depth": engine.queue_depth,
                "running": engine.running,
                "max_queue": engine.max_queue,
            }
        )

    async def list_models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [model_object()]})

    async def get_model(request: Request) -> Response:
        name = request.path_params["model"]
        if name != engine.model_id:
            raise APIError(
                404, f"the model {name!r} does not exist", param="model", code="model_not_found"
            )
        return JSONResponse(model_object())

    async def list_features(request: Request) -> Response:
        return JSONResponse({"object": "list", "model": engine.model_id, "data": engine.features()})

    async def completions(request: Request) -> Response:
        body = parse_completion(await read_json(request, settings.max_body_bytes))
        job = await engine.prepare_completion(body)
        stream = engine.start(job)
        ident, now = f"cmpl-{secrets.token_hex(12)}", int(time.time())
        lp = _CompletionLogprobs(body.logprobs or 0) if body.logprobs is not None else None

        def frame(text: str, entries: list[TokenLogprob], reason: str | None) -> dict[str, Any]:
            return {
                "id": ident,
                "object": "text_completion",
                "created": now,
                "model": engine.model_id,
                "choices": [
                    {
                        "text": text,
                        "index": 0,
                        "logprobs": lp.block(entries) if lp is not None else None,
                        "finish_reason": reason,
                    }
                ],
            }

        if not body.sampling.stream:
            text, entries, finish = await _gather(stream, request)
            answer = frame(text, entries, finish.reason)
            answer["usage"] = _usage(finish)
            answer["tinymorph"] = _timings(finish)
            return JSONResponse(answer)

        async def events() -> AsyncIterator[str]:
            try:
                async for event in stream:
                    if isinstance(event, Piece):
                        yield _sse(frame(event.text, event.logprobs, None))
                        continue
                    last = frame("", event.logprobs, event.reason)
                    last["tinymorph"] = _timings(event)
                    yield _sse(last)
                    if body.sampling.include_usage:
                        yield _sse({**frame("", [], None), "choices": [], "usage": _usage(event)})
            except APIError as exc:
                yield _sse(exc.body())
            yield "data: [DONE]\n\n"

        return _JobResponse(stream, events())

    async def chat_completions(request: Request) -> Response:
        body = parse_chat(await read_json(request, settings.max_body_bytes))
        job = await engine.prepare_chat(body)
        stream = engine.start(job)
        ident, now = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())

        def head() -> dict[str, Any]:
            return {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": now,
                "model": engine.model_id,
            }

        def delta(content: dict[str, Any], entries: list[TokenLogprob], reason: str | None) -> str:
            choice = {
                "index": 0,
                "delta": content,
                "logprobs": _chat_logprobs(entries) if body.logprobs else None,
                "finish_reason": reason,
            }
            return _sse({**head(), "choices": [choice]})

        if not body.sampling.stream:
            text, entries, finish = await _gather(stream, request)
            return JSONResponse(
                {
                    "id": ident,
                    "object": "chat.completion",
                    "created": now,
                    "model": engine.model_id,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "logprobs": _chat_logprobs(entries) if body.logprobs else None,
                            "finish_reason": finish.reason,
                        }
                    ],
                    "usage": _usage(finish),
                    "tinymorph": _timings(finish),
                }
            )

        async def events() -> AsyncIterator[str]:
            yield delta({"role": "assistant", "content": ""}, [], None)
            try:
                async for event in stream:
                    if isinstance(event, Piece):
                        yield delta({"content": event.text}, event.logprobs, None)
                        continue
                    yield delta({}, event.logprobs, event.reason)
                    if body.sampling.include_usage:
                        yield _sse({**head(), "choices": [], "usage": _usage(event)})
            except APIError as exc:
                yield _sse(exc.body())
            yield "data: [DONE]\n\n"

        return _JobResponse(stream, events())

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, APIError)
        return error_response(exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = {404: f"no such endpoint: {request.method} {request.url.path}"}.get(
            exc.status_code, str(exc.detail)
        )
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(APIError(exc.status_code, message, headers=dict(exc.headers or {})))

    async def on_crash(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server's log (uvicorn); the client gets no internals.
        return error_response(APIError(500, "internal server error", type_="server_error"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if engine.info is None:
            await asyncio.to_thread(engine.load)
        yield

    middleware = [Middleware(GuardMiddleware, settings=settings)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            )
        )
    created = int(time.time())
    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/v1/models", list_models, methods=["GET"]),
            Route("/v1/models/{model:path}", get_model, methods=["GET"]),
            Route("/v1/features", list_features, methods=["GET"]),
            Route("/v1/completions", completions, methods=["POST"]),
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={
            APIError: on_api_error,
            HTTPException: on_http_error,
            Exception: on_crash,
        },
        lifespan=lifespan,
    )
