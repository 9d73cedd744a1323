"""Small text helpers shared by motions, text objects and operators.

Character classes follow Vim's `cls()` / `utf_class()`: 0 blank, 1 punctuation, 2 keyword
character, other numbers for scripts that form their own words (CJK, emoji...).
Virtual columns ("vcol") are screen cells from the start of the line, with tabs expanded
to 'tabstop' and East Asian wide characters taking two cells.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable

# (first, last, class) from Vim's mbyte.c utf_class(); characters >= 0x100 not listed are 2.
_CLASSES: tuple[tuple[int, int, int], ...] = (
    (0x037E, 0x037E, 1),
    (0x0387, 0x0387, 1),
    (0x055A, 0x055F, 1),
    (0x0589, 0x0589, 1),
    (0x05BE, 0x05BE, 1),
    (0x05C0, 0x05C0, 1),
    (0x05C3, 0x05C3, 1),
    (0x05F3, 0x05F4, 1),
    (0x060C, 0x060C, 1),
    (0x061B, 0x061B, 1),
    (0x061F, 0x061F, 1),
    (0x066A, 0x066D, 1),
    (0x06D4, 0x06D4, 1),
    (0x0700, 0x070D, 1),
    (0x0964, 0x0965, 1),
    (0x0970, 0x0970, 1),
    (0x0DF4, 0x0DF4, 1),
    (0x0E4F, 0x0E4F, 1),
    (0x0E5A, 0x0E5B, 1),
    (0x0F04, 0x0F12, 1),
    (0x0F3A, 0x0F3D, 1),
    (0x0F85, 0x0F85, 1),
    (0x104A, 0x104F, 1),
    (0x10FB, 0x10FB, 1),
    (0x1361, 0x1368, 1),
    (0x166D, 0x166E, 1),
    (0x1680, 0x1680, 0),
    (0x169B, 0x169C, 1),
    (0x16EB, 0x16ED, 1),
    (0x1735, 0x1736, 1),
    (0x17D4, 0x17DC, 1),
    (0x1800, 0x180A, 1),
    (0x2000, 0x200B, 0),
    (0x200C, 0x2027, 1),
    (0x2028, 0x2029, 0),
    (0x202A, 0x202E, 1),
    (0x202F, 0x202F, 0),
    (0x2030, 0x205E, 1),
    (0x205F, 0x205F, 0),
    (0x2060, 0x206F, 1),
    (0x2070, 0x207F, 0x2070),
    (0x2080, 0x2094, 0x2080),
    (0x20A0, 0x27FF, 1),
    (0x2800, 0x28FF, 0x2800),
    (0x2900, 0x2998, 1),
    (0x29D8, 0x29DB, 1),
    (0x29FC, 0x29FD, 1),
    (0x2E00, 0x2E7F, 1),
    (0x3000, 0x3000, 0),
    (0x3001, 0x3020, 1),
    (0x3030, 0x3030, 1),
    (0x303D, 0x303D, 1),
    (0x3040, 0x309F, 0x3040),
    (0x30A0, 0x30FF, 0x30A0),
    (0x3300, 0x9FFF, 0x4E00),
    (0xAC00, 0xD7A3, 0xAC00),
    (0xF900, 0xFAFF, 0x4E00),
    (0xFD3E, 0xFD3F, 1),
    (0xFE30, 0xFE6B, 1),
    (0xFF00, 0xFF0F, 1),
    (0xFF1A, 0xFF20, 1),
    (0xFF3B, 0xFF40, 1),
    (0xFF5B, 0xFF65, 1),
    (0x1D000, 0x1D24F, 1),
    (0x1D400, 0x1D7FF, 1),
    (0x1F000, 0x1F2FF, 1),
    (0x1F300, 0x1F9FF, 3),
    (0x20000, 0x2A6DF, 0x4E00),
    (0x2A700, 0x2B73F, 0x4E00),
    (0x2B740, 0x2B81F, 0x4E00),
    (0x2F800, 0x2FA1F, 0x4E00),
)
_STARTS = [c[0] for c in _CLASSES]


def char_class(ch: str, is_keyword: Callable[[str], bool], bigword: bool = False) -> int:
    """Vim's class of one character ("" - past the end of a line - is blank)."""
    if not ch or ch in " \t\xa0":
        return 0
    if bigword:
        return 1
    code = ord(ch)
    if code < 0x100:
        return 2 if is_keyword(ch) else 1
    i = bisect_right(_STARTS, code) - 1
    if i >= 0:
        lo, hi, cls = _CLASSES[i]
        if lo <= code <= hi:
            return cls
    return 2


def char_width(ch: str) -> int:
    """Screen cells taken by one (non-tab) character."""
    code = ord(ch)
    if code < 0x300:
        return 1 if code >= 0x20 and code != 0x7F else 2
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def vcol_from(seg: str, start_vcol: int, tabstop: int) -> int:
    """Screen column after `seg` when it starts at screen column `start_vcol`."""
    if seg.isascii() and "\t" not in seg:
        return start_vcol + len(seg)
    v = start_vcol
    for ch in seg:
        if ch == "\t":
            v += tabstop - v % tabstop
        else:
            v += char_width(ch)
    return v


def vcol_of(line: str, col: int, tabstop: int) -> int:
    """Screen column where character `col` starts (col may be len(line))."""
    if col <= 0:
        return 0
    return vcol_from(line[:col], 0, tabstop)


def vcol_end(line: str, col: int, tabstop: int) -> int:
    """Last screen column occupied by character `col`."""
    if col >= len(line):
        return vcol_of(line, col, tabstop)
    start = vcol_of(line, col, tabstop)
    ch = line[col]
    if ch == "\t":
        return start + tabstop - start % tabstop - 1
    return start + max(char_width(ch), 1) - 1


def col_of_vcol(line: str, vcol: int, tabstop: int) -> int:
    """Character index whose cells cover screen column `vcol` (len(line) when beyond)."""
    if line.isascii() and "\t" not in line:
        return min(vcol, len(line))
    v = 0
    for i, ch in enumerate(line):
        w = tabstop - v % tabstop if ch == "\t" else char_width(ch)
        if v + w > vcol:
            return i
        v += w
    return len(line)


def display_width(line: str, tabstop: int) -> int:
    """Screen cells of the whole line."""
    return vcol_of(line, len(line), tabstop)


def first_nonblank(line: str) -> int:
    """Column of the first non-blank character (len(line) - 1 or 0 when all blank)."""
    n = len(line) - len(line.lstrip(" \t"))
    if n >= len(line):
        return max(len(line) - 1, 0)
    return n


def indent_of(line: str) -> str:
    """The leading white space of a line."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_width(line: str, tabstop: int) -> int:
    """Screen width of the leading white space."""
    return vcol_of(line, len(indent_of(line)), tabstop)


def make_indent(width: int, tabstop: int, expandtab: bool) -> str:
    """White space of `width` cells: tabs and spaces, or spaces only with 'expandtab'."""
    if width <= 0:
        return ""
    if expandtab:
        return " " * width
    return "\t" * (width // tabstop) + " " * (width % tabstop)


def join_pieces(lines: list[str], insert_space: bool, joinspaces: bool) -> list[str]:
    """Vim's do_join() text rules: `lines` as they go into the joined line.

    With `insert_space` (J, :join) each later line loses its leading blanks and gets one
    space before it, none when it starts with ")" or the text so far ends in a tab or is
    empty, and two after a sentence end with 'joinspaces'. The joined line is
    "".join(pieces); the last piece starts where Vim leaves the cursor."""
    pieces = [lines[0]]
    size = len(lines[0])
    end1, end2 = (lines[0][-1:], lines[0][-2:-1]) if insert_space else ("", "")
    for line in lines[1:]:
        spaces = 0
        if insert_space:
            line = line.lstrip(" \t")
            if line and line[0] != ")" and size != 0 and end1 != "\t":
                if end1 == " ":
                    end1 = end2
                else:
                    spaces += 1
                if joinspaces and end1 in (".", "?", "!") and end1:
                    spaces += 1
        pieces.append(" " * spaces + line)
        size += spaces + len(line)
        end1, end2 = (line[-1:], line[-2:-1]) if insert_space and line else ("", "")
    return pieces
