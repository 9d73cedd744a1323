"""The generation engine behind `tinymorph serve`: one model, one worker, a bounded queue.

Why one worker: a llama.cpp control vector belongs to the context, not to a request. Jobs
therefore run one at a time on a single thread, and each job sets its own vector (through
`LocalBackend.generate_sync`, which also keys the KV prefix cache by the vector: a state
computed under one steering is never reused under another). Requests with different
steering cannot leak into each other whatever the concurrency, and a plain request after a
steered one sees exactly the unsteered model.

Admission is bounded: at most `max_queue` jobs wait behind the running one; beyond that a
request gets a 503 with `Retry-After` at once instead of waiting without limit. A job whose
client has gone (disconnect, cancelled task) sets its cancel event: if it is still waiting
it is skipped in microseconds, if it runs it stops within one token.

Generated text and per-token log-probabilities cross from the worker thread to the event
loop through an asyncio queue; the consumer coalesces whatever has piled up into one piece,
so a slow client costs fewer, larger events instead of slowing the model.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tinymorph_tui.inference.types import BackendError, CompletionRequest, CompletionStats
from tinymorph_tui.server.chat import ChatFormatter
from tinymorph_tui.server.errors import APIError, bad_request
from tinymorph_tui.server.schemas import ChatBody, CompletionBody, Sampling

if TYPE_CHECKING:  # types only: llama_cpp loads with the backend, inside from_model()
    from tinymorph_tui.inference.local import LocalBackend, ModelInfo

FinishReason = Literal["stop", "length"]

#: Prompts longer than this (characters) are tokenized off the event loop.
_INLINE_TOKENIZE_CHARS = 8192


@dataclass(frozen=True)
class TokenLogprob:
    """One generated token with its log-probability and the top alternatives."""

    token: str
    token_bytes: bytes
    logprob: float
    top: list[tuple[str, bytes, float]]


@dataclass(frozen=True)
class Job:
    """A validated, tokenized generation, ready for the worker."""

    request: CompletionRequest
    prompt_tokens: int
    max_tokens: int
    logprobs: int | None  # top alternatives per token; None: no log-probabilities
    steering: dict[str, float] | None


@dataclass
class Piece:
    """Text generated since the last piece, with its tokens' log-probabilities."""

    text: str
    logprobs: list[TokenLogprob] = field(default_factory=list)


@dataclass
class Finish:
    """The end of a job: why it stopped, token counts, timing, log-probabilities left over."""

    reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    stats: CompletionStats
    logprobs: list[TokenLogprob] = field(default_factory=list)


@dataclass(frozen=True)
class JobRecord:
    """What the last finished job did (for /health and tests)."""

    tokens: int
    cancelled: bool
    reason: FinishReason | None


class Engine:
    """Serves generations from one `LocalBackend` on one worker thread.

    `max_queue` bounds the jobs waiting behind the running one. `load()` must have run
    (the CLI does it with a progress display; the app's startup does it otherwise).
    """

    def __init__(
        self, backend: LocalBackend, *, max_queue: int = 32, model_id: str | None = None
    ) -> None:
        self.backend = backend
        self.max_queue = max(0, int(max_queue))
        self.model_id = model_id or Path(backend.model_path).stem
        self.info: ModelInfo | None = None
        self.chat: ChatFormatter | None = None
        self.last_job: JobRecord | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="tinymorph-serve"
        )
        self._count_lock = threading.Lock()
        self._pending = 0  # admitted and not finished (running + waiting)
        self._running = 0
        self._text_cache: dict[int, tuple[str, bytes]] = {}

    @classmethod
    def from_model(
        cls,
        model_path: str | Path,
        *,
        n_ctx: int | None = None,
        n_gpu_layers: int = -1,
        n_threads: int | None = None,
        catalog: Any = None,
        max_queue: int = 32,
    ) -> Engine:
        """An engine over a new `LocalBackend` for `model_path` (not loaded yet)."""
        from tinymorph_tui.inference.local import LocalBackend

        backend = LocalBackend(
            model_path, n_ctx=n_ctx, n_gpu_layers=n_gpu_layers, n_threads=n_threads, catalog=catalog
        )
        return cls(backend, max_queue=max_queue)

    # -- lifecycle ------------------------------------------------------------------------

    def load(self) -> ModelInfo:
        """Load the model and its chat template (blocking; idempotent). Raises BackendError."""
        if self.info is None:
            info = self.backend.load_sync()
            try:
                self.chat = ChatFormatter.for_model(self.backend.model_path)
            except Exception:  # an unreadable template must not stop plain completions
                self.chat = ChatFormatter(None)
            self.info = info
        return self.info

    def close(self) -> None:
        """Stop the worker (a running job is cancelled within a token) and free the model."""
        self.backend.close()
        self._executor.shutdown(wait=True)

    # -- what the server shows --------------------------------------------------------------

    @property
    def steering(self) -> bool:
        """Whether requests may carry native steering (control vectors)."""
        return self.backend.steering_mode == "native"

    @property
    def running(self) -> int:
        """Jobs generating now (0 or 1)."""
        return self._running

    @property
    def queue_depth(self) -> int:
        """Jobs admitted and waiting behind the running one."""
        return max(0, self._pending - self._running)

    def _catalog(self) -> Any:
        return self.backend.catalog

    def feature_count(self) -> int:
        """Features in the model's catalog (0 without one)."""
        catalog = self._catalog()
        try:
            return len(catalog) if catalog is not None else 0
        except Exception:  # an unreadable catalog index: no features to offer
            return 0

    def features(self) -> list[dict[str, Any]]:
        """The catalog's features: name, label, layers, source and slider range."""
        catalog = self._catalog()
        if catalog is None:
            return []
        out: list[dict[str, Any]] = []
        for name in catalog.names():
            meta = catalog.meta(name) or {}
            out.append(
                {
                    "name": name,
                    "label": str(meta.get("label", "")),
                    "layers": [int(x) for x in meta.get("layers", [])],
                    "source": str(meta.get("source", "")),
                    "scale_min": float(meta.get("scale_min", -2.0)),
                    "scale_max": float(meta.get("scale_max", 2.0)),
                }
            )
        return out

    # -- preparing jobs ---------------------------------------------------------------------

    def check_steering(self, steering: dict[str, float] | None) -> None:
        """Refuse unknown feature names (400 naming the first) before anything is queued."""
        if not steering:
            return
        catalog = self._catalog()
        if catalog is not None and not self.steering:
            catalog = None
        for name in steering:
            try:
                known = catalog is not None and name in catalog
            except Exception:  # a broken catalog knows nothing
                known = False
            if not known:
                where = "" if catalog is not None else " (this server has no feature catalog)"
                raise bad_request(
                    f"unknown feature {name!r}{where}; GET /v1/features lists them",
                    "steering.features",
                    code="unknown_feature",
                )

    async def _tokenize(self, text: str, *, add_bos: bool, special: bool) -> list[int]:
        def work() -> list[int]:
            return self.backend.tokenize(text, add_bos=add_bos, special=special)

        if len(text) <= _INLINE_TOKENIZE_CHARS:
            return work()  # microseconds: cheaper than a thread hop on the way to the first token
        return await asyncio.to_thread(work)

    def _job(
        self,
        *,
        prompt: str,
        tokens: list[int] | None,
        n_prompt: int,
        suffix: str | None,
        sampling: Sampling,
        logprobs: int | None,
        extra_stop: tuple[str, ...] = (),
    ) -> Job:
        info = self.info
        assert info is not None, "Engine.load() first"
        n_ctx = int(info.n_ctx)
        if n_prompt == 0:
            raise bad_request("the prompt is empty and the model has no start token", "prompt")
        if n_prompt >= n_ctx:
            raise bad_request(
                f"the prompt is {n_prompt} tokens; this model's context is {n_ctx} tokens",
                "prompt",
                code="context_length_exceeded",
            )
        max_tokens = sampling.max_tokens
        if max_tokens is None:
            max_tokens = n_ctx - n_prompt
        if max_tokens > n_ctx:
            raise bad_request(
                f"max_tokens is {max_tokens}; it must be at most the context length {n_ctx}",
                "max_tokens",
            )
        if n_prompt + max_tokens > n_ctx:
            raise bad_request(
                f"this model's context is {n_ctx} tokens, but {n_prompt + max_tokens} were "
                f"requested ({n_prompt} in the prompt, {max_tokens} for the completion)",
                "max_tokens",
                code="context_length_exceeded",
            )
        n_vocab = int(info.n_vocab)
        if sampling.logit_bias:
            bad = [t for t in sampling.logit_bias if t >= n_vocab]
            if bad:
                raise bad_request(
                    f"logit_bias token id {bad[0]} is outside the vocabulary (0..{n_vocab - 1})",
                    "logit_bias",
                )
        if tokens is not None and any(t >= n_vocab for t in tokens):
            raise bad_request(f"prompt token ids must be below {n_vocab}", "prompt")
        self.check_steering(sampling.steering)
        stop = tuple(dict.fromkeys(sampling.stop + extra_stop))
        request = CompletionRequest(
            prompt=prompt,
            suffix=suffix,
            max_tokens=max_tokens,
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            seed=sampling.seed,
            stop=stop,
            steering=dict(sampling.steering) if sampling.steering is not None else None,
            logit_bias=sampling.logit_bias,
            prompt_tokens=tuple(tokens) if tokens is not None else None,
        )
        return Job(request, n_prompt, max_tokens, logprobs, request.steering)

    async def prepare_completion(self, body: CompletionBody) -> Job:
        """Tokenize and check a `/v1/completions` request against the model's limits."""
        if body.prompt_tokens is not None:
            tokens: list[int] | None = list(body.prompt_tokens)
            n_prompt = len(body.prompt_tokens)
        elif body.suffix is not None and self.info is not None and self.info.fim:
            # The backend builds the fill-in-the-middle sequence; count its parts (+4 for the
            # start and the three FIM tokens) so the context check holds.
            tokens = None
            n_prompt = (
                len(await self._tokenize(body.prompt, add_bos=False, special=False))
                + len(await self._tokenize(body.suffix, add_bos=False, special=False))
                + 4
            )
        else:
            tokens = await self._tokenize(body.prompt, add_bos=True, special=False)
            n_prompt = len(tokens)
        return self._job(
            prompt=body.prompt,
            tokens=tokens,
            n_prompt=n_prompt,
            suffix=body.suffix,
            sampling=body.sampling,
            logprobs=body.logprobs,
        )

    async def prepare_chat(self, body: ChatBody) -> Job:
        """Render the conversation with the chat template, then as `prepare_completion`."""
        chat = self.chat or ChatFormatter(None)
        rendered = chat.render(body.messages)
        tokens = await self._tokenize(
            rendered.text, add_bos=rendered.add_bos, special=rendered.special
        )
        return self._job(
            prompt=rendered.text,
            tokens=tokens,
            n_prompt=len(tokens),
            suffix=None,
            sampling=body.sampling,
            logprobs=body.top_logprobs if body.logprobs else None,
            extra_stop=rendered.stop,
        )

    # -- running jobs -------------------------------------------------------------------------

    def _admit(self) -> None:
        with self._count_lock:
            if self._pending >= 1 + self.max_queue:
                raise APIError(
                    503,
                    f"the server is busy ({self._pending - self._running} requests queued, "
                    f"the limit is {self.max_queue}); retry shortly",
                    code="queue_full",
                    headers={"Retry-After": "1"},
                )
            self._pending += 1

    def _token_text(self, token: int) -> tuple[str, bytes]:
        cached = self._text_cache.get(token)
        if cached is None:
            raw = self.backend.token_bytes(token)
            cached = (raw.decode("utf-8", errors="replace"), raw)
            self._text_cache[token] = cached
        return cached

    def _logprob(self, token: int, top_n: int) -> TokenLogprob:
        """Log-probabilities from the logits the token was sampled from (worker thread)."""
        import numpy as np  # deferred: only log-probability requests pay for numpy here

        logits = self.backend.logits_view().astype(np.float64)
        peak = float(logits.max())
        log_z = peak + float(np.log(np.exp(logits - peak).sum()))
        top: list[tuple[str, bytes, float]] = []
        if top_n > 0:
            n = min(top_n, logits.shape[0])
            idx = np.argpartition(-logits, n - 1)[:n]
            idx = idx[np.argsort(-logits[idx], kind="stable")]
            for t in idx:
                text, raw = self._token_text(int(t))
                top.append((text, raw, float(logits[t]) - log_z))
        text, raw = self._token_text(token)
        return TokenLogprob(text, raw, float(logits[token]) - log_z, top)

    def start(self, job: Job) -> JobStream:
        """Admit and queue `job`; iterate the returned stream for its pieces and `Finish`.

        Raises APIError 503 at once when the queue is full, so the HTTP status can still say
        so. The caller must end the stream (iterate it to the end, or `cancel()` it): a
        cancelled job that waits is skipped, a running one stops within one token.
        """
        self._admit()
        stream = JobStream(asyncio.get_running_loop())

        def work() -> None:
            with self._count_lock:
                self._running += 1
            tokens: list[int] = []
            try:
                if stream.cancel_event.is_set():  # the client left while this job waited
                    self.last_job = JobRecord(0, True, None)
                    stream.post("error", APIError(499, "the client went away"))
                    return
                self._generate(job, tokens, stream.post, stream.cancel_event)
            except BackendError as exc:
                stream.post("error", APIError(500, f"generation failed: {exc.reason}"))
            except Exception as exc:  # never leave the consumer waiting on a dead job
                stream.post("error", APIError(500, f"generation failed: {exc}"))
            finally:
                with self._count_lock:
                    self._running -= 1
                    self._pending -= 1

        try:
            self._executor.submit(work)
        except RuntimeError:  # the executor is shut down: the server is stopping
            with self._count_lock:
                self._pending -= 1
            raise APIError(
                503, "the server is shutting down", headers={"Retry-After": "5"}
            ) from None
        return stream

    def _generate(
        self, job: Job, tokens: list[int], post: Callable[..., None], cancel: threading.Event
    ) -> None:
        """The worker's side of `start`: generate, posting ("text", ...) and ("done", Finish)."""
        pending: list[TokenLogprob] = []
        top_n = job.logprobs

        def on_token(token: int) -> None:
            tokens.append(token)
            if top_n is not None:
                pending.append(self._logprob(token, top_n))

        def emit(text: str) -> None:
            entries = pending.copy()
            pending.clear()
            post("text", text, entries)

        stats = self.backend.generate_sync(job.request, emit, cancel, on_token)
        reason: FinishReason = "stop"
        if len(tokens) >= job.max_tokens:
            reason = "length"
            if job.request.stop:
                # A stop sequence completed by the very last token still means "stop".
                generated = b"".join(self._token_text(t)[1] for t in tokens)
                text = generated.decode("utf-8", errors="replace")
                if any(s in text for s in job.request.stop):
                    reason = "stop"
        cancelled = cancel.is_set()
        self.last_job = JobRecord(len(tokens), cancelled, None if cancelled else reason)
        post("done", Finish(reason, job.prompt_tokens, len(tokens), stats, pending.copy()))


class JobStream:
    """The consumer's end of a queued job: async-iterate it for `Piece`s, then a `Finish`.

    Iteration raises the job's APIError when generation fails. `cancel()` (also run when
    iteration ends early, e.g. the task is cancelled on a client disconnect) tells the
    worker to stop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.cancel_event = threading.Event()

    def post(self, *item: Any) -> None:
        """Hand an event to the consumer (called from the worker thread)."""
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone: nobody listens any more
            self.cancel_event.set()

    def cancel(self) -> None:
        """Stop the job (idempotent; a finished job is unaffected)."""
        self.cancel_event.set()

    async def __aiter__(self) -> AsyncIterator[Piece | Finish]:
        queue = self._queue
        try:
            held: tuple[Any, ...] | None = None
            while True:
                item = held or await queue.get()
                held = None
                if item[0] == "text":
                    text, entries = item[1], list(item[2])
                    # Coalesce what piled up while the client was busy: fewer, larger events.
                    while not queue.empty():
                        nxt = queue.get_nowait()
                        if nxt[0] != "text":
                            held = nxt
                            break
                        text += nxt[1]
                        entries.extend(nxt[2])
                    yield Piece(text, entries)
                elif item[0] == "done":
                    yield item[1]
                    return
                else:
                    raise item[1]
        finally:
            self.cancel_event.set()
