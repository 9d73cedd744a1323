"""Soft wrap of one logical line into display rows ('wrap', 'linebreak', 'tabstop').

Pure functions of a line's text and the window width, so the view computes them only for
the lines it shows (never for the whole document).  Widths are terminal cells: East Asian
wide characters take two, combining marks none, and a tab runs to the next multiple of
'tabstop' counted from the start of the logical line, as in Vim.

Two speed-ups keep hostile lines (a 50 MB single line, minified files) usable:

* text made only of one-cell characters (no tabs, controls, wide or combining characters:
  nearly all prose) is laid out by arithmetic over its rows, with the 'linebreak' points
  found by one regex pass, instead of a Python loop per character (~4x faster);
* a line longer than `LONG_LINE` characters (or `LONG_COMPLEX_LINE` when it is not simple
  text) gets a `LongLineLayout`: rows of a fixed number of characters, so any row is found
  by arithmetic and only the rows on screen are ever read from the document and measured.
  That is an approximation of Vim (no 'linebreak'; a row with wide characters or tabs may be
  cut at the window edge), taken only where exact layout would cost more than a few
  milliseconds per key (and seconds on a line of megabytes).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import chain, repeat
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import get_character_cell_size

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Vim's default 'breakat': with 'linebreak', rows end after one of these characters.
BREAKAT = frozenset(" \t!@*-+;:,./?")

#: Lines longer than this (in characters) get a `LongLineLayout`.  Exact layout of simple
#: text costs about 75 ns a character, so up to here a key on the line costs <= ~4 ms.
LONG_LINE = 50_000

#: The same limit for text that needs the per-character loop (~0.3-0.5 us a character).
LONG_COMPLEX_LINE = 10_000

#: Characters whose cell width is 1 for certain (rich's table agrees on every one): ASCII
#: printables, Latin-1 and Latin extended, IPA, Greek, Cyrillic, general punctuation (curly
#: quotes, dashes, ellipsis) and box drawing.  Text of these alone takes the fast path.
_SIMPLE_TEXT = re.compile(
    "[\u0020-\u007e\u00a0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25fc\u25ff]*"
)


def is_simple_text(text: str) -> bool:
    """Whether every character of `text` takes exactly one cell and is not a tab/control."""
    m = _SIMPLE_TEXT.match(text)
    return m is not None and m.end() == len(text)


@lru_cache(maxsize=8)
def _breakat_regex(breakat: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(sorted(breakat))) + "]")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Cells taken by one (non-tab) character: 0, 1 or 2."""
    if ch < "\x7f":
        return 1 if ch >= " " else 2  # control characters are drawn as ^X
    return get_character_cell_size(ch)


class LineLayout(NamedTuple):
    """Where each character of a logical line lands on screen.

    `rows[k] = (start, end)` are the character indexes shown on display row k;
    `xs[i]` is the cell column of character i within its row and `widths[i]` its width
    (a tab's expanded width).  A line always has at least one row, even when empty.
    """

    text: str
    width: int
    rows: tuple[tuple[int, int], ...]
    xs: tuple[int, ...]
    widths: tuple[int, ...]
    #: Laid out with 'wrap' (without it the one row runs past the window's width).
    wrap: bool = True

    @property
    def height(self) -> int:
        """Number of display rows."""
        return len(self.rows)

    def row_of(self, col: int) -> int:
        """Display row holding character `col` (the end of the line is on the last row)."""
        rows = self.rows
        if col >= len(self.text):
            return len(rows) - 1
        lo, hi = 0, len(rows) - 1
        while lo < hi:  # rows are few; bisect anyway for very long lines
            mid = (lo + hi + 1) // 2
            if rows[mid][0] <= col:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def position(self, col: int) -> tuple[int, int]:
        """(display row, cell x) of character `col`; `col == len(text)` is just past the end."""
        row = self.row_of(col)
        if col < len(self.text):
            return row, self.xs[col]
        start, end = self.rows[row]
        if end > start:
            x = self.xs[end - 1] + self.widths[end - 1]
        else:
            x = 0
        if not self.wrap:
            return row, x  # the view scrolls sideways to show the cursor past the end
        return row, min(x, max(self.width - 1, 0))

    def col_at(self, row: int, x: int) -> int:
        """Character index at display row `row`, cell `x` (clamped into the row)."""
        row = max(0, min(row, len(self.rows) - 1))
        start, end = self.rows[row]
        if end <= start:
            return start
        for i in range(start, end):
            if self.xs[i] + max(self.widths[i], 1) > x:
                return i
        return end - 1 if end < len(self.text) or row < len(self.rows) - 1 else end

    def vcol(self, col: int) -> int:
        """Cell column of character `col` counted from the start of its display row."""
        return self.position(col)[1]

    # -- the interface shared with LongLineLayout (what the editor view uses) ----------
    @property
    def length(self) -> int:
        """Characters in the laid-out text."""
        return len(self.text)

    def row_span(self, row: int) -> tuple[int, int]:
        """(start, end) character indexes of display row `row`; (0, 0) past the last row."""
        return self.rows[row] if 0 <= row < len(self.rows) else (0, 0)

    def cells(self, start: int, end: int) -> tuple[str, Sequence[int], Sequence[int]]:
        """(text, xs, widths) of characters start..end of one row (xs from the row start)."""
        return self.text[start:end], self.xs[start:end], self.widths[start:end]

    def end_x(self, row: int) -> int:
        """Cell just after the last character of display row `row` (0 when empty)."""
        start, end = self.row_span(row)
        return self.xs[end - 1] + self.widths[end - 1] if end > start else 0

    def visible(self, row: int, x0: int, x1: int) -> tuple[int, int]:
        """Characters of display row `row` with cells inside [x0, x1) ('nowrap' windows)."""
        start, end = self.row_span(row)
        xs = self.xs
        a = bisect_left(xs, x0, start, end)  # first character starting at or after x0
        if a > start and xs[a - 1] + self.widths[a - 1] > x0:
            a -= 1  # a wide character or tab straddling the window's left edge
        b = bisect_left(xs, x1, a, end)
        return a, b


def _tab_width(vcol: int, tabstop: int) -> int:
    return tabstop - (vcol % tabstop)


def layout_line(
    text: str,
    width: int,
    *,
    tabstop: int = 8,
    wrap: bool = True,
    linebreak: bool = False,
    breakat: frozenset[str] = BREAKAT,
) -> LineLayout:
    """Lay out `text` in rows of `width` cells.

    Without 'wrap' everything is one row (the view clips it).  With 'linebreak', a row that
    overflows ends after the last 'breakat' character that fits, unless there is none;
    a space that overflows hangs at the end of its row instead of starting the next one.
    """
    width = max(1, width)
    tabstop = max(1, tabstop)
    if is_simple_text(text):
        return _layout_simple(text, width, wrap, linebreak, breakat)
    return _layout_slow(text, width, tabstop, wrap, linebreak, breakat)


def _layout_simple(
    text: str, width: int, wrap: bool, linebreak: bool, breakat: frozenset[str]
) -> LineLayout:
    """`layout_line` for text of one-cell characters: the same rows, found per row.

    With every character one cell wide, a row starting at `s` holds `width` characters; the
    character at `s + width` overflows.  Exactly as the per-character loop: an overflowing
    space hangs at the end of the row (width 0) with 'linebreak'; otherwise the row ends
    after the last 'breakat' character inside it, or at the overflow when there is none.
    """
    n = len(text)
    if not wrap or n <= width:
        return LineLayout(text, width, ((0, n),), tuple(range(n)), (1,) * n, wrap)
    breaks: list[int] = (
        [m.end() for m in _breakat_regex(breakat).finditer(text)] if linebreak else []
    )
    rows: list[tuple[int, int]] = []
    hanging: list[int] = []
    s = 0
    while s + width < n:
        i = s + width  # the first character that does not fit
        if linebreak and text[i] == " ":
            rows.append((s, i + 1))
            hanging.append(i)
            s = i + 1
            continue
        brk = i
        if linebreak:
            k = bisect_right(breaks, i) - 1  # last break point (index after a breakat char)
            if k >= 0 and breaks[k] > s:
                brk = breaks[k]
        rows.append((s, brk))
        s = brk
    if s < n or not rows:
        rows.append((s, n))
    xs = tuple(chain.from_iterable(range(b - a) for a, b in rows))
    if hanging:
        widths = [1] * n
        for i in hanging:
            widths[i] = 0
        return LineLayout(text, width, tuple(rows), xs, tuple(widths), wrap)
    return LineLayout(text, width, tuple(rows), xs, tuple(repeat(1, n)), wrap)


def _layout_slow(
    text: str,
    width: int,
    tabstop: int,
    wrap: bool,
    linebreak: bool,
    breakat: frozenset[str],
) -> LineLayout:
    """`layout_line` for any text: one step per character (tabs, wide and control chars)."""
    n = len(text)
    xs = [0] * n
    widths = [0] * n
    rows: list[tuple[int, int]] = []
    row_start = 0
    x = 0
    vcol = 0
    last_break = -1  # index just after the last breakat character on this row
    i = 0
    while i < n:
        ch = text[i]
        w = _tab_width(vcol, tabstop) if ch == "\t" else char_width(ch)
        if wrap and x + w > width and x > 0:
            if linebreak and ch == " ":
                # Let the space hang past the edge: rows never start with the gap.
                xs[i] = x
                widths[i] = max(0, min(w, width - x))
                vcol += w
                rows.append((row_start, i + 1))
                row_start = i + 1
                x = 0
                last_break = -1
                i += 1
                continue
            brk = last_break if (linebreak and last_break > row_start) else i
            rows.append((row_start, brk))
            row_start = brk
            x = 0
            for j in range(brk, i):  # re-seat the characters carried to the new row
                xs[j] = x
                x += widths[j]
            last_break = -1
            if ch == "\t":
                w = min(w, width)
        if ch == "\t" and wrap:
            w = min(w, width - x) if x < width else w
        xs[i] = x
        widths[i] = w
        x += w
        vcol += _tab_width(vcol, tabstop) if ch == "\t" else w
        if linebreak and ch in breakat:
            last_break = i + 1
        i += 1
    if row_start < n or not rows:
        rows.append((row_start, n))
    return LineLayout(text, width, tuple(rows), tuple(xs), tuple(widths), wrap)


class LongLineLayout:
    """Layout of a very long line that reads only the rows it is asked about.

    Rows hold a fixed number of characters (`per_row`: the width, or half of it when the
    line's first 64 KiB hold characters wider than one cell), so the row of any column is
    arithmetic.  Each row is measured on its own (tabs from the row start), read from the
    document through `fetch(a, b)` (the line's characters a..b) when first needed, and
    cached; the view makes a new layout whenever the line is edited.  Without 'wrap' the
    line is one row whose cells are counted as one per character, and only the characters
    in the window are read.  Same interface as `LineLayout` minus `text`, `rows`, `xs` and
    `widths`, which would be as big as the line.
    """

    #: Rows kept measured (a screen's worth and more).
    CACHE_ROWS = 512

    def __init__(
        self,
        fetch: Callable[[int, int], str],
        length: int,
        width: int,
        *,
        tabstop: int = 8,
        wrap: bool = True,
    ) -> None:
        self.fetch = fetch
        self.length = length
        self.width = max(1, width)
        self.tabstop = max(1, tabstop)
        self.wrap = wrap
        per_row = self.width
        if wrap and not is_simple_text(fetch(0, min(length, 65_536))):
            per_row = max(1, self.width // 2)  # wide characters: keep a row on screen
        self.per_row = per_row
        self._rows: dict[int, tuple[str, list[int], list[int]]] = {}

    @property
    def height(self) -> int:
        """Number of display rows."""
        if not self.wrap:
            return 1
        return max(1, -(-self.length // self.per_row))

    def row_span(self, row: int) -> tuple[int, int]:
        """(start, end) character indexes of display row `row`; (0, 0) past the last row."""
        if not 0 <= row < self.height:
            return (0, 0)
        if not self.wrap:
            return (0, self.length)
        start = row * self.per_row
        return start, min(start + self.per_row, self.length)

    def row_of(self, col: int) -> int:
        """Display row holding character `col` (the end of the line is on the last row)."""
        if not self.wrap or col >= self.length:
            return self.height - 1
        return max(0, col) // self.per_row

    def _measure(self, row: int) -> tuple[str, list[int], list[int]]:
        """(text, xs, widths) of a wrapped row, cells counted from the row start."""
        got = self._rows.get(row)
        if got is None:
            start, end = self.row_span(row)
            text = self.fetch(start, end)
            xs: list[int] = []
            widths: list[int] = []
            x = 0
            for ch in text:
                w = _tab_width(x, self.tabstop) if ch == "\t" else char_width(ch)
                if ch == "\t":
                    w = max(0, min(w, self.width - x))
                xs.append(x)
                widths.append(w)
                x += w
            if len(self._rows) >= self.CACHE_ROWS:
                self._rows.clear()
            got = self._rows[row] = (text, xs, widths)
        return got

    def cells(self, start: int, end: int) -> tuple[str, Sequence[int], Sequence[int]]:
        """(text, xs, widths) of characters start..end of one row (xs from the row start)."""
        if not self.wrap:
            # One cell per character: the window never needs what lies before it.
            return self.fetch(start, end), range(start, end), [1] * (end - start)
        row = self.row_of(start)
        base = row * self.per_row
        text, xs, widths = self._measure(row)
        return (
            text[start - base : end - base],
            xs[start - base : end - base],
            widths[start - base : end - base],
        )

    def end_x(self, row: int) -> int:
        """Cell just after the last character of display row `row` (0 when empty)."""
        start, end = self.row_span(row)
        if end <= start:
            return 0
        if not self.wrap:
            return end
        _text, xs, widths = self._measure(row)
        return xs[-1] + widths[-1]

    def visible(self, row: int, x0: int, x1: int) -> tuple[int, int]:
        """Characters of display row `row` with cells inside [x0, x1) ('nowrap' windows)."""
        start, end = self.row_span(row)
        if not self.wrap:
            return min(end, max(start, x0)), min(end, max(start, x1))
        return start, end

    def position(self, col: int) -> tuple[int, int]:
        """(display row, cell x) of character `col`; `col == length` is just past the end."""
        row = self.row_of(col)
        if not self.wrap:
            return 0, max(0, min(col, self.length))
        start, end = self.row_span(row)
        if col < self.length:
            _text, xs, _w = self._measure(row)
            return row, xs[col - start]
        return row, min(self.end_x(row), self.width - 1)

    def col_at(self, row: int, x: int) -> int:
        """Character index at display row `row`, cell `x` (clamped into the row)."""
        row = max(0, min(row, self.height - 1))
        start, end = self.row_span(row)
        if end <= start:
            return start
        if not self.wrap:
            return max(start, min(x, end))
        _text, xs, widths = self._measure(row)
        for k in range(end - start):
            if xs[k] + max(widths[k], 1) > x:
                return start + k
        return end - 1 if end < self.length or row < self.height - 1 else end

    def vcol(self, col: int) -> int:
        """Cell column of character `col` counted from the start of its display row."""
        return self.position(col)[1]


def display_width(text: str, tabstop: int = 8) -> int:
    """Cells `text` takes on one row (tabs expanded from column 0)."""
    vcol = 0
    for ch in text:
        vcol += _tab_width(vcol, tabstop) if ch == "\t" else char_width(ch)
    return vcol
