"""RemoteBackend: any OpenAI-compatible server over HTTP (vLLM, llama-server, Ollama, tinymorph).

Speaks `POST /v1/completions` with `stream: true` (server-sent events). Connection failures
and 502/503/504 answers are retried with exponential backoff before any text has arrived;
every other failure becomes a `BackendError` whose reason says what is wrong in words a
writer can act on. The API key travels only in the Authorization header: it is never in a
repr, a log line or an error message.

Steering: a tinymorph server announces itself (`/v1/models` entries with
`"tinymorph": {"steering": true}`, or `/health` with `"server": "tinymorph"`) and gets the
request field `"steering": {"features": {...}}`. Any other server gets steering as
`logit_bias` from `logit_bias_fn(features)` when one is given (an approximation: a
feature's logit-lens effect), or no steering at all.
"""

from __future__ import annotations

import asyncio
import errno
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tinymorph_tui.inference.sse import DONE, SSEError, iter_sse_data
from tinymorph_tui.inference.textstream import StopFilter
from tinymorph_tui.inference.types import (
    BackendError,
    Chunk,
    CompletionRequest,
    CompletionStats,
    SteeringMode,
)

#: `logit_bias_fn(features) -> {token_id: bias}` converts steering for stock servers.
LogitBiasFn = Callable[[Mapping[str, float]], Mapping[int, float]]

_RETRY_STATUS = frozenset({502, 503, 504})


@dataclass(frozen=True)
class ServerInfo:
    """What a probe learned about the server."""

    model: str | None
    tinymorph: bool
    steering: bool


def normalize_url(url: str) -> str:
    """`host:port`, `http://host:port/` or `.../v1` -> `http://host:port` (no trailing /v1)."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    url = url.rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BackendError(f"not a server URL: {url!r} (expected http://HOST:PORT)")
    return url


class RemoteBackend:
    """An OpenAI-compatible completion server.

    `connect_timeout`: seconds to open a connection; `read_timeout`: the longest silence
    allowed between two pieces of data (a stall). `retries`: extra attempts on connection
    errors and 502/503/504, waiting `backoff * 2**attempt` seconds between them.
    `transport` is for tests (an httpx transport).
    """

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        model: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.25,
        logit_bias_fn: LogitBiasFn | None = None,
        transport: Any = None,
    ) -> None:
        self.url = normalize_url(url)
        self.name = f"remote:{urlsplit(self.url).netloc}"
        self.model = model
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.logit_bias_fn = logit_bias_fn
        self._api_key = api_key or None
        self._transport = transport
        self._client: Any = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self.server_info: ServerInfo | None = None

    def __repr__(self) -> str:
        key = "set" if self._api_key else "none"
        return f"RemoteBackend({self.url!r}, api_key={key})"

    @property
    def steering_mode(self) -> SteeringMode:
        """ "native" for a tinymorph server, else "logit_bias" when a converter is given."""
        if self.server_info is not None and self.server_info.steering:
            return "native"
        return "logit_bias" if self.logit_bias_fn is not None else "none"

    # -- plumbing ---------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        if self._api_key and self._api_key in text:
            text = text.replace(self._api_key, "***")
        return text

    def _fail(self, reason: str) -> BackendError:
        return BackendError(self._redact(reason))

    def _http(self) -> Any:
        """The httpx client for the running event loop (clients are bound to one loop)."""
        import httpx  # deferred: ~60 ms; only remote users pay for it

        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            headers = {"Accept": "application/json, text/event-stream"}
            if self._api_key:
                headers["Authorization"] = f"Bearer {self._api_key}"
            self._client = httpx.AsyncClient(
                base_url=self.url,
                headers=headers,
                timeout=httpx.Timeout(
                    connect=self.connect_timeout,
                    read=self.read_timeout,
                    write=self.read_timeout,
                    pool=self.connect_timeout,
                ),
                transport=self._transport,
                trust_env=False,  # never route a loopback/SSH-tunnel URL through a proxy
            )
            self._client_loop = loop
        return self._client

    def _connect_reason(self, exc: BaseException) -> str:
        import httpx

        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return f"server down (no answer from {self.url} within {self.connect_timeout:g}s)"
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ConnectionRefusedError) or (
                isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
            ):
                return f"server down (connection refused at {self.url})"
            cause = cause.__cause__ or cause.__context__
        text = str(exc).lower()
        if "refused" in text or "errno 111" in text:
            return f"server down (connection refused at {self.url})"
        if "name or service" in text or "nodename" in text or "resolution" in text:
            return f"server down (cannot resolve {urlsplit(self.url).hostname})"
        return f"server down (cannot connect to {self.url}: {exc or type(exc).__name__})"

    def _status_reason(self, status: int, body: bytes) -> str:
        message = _error_message(body)
        if status in (401, 403):
            if not self._api_key:
                return f"server wants an API key ({status}); set TINYMORPH_API_KEY"
            return f"server refused the API key ({status})"
        if 400 <= status < 500:
            return f"server rejected the request ({status}: {message})"
        return f"server error {status}: {message}"

    async def _backoff(self, attempt: int) -> None:
        await asyncio.sleep(self.backoff * (2**attempt))

    # -- probing ----------------------------------------------------------------------------

    async def probe(self) -> ServerInfo:
        """Ask the server what it is (model id, tinymorph steering); cached after success."""
        import httpx

        if self.server_info is not None:
            return self.server_info
        client = self._http()
        model: str | None = self.model
        tinymorph = steering = False
        for attempt in range(self.retries + 1):
            try:
                resp = await client.get("/v1/models")
                break
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if attempt == self.retries:
                    raise self._fail(self._connect_reason(exc)) from None
                await self._backoff(attempt)
            except httpx.ReadTimeout:
                raise self._fail(f"server too slow (no data for {self.read_timeout:g}s)") from None
            except httpx.HTTPError as exc:
                raise self._fail(f"server down ({exc or type(exc).__name__})") from None
        if resp.status_code in (401, 403):
            raise self._fail(self._status_reason(resp.status_code, resp.content))
        if resp.status_code == 200:
            try:
                entries = resp.json().get("data") or []
            except (ValueError, AttributeError):
                entries = []
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                if model is None and isinstance(entry.get("id"), str):
                    model = entry["id"]
                ext = entry.get("tinymorph")
                if isinstance(ext, dict):
                    tinymorph = True
                    steering = steering or bool(ext.get("steering"))
        if not tinymorph:
            try:
                health = await client.get("/health")
                body = health.json() if health.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                body = {}
            if isinstance(body, dict) and body.get("server") == "tinymorph":
                tinymorph = True
                steering = bool(body.get("steering", True))
        self.server_info = ServerInfo(model=model, tinymorph=tinymorph, steering=steering)
        return self.server_info

    # -- completions ------------------------------------------------------------------------

    def _body(self, req: CompletionRequest, info: ServerInfo) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model or info.model or "default",
            "prompt": req.prompt,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
            "top_p": req.top_p,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if req.seed is not None:
            body["seed"] = req.seed
        bias: dict[str, float] = {}
        if req.logit_bias:
            bias = {str(int(t)): _clamp_bias(b) for t, b in req.logit_bias.items()}
        if req.stop:
            body["stop"] = list(req.stop)[:4]  # OpenAI accepts at most four
        if req.steering:
            if info.steering:
                body["steering"] = {"features": dict(req.steering)}
            elif self.logit_bias_fn is not None:
                active = {k: v for k, v in req.steering.items() if v}
                if active:
                    for t, b in (self.logit_bias_fn(active) or {}).items():
                        key = str(int(t))
                        bias[key] = _clamp_bias(bias.get(key, 0.0) + float(b))
        elif req.steering is not None and info.steering:
            body["steering"] = {"features": {}}
        if bias:
            body["logit_bias"] = bias
        return body

    async def stream(self, req: CompletionRequest) -> AsyncIterator[Chunk]:
        """Stream the continuation of `req` from the server."""
        import httpx

        started = time.perf_counter()
        info = await self.probe()
        client = self._http()
        body = self._body(req, info)
        for attempt in range(self.retries + 1):
            try:
                async with client.stream("POST", "/v1/completions", json=body) as resp:
                    if resp.status_code in _RETRY_STATUS and attempt < self.retries:
                        await resp.aread()
                        await self._backoff(attempt)
                        continue
                    if resp.status_code != 200:
                        raise self._fail(self._status_reason(resp.status_code, await resp.aread()))
                    async for chunk in self._read(resp, req, started):
                        yield chunk
                    return
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if attempt == self.retries:
                    raise self._fail(self._connect_reason(exc)) from None
                await self._backoff(attempt)
            except httpx.ReadTimeout:
                raise self._fail(f"server too slow (no data for {self.read_timeout:g}s)") from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                raise self._fail(
                    f"server closed the connection ({exc or type(exc).__name__})"
                ) from None
            except httpx.HTTPError as exc:
                raise self._fail(f"request failed ({exc or type(exc).__name__})") from None

    async def _read(
        self, resp: Any, req: CompletionRequest, started: float
    ) -> AsyncIterator[Chunk]:
        """Turn the response body into chunks and a final stats chunk."""
        stops = StopFilter(req.stop)
        pieces = 0
        usage_tokens: int | None = None
        cached: int | None = None
        first_text: float | None = None
        first_piece: float | None = None
        last_piece = started
        content_type = resp.headers.get("content-type", "")
        if "text/event-stream" in content_type:
            payloads: AsyncIterator[str] = iter_sse_data(resp.aiter_lines())
        else:
            # A server that ignored "stream": true answers one JSON object: accept it.
            payloads = _one(await resp.aread())
        saw_done = False
        try:
            async for payload in payloads:
                if payload.strip() == DONE:
                    saw_done = True
                    break
                event = self._parse_event(payload)
                text, usage, timings = _event_parts(event, self._redact)
                if usage:
                    if isinstance(usage.get("completion_tokens"), int):
                        usage_tokens = usage["completion_tokens"]
                    details = usage.get("prompt_tokens_details") or {}
                    if isinstance(details, dict) and isinstance(details.get("cached_tokens"), int):
                        cached = details["cached_tokens"]
                if timings and isinstance(timings.get("cache_n"), int):
                    cached = timings["cache_n"]
                if text:
                    now = time.perf_counter()
                    pieces += 1
                    last_piece = now
                    if first_piece is None:
                        first_piece = now
                    shown = stops.feed(text)
                    if shown:
                        if first_text is None:
                            first_text = now
                        yield Chunk(shown)
                    if stops.stopped:
                        break
        except SSEError as exc:
            raise self._fail(f"server sent malformed data: {exc}") from None
        if not saw_done and not stops.stopped and "text/event-stream" in content_type:
            # The stream ended without [DONE]: the server died mid-answer; keep what came.
            pass
        tail = stops.flush()
        if tail:
            if first_text is None:
                first_text = time.perf_counter()
            yield Chunk(tail)
        ended = time.perf_counter()
        tokens = usage_tokens if usage_tokens is not None else pieces
        speed = 0.0
        if tokens > 1 and first_piece is not None and last_piece > first_piece:
            speed = (tokens - 1) / (last_piece - first_piece)
        yield Chunk(
            "",
            done=True,
            stats=CompletionStats(
                ttft_ms=((first_text or ended) - started) * 1000.0,
                tokens=tokens,
                tokens_per_s=speed,
                cached_tokens=cached,
                total_ms=(ended - started) * 1000.0,
            ),
        )

    def _parse_event(self, payload: str) -> dict[str, Any]:
        try:
            event = json.loads(payload)
        except ValueError:
            raise self._fail(f"server sent malformed data: {payload[:60]!r}") from None
        if not isinstance(event, dict):
            raise self._fail(f"server sent malformed data: {payload[:60]!r}")
        return event

    async def aclose(self) -> None:
        """Close the connection pool."""
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.aclose()
            except RuntimeError:  # its event loop is already closed
                pass


def _clamp_bias(value: float) -> float:
    """OpenAI accepts biases in [-100, 100]; stay inside so strict servers take them."""
    return max(-100.0, min(100.0, float(value)))


async def _one(body: bytes) -> AsyncIterator[str]:
    yield body.decode("utf-8", errors="replace")


def _event_parts(
    event: dict[str, Any], redact: Callable[[str], str]
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """(text, usage, llama-server timings) of one streamed event; raises on an error event."""
    if "error" in event and not event.get("choices"):
        err = event["error"]
        message = err.get("message") if isinstance(err, dict) else str(err)
        raise BackendError(redact(f"server error: {message}"))
    choices = event.get("choices")
    text = ""
    if choices is not None:
        if not isinstance(choices, list):
            raise BackendError(f"server sent malformed data: choices is {type(choices).__name__}")
        if choices:
            first = choices[0]
            if not isinstance(first, dict):
                raise BackendError("server sent malformed data: a choice is not an object")
            value = first.get("text")
            if value is None and isinstance(first.get("delta"), dict):
                value = first["delta"].get("content")  # a chat-style stream
            if value is not None and not isinstance(value, str):
                raise BackendError("server sent malformed data: text is not a string")
            text = value or ""
    elif "usage" not in event and "timings" not in event:
        raise BackendError("server sent malformed data: an event without choices")
    usage = event.get("usage") if isinstance(event.get("usage"), dict) else None
    timings = event.get("timings") if isinstance(event.get("timings"), dict) else None
    return text, usage, timings


def _error_message(body: bytes) -> str:
    """The message of an OpenAI-style error body, or the start of the body."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message") or err.get("type")
        if isinstance(err, str) and err:
            return err[:200]
    first = text.splitlines()[0] if text else "no message"
    return first[:200]
