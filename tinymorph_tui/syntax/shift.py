"""Carry highlights through edits the parser has not seen yet.

The UI asks for spans of the *current* text while the newest published parse is of an
older version. Each pending edit (an `EditEvent`'s start / old end / new end points, in
`str` columns) maps current rows back to the rows they came from: rows above the edit are
unchanged, rows below it move by the number of lines inserted or deleted, and on the edited
line(s) the spans before the edit stay while those after it move with the text. A span that
the edit falls inside grows or shrinks with it, so typing inside a bold word keeps it bold
until the parser catches up; nothing flickers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tinymorph_tui.syntax.scopes import Span

#: Beyond this many unparsed edits the rows are shown plain until the worker publishes
#: (it is about to; this bounds the per-row recursion).
MAX_PENDING = 400

RowSpans = Callable[[int], list[Span]]


def shifted(base: RowSpans, edits: Sequence[Any]) -> RowSpans:
    """Row -> spans after applying `edits` (oldest first) on top of `base` row spans."""
    if len(edits) > MAX_PENDING:
        return _plain
    fn = base
    for edit in edits:
        fn = _through(fn, edit)
    return fn


def _through(prev: RowSpans, edit: Any) -> RowSpans:
    r0, c0 = edit.start_point
    r1, c1 = edit.old_end_point
    r2, c2 = edit.new_end_point
    memo: dict[int, list[Span]] = {}

    def spans(row: int) -> list[Span]:
        if row < r0:
            return prev(row)
        if row > r2:
            return prev(row - r2 + r1)
        hit = memo.get(row)
        if hit is not None:
            return hit
        out: list[Span] = []
        if r0 == r1 == r2:
            # one-line edit: map both ends of each span through the replaced columns
            delta = c2 - c1
            for s in prev(row):
                start = s.start if s.start <= c0 else (s.start + delta if s.start >= c1 else c2)
                end = s.end if s.end <= c0 else (s.end + delta if s.end >= c1 else c0)
                if end > start:
                    out.append(Span(start, end, s.scope))
        else:
            if row == r0:
                for s in prev(r0):
                    if s.start < c0:
                        out.append(Span(s.start, min(s.end, c0), s.scope))
            if row == r2:
                for s in prev(r1):
                    if s.end > c1:
                        out.append(Span(max(s.start, c1) - c1 + c2, s.end - c1 + c2, s.scope))
        memo[row] = out
        return out

    return spans


def _plain(_row: int) -> list[Span]:
    return []
