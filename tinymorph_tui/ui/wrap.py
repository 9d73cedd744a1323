"""Soft wrap of one logical line into display rows ('wrap', 'linebreak', 'tabstop').

Pure functions of a line's text and the window width, so the view computes them only for
the lines it shows (never for the whole document).  Widths are terminal cells: East Asian
wide characters take two, combining marks none, and a tab runs to the next multiple of
'tabstop' counted from the start of the logical line, as in Vim.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import get_character_cell_size

#: Vim's default 'breakat': with 'linebreak', rows end after one of these characters.
BREAKAT = frozenset(" \t!@*-+;:,./?")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Cells taken by one (non-tab) character: 0, 1 or 2."""
    if ch < "\x7f":
        return 1 if ch >= " " else 2  # control characters are drawn as ^X
    return get_character_cell_size(ch)


@dataclass(frozen=True, slots=True)
class LineLayout:
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
    return LineLayout(text, width, tuple(rows), tuple(xs), tuple(widths))


def display_width(text: str, tabstop: int = 8) -> int:
    """Cells `text` takes on one row (tabs expanded from column 0)."""
    vcol = 0
    for ch in text:
        vcol += _tab_width(vcol, tabstop) if ch == "\t" else char_width(ch)
    return vcol
