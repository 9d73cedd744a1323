"""Markdown highlighting for the editor view: tree-sitter in a worker, spans per visible line.

API for the UI::

    hl = MarkdownHighlighter(doc, on_update=callback)   # starts the worker thread
    rows = hl.line_spans(top, top + height)              # list[list[Span]], one per row
    hl.close()                                           # stops the worker, drops the listener
    hl.wait_idle(timeout)                                # tests: block until caught up

`Span(start, end, scope)` is in `str` columns of the row's text; `scope` is a theme scope
such as "markup.heading.2", "markup.bold", "markup.link.url" or "code.keyword" (full list in
`syntax.scopes` and `themes/default.toml`). Spans on a row may overlap: apply them in order,
later ones on top (Rich `Text.stylize` semantics; `Theme.stylize_line` does exactly that).

Threads: `line_spans`, `close` and the document listener run on the caller's (UI) thread.
`on_update()` is called **from the worker thread** whenever newer highlights are ready;
a Textual app must marshal it, e.g. `on_update=lambda: app.call_from_thread(view.refresh)`.

How it stays off the keystroke path:

* the document listener only queues the `EditEvent` (a few microseconds);
* the worker does nothing while keys arrive: it reparses only after a quiet moment since
  the last edit (`quiet_s`: about twice the writer's usual gap between keys, 150-300 ms),
  and abandons a parse the moment another edit comes in (tree-sitter's progress callback
  polls for it). Two threads busy at once share the GIL in 0.2 ms turns, which doubled the
  time a key took to draw; a writer's pause is where the parsing belongs;
* the worker replays edits on its own copy of the lines (the Document is not thread-safe
  and is never read from the worker), re-chunks only around the edit (`syntax.chunks`),
  reparses only the touched chunk(s), and publishes an immutable `Snapshot`;
* `line_spans` reads the newest snapshot and carries its spans through the edits the worker
  has not caught up with (`syntax.shift`), so highlights move with the text and never
  flicker to plain while a parse is pending. The rows it returned are kept and moved
  through each new edit as it comes (one edit, one row changed), so a long burst of typing
  costs no more per key than the first one;
* queries are range-limited to the requested rows, inline content is parsed per visible
  inline node, and code fences are lexed by pygments per visible block, all cached per chunk;
* the rows passed to `line_spans` are also the worker's "view": it parses the chunks there
  first, and keeps parsed only about `tree_budget` characters of text around the view
  (tree-sitter-markdown trees take ~65 bytes per byte of text). Files up to 1.5 MB are
  parsed whole; in a bigger file a far jump shows plain text for the few milliseconds the
  worker needs to parse the chunk there, then `on_update` fires.

`highlight_text(text)` highlights a whole string synchronously (tests, snapshots, export).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Empty, SimpleQueue
from typing import Any

from tinymorph_tui.syntax.chunks import MAX_CHUNK_BYTES, MIN_CHUNK_BYTES
from tinymorph_tui.syntax.scopes import Span
from tinymorph_tui.syntax.shift import shifted
from tinymorph_tui.syntax.store import EMPTY_SNAPSHOT, ChunkStore, Snapshot

__all__ = ["MarkdownHighlighter", "Span", "highlight_text"]

log = logging.getLogger(__name__)

#: Rows above/below the visible window that count as visible for scheduling.
VISIBLE_MARGIN = 100
#: Text around the view kept parsed (see `ChunkStore.wanted`); files up to this size are
#: parsed whole. ~65x this in tree memory.
TREE_BUDGET_CHARS = 1536 * 1024
#: Lexers imported ahead of need (each is a module import of a few milliseconds).
WARM_LEXERS = ("python", "bash", "javascript", "json", "yaml", "toml", "html", "rust", "go", "c")
#: While background chunks are still parsing, publish at least this often.
PUBLISH_INTERVAL_S = 0.25
#: After a view move wakes an idle worker, let the UI thread finish drawing the frame
#: before competing with it for the GIL.
EDIT_SETTLE_S = 0.008
#: Bounds of the quiet period after the last edit before the worker reparses: about twice
#: the writer's typical gap between keys (a 60 wpm writer types a key every ~200 ms).
QUIET_MIN_S = 0.15
QUIET_MAX_S = 0.3
#: Gaps between edits longer than this are pauses, not typing rhythm.
RHYTHM_MAX_GAP_S = 1.0
#: With this many edits waiting the worker catches up even while keys still arrive: rows
#: not shown yet are shifted through every one of them, and past `shift.MAX_PENDING` (400)
#: they would show plain. A writer rarely types 350 keys without a pause.
FORCE_CATCH_UP_EDITS = 350
#: A parse abandoned for a key this many times in a row runs to the end the next time.
MAX_CANCELS = 3


def highlight_text(
    text: str, *, min_bytes: int = MIN_CHUNK_BYTES, max_bytes: int = MAX_CHUNK_BYTES
) -> list[list[Span]]:
    """Spans for every line of `text` (split on "\\n"), computed synchronously.

    Chunked exactly as the editor's highlighter chunks; pass a huge `min_bytes` to parse the
    text as a single chunk (the tests compare both).
    """
    store = ChunkStore(text, 0, min_bytes=min_bytes, max_bytes=max_bytes)
    for i in range(len(store.chunks)):
        store.parse(i)
    snap = store.snapshot()
    snap.prepare(0, snap.line_count)
    return [list(snap.row_spans(r)) for r in range(snap.line_count)]


@dataclass(frozen=True)
class _Resync:
    """A fresh copy of the document for the worker after an internal error."""

    text: str
    version: int


@dataclass
class _WorkerState:
    """What the worker loop carries between rounds (worker thread only)."""

    store: ChunkStore | None
    fresh: list[Any] = field(default_factory=list)
    last_publish: float = 0.0
    was_idle: bool = False
    warmed: bool = False
    cancels: int = 0  # parses abandoned for a key in a row


def _shift_row(spans: list[Span], c0: int, c1: int, c2: int) -> list[Span]:
    """`spans` of a row through a one-line edit replacing columns [c0, c1) by [c0, c2)
    (the same mapping as `shift.shifted`)."""
    delta = c2 - c1
    out: list[Span] = []
    for s in spans:
        start = s.start if s.start <= c0 else (s.start + delta if s.start >= c1 else c2)
        end = s.end if s.end <= c0 else (s.end + delta if s.end >= c1 else c0)
        if end > start:
            out.append(Span(start, end, s.scope))
    return out


def _advance_rows(rows: dict[int, list[Span]], event: Any) -> dict[int, list[Span]]:
    """Rows known at the version before `event` -> rows known after it.

    Rows the edit leaves alone keep their spans (renumbered below a change in line count);
    edited rows are mapped as `shift.shifted` maps them when their source rows are known,
    else dropped (the caller computes them from the snapshot).
    """
    r0, c0 = event.start_point
    r1, c1 = event.old_end_point
    r2, c2 = event.new_end_point
    if r0 == r1 == r2:
        old = rows.get(r0)
        if old is not None:
            rows[r0] = _shift_row(old, c0, c1, c2)
        return rows
    first, last = rows.get(r0), rows.get(r1)
    moved: dict[int, list[Span]] = {}
    for row, spans in rows.items():
        if row < r0:
            moved[row] = spans
        elif row > r1:
            moved[row - r1 + r2] = spans
    for row in range(r0 + 1, r2):
        moved[row] = []  # inserted lines: plain until the worker parses them
    head = [Span(s.start, min(s.end, c0), s.scope) for s in first if s.start < c0] if first else []
    tail = (
        [Span(max(s.start, c1) - c1 + c2, s.end - c1 + c2, s.scope) for s in last if s.end > c1]
        if last
        else []
    )
    if r0 == r2:
        if first is not None and last is not None:
            moved[r0] = head + tail
    else:
        if first is not None:
            moved[r0] = head
        if last is not None:
            moved[r2] = tail
    return moved


class MarkdownHighlighter:
    """Highlights a `Document` in a worker thread; see the module docstring for the API.

    `quiet_s`: a fixed quiet period after the last edit before reparsing (default: adaptive,
    between QUIET_MIN_S and QUIET_MAX_S).
    """

    def __init__(
        self,
        doc: Any,
        *,
        on_update: Callable[[], None] | None = None,
        min_bytes: int = MIN_CHUNK_BYTES,
        max_bytes: int = MAX_CHUNK_BYTES,
        tree_budget: int = TREE_BUDGET_CHARS,
        quiet_s: float | None = None,
    ) -> None:
        self._doc = doc
        self._on_update = on_update
        self._min_bytes = min_bytes
        self._max_bytes = max_bytes
        self._snapshot: Snapshot = EMPTY_SNAPSHOT
        self._pending: deque[Any] = deque()  # events newer than the snapshot (UI thread)
        self._queue: SimpleQueue[Any] = SimpleQueue()  # events for the worker
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._is_idle = False
        self._stop = False
        self._visible = (0, 60)
        self._view_seq = 0  # bumped when the view moves; wait_idle waits for the worker to see it
        self._idle_seq = -1
        self._version = doc.version
        self._resync_needed = False  # set by the worker after an internal error
        self._budget = tree_budget
        # Scheduling (written by the UI thread, read by the worker): when the last edit and
        # the last view move happened, the writer's rhythm and the quiet period it gives.
        self._last_edit = 0.0
        self._edits = 0  # edits seen; a parse in flight is dropped when it changes
        self._last_activity = 0.0
        self._gap = QUIET_MIN_S / 2  # typical gap between edits (moving average)
        self.quiet_s = QUIET_MIN_S if quiet_s is None else quiet_s
        self._adaptive = quiet_s is None
        #: wait_idle() and close(): stop waiting for a quiet moment, finish now.
        self._kick = threading.Event()
        # Rows already returned by line_spans, at `_rows_version` of `_rows_snap`'s text.
        self._rows: dict[int, list[Span]] = {}
        self._rows_version = -1
        self._rows_snap: Snapshot | None = None
        # The only read of the whole document: an immutable str handed to the worker.
        self._initial: tuple[str, int] | None = (doc.text(), doc.version)
        doc.add_listener(self._on_edit)
        self._thread = threading.Thread(target=self._run, name="tinymorph-syntax", daemon=True)
        self._thread.start()

    # -- UI thread -------------------------------------------------------------------

    def _on_edit(self, event: Any) -> None:
        """Document listener: on the keystroke path, so it only queues the event."""
        pending = self._pending
        if pending and pending[0].version <= self._snapshot.version:
            pending.popleft()  # keep the list short even if nothing is drawn for a while
        pending.append(event)
        self._version = event.version
        now = time.monotonic()
        gap = now - self._last_edit
        if self._adaptive and 0 < gap < RHYTHM_MAX_GAP_S:
            self._gap += (gap - self._gap) * 0.2
            self.quiet_s = min(QUIET_MAX_S, max(QUIET_MIN_S, 2 * self._gap))
        self._last_edit = self._last_activity = now
        self._edits += 1
        self._queue.put(event)
        self._wake.set()

    def line_spans(self, row_start: int, row_end: int) -> list[list[Span]]:
        """Spans for document rows `[row_start, row_end)` of the current text, one list per row."""
        if row_end <= row_start:
            return []
        if self._resync_needed:
            self._resync_needed = False
            self._queue.put(_Resync(self._doc.text(), self._doc.version))
            self._wake.set()
        if (row_start, row_end) != self._visible:
            self._visible = (row_start, row_end)
            self._view_seq += 1
            self._last_activity = time.monotonic()
            self._wake.set()  # the worker parses around the view: it may have work now
        snap = self._snapshot
        pending = self._pending
        while pending and pending[0].version <= snap.version:
            pending.popleft()
        rows = self._rows
        if snap is not self._rows_snap:
            # New highlights: what was carried through edits is superseded.
            rows = self._rows = {}
            self._rows_snap = snap
            self._rows_version = snap.version
        # Carry the rows shown last time through the edits made since (usually one).
        for event in pending:
            if event.version > self._rows_version:
                rows = self._rows = _advance_rows(rows, event)
                self._rows_version = event.version
        missing = [r for r in range(row_start, row_end) if r not in rows]
        if missing:
            if not pending:
                snap.prepare(missing[0], missing[-1] + 1)
                source = snap.row_spans
            else:
                source = shifted(snap.row_spans, list(pending))
            for r in missing:
                rows[r] = list(source(r))
            if len(rows) > 4 * (row_end - row_start) + 256:
                # Bound the memory: keep what is asked for now.
                rows = self._rows = {r: rows[r] for r in range(row_start, row_end)}
        return [list(rows[r]) for r in range(row_start, row_end)]

    @property
    def version(self) -> int:
        """Document version of the newest published highlights (-1 before the first)."""
        return self._snapshot.version

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the worker has caught up with every edit (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while not (
                self._is_idle
                and self._idle_seq == self._view_seq
                and self._snapshot.version >= self._version
            ):
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                # The caller wants the highlights now, not after a quiet moment; the worker
                # clears the kick when it is idle again (before it notifies us).
                self._kick.set()
                self._wake.set()
                self._idle.wait(left)
        return True

    def close(self) -> None:
        """Stop the worker and stop listening to the document."""
        self._stop = True
        self._kick.set()
        self._wake.set()
        try:
            self._doc.remove_listener(self._on_edit)
        except (ValueError, KeyError):
            pass  # already removed
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    # -- worker thread ---------------------------------------------------------------

    def _run(self) -> None:
        assert self._initial is not None
        text, version = self._initial
        self._initial = None
        state = _WorkerState(self._new_store(text, version))
        del text
        while not self._stop:
            try:
                self._step(state)
            except Exception:  # noqa: BLE001 - see below
                # A bug must not freeze highlighting for the session: drop the mirror and
                # ask the UI thread (which alone may read the Document) for a fresh copy.
                log.exception("syntax worker failed; resynchronising from the document")
                state.store = None
                state.fresh.clear()
                self._resync_needed = True
                self._wake.wait(0.5)

    def _new_store(self, text: str, version: int) -> ChunkStore:
        return ChunkStore(text, version, min_bytes=self._min_bytes, max_bytes=self._max_bytes)

    def _step(self, state: _WorkerState) -> None:
        """One round of the worker: wait for a quiet moment after edits, apply the queued
        edits, then parse one chunk or sleep."""
        self._wake.clear()
        if state.was_idle:
            time.sleep(EDIT_SETTLE_S)
            state.was_idle = False
        wait = self._quiet_left(self._last_edit)
        if wait > 0:
            # Keys are arriving: the UI shows shifted highlights; parse in the next pause.
            self._kick.wait(wait)
            return
        self._drain(state)
        store = state.store
        if self._stop or store is None:
            if store is None:
                self._wake.wait(0.5)
            return
        store.normalize()
        seq = self._view_seq
        lo, hi = self._visible
        wanted = store.wanted(lo, hi, self._budget)
        evicted = store.evict(wanted)
        todo = store.todo(wanted)
        if not todo:
            if evicted or state.fresh or store.version != self._snapshot.version:
                self._publish(store, state.fresh)
                state.last_publish = time.monotonic()
            if not state.warmed:
                state.warmed = True
                _warm_up_pygments()
            with self._idle:
                self._is_idle = self._queue.empty()
                self._idle_seq = seq
                if self._is_idle:
                    self._kick.clear()
                self._idle.notify_all()
            self._wake.wait()
            state.was_idle = True
            return
        with self._idle:
            self._is_idle = False
        lo, hi = self._window()
        starts = store.starts()
        pick = min(todo, key=lambda i: self._priority(store, starts, i, lo, hi))
        if not self._overlaps(store, starts, pick, lo, hi):
            # Work beyond the view waits until the keys (scrolling too) stop for a moment.
            wait = self._quiet_left(self._last_activity)
            if wait > 0:
                self._wake.wait(wait)  # a view move may make visible work: look again
                return
        edits = self._edits

        def cancel() -> bool:
            return self._edits != edits and not self._kick.is_set()

        result = store.parse(pick, cancel if state.cancels < MAX_CANCELS else None)
        if result is None:
            state.cancels += 1  # a key came in: try again at the next quiet moment
            return
        state.cancels = 0
        state.fresh.append((result, starts[pick]))
        visible_left = any(
            self._overlaps(store, starts, i, lo, hi) or store.chunks[i].stale
            for i in store.todo(wanted)
        )
        now = time.monotonic()
        if not visible_left or now - state.last_publish > PUBLISH_INTERVAL_S:
            self._publish(store, state.fresh)
            state.last_publish = now
        time.sleep(0)  # between chunks: let a waiting UI thread take the GIL

    def _quiet_left(self, since: float) -> float:
        """Seconds until `quiet_s` has passed since `since` (0: go ahead now)."""
        if self._kick.is_set() or self._queue.qsize() >= FORCE_CATCH_UP_EDITS:
            return 0.0
        return since + self.quiet_s - time.monotonic()

    def _drain(self, state: _WorkerState) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except Empty:
                return
            if isinstance(item, _Resync):
                state.store = self._new_store(item.text, item.version)
                state.fresh.clear()
            elif state.store is not None:
                state.store.apply(item)
            # else: edits made before the resync copy was taken are already in it

    def _window(self) -> tuple[int, int]:
        lo, hi = self._visible
        return lo - VISIBLE_MARGIN, hi + VISIBLE_MARGIN

    @staticmethod
    def _overlaps(store: ChunkStore, starts: list[int], i: int, lo: int, hi: int) -> bool:
        return starts[i] < hi and starts[i] + store.chunks[i].nlines > lo

    def _priority(
        self, store: ChunkStore, starts: list[int], i: int, lo: int, hi: int
    ) -> tuple[int, int]:
        if self._overlaps(store, starts, i, lo, hi):
            return (0, starts[i])
        if store.chunks[i].stale:
            return (1, abs(starts[i] - lo))
        return (2, abs(starts[i] - lo))

    def _publish(self, store: ChunkStore, fresh: list[Any]) -> None:
        snap = store.snapshot()
        # Pre-compute the visible rows of newly parsed chunks here, before the UI thread can
        # see them (so it does no parsing); after publishing only the UI thread touches them.
        lo, hi = self._visible
        lo, hi = max(lo, 0), min(hi, snap.line_count)
        for result, start in fresh:
            a, b = max(lo - start, 0), min(hi - start, len(result.lines))
            if a < b:
                result.prepare(a, b)
        fresh.clear()
        self._snapshot = snap
        if self._on_update is not None:
            try:
                self._on_update()
            except Exception:  # noqa: BLE001 - a UI callback error must not kill highlighting
                pass


def _warm_up_pygments() -> None:
    """Load pygments and the lexers writers use most, in the worker while it is idle, so the
    UI thread does not import them the first time such a fence scrolls into view."""
    from tinymorph_tui.syntax.fenced import lexer_for

    for name in WARM_LEXERS:
        try:
            lexer_for(name)
        except Exception:  # noqa: BLE001 - a warm-up only; highlighting works without it
            return
