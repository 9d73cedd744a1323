"""Markdown highlighting for the editor view: tree-sitter in a worker, spans per visible line.

API for the UI::

    hl = MarkdownHighlighter(doc, on_update=callback)   # starts the worker thread
    rows = hl.line_spans(top, top + height)              # list[list[Span]], one per row
    hl.close()                                           # stops the worker, drops the listener

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
  inline node, and code fences are lexed by pygments per visible block, all cached per chunk.

`highlight_text(text)` highlights a whole string synchronously (tests, snapshots, export).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from queue import Empty, SimpleQueue
from typing import Any

from tinymorph_tui.syntax.chunks import MAX_CHUNK_BYTES, MIN_CHUNK_BYTES
from tinymorph_tui.syntax.scopes import Span
from tinymorph_tui.syntax.shift import shifted
from tinymorph_tui.syntax.store import EMPTY_SNAPSHOT, ChunkStore, Snapshot

__all__ = ["MarkdownHighlighter", "Span", "highlight_text"]

#: Rows above/below the visible window that count as visible for scheduling.
VISIBLE_MARGIN = 100
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


class MarkdownHighlighter:
    """Highlights a `Document` in a worker thread; see the module docstring for the API."""

    def __init__(
        self,
        doc: Any,
        *,
        on_update: Callable[[], None] | None = None,
        min_bytes: int = MIN_CHUNK_BYTES,
        max_bytes: int = MAX_CHUNK_BYTES,
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
        self._version = doc.version
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
        self._visible = (row_start, row_end)
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
            while not (self._is_idle and self._snapshot.version >= self._version):
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
        store = ChunkStore(text, version, min_bytes=self._min_bytes, max_bytes=self._max_bytes)
        del text
        fresh: list[Any] = []
        last_publish = 0.0
        was_idle = False
        fresh_start = True
        while not self._stop:
            self._wake.clear()
            if was_idle:
                time.sleep(EDIT_SETTLE_S)
                was_idle = False
            self._drain(store)
            if self._stop:
                break
            store.normalize()
            todo = store.todo()
            if not todo:
                if fresh or store.version != self._snapshot.version:
                    self._publish(store, fresh)
                    last_publish = time.monotonic()
                with self._idle:
                    self._is_idle = self._queue.empty()
                    self._idle.notify_all()
                if fresh_start:
                    fresh_start = False
                    _warm_up_pygments()
                self._wake.wait()
                was_idle = True
                continue
            with self._idle:
                self._is_idle = False
            lo, hi = self._window()
            starts = store.starts()
            pick = min(todo, key=lambda i: self._priority(store, starts, i, lo, hi))
            fresh.append((store.parse(pick), starts[pick]))
            visible_left = any(
                self._overlaps(store, starts, i, lo, hi) or store.chunks[i].stale
                for i in store.todo()
            )
            now = time.monotonic()
            if not visible_left or now - last_publish > PUBLISH_INTERVAL_S:
                self._publish(store, fresh)
                last_publish = now
            time.sleep(0)  # between chunks: let a waiting UI thread take the GIL

    def _drain(self, store: ChunkStore) -> None:
        while True:
            try:
                event = self._queue.get_nowait()
            except Empty:
                return
            store.apply(event)

    def _window(self) -> tuple[int, int]:
        lo, hi = self._visible
        return lo - VISIBLE_MARGIN, hi + VISIBLE_MARGIN

    @staticmethod
    def _overlaps(store: ChunkStore, starts: list[int], i: int, lo: int, hi: int) -> bool:
        return starts[i] < hi and starts[i] + len(store.chunks[i].lines) > lo

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
    """Import pygments' lexer registry in the worker while idle, not on the UI thread later."""
    try:
        from pygments.lexers import get_lexer_by_name

        get_lexer_by_name("text")
    except Exception:  # noqa: BLE001 - a warm-up only; highlighting works without it
        pass
