"""A position that steps through a document the way Vim's inc()/dec() do.

Word, sentence and text-object code in Vim is written in terms of these primitives, and
porting it faithfully needs the same corner cases: stepping forward from the last
character lands on the end-of-line position (col == len(line), "the NUL"), stepping from
there goes to the next line; stepping back from column 0 lands on the previous line's NUL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinymorph_tui.core.textutil import char_class


class Walker:
    """A mutable (row, col) over a document, with Vim's inc/dec/incl/decl and cls."""

    __slots__ = ("doc", "row", "col", "line", "nlines", "_isk", "bigword")

    def __init__(self, doc: Any, row: int, col: int, is_keyword: Callable[[str], bool]) -> None:
        self.doc = doc
        self.nlines = doc.line_count
        self.row = row
        self.line = doc.line(row)
        self.col = col
        self._isk = is_keyword
        self.bigword = False

    @property
    def pos(self) -> tuple[int, int]:
        """The current (row, col)."""
        return (self.row, self.col)

    def set(self, row: int, col: int) -> None:
        """Jump to (row, col)."""
        if row != self.row:
            self.row = row
            self.line = self.doc.line(row)
        self.col = col

    def char(self) -> str:
        """Character under the position ("" at the end of the line)."""
        return self.line[self.col] if self.col < len(self.line) else ""

    def cls(self) -> int:
        """Vim's cls(): the class of the character here (bigword folds non-blanks to 1)."""
        c = self.char()
        if not c or c in " \t":
            return 0
        k = char_class(c, self._isk)
        if k != 0 and self.bigword:
            return 1
        return k

    def inc(self) -> int:
        """Vim's inc(): 0 moved in the line, 2 moved onto the NUL, 1 next line, -1 at end."""
        if self.col < len(self.line):
            self.col += 1
            return 0 if self.col < len(self.line) else 2
        if self.row + 1 < self.nlines:
            self.row += 1
            self.line = self.doc.line(self.row)
            self.col = 0
            return 1
        return -1

    def dec(self) -> int:
        """Vim's dec(): 0 moved in the line, 1 to the previous line's NUL, -1 at start."""
        if self.col > 0:
            self.col = min(self.col, len(self.line)) - 1 if self.col > len(self.line) else self.col - 1
            return 0
        if self.row > 0:
            self.row -= 1
            self.line = self.doc.line(self.row)
            self.col = len(self.line)
            return 1
        return -1

    def incl(self) -> int:
        """Vim's incl(): like inc() but skips over the NUL of a non-empty line."""
        r = self.inc()
        if r >= 1 and self.col:
            r = self.inc()
        return r

    def decl(self) -> int:
        """Vim's decl(): like dec() but skips over the NUL of a non-empty line."""
        r = self.dec()
        if r == 1 and self.col:
            r = self.dec()
        return r

    def line_empty(self, row: int | None = None) -> bool:
        """Whether the line (default: current) has no characters."""
        if row is None or row == self.row:
            return not self.line
        return not self.doc.line(row)
