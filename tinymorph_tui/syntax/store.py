"""The worker's own copy of the document, split into chunks, and the published snapshots.

The Document is not thread-safe, so the worker never reads it: it starts from one text
snapshot taken on the UI thread and replays every `EditEvent` on its chunk lines. Only
chunks an edit touches are re-chunked (`normalize`, until the chunking is back in step) and
reparsed. A `Snapshot` is an immutable view (chunk start rows and parsed chunks) that the
worker publishes for the UI thread to read.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tinymorph_tui.syntax.chunks import (
    FRONT_MATTER_MAX_LINES,
    MAX_CHUNK_BYTES,
    MIN_CHUNK_BYTES,
    State,
    front_matter_state,
    natural_boundary,
    prefix_for,
    split_lines,
    split_text_at,
)
from tinymorph_tui.syntax.parsed import ParsedChunk, encode
from tinymorph_tui.syntax.parsing import parse_block
from tinymorph_tui.syntax.scopes import Span


class WorkChunk:
    """Worker-side chunk: its lines and scan state; `result` is None until (re)parsed.

    A chunk made when a file is opened keeps its text unsplit until something needs its
    lines (an edit, a re-chunk): opening a 10 MB file then costs one scan, not 490k strings.
    """

    __slots__ = (
        "_lines",
        "_text",
        "nlines",
        "nbytes",
        "state",
        "forced",
        "result",
        "stale",
        "rescan",
    )

    def __init__(
        self,
        lines: tuple[str, ...] | None,
        state: State,
        forced: bool,
        result: ParsedChunk | None = None,
        stale: bool = False,
        rescan: bool = False,
        *,
        text: str | None = None,
    ) -> None:
        self._lines = lines
        self._text = text
        if lines is not None:
            self.nlines = len(lines)
            self.nbytes = sum(map(len, lines)) + len(lines)
        else:
            self.nlines = (text or "").count("\n") + 1
            self.nbytes = len(text or "") + 1
        self.state = state
        self.forced = forced
        self.result = result
        #: it was shown highlighted and then edited: reparse it before the next publish
        self.stale = stale
        #: its boundaries may no longer be valid
        self.rescan = rescan

    @property
    def lines(self) -> tuple[str, ...]:
        """The chunk's lines (split from its text on first use)."""
        if self._lines is None:
            self._lines = tuple((self._text or "").split("\n"))
        return self._lines

    @property
    def text(self) -> str:
        """The chunk's lines joined with "\\n" (no final newline)."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text


@dataclass(frozen=True)
class Snapshot:
    """An immutable, consistent view of the highlights at document `version`."""

    version: int
    starts: tuple[int, ...]
    results: tuple[ParsedChunk | None, ...]
    line_count: int

    def row_spans(self, row: int) -> list[Span]:
        """Spans of document row `row` at this snapshot's version ([] if not parsed yet)."""
        if row < 0 or row >= self.line_count or not self.starts:
            return []
        i = bisect_right(self.starts, row) - 1
        result = self.results[i]
        if result is None:
            return []
        return result.row_spans(row - self.starts[i])

    def prepare(self, row_start: int, row_end: int) -> None:
        """Compute spans for rows `[row_start, row_end)` in one query per chunk."""
        row_start, row_end = max(row_start, 0), min(row_end, self.line_count)
        if row_start >= row_end or not self.starts:
            return
        i = bisect_right(self.starts, row_start) - 1
        while i < len(self.starts) and self.starts[i] < row_end:
            result = self.results[i]
            if result is not None:
                lo = max(row_start - self.starts[i], 0)
                hi = min(row_end - self.starts[i], len(result.lines))
                result.prepare(lo, hi)
            i += 1


EMPTY_SNAPSHOT = Snapshot(version=-1, starts=(), results=(), line_count=0)


class ChunkStore:
    """The document as chunks of lines, maintained by replaying edit events."""

    def __init__(
        self,
        text: str,
        version: int,
        *,
        min_bytes: int = MIN_CHUNK_BYTES,
        max_bytes: int = MAX_CHUNK_BYTES,
    ) -> None:
        self.min_bytes = min_bytes
        self.max_bytes = max_bytes
        self.version = version
        front = front_matter_state(_first_lines(text, FRONT_MATTER_MAX_LINES + 2))
        specs, offsets = split_text_at(text, min_bytes=min_bytes, max_bytes=max_bytes, front=front)
        ends = [*offsets[1:], len(text) + 1]
        # one split per chunk rather than one over the whole text: a single C call over
        # 10 MB would hold the GIL for tens of milliseconds and stall the UI thread
        self.chunks = [
            WorkChunk(None, s.state, s.forced, text=text[a : b - 1])
            for s, a, b in zip(specs, offsets, ends, strict=True)
        ]
        self._starts: list[int] | None = None

    # -- queries -----------------------------------------------------------------

    def starts(self) -> list[int]:
        """First document row of each chunk."""
        if self._starts is None:
            self._starts = [0, *itertools.accumulate(c.nlines for c in self.chunks)][:-1]
        return self._starts

    @property
    def line_count(self) -> int:
        """Rows in the mirrored document."""
        starts = self.starts()
        return starts[-1] + self.chunks[-1].nlines if starts else 0

    def line(self, row: int) -> str:
        """Document row `row` as the worker knows it."""
        starts = self.starts()
        i = bisect_right(starts, row) - 1
        return self.chunks[i].lines[row - starts[i]]

    def text(self) -> str:
        """The whole mirrored text (tests compare it with the Document's)."""
        return "\n".join(c.text for c in self.chunks)

    def snapshot(self) -> Snapshot:
        """An immutable view for the UI thread (unparsed chunks show plain)."""
        return Snapshot(
            version=self.version,
            starts=tuple(self.starts()),
            results=tuple(c.result for c in self.chunks),
            line_count=self.line_count,
        )

    # -- edits -------------------------------------------------------------------

    def apply(self, event: Any) -> None:
        """Replay one `EditEvent` (points in `str` columns of the text before the edit)."""
        (r0, c0), (r1, c1) = event.start_point, event.old_end_point
        inserted: str = event.inserted
        if (
            c0 == 0
            and c1 == 0
            and (r1 > r0 or inserted)
            and (not inserted or inserted.endswith("\n"))
        ):
            # whole lines replaced: keep neighbouring rows (and chunk boundaries) untouched
            new = inserted.split("\n")[:-1] if inserted else []
            self._replace_rows(r0, r1, new)
        else:
            new = (self.line(r0)[:c0] + inserted + self.line(r1)[c1:]).split("\n")
            self._replace_rows(r0, r1 + 1, new)
        self.version = event.version

    def _replace_rows(self, a: int, b: int, new: list[str]) -> None:
        starts = self.starts()
        i = bisect_right(starts, a) - 1
        j = bisect_right(starts, b - 1) - 1 if b > a else i
        merged = self.chunks[i : j + 1]
        lines = (
            tuple(itertools.chain.from_iterable(c.lines for c in merged))
            if j > i
            else merged[0].lines
        )
        base = starts[i]
        lines = lines[: a - base] + tuple(new) + lines[b - base :]
        stale = any(c.result is not None or c.stale for c in merged)
        if lines:
            self.chunks[i : j + 1] = [
                WorkChunk(lines, merged[0].state, merged[0].forced, None, stale, True)
            ]
        else:
            del self.chunks[i : j + 1]
            if i < len(self.chunks):
                self.chunks[i].rescan = True  # its start boundary moved
            elif self.chunks:
                self.chunks[-1].rescan = True
        self._starts = None

    def normalize(self) -> None:
        """Re-chunk around edited chunks until the chunking is back in step."""
        i = 0
        while i < len(self.chunks):
            if not self.chunks[i].rescan:
                i += 1
                continue
            # an edit on a chunk's first line can invalidate the boundary before it
            while (
                i > 0
                and not self.chunks[i].forced
                and not natural_boundary(self.chunks[i - 1].lines[-1], self.chunks[i].lines[0])
            ):
                i -= 1
            i = self._rescan(i)

    def _rescan(self, i: int) -> int:
        starts = self.starts()
        chunk = self.chunks[i]
        start = starts[i]
        stop_at = {
            starts[k]: (self.chunks[k].state, self.chunks[k].forced)
            for k in range(i + 1, len(self.chunks))
            if not self.chunks[k].rescan
        }
        lines = self._lines_from(i)
        front = front_matter_state(self._lines_from(0)) if start == 0 else None
        specs, stop = split_lines(
            lines,
            min_bytes=self.min_bytes,
            max_bytes=self.max_bytes,
            start_row=start,
            state=None if start == 0 else chunk.state,
            forced=False if start == 0 else chunk.forced,
            stop_at=stop_at,
            front=front,
        )
        k = bisect_right(starts, stop - 1) - 1  # last old chunk consumed
        old = self.chunks[i : k + 1]
        flat = tuple(itertools.chain.from_iterable(c.lines for c in old)) if k > i else old[0].lines
        stale = any(c.stale or (c.rescan and c.result is not None) for c in old)
        old_by_start = {starts[i + n]: c for n, c in enumerate(old)}
        new_chunks = []
        for spec in specs:
            prev = old_by_start.get(spec.start)
            if (
                prev is not None
                and not prev.rescan
                and prev.state == spec.state
                and prev.nlines == spec.end - spec.start
            ):
                new_chunks.append(prev)  # unchanged: keep its parse
                continue
            new_chunks.append(
                WorkChunk(
                    flat[spec.start - start : spec.end - start],
                    spec.state,
                    spec.forced,
                    None,
                    stale,
                )
            )
        self.chunks[i : k + 1] = new_chunks
        self._starts = None
        return i + len(new_chunks)

    def _lines_from(self, i: int) -> Iterator[str]:
        return itertools.chain.from_iterable(c.lines for c in self.chunks[i:])

    # -- parsing -------------------------------------------------------------------

    def wanted(self, lo: int, hi: int, budget: int) -> list[int]:
        """Chunks to keep parsed: those overlapping rows `[lo, hi)`, then the nearest ones
        until their text adds up to `budget` characters.

        tree-sitter-markdown trees cost ~65 bytes of memory per byte of text (about 650 MB
        for a 10 MB file), so only the region around the view is parsed and kept; farther
        chunks are parsed when the view comes near them.
        """
        starts = self.starts()

        def distance(i: int) -> int:
            start, end = starts[i], starts[i] + self.chunks[i].nlines
            return 0 if start < hi and end > lo else (start - hi if start >= hi else lo - end)

        order = sorted(range(len(self.chunks)), key=distance)
        keep: list[int] = []
        total = 0
        for i in order:
            if total >= budget and distance(i) > 0:
                break
            keep.append(i)
            total += self.chunks[i].nbytes
        return keep

    def todo(self, wanted: list[int] | None = None) -> list[int]:
        """Indices of wanted chunks (default: all) that need a parse."""
        indices = range(len(self.chunks)) if wanted is None else wanted
        return [i for i in indices if self.chunks[i].result is None]

    def evict(self, wanted: list[int]) -> bool:
        """Drop the parses of chunks not in `wanted`; True if any was dropped."""
        keep = set(wanted)
        dropped = False
        for i, chunk in enumerate(self.chunks):
            if chunk.result is not None and i not in keep:
                chunk.result = None
                dropped = True
        return dropped

    def parse(self, i: int, cancel: Callable[[], bool] | None = None) -> ParsedChunk | None:
        """Parse chunk `i` (worker thread) and store the result.

        `cancel` is polled while tree-sitter works; when it turns true the parse is dropped,
        the chunk stays as it was and None is returned (a key arrived: the worker tries again
        at the next quiet moment). A parse that times out still gives a (plain) chunk.
        """
        chunk = self.chunks[i]
        text = chunk.text
        prefix = prefix_for(chunk.state) if chunk.forced else ""
        # As ParsedChunk.parse, with the cancel check threaded through.
        source = encode(prefix + text + "\n")
        tree = parse_block(source, cancel=cancel)
        if tree is None and cancel is not None and cancel():
            return None
        result = ParsedChunk(chunk.lines, prefix, tree, source)
        chunk.result = result
        chunk.stale = False
        return result


def _first_lines(text: str, count: int) -> list[str]:
    """The first `count` lines of `text` (front matter detection looks no further)."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")
