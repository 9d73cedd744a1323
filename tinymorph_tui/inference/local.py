"""LocalBackend: llama.cpp in process (llama-cpp-python), one worker thread per model.

Why this shape:
- llama.cpp calls block for milliseconds to seconds, so every call runs on one dedicated
  worker thread (a single-thread executor: it also serialises generations and loads), and
  text crosses to asyncio with `loop.call_soon_threadsafe` into an `asyncio.Queue`.
- Generation is our own token loop over `Llama.eval` and a llama.cpp sampler chain rather
  than `Llama.__call__`: that gives a cancellation check per token, exact control over
  the KV prefix cache (only the new tail of the prompt is evaluated after a keystroke) and
  incremental UTF-8 decoding with stop sequences cut even when split across tokens.
- Steering is a llama.cpp control vector. A KV state computed under one vector is wrong
  under another, so the prefix cache is keyed by a digest of the applied vector.

llama_cpp and numpy are imported only inside methods: `tinymorph FILE` must start fast.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import hashlib
import os
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tinymorph_tui.inference.textstream import StopFilter, Utf8Stream
from tinymorph_tui.inference.types import (
    BackendError,
    Chunk,
    CompletionRequest,
    CompletionStats,
    SteeringMode,
)

LoadState = Literal["unloaded", "loading", "ready", "error"]

#: `control_vector_fn(catalog, features, n_layer, n_embd) -> ndarray | None`
ControlVectorFn = Callable[[Any, Mapping[str, float], int, int], Any]

_DEFAULT_N_CTX = 4096


@dataclass(frozen=True)
class ModelInfo:
    """Shape and identity of a loaded model."""

    name: str
    path: str
    n_layer: int
    n_embd: int
    n_vocab: int
    n_ctx: int
    n_ctx_train: int
    supports_gpu_offload: bool
    n_gpu_layers: int
    fim: bool

    def __getitem__(self, key: str) -> Any:
        """Dict-style access (`info["n_layer"]`) for callers that prefer mappings."""
        return getattr(self, key)


def _default_control_vector_fn() -> ControlVectorFn | None:
    """The steering mixer (helper module) if it is installed, else None (no steering)."""
    try:
        from tinymorph_tui.steering.mixer import control_vector
    except ImportError:
        return None
    return control_vector


def default_threads() -> int:
    """Threads for generation: the physical cores llama.cpp would pick, at least 1."""
    return max(1, min(8, (os.cpu_count() or 2)))


class LocalBackend:
    """A GGUF model run by llama.cpp in this process.

    `n_ctx=None` uses min(4096, the model's training context). `n_gpu_layers=-1` offloads
    every layer when the llama.cpp build supports GPU offload (else 0). `catalog` is the
    feature catalog steering names refer to (`name in catalog` / `.get(name)`; default: the
    model's own `FeatureCatalog`); `control_vector_fn` mixes features into a control vector
    (default: `tinymorph_tui.steering.mixer.control_vector` when present).
    `on_state(state)` is called (from the worker thread) as the model loads, and
    `on_progress(fraction)` (0.0 .. 1.0, from the loading thread) as llama.cpp reads it;
    closing the backend meanwhile cancels the load.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int | None = None,
        n_threads: int | None = None,
        n_gpu_layers: int = -1,
        n_batch: int = 512,
        catalog: Any = None,
        control_vector_fn: ControlVectorFn | None = None,
        on_state: Callable[[LoadState], None] | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> None:
        self.model_path = Path(model_path).expanduser()
        self.name = f"local:{self.model_path.name}"
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.n_gpu_layers = n_gpu_layers
        self.n_batch = n_batch
        self._catalog = catalog
        self._catalog_resolved = catalog is not None
        self._cv_fn = control_vector_fn
        self._cv_fn_resolved = control_vector_fn is not None
        self.on_state = on_state
        self.on_progress = on_progress
        #: How much of the model llama.cpp has read (0.0 .. 1.0), while it loads.
        self.load_fraction: float | None = None
        self.state: LoadState = "unloaded"
        self.load_error: str | None = None
        self.load_seconds: float | None = None
        self._llm: Any = None
        self._info: ModelInfo | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="tinymorph-llama"
        )
        self._lock = threading.Lock()  # one llama.cpp call sequence at a time
        self._generating = threading.Event()
        self._active: set[threading.Event] = set()  # cancel events of running generations
        # The vector for requests without steering of their own (set_control_vector).
        self._default_vec: Any = None
        self._default_key: str | None = None
        # The vector llama.cpp holds now; KV states were computed under it.
        self._applied_key: str | None = None
        self._closed = False

    # -- identity -----------------------------------------------------------------------

    @property
    def steering_mode(self) -> SteeringMode:
        """ "native" when a control-vector mixer is available, else "none"."""
        return "native" if self._control_vector_fn() is not None else "none"

    @property
    def generating(self) -> bool:
        """True while the worker thread is inside a generation."""
        return self._generating.is_set()

    def __repr__(self) -> str:
        return f"LocalBackend({str(self.model_path)!r}, state={self.state!r})"

    @property
    def catalog(self) -> Any:
        """The feature catalog steering names refer to.

        Defaults to the model file's own catalog (`FeatureCatalog.for_model`), opened on
        first use; None when the steering package is unavailable.
        """
        if not self._catalog_resolved:
            self._catalog_resolved = True
            try:
                from tinymorph_tui.steering.catalog import FeatureCatalog
            except ImportError:
                return None
            try:
                self._catalog = FeatureCatalog.for_model(self.model_path)
            except Exception:  # no readable model file: steering names are then unknown
                self._catalog = None
        return self._catalog

    @catalog.setter
    def catalog(self, value: Any) -> None:
        self._catalog, self._catalog_resolved = value, True

    def _control_vector_fn(self) -> ControlVectorFn | None:
        if not self._cv_fn_resolved:
            self._cv_fn = _default_control_vector_fn()
            self._cv_fn_resolved = True
        return self._cv_fn

    # -- loading ------------------------------------------------------------------------

    def _load_progress(self, fraction: float) -> bool:
        """llama.cpp's progress callback: record, report, and cancel once closed."""
        self.load_fraction = fraction
        _notify(self.on_progress, fraction)
        return not self._closed

    def _set_state(self, state: LoadState) -> None:
        self.state = state
        _notify(self.on_state, state)

    async def load(self) -> ModelInfo:
        """Load the model off the event loop (once); raises BackendError if it cannot."""
        if self._info is not None:
            return self._info
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.load_sync)

    def load_sync(self) -> ModelInfo:
        """Load the model in the calling thread (once); raises BackendError if it cannot."""
        with self._lock:
            if self._info is not None:
                return self._info
            if self._closed:
                raise BackendError("the model backend is closed")
            if self.load_error is not None:
                raise BackendError(self.load_error)
            self._set_state("loading")
            started = time.perf_counter()
            try:
                self._llm, self._info = self._load_model()
            except BackendError as exc:
                self.load_error = exc.reason
                self._set_state("error")
                raise
            self.load_seconds = time.perf_counter() - started
            self._set_state("ready")
            return self._info

    def _load_model(self) -> tuple[Any, ModelInfo]:
        from tinymorph_tui.inference import llama_runtime

        path = self.model_path
        fail = f"cannot load model {path}: "
        if not path.exists():
            raise BackendError(fail + "no such file")
        if path.is_dir():
            raise BackendError(fail + "is a directory")
        try:
            with path.open("rb") as fh:
                magic = fh.read(4)
        except OSError as exc:
            raise BackendError(fail + (exc.strerror or str(exc))) from None
        if magic != b"GGUF":
            raise BackendError(fail + "not a GGUF file")
        llama_cpp = llama_runtime.llama_module()
        from llama_cpp import Llama

        gpu = bool(llama_cpp.llama_supports_gpu_offload())
        n_gpu_layers = self.n_gpu_layers if gpu else 0
        n_ctx = self.n_ctx
        if n_ctx is None:
            # A model trained on 128k tokens would allocate a huge KV cache at its training
            # context; hints need far less, so cap it (read from the header, before loading).
            trained = gguf_context_length(path)
            n_ctx = min(trained, _DEFAULT_N_CTX) if trained else _DEFAULT_N_CTX
        mark = llama_runtime.log_mark()
        try:
            with llama_runtime.load_progress(self._load_progress):
                llm = Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_batch=self.n_batch,
                    n_threads=self.n_threads,
                    n_gpu_layers=n_gpu_layers,
                    verbose=False,
                )
        except Exception as exc:
            if self._closed:  # cancelled from the progress callback by close()
                raise BackendError("the model backend is closed") from None
            reason = llama_runtime.last_error(mark) or str(exc) or type(exc).__name__
            raise BackendError(fail + reason) from None
        vocab = llm._model.vocab
        fim = all(
            int(fn(vocab)) >= 0
            for fn in (
                llama_cpp.llama_vocab_fim_pre,
                llama_cpp.llama_vocab_fim_suf,
                llama_cpp.llama_vocab_fim_mid,
            )
        )
        name = llm.metadata.get("general.name") or path.stem
        info = ModelInfo(
            name=name,
            path=str(path),
            n_layer=int(llama_cpp.llama_model_n_layer(llm.model)),
            n_embd=int(llama_cpp.llama_model_n_embd(llm.model)),
            n_vocab=int(llm.n_vocab()),
            n_ctx=int(llm.n_ctx()),
            n_ctx_train=int(llama_cpp.llama_model_n_ctx_train(llm.model)),
            supports_gpu_offload=gpu,
            n_gpu_layers=n_gpu_layers,
            fim=fim,
        )
        return llm, info

    def model_info(self) -> ModelInfo:
        """Shape of the model (loads it first if needed, in the calling thread)."""
        if self._info is None:
            return self.load_sync()
        return self._info

    # -- tokens ---------------------------------------------------------------------------

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = False) -> list[int]:
        """Token ids of `text` (loads the model if needed).

        `special=True` parses special-token texts such as `<|im_start|>` into their ids
        (wanted for a rendered chat template, never for a writer's own text).
        """
        self.model_info()
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def count_tokens(self, text: str) -> int:
        """How many tokens `text` takes (for prompt budgets)."""
        return len(self.tokenize(text))

    def token_bytes(self, token: int) -> bytes:
        """The raw bytes of one token (a byte token may be part of a UTF-8 character)."""
        self.model_info()
        return self._piece(token)

    def _piece(self, token: int) -> bytes:
        from tinymorph_tui.inference import llama_runtime

        llama_cpp = llama_runtime.llama_module()
        buf = ctypes.create_string_buffer(64)
        n = llama_cpp.llama_token_to_piece(self._llm._model.vocab, token, buf, 64, 0, False)
        if n < 0:  # the piece is longer than the buffer: -n is the size it needs
            buf = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(self._llm._model.vocab, token, buf, -n, 0, False)
        return buf.raw[: max(n, 0)]

    def _prompt_tokens(self, req: CompletionRequest) -> list[int]:
        from tinymorph_tui.inference import llama_runtime

        llm = self._llm
        assert self._info is not None
        if req.prompt_tokens:  # tokenized by the caller (the server, chat templates)
            return list(req.prompt_tokens)
        if req.suffix is not None and self._info.fim:
            # Prefix-suffix-middle order: the prefix comes first, so typing at the cursor
            # keeps the cached prefix valid even though a suffix follows.
            llama_cpp = llama_runtime.llama_module()
            vocab = llm._model.vocab
            head: list[int] = []
            bos = int(llama_cpp.llama_vocab_bos(vocab))
            if bos >= 0 and llama_cpp.llama_vocab_get_add_bos(vocab):
                head.append(bos)
            return (
                head
                + [int(llama_cpp.llama_vocab_fim_pre(vocab))]
                + self.tokenize(req.prompt)
                + [int(llama_cpp.llama_vocab_fim_suf(vocab))]
                + self.tokenize(req.suffix)
                + [int(llama_cpp.llama_vocab_fim_mid(vocab))]
            )
        tokens = list(llm.tokenize(req.prompt.encode("utf-8"), add_bos=True, special=False))
        if not tokens:
            bos = int(llm.token_bos())
            if bos < 0:
                raise BackendError("empty prompt and the model has no start token")
            tokens = [bos]
        return tokens

    # -- steering -------------------------------------------------------------------------

    def set_control_vector(self, vec: Any | None) -> None:
        """Set the control vector for requests that carry no steering (`steering=None`).

        `vec` is a float32 array of (n_layer - 1) * n_embd values (row k = layer k + 1), or
        None to clear. Applied at the next generation; cached KV states made under another
        vector are then discarded.
        """
        if vec is None:
            self._default_vec, self._default_key = None, None
            return
        vec = self._check_vector(vec)
        self._default_vec, self._default_key = vec, _digest(vec)

    def _check_vector(self, vec: Any) -> Any:
        import numpy as np  # deferred: numpy is only needed once steering is used

        arr = np.ascontiguousarray(np.asarray(vec, dtype=np.float32).reshape(-1))
        if self._info is not None:
            want = (self._info.n_layer - 1) * self._info.n_embd
            if arr.size != want:
                raise BackendError(
                    f"control vector has {arr.size} values; this model needs {want} "
                    f"((n_layer - 1) * n_embd)"
                )
        return arr

    def _resolve_steering(self, steering: Mapping[str, float] | None) -> tuple[Any, str | None]:
        """The vector (or None) and its cache key for a request's steering."""
        if steering is None:
            if self._default_vec is not None:
                self._check_vector(self._default_vec)
            return self._default_vec, self._default_key
        catalog = self.catalog if steering else None
        if catalog is None:
            if steering:
                name = next(iter(steering))
                raise BackendError(f"unknown feature {name!r} (no feature catalog for this model)")
            return None, None
        for name in steering:
            if not _catalog_has(catalog, name):
                raise BackendError(f"unknown feature {name!r}")
        active = {name: float(scale) for name, scale in steering.items() if scale}
        if not active:
            return None, None
        fn = self._control_vector_fn()
        if fn is None:
            raise BackendError("steering is not available (tinymorph_tui.steering.mixer missing)")
        assert self._info is not None
        try:
            vec = fn(catalog, active, self._info.n_layer, self._info.n_embd)
        except BackendError:
            raise
        except KeyError as exc:
            raise BackendError(f"unknown feature {exc.args[0]!r}") from None
        except Exception as exc:
            raise BackendError(f"cannot mix steering features: {exc}") from None
        if vec is None:
            return None, None
        vec = self._check_vector(vec)
        return vec, _digest(vec)

    def _apply_vector(self, vec: Any, key: str | None) -> None:
        """Hand the vector to llama.cpp if it differs from the applied one; drop stale KV."""
        if key == self._applied_key:
            return
        from tinymorph_tui.inference import llama_runtime

        llama_cpp = llama_runtime.llama_module()
        assert self._info is not None
        llm = self._llm
        n_layer, n_embd = self._info.n_layer, self._info.n_embd
        if vec is None:
            rc = llama_cpp.llama_set_adapter_cvec(llm.ctx, None, 0, n_embd, 0, 0)
        else:
            ptr = vec.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            rc = llama_cpp.llama_set_adapter_cvec(
                llm.ctx, ptr, int(vec.size), n_embd, 1, n_layer - 1
            )
        if rc != 0:
            raise BackendError(f"llama.cpp refused the control vector (code {rc})")
        # States computed under the previous vector are stale: never reuse them.
        llm.reset()
        llm._ctx.kv_cache_clear()
        self._applied_key = key

    def clear_cache(self) -> None:
        """Forget every cached KV state (the next request evaluates its whole prompt).

        Blocks until a running generation ends; call it from a worker, not the event loop.
        """
        with self._lock:
            if self._llm is not None:
                self._llm.reset()
                self._llm._ctx.kv_cache_clear()

    # -- generation -------------------------------------------------------------------------

    def _reuse_prefix(self, tokens: list[int]) -> int:
        """Keep the longest cached prefix of `tokens` in the KV cache; return its length."""
        llm = self._llm
        cached = llm._input_ids
        n = 0
        limit = min(len(cached), len(tokens))
        while n < limit and int(cached[n]) == tokens[n]:
            n += 1
        # The last prompt token must be evaluated again to get logits to sample from.
        n = min(n, len(tokens) - 1)
        if n > 0 and llm._ctx.kv_cache_seq_rm(-1, n, -1):
            llm.n_tokens = n
        else:
            n = 0
            llm.reset()
            llm._ctx.kv_cache_clear()
        return n

    def _make_sampler(self, req: CompletionRequest) -> Any:
        from llama_cpp import _internals

        sampler = _internals.LlamaSampler()
        if req.logit_bias:
            assert self._info is not None
            bias = {
                int(t): float(b)
                for t, b in req.logit_bias.items()
                if 0 <= int(t) < self._info.n_vocab
            }
            if bias:
                sampler.add_logit_bias(self._info.n_vocab, bias)
        if req.temperature <= 0:
            sampler.add_greedy()
            return sampler
        seed = req.seed if req.seed is not None else random.randrange(2**31)
        if 0 < req.top_p < 1:
            sampler.add_top_p(req.top_p, 1)
        sampler.add_temp(req.temperature)
        sampler.add_dist(int(seed) & 0xFFFFFFFF)
        return sampler

    def generate_sync(
        self,
        req: CompletionRequest,
        emit: Callable[[str], None],
        cancel: threading.Event | None = None,
        on_token: Callable[[int], None] | None = None,
    ) -> CompletionStats:
        """Generate in the calling thread, passing text pieces to `emit`; returns the stats.

        Stops within one token once `cancel` is set. Used by `stream()` (on the worker
        thread) and by callers that run their own threads (the server). `on_token(id)` is
        called for each generated token (end-of-generation tokens excluded) before its text
        is emitted, while `logits_view()` still holds the logits it was sampled from.
        """
        from tinymorph_tui.inference import llama_runtime

        if req.max_tokens < 0:
            raise BackendError("max_tokens must not be negative")
        cancel = cancel or threading.Event()
        self.load_sync()
        llama_cpp = llama_runtime.llama_module()
        started = time.perf_counter()
        self._active.add(cancel)
        try:
            with self._lock:
                if self._closed:
                    raise BackendError("the model backend is closed")
                self._generating.set()
                try:
                    return self._generate_locked(
                        req, emit, cancel, started, llama_cpp, on_token
                    )
                except BackendError:
                    raise
                except Exception as exc:
                    # llama.cpp failed mid-way (e.g. decode error): the cached state can no
                    # longer be trusted, so the next request starts from scratch.
                    self._llm.reset()
                    self._llm._ctx.kv_cache_clear()
                    raise BackendError(f"generation failed: {exc}") from exc
                finally:
                    self._generating.clear()
        finally:
            self._active.discard(cancel)

    def _generate_locked(
        self,
        req: CompletionRequest,
        emit: Callable[[str], None],
        cancel: threading.Event,
        started: float,
        llama_cpp: Any,
        on_token: Callable[[int], None] | None = None,
    ) -> CompletionStats:
        llm = self._llm
        assert self._info is not None
        vec, key = self._resolve_steering(req.steering)
        self._apply_vector(vec, key)
        tokens = self._prompt_tokens(req)
        n_ctx = self._info.n_ctx
        max_tokens = min(req.max_tokens, max(0, n_ctx - 2))
        room = n_ctx - max_tokens
        if len(tokens) > room:
            # Keep the start token and the end of the prompt (the text nearest the cursor).
            keep_head = 1 if tokens[0] == llm.token_bos() else 0
            tokens = tokens[:keep_head] + tokens[len(tokens) - (room - keep_head) :]
        cached = self._reuse_prefix(tokens)
        rest = tokens[cached:]
        for i in range(0, len(rest), self.n_batch):
            if cancel.is_set():
                break
            llm.eval(rest[i : i + self.n_batch])
        vocab = llm._model.vocab
        sampler = self._make_sampler(req)
        decoder = Utf8Stream()
        stops = StopFilter(req.stop)
        generated = 0
        first_text: float | None = None
        first_token: float | None = None
        last_token = started

        def out(text: str) -> None:
            nonlocal first_text
            if text:
                if first_text is None:
                    first_text = time.perf_counter()
                emit(text)

        try:
            while generated < max_tokens and not cancel.is_set():
                token = sampler.sample(llm._ctx, -1)
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                generated += 1
                last_token = time.perf_counter()
                if first_token is None:
                    first_token = last_token
                if on_token is not None:
                    on_token(token)
                out(stops.feed(decoder.feed(self._piece(token))))
                if stops.stopped or generated >= max_tokens or cancel.is_set():
                    break
                llm.eval([token])
        finally:
            sampler.close()
        if not cancel.is_set():
            out(stops.feed(decoder.flush()))
            out(stops.flush())
        ended = time.perf_counter()
        ttft = (first_text or first_token or ended) - started
        speed = 0.0
        if generated > 1 and first_token is not None and last_token > first_token:
            speed = (generated - 1) / (last_token - first_token)
        return CompletionStats(
            ttft_ms=ttft * 1000.0,
            tokens=generated,
            tokens_per_s=speed,
            cached_tokens=cached,
            total_ms=(ended - started) * 1000.0,
        )

    def logits_view(self) -> Any:
        """The logits the last sampled token was drawn from (float32 numpy, n_vocab values).

        A view into llama.cpp's buffer, valid only inside an `on_token` hook of
        `generate_sync` (the next evaluation overwrites it): copy what you keep.
        """
        import numpy as np  # deferred: only log-probability requests need it

        from tinymorph_tui.inference import llama_runtime

        assert self._info is not None and self._llm is not None
        llama_cpp = llama_runtime.llama_module()
        ptr = llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self._info.n_vocab,))

    async def stream(self, req: CompletionRequest) -> AsyncIterator[Chunk]:
        """Stream the continuation of `req`; closing the iterator stops generation."""
        if self._closed:
            raise BackendError("the model backend is closed")
        await self.load()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        cancel = threading.Event()

        def post(kind: str, value: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, (kind, value))
            except RuntimeError:  # the loop is gone: nobody is listening any more
                cancel.set()

        def work() -> None:
            try:
                stats = self.generate_sync(req, lambda text: post("text", text), cancel)
            except BackendError as exc:
                post("error", exc)
            except Exception as exc:  # a llama.cpp failure must reach the consumer
                post("error", BackendError(f"generation failed: {exc}"))
            else:
                post("done", stats)

        future = loop.run_in_executor(self._executor, work)
        try:
            while True:
                kind, value = await queue.get()
                if kind == "text":
                    yield Chunk(value)
                elif kind == "done":
                    yield Chunk("", done=True, stats=value)
                    return
                else:
                    raise value
        finally:
            cancel.set()
            if not future.done():
                # Generation stops within one token; waiting keeps "closed" meaning
                # "stopped", so the next request never races the old one.
                try:
                    await asyncio.shield(future)
                except BaseException:
                    pass

    async def wait_idle(self) -> None:
        """Return once the worker thread has finished everything queued before this call."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, lambda: None)

    async def aclose(self) -> None:
        """Stop accepting work, wait for the worker and free the model."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.close)

    def close(self) -> None:
        """Synchronous `aclose`: stops running generations (within a token), frees the model."""
        self._closed = True
        for cancel in list(self._active):
            cancel.set()
        with self._lock:
            self._closed = True
            llm, self._llm = self._llm, None
            if llm is not None:
                llm.close()
        self._executor.shutdown(wait=True)


def _notify(callback: Callable[[Any], None] | None, value: Any) -> None:
    """Tell a UI callback how loading goes; a failing one never breaks the load."""
    if callback is not None:
        try:
            callback(value)
        except Exception:
            pass


def gguf_context_length(path: Path) -> int | None:
    """The training context length stored in a GGUF file's metadata (None if unreadable)."""
    try:
        from gguf import GGUFReader  # deferred: only model loading needs it

        reader = GGUFReader(str(path))
        arch_field = reader.fields["general.architecture"]
        arch = bytes(arch_field.parts[arch_field.data[0]]).decode("utf-8")
        field = reader.fields.get(f"{arch}.context_length")
        if field is None:
            return None
        return int(field.parts[field.data[0]][0])
    except Exception:  # a damaged header is reported by llama.cpp itself, with its reason
        return None


def _catalog_has(catalog: Any, name: str) -> bool:
    """Whether the catalog knows `name` (cheaply, without loading its vectors if it can)."""
    try:
        if hasattr(catalog, "__contains__"):
            return name in catalog
        return catalog.get(name) is not None
    except Exception:  # a broken catalog entry counts as unknown here; the mixer skips it
        return False


def _digest(vec: Any) -> str:
    """Identity of a control vector's contents (the prefix cache key)."""
    return hashlib.blake2b(vec.tobytes(), digest_size=16).hexdigest()
