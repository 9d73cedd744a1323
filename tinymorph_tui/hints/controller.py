"""HintController: streamed ghost-text continuations, driven by the editor's events.

The UI tells the controller what happens (`on_edit`, `on_mode`, `on_cursor_moved`, keys that
accept, dismiss or cycle) and redraws when `on_change` fires; the controller decides when to
ask the model and what ghost text is visible. It never blocks: requests run in one asyncio
task at a time, and every entry point returns at once.

Rules it keeps:
- A request starts after a pause in insert mode (`AdaptiveDebounce`), at most one is in
  flight, and any edit that does not fit the visible hint cancels it (cancelling the task
  closes the backend stream, which stops a local generation within one token).
- Chunks are applied only while their job is still the current one and its document version
  is the latest (a backend that ignores cancellation cannot paint a stale hint).
- Type-through: an edit that types the start of the visible hint (checked by comparing the
  new context with the hint's anchor, so accepting through the editor and undoing it work
  the same way) consumes those characters; nothing is requested while it stays consistent.
- Finished hints go into an LRU `HintCache` keyed by context and steering; after a hint is
  complete the next one is prefetched as if the hint were accepted, and an in-flight
  prefetch whose context the writer reaches is adopted rather than restarted.
- Hints stop at a paragraph end ("\\n\\n") and at `max_words` words (cut at a word
  boundary), and the stream is closed as soon as the cut is reached.
- A single typed space at the end of the prefix is held back from the prompt and the
  model's leading space stands for it (models continue "a" far better than "a ").
- `on_change` fires at once for every change the writer causes and for a hint's first
  text; while a hint streams on, its growth is merged into one notice per ~15 ms.

Events for the hint log (`on_event(kind, data)`):
- "shown": a hint's first text was drawn (so a hint dismissed while it still streams was
  shown), or it came from the cache. data: text (as first drawn), steering, version,
  cached, alternative, latency_ms (request start to first character; 0 for cache hits),
  wait_ms (the triggering edit to first character, debounce included).
- "accepted": data: unit, text, steering, version, latency_ms (since it became visible).
- "dismissed" (only for a hint whose "shown" went out): data: text (what was left),
  steering, version, reason ("dismiss", "edit", "cursor", "mode", "steering", "disabled",
  "backend"), latency_ms (since visible).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tinymorph_tui.hints.cache import (
    PREFIX_KEY_CHARS,
    SUFFIX_KEY_CHARS,
    CacheKey,
    HintCache,
    SteeringKey,
    context_key,
    steering_key,
    tail_key,
)
from tinymorph_tui.hints.context import hint_prompt
from tinymorph_tui.hints.debounce import AdaptiveDebounce
from tinymorph_tui.hints.units import AcceptUnit, take_unit

if TYPE_CHECKING:
    from tinymorph_tui.inference.types import Backend, CompletionRequest, CompletionStats

log = logging.getLogger(__name__)

HintState = Literal["off", "idle", "thinking", "streaming", "error"]
JobKind = Literal["visible", "prefetch", "alternative"]

#: The status-line reason when no model is configured.
NO_MODEL_REASON = "no model: set --model PATH or TINYMORPH_MODEL (see docs/configuration.md)"
#: The status-line reason when hints are switched off.
DISABLED_REASON = "hints off"

_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
#: Seconds between redraw notices while a hint streams (about one 60 Hz frame).
STREAM_REFRESH_S = 0.015
# How far back a cache lookup looks for a hint whose start was typed through.
_LOOKBACK_CHARS = 128


def _heals(prefix: str) -> bool:
    """Whether the prompt holds back the prefix's trailing space (one space after text)."""
    return len(prefix) >= 2 and prefix[-1] == " " and not prefix[-2].isspace()


@dataclass(frozen=True)
class Hint:
    """The visible ghost text.

    `text` is what is still shown after the cursor (characters typed through or accepted are
    gone from it); it may hold "\\n": the UI draws the first line inline and the rest as
    virtual lines. `version` is the document version it belongs to, `steering` the feature
    mix it was made with, `alternatives_index` which alternative it is (0 = the first) of
    `alternatives_count` known for this context.
    """

    text: str
    version: int
    steering: Mapping[str, float]
    alternatives_index: int = 0
    alternatives_count: int = 1

    @property
    def first_line(self) -> str:
        """The part drawn inline after the cursor."""
        return self.text.split("\n", 1)[0]

    @property
    def more_lines(self) -> list[str]:
        """The lines drawn as virtual lines below the cursor line."""
        return self.text.split("\n")[1:]


@dataclass
class _Shown:
    """The hint on screen: `full` text anchored after `anchor_prefix`, `consumed` typed."""

    key: CacheKey
    anchor_prefix: str
    anchor_len: int
    suffix: str
    full: str
    steering: dict[str, float]
    version: int
    alt_index: int = 0
    alt_count: int = 1
    consumed: int = 0
    complete: bool = False
    cached: bool = False
    shown_at: float | None = None
    logged: bool = False  # its "shown" event went out (only then can it be "dismissed")


@dataclass
class _Job:
    """One request: what it is for, and the text it has produced so far (already cut)."""

    kind: JobKind
    key: CacheKey
    prefix: str
    suffix: str
    steering: dict[str, float]
    version: int
    edit_at: float
    seed: int | None = None
    temperature: float = 0.7
    alt_index: int = 0
    text: str = ""
    requested_at: float | None = None
    first_at: float | None = None
    last_at: float | None = None
    chunks: int = 0
    stats: CompletionStats | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def visible(self) -> bool:
        return self.kind != "prefetch"


@dataclass
class _Context:
    version: int
    prefix: str
    suffix: str


class HintController:
    """Ghost-text hints for one editor (see the module docstring for the rules).

    `backend`: a `Backend` or None (state "off" with a reason saying how to set a model).
    `debounce_ms`: the pause before a request (adapted down for fast models unless
    `adaptive_debounce=False`). `max_words`: longest hint. `cache_size`: LRU entries.
    `prefetch`: fetch the next hint after one completes. `on_change()`: the hint or state
    changed (the UI refreshes). `on_event(kind, data)`: hint log events. `clock` (seconds)
    and `sleep` are injectable for tests. Other keywords mirror the `[hints]` config table.
    """

    def __init__(
        self,
        backend: Backend | None,
        *,
        debounce_ms: float = 150,
        max_words: int = 40,
        cache_size: int = 256,
        prefetch: bool = True,
        on_change: Callable[[], None] | None = None,
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
        max_tokens: int = 64,
        temperature: float = 0.7,
        top_p: float = 0.95,
        stop_at_paragraph: bool = True,
        context_tokens: int = 512,
        max_alternatives: int = 5,
        adaptive_debounce: bool = True,
        enabled: bool = True,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._backend = backend
        self.debounce = AdaptiveDebounce(debounce_ms, adaptive=adaptive_debounce)
        self.max_words = max_words
        self.prefetch = prefetch
        self.on_change = on_change
        self.on_event = on_event
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.stop_at_paragraph = stop_at_paragraph
        self.context_tokens = context_tokens
        self.max_alternatives = max(1, max_alternatives)
        self._clock = clock
        self._sleep = sleep
        self._cache = HintCache(cache_size)
        self._enabled = enabled
        self._mode = "normal"
        self._steering: dict[str, float] = {}
        self._steering_key: SteeringKey = ()
        self._ctx: _Context | None = None
        self._ctx_valid = False
        self._shown: _Shown | None = None
        self._job: _Job | None = None
        self._hint_cache: Hint | None = None
        self._state: HintState = "idle"
        self._reason = ""
        self._last_stats: CompletionStats | None = None
        self._closed = False
        self._change_handle: asyncio.TimerHandle | None = None
        self._last_change_at = float("-inf")
        self._state, self._reason = self._resting_state()

    # -- public state -----------------------------------------------------------------------

    @property
    def hint(self) -> Hint | None:
        """The visible hint, or None when nothing is shown."""
        shown = self._shown
        if shown is None or shown.consumed >= len(shown.full):
            return None
        if self._hint_cache is None:
            self._hint_cache = Hint(
                text=shown.full[shown.consumed :],
                version=shown.version,
                steering=dict(shown.steering),
                alternatives_index=shown.alt_index,
                alternatives_count=shown.alt_count,
            )
        return self._hint_cache

    @property
    def state(self) -> HintState:
        """"off" | "idle" | "thinking" | "streaming" | "error"."""
        return self._state

    @property
    def reason(self) -> str:
        """Why the state is "off" or "error" (empty otherwise)."""
        return self._reason

    @property
    def last_stats(self) -> CompletionStats | None:
        """Timing of the last finished completion (ttft_ms, tokens_per_s, cached_tokens)."""
        return self._last_stats

    @property
    def enabled(self) -> bool:
        """Whether hints are switched on."""
        return self._enabled

    @property
    def steering(self) -> dict[str, float]:
        """The feature mix new hints are made with."""
        return dict(self._steering)

    @property
    def backend(self) -> Backend | None:
        """The model backend (None: no model configured)."""
        return self._backend

    @property
    def busy(self) -> bool:
        """Whether a request (or its debounce) is pending, prefetches included."""
        return self._job is not None

    # -- events from the editor ---------------------------------------------------------------

    def on_edit(
        self,
        version: int,
        prefix: str,
        suffix: str,
        cursor: tuple[int, int] | None = None,
        *,
        typed: str | None = None,
    ) -> None:
        """The document changed (or the UI asks for a hint here): `prefix` is the text before
        the cursor, `suffix` the text after it, `typed` the characters just typed at the
        cursor when the edit was plain typing. `cursor` is accepted for the UI's convenience
        and not needed. Call it also after inserting an accepted hint.
        """
        del cursor
        self._ctx = _Context(version, prefix, suffix)
        self._ctx_valid = True
        if not self._active():
            self._cancel_job()
            self._clear_shown("edit")
            return
        shown = self._shown
        if shown is not None and self._consume(shown, prefix, suffix, typed):
            shown.version = version
            job = self._job
            if job is not None and job.visible:
                job.version = version
            self._hint_cache = None
            if shown.consumed < len(shown.full) or not shown.complete:
                self._changed()
                return
            # The whole hint is typed or accepted: continue in the new context (usually the
            # prefetched one), without logging a dismissal.
            self._shown = None
            self._hint_cache = None
        elif shown is not None:
            self._clear_shown("edit")
        self._request_here(delay=True)

    def on_mode(self, mode: str) -> None:
        """The editor's mode changed; hints live in insert mode only."""
        self._mode = mode
        if mode != "insert":
            self._ctx_valid = False
            self._cancel_job()
            self._clear_shown("mode")
            self._settle()

    def on_cursor_moved(self) -> None:
        """The cursor moved without an edit: the hint no longer applies."""
        self._ctx_valid = False
        self._cancel_job()
        self._clear_shown("cursor")
        self._settle()

    # -- keys ---------------------------------------------------------------------------------

    def accept(self, unit: AcceptUnit = "all") -> str:
        """Take `unit` ("all" | "word" | "sentence" | "line") of the visible hint.

        Returns the text for the UI to insert at the cursor as one undo step ("" when no
        hint is shown); the hint keeps the rest. The insertion's `on_edit` is then seen as
        consistent with the hint.
        """
        shown = self._shown
        hint = self.hint
        if shown is None or hint is None:
            return ""
        taken = take_unit(hint.text, unit)
        if not taken:
            return ""
        shown.consumed += len(taken)
        self._hint_cache = None
        self._emit(
            "accepted",
            unit=unit,
            text=taken,
            steering=dict(shown.steering),
            version=shown.version,
            latency_ms=self._since(shown.shown_at),
        )
        self._changed()
        return taken

    def dismiss(self) -> None:
        """Hide the hint and cancel any request until the next edit."""
        self._cancel_job()
        self._clear_shown("dismiss")
        self._settle()

    def cycle(self) -> None:
        """Show the next alternative for this context, asking the model for a new one
        (another seed, a warmer temperature) until `max_alternatives` are known, then wrap.
        With no hint shown, ask for one now (no debounce). Ignored while a hint streams."""
        if not self._active() or not self._ctx_valid or self._ctx is None:
            return
        shown = self._shown
        if shown is None or self.hint is None:
            job = self._job
            if job is None or not job.visible or job.requested_at is None:
                # The writer asked: skip the debounce, and ask even where the model had
                # nothing to say last time.
                self._request_here(delay=False, force=True)
            return
        job = self._job
        if job is not None and job.visible:
            return
        if shown.consumed:
            self._rebase(shown)
        entry = self._cache.get(shown.key)
        if entry is None:
            entry = self._cache.put(shown.key, shown.full)
        texts = entry.texts
        nxt = shown.alt_index + 1
        if nxt < len(texts):
            self._show_alternative(shown, nxt, texts)
        elif len(texts) < self.max_alternatives:
            self._cancel_job()
            entry.attempts += 1
            n = entry.attempts
            self._start_job(
                _Job(
                    kind="alternative",
                    key=shown.key,
                    prefix=shown.anchor_prefix,
                    suffix=shown.suffix,
                    steering=dict(shown.steering),
                    version=shown.version,
                    edit_at=self._clock(),
                    seed=n,
                    temperature=min(1.2, self.temperature + 0.1 * n),
                    alt_index=len(texts),
                ),
                delay=False,
            )
        elif len(texts) > 1:
            self._show_alternative(shown, 0, texts)

    # -- settings -----------------------------------------------------------------------------

    def set_enabled(self, enabled: bool) -> None:
        """Switch hints on or off (off cancels and hides everything)."""
        if enabled == self._enabled:
            return
        self._enabled = enabled
        if not enabled:
            self._cancel_job()
            self._clear_shown("disabled")
            self._set_state(*self._resting_state())
        else:
            self._set_state(*self._resting_state())
            if self._active() and self._ctx_valid:
                self._request_here(delay=True)

    def toggle(self) -> bool:
        """Flip hints on/off; returns the new setting."""
        self.set_enabled(not self._enabled)
        return self._enabled

    def set_steering(self, features: Mapping[str, float]) -> None:
        """Use this feature mix for new hints: cancels what is in flight, hides a hint made
        under another mix and asks again at once (no debounce)."""
        steering = {str(k): float(v) for k, v in features.items() if v}
        key = steering_key(steering)
        if key == self._steering_key:
            return
        self._steering, self._steering_key = steering, key
        self._cancel_job()
        self._clear_shown("steering")
        if self._active() and self._ctx_valid:
            self._request_here(delay=False)
        else:
            self._settle()

    def set_backend(self, backend: Backend | None) -> None:
        """Use another backend (or none); the cache is cleared (hints belong to a model)."""
        self._cancel_job()
        self._clear_shown("backend")
        self._cache.clear()
        self._backend = backend
        self._set_state(*self._resting_state())
        if self._active() and self._ctx_valid:
            self._request_here(delay=True)

    def clear_cache(self) -> None:
        """Forget cached hints (e.g. after the model's settings change)."""
        self._cache.clear()

    async def aclose(self) -> None:
        """Cancel any request and wait for it to stop. The backend is not closed (the
        caller owns it)."""
        self._closed = True
        if self._change_handle is not None:
            self._change_handle.cancel()
            self._change_handle = None
        job = self._job
        self._cancel_job()
        self._shown = None
        self._hint_cache = None
        if job is not None and job.task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job.task

    # -- internals: deciding ------------------------------------------------------------------

    def _active(self) -> bool:
        return (
            not self._closed
            and self._enabled
            and self._backend is not None
            and self._mode == "insert"
        )

    def _resting_state(self) -> tuple[HintState, str]:
        if self._backend is None:
            return "off", NO_MODEL_REASON
        if not self._enabled:
            return "off", DISABLED_REASON
        return "idle", ""

    def _consume(self, shown: _Shown, prefix: str, suffix: str, typed: str | None) -> bool:
        """Whether the new context is the hint's anchor plus a start of the hint; if so,
        record how much of it is typed."""
        if suffix[:SUFFIX_KEY_CHARS] != shown.suffix[:SUFFIX_KEY_CHARS]:
            return False
        candidates: list[int] = []
        if typed:
            candidates.append(shown.consumed + len(typed))
        candidates.append(len(prefix) - shown.anchor_len)
        for done in candidates:
            if not 0 <= done <= len(shown.full):
                continue
            expected = (tail_key(shown.anchor_prefix) + shown.full[:done])[-PREFIX_KEY_CHARS:]
            # Compare the common tail: a window of the text may have dropped its first chars.
            m = min(len(expected), len(prefix))
            if m < min(len(expected), 32):
                continue
            if prefix[len(prefix) - m :] == expected[len(expected) - m :]:
                shown.consumed = done
                # Re-base lengths on this prefix: the UI may send a window of the text.
                shown.anchor_len = len(prefix) - done
                return True
        return False

    def _request_here(self, *, delay: bool, force: bool = False) -> None:
        """Show a hint for the current context: adopt a matching prefetch, use the cache, or
        start a request (`force`: also where the cache says the model had nothing to add)."""
        ctx = self._ctx
        if ctx is None or not self._active():
            return
        key = context_key(ctx.prefix, ctx.suffix, self._steering_key)
        job = self._job
        if job is not None and job.key == key and job.kind == "prefetch":
            self._adopt(job, ctx)
            return
        self._cancel_job()
        hit = self._cache.lookup(
            ctx.prefix, ctx.suffix, self._steering_key, lookback=_LOOKBACK_CHARS
        )
        if hit is not None:
            hit_key, entry, typed = hit
            text = entry.texts[0]
            if text[typed:]:
                anchor = ctx.prefix[: len(ctx.prefix) - typed] if typed else ctx.prefix
                self._shown = _Shown(
                    key=hit_key,
                    anchor_prefix=anchor,
                    anchor_len=len(ctx.prefix) - typed,
                    suffix=ctx.suffix,
                    full=text,
                    steering=dict(self._steering),
                    version=ctx.version,
                    alt_count=len(entry.texts),
                    consumed=typed,
                    complete=True,
                    cached=True,
                    shown_at=self._clock(),
                )
                self._hint_cache = None
                self._set_state("idle", "")
                self._emit_shown(self._shown, latency_ms=0.0, wait_ms=0.0)
                self._changed()
                self._maybe_prefetch(self._shown)
                return
            if text == "" and not force:
                # The model had nothing to add here last time; don't ask again.
                self._settle()
                return
        self._start_job(
            _Job(
                kind="visible",
                key=key,
                prefix=ctx.prefix,
                suffix=ctx.suffix,
                steering=dict(self._steering),
                version=ctx.version,
                edit_at=self._clock(),
                temperature=self.temperature,
            ),
            delay=delay,
        )

    def _adopt(self, job: _Job, ctx: _Context) -> None:
        """The writer reached the context a prefetch is for: show it as it streams."""
        job.kind = "visible"
        job.version = ctx.version
        job.edit_at = self._clock()
        if job.text:
            self._shown = self._shown_from_job(job)
            self._set_state("streaming", "")
            self._changed()
        elif job.requested_at is not None:
            self._set_state("thinking", "")

    def _maybe_prefetch(self, shown: _Shown) -> None:
        """After a complete hint, fetch the one that would follow it if accepted."""
        if not self.prefetch or not self._active() or not shown.full or self._job is not None:
            return
        prefix = shown.anchor_prefix + shown.full
        key = context_key(prefix, shown.suffix, steering_key(shown.steering))
        if self._cache.get(key) is not None:
            return
        self._start_job(
            _Job(
                kind="prefetch",
                key=key,
                prefix=prefix,
                suffix=shown.suffix,
                steering=dict(shown.steering),
                version=shown.version,
                edit_at=self._clock(),
                temperature=self.temperature,
            ),
            delay=False,
        )

    def _rebase(self, shown: _Shown) -> None:
        """Make the typed part of the hint part of its anchor (before cycling)."""
        typed = shown.full[: shown.consumed]
        shown.anchor_prefix = shown.anchor_prefix + typed
        shown.anchor_len += len(typed)
        shown.full = shown.full[shown.consumed :]
        shown.consumed = 0
        shown.key = context_key(shown.anchor_prefix, shown.suffix, steering_key(shown.steering))
        shown.alt_index = 0
        entry = self._cache.put(shown.key, shown.full)
        shown.alt_count = len(entry.texts)
        self._hint_cache = None

    def _show_alternative(self, shown: _Shown, index: int, texts: list[str]) -> None:
        shown.full = texts[index]
        shown.alt_index = index
        shown.alt_count = len(texts)
        shown.consumed = 0
        shown.complete = True
        shown.shown_at = self._clock()
        self._hint_cache = None
        self._emit_shown(shown, latency_ms=0.0, wait_ms=0.0)
        self._changed()

    # -- internals: running a request ---------------------------------------------------------

    def _start_job(self, job: _Job, *, delay: bool) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # Driven without an event loop (a headless script): nothing can stream.
            return
        self._job = job
        if job.visible and self._state == "error":
            self._set_state("idle", "")
        wait = self.debounce.delay_s if delay else 0.0
        job.task = loop.create_task(self._run(job, wait), name=f"tinymorph-hint-{job.kind}")

    def _cancel_job(self) -> None:
        job, self._job = self._job, None
        if job is not None and job.task is not None and not job.task.done():
            job.task.cancel()
        if job is not None and job.visible and self._state in ("thinking", "streaming"):
            self._set_state(*self._resting_state())

    def _current(self, job: _Job) -> bool:
        """Whether `job` may still change what is shown (stale results are dropped)."""
        if job is not self._job:
            return False
        if job.visible:
            return self._ctx is not None and job.version == self._ctx.version
        return True

    def _request(self, job: _Job) -> CompletionRequest:
        from tinymorph_tui.inference.types import CompletionRequest

        stop = ("\n\n",) if self.stop_at_paragraph else ()
        # A prompt ending in a space makes models pick odd tokens (the space is usually the
        # start of the next word's token), so the typed space is held back and the model's
        # leading space stands for it (see `_shape`): token healing, for one space.
        prefix = job.prefix[:-1] if _heals(job.prefix) else job.prefix
        prompt = hint_prompt(prefix, job.suffix, self.context_tokens)
        return CompletionRequest(
            prompt=prompt.prompt,
            suffix=prompt.suffix,
            max_tokens=self.max_tokens,
            temperature=job.temperature,
            top_p=self.top_p,
            seed=job.seed,
            stop=stop,
            steering=dict(job.steering),
            n_alternative=job.alt_index,
        )

    async def _run(self, job: _Job, wait: float) -> None:
        try:
            if wait > 0:
                await self._sleep(wait)
            if not self._current(job) or self._backend is None:
                return
            req = self._request(job)
            job.requested_at = self._clock()
            if job.visible:
                self._set_state("thinking", "")
            raw = ""
            stream = self._backend.stream(req)
            try:
                async for chunk in stream:
                    if not self._current(job):
                        return  # a late chunk for an older version: dropped
                    if chunk.text:
                        job.last_at = self._clock()
                        job.chunks += 1
                        if job.first_at is None:
                            job.first_at = job.last_at
                        raw += chunk.text
                        text, cut = self._shape(raw, job.prefix)
                        if text != job.text:
                            job.text = text
                            self._job_text(job)
                        if cut:
                            break
                    if chunk.stats is not None:
                        job.stats = chunk.stats
                    if chunk.done:
                        break
            finally:
                aclose = getattr(stream, "aclose", None)
                if aclose is not None:
                    with contextlib.suppress(Exception):
                        await aclose()
            if self._current(job):
                self._finish(job)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a backend failure must never reach the UI's key handling
            if self._current(job):
                self._fail(job, exc)

    def _shape(self, raw: str, prefix: str) -> tuple[str, bool]:
        """Cut the raw stream at a paragraph end and at `max_words`; True when cut.

        When the prompt's trailing space was held back (see `_request`), the model's own
        leading space stands for it and is dropped; if the model instead went on with the
        word before the space (",", "ing"), that part cannot follow the typed space and
        the hint starts after the model's first whitespace.
        """
        text = raw
        cut = False
        if self.stop_at_paragraph:
            m = _PARAGRAPH_END.search(text)
            if m is not None:
                text, cut = text[: m.start()], True
        if _heals(prefix):
            if text[:1].isspace():
                text = text[1:].lstrip(" \t")
            else:
                m = _SPACE.search(text)
                text = text[m.end() :].lstrip(" \t") if m is not None else ""
        elif prefix.endswith((" ", "\t")):
            text = text.lstrip(" \t")  # the writer already typed the space
        if self.max_words > 0:
            for i, m in enumerate(_WORD.finditer(text)):
                if i == self.max_words:
                    text, cut = text[: m.start()], True
                    break
        if cut:
            text = text.rstrip()
        return text, cut

    def _shown_from_job(self, job: _Job) -> _Shown:
        return _Shown(
            key=job.key,
            anchor_prefix=job.prefix,
            anchor_len=len(job.prefix),
            suffix=job.suffix,
            full=job.text,
            steering=dict(job.steering),
            version=job.version,
            alt_index=job.alt_index,
            alt_count=job.alt_index + 1,
            shown_at=self._clock(),
        )

    def _job_text(self, job: _Job) -> None:
        """New text from a visible job: show it (the first text replaces any alternative)."""
        if not job.visible:
            return
        shown = self._shown
        first = shown is None or shown.key != job.key or shown.alt_index != job.alt_index
        if first:
            self._shown = shown = self._shown_from_job(job)
            # Logged when its first text is drawn (the writer saw it), with the time to it:
            # a hint dismissed while still streaming was shown too.
            self._emit_shown(
                shown,
                latency_ms=self._ms(job.requested_at, job.first_at),
                wait_ms=self._ms(job.edit_at, job.first_at),
            )
        else:
            assert shown is not None
            shown.full = job.text
        self._hint_cache = None
        self._state, self._reason = "streaming", ""
        # The first text is shown at once; growth after it at most once per frame (a
        # local model can stream a token per millisecond, and each redraw costs the UI).
        self._changed(throttle=not first)

    def _finish(self, job: _Job) -> None:
        self._job = None
        text = job.text.rstrip()
        stats = job.stats or self._measured_stats(job)
        if stats is not None:
            self._last_stats = stats
            self.debounce.observe_ttft(stats.ttft_ms)
        if job.kind == "prefetch":
            self._cache.put(job.key, text)
            return
        shown = self._shown
        mine = shown is not None and shown.key == job.key and shown.alt_index == job.alt_index
        if job.kind == "visible":
            self._cache.put(job.key, text)
            if shown is not None and mine:
                shown.full = text
        elif text:  # an alternative: keep it, and show it (its first text already replaced
            # the previous alternative on screen)
            index = self._cache.add_alternative(job.key, text)
            entry = self._cache.get(job.key)
            if shown is not None and mine:
                shown.full, shown.alt_index = text, index
                shown.alt_count = len(entry.texts) if entry is not None else index + 1
        used_up = False
        if shown is not None and mine:
            shown.complete = True
            if not shown.full[shown.consumed :]:
                # Typed or accepted to its end while it streamed.
                self._shown = shown = None
                used_up = True
        self._hint_cache = None
        self._set_state(*self._resting_state())
        if shown is not None and mine and not shown.logged:
            self._emit_shown(
                shown,
                latency_ms=self._ms(job.requested_at, job.first_at),
                wait_ms=self._ms(job.edit_at, job.first_at),
            )
        self._changed()
        if shown is not None:
            self._maybe_prefetch(shown)
        elif used_up and self._ctx_valid:
            self._request_here(delay=True)  # go on from where the writer now is

    def _measured_stats(self, job: _Job) -> CompletionStats | None:
        """Stats measured here, for a stream closed at a cut before its final chunk (the
        backend's own figures come only with that chunk). Chunks stand in for tokens and the
        cached token count is unknown."""
        from tinymorph_tui.inference.types import CompletionStats

        if job.requested_at is None or job.first_at is None:
            return None
        now = self._clock()
        speed = 0.0
        if job.chunks > 1 and job.last_at is not None and job.last_at > job.first_at:
            speed = (job.chunks - 1) / (job.last_at - job.first_at)
        return CompletionStats(
            ttft_ms=(job.first_at - job.requested_at) * 1000.0,
            tokens=job.chunks,
            tokens_per_s=speed,
            cached_tokens=None,
            total_ms=(now - job.requested_at) * 1000.0,
        )

    def _fail(self, job: _Job, exc: BaseException) -> None:
        self._job = None
        reason = getattr(exc, "reason", None) or f"hint failed: {exc}"
        if not job.visible:
            log.info("prefetch failed: %s", reason)
            return
        log.info("hint failed: %s", reason)
        shown = self._shown
        if shown is not None and shown.key == job.key and not shown.complete:
            self._shown = None
            self._hint_cache = None
        self._set_state("error", str(reason))
        self._changed()

    # -- internals: notifying -----------------------------------------------------------------

    def _clear_shown(self, reason: str) -> None:
        shown = self._shown
        if shown is None:
            return
        self._shown = None
        self._hint_cache = None
        rest = shown.full[shown.consumed :]
        if rest and shown.logged:
            self._emit(
                "dismissed",
                text=rest,
                steering=dict(shown.steering),
                version=shown.version,
                reason=reason,
                latency_ms=self._since(shown.shown_at),
            )
        self._changed()

    def _settle(self) -> None:
        """Return to the resting state when nothing visible is pending."""
        if self._job is None or not self._job.visible:
            if self._state in ("thinking", "streaming"):
                self._set_state(*self._resting_state())

    def _set_state(self, state: HintState, reason: str) -> None:
        if (state, reason) != (self._state, self._reason):
            self._state, self._reason = state, reason
            self._changed()

    def _changed(self, *, throttle: bool = False) -> None:
        """Tell the UI; `throttle`d calls (a streaming hint growing) are merged so that
        `on_change` fires at most once per `STREAM_REFRESH_S`, the latest state winning."""
        if throttle:
            if self._change_handle is not None:
                return  # a redraw is already due; it will show the newest text
            wait = self._last_change_at + STREAM_REFRESH_S - time.perf_counter()
            if wait > 0:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    pass
                else:
                    self._change_handle = loop.call_later(wait, self._fire_change)
                    return
        if self._change_handle is not None:
            self._change_handle.cancel()  # superseded by this immediate one
        self._fire_change()

    def _fire_change(self) -> None:
        self._change_handle = None
        self._last_change_at = time.perf_counter()
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:  # the UI's redraw bug must not break the hint machinery
                log.exception("hint on_change callback failed")

    def _emit_shown(self, shown: _Shown, *, latency_ms: float, wait_ms: float) -> None:
        shown.logged = True
        self._emit(
            "shown",
            text=shown.full,
            steering=dict(shown.steering),
            version=shown.version,
            cached=shown.cached,
            alternative=shown.alt_index,
            latency_ms=latency_ms,
            wait_ms=wait_ms,
        )

    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event is not None:
            try:
                self.on_event(kind, data)
            except Exception:
                log.exception("hint on_event callback failed")

    def _since(self, start: float | None) -> float:
        return 0.0 if start is None else (self._clock() - start) * 1000.0

    @staticmethod
    def _ms(start: float | None, end: float | None) -> float:
        if start is None or end is None:
            return 0.0
        # An adopted prefetch may have streamed before the edit that adopted it.
        return max(0.0, (end - start) * 1000.0)
