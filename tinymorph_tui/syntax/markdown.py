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
* the worker replays edits on its own copy of the lines (the Document is not thread-safe
  and is never read from the worker), re-chunks only around the edit (`syntax.chunks`),
  reparses only the touched chunk(s), and publishes an immutable `Snapshot`;
* `line_spans` reads the newest snapshot and carries its spans through the edits the worker
  has not caught up with (`syntax.shift`), so highlights move with the text and never
  flicker to plain while a parse is pending;
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
#: After an edit wakes an idle worker, let the UI thread finish handling the key press
#: (drawing it with shifted highlights) before competing with it for the GIL.
EDIT_SETTLE_S = 0.008


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


class MarkdownHighlighter:
    """Highlights a `Document` in a worker thread; see the module docstring for the API."""

    def __init__(
        self,
        doc: Any,
        *,
        on_update: Callable[[], None] | None = None,
        min_bytes: int = MIN_CHUNK_BYTES,
        max_bytes: int = MAX_CHUNK_BYTES,
        tree_budget: int = TREE_BUDGET_CHARS,
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
            self._wake.set()  # the worker parses around the view: it may have work now
        snap = self._snapshot
        pending = self._pending
        while pending and pending[0].version <= snap.version:
            pending.popleft()
        if not pending:
            snap.prepare(row_start, row_end)
            return [list(snap.row_spans(r)) for r in range(row_start, row_end)]
        rows = shifted(snap.row_spans, list(pending))
        return [list(rows(r)) for r in range(row_start, row_end)]

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
                self._idle.wait(left)
        return True

    def close(self) -> None:
        """Stop the worker and stop listening to the document."""
        self._stop = True
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
        """One round of the worker: apply queued edits, then parse one chunk or sleep."""
        self._wake.clear()
        if state.was_idle:
            time.sleep(EDIT_SETTLE_S)
            state.was_idle = False
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
                self._idle.notify_all()
            self._wake.wait()
            state.was_idle = True
            return
        with self._idle:
            self._is_idle = False
        lo, hi = self._window()
        starts = store.starts()
        pick = min(todo, key=lambda i: self._priority(store, starts, i, lo, hi))
        state.fresh.append((store.parse(pick), starts[pick]))
        visible_left = any(
            self._overlaps(store, starts, i, lo, hi) or store.chunks[i].stale
            for i in store.todo(wanted)
        )
        now = time.monotonic()
        if not visible_left or now - state.last_publish > PUBLISH_INTERVAL_S:
            self._publish(store, state.fresh)
            state.last_publish = now
        time.sleep(0)  # between chunks: let a waiting UI thread take the GIL

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
