"""<C-a> / <C-x>: add to the number (or letter) at or after the cursor, per 'nrformats'."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_BIN = re.compile(r"0[bB][01]+")


def _formats(ed: Editor) -> set[str]:
    return set(str(ed.options["nrformats"]).split(","))


def find_number(line: str, col: int, nf: set[str]) -> tuple[int, int, str] | None:
    """(start, end, kind) of the number under or after `col`; kind: dec hex bin oct alpha."""
    n = len(line)
    # Vim first checks for hex/bin that the cursor is inside of.
    if "hex" in nf or "bin" in nf:
        for pat, kind in ((_HEX, "hex"), (_BIN, "bin")):
            if kind not in nf:
                continue
            for m in pat.finditer(line):
                if m.start() <= col < m.end():
                    return (m.start(), m.end(), kind)
    i = col
    if "alpha" in nf and i < n and line[i].isascii() and line[i].isalpha():
        return (i, i + 1, "alpha")
    # If on a digit, go back to the start of the number.
    if i < n and line[i].isdigit():
        while i > 0 and line[i - 1].isdigit():
            i -= 1
    else:
        while i < n and not line[i].isdigit():
            if "alpha" in nf and line[i].isascii() and line[i].isalpha():
                return (i, i + 1, "alpha")
            i += 1
        if i >= n:
            return None
    start = i
    # hex / bin prefixes found when scanning forward
    if line[start] == "0" and start + 1 < n:
        nxt = line[start + 1]
        if nxt in "xX" and "hex" in nf:
            m = _HEX.match(line, start)
            if m:
                return (m.start(), m.end(), "hex")
        if nxt in "bB" and "bin" in nf:
            m = _BIN.match(line, start)
            if m:
                return (m.start(), m.end(), "bin")
    j = start
    while j < n and line[j].isdigit():
        j += 1
    kind = "dec"
    digits = line[start:j]
    if "octal" in nf and len(digits) > 1 and digits[0] == "0" and all(c in "01234567" for c in digits):
        kind = "oct"
    return (start, j, kind)


def increment(ed: Editor, row: int, col: int, delta: int) -> int | None:
    """Apply <C-a>/<C-x> on `row`; returns the new cursor column or None."""
    doc = ed.doc
    line = doc.line(row)
    nf = _formats(ed)
    found = find_number(line, col, nf)
    if found is None:
        return None
    s, e, kind = found
    if kind == "alpha":
        ch = line[s]
        base = ord("a") if ch.islower() else ord("A")
        v = ord(ch) - base + delta
        v = max(0, min(25, v))
        new = chr(base + v)
        off = doc.offset_of(row, s)
        doc.replace(off, off + 1, new)
        ed.marks.set("[", (row, s))
        ed.marks.set("]", (row, s))
        return s
    text = line[s:e]
    negative = False
    if kind == "dec" and s > 0 and line[s - 1] == "-" and "unsigned" not in nf:
        negative = True
        s -= 1
    if kind == "hex":
        digits = text[2:]
        v = (int(digits, 16) + delta) % (1 << 64)
        upper = any(c.isupper() for c in digits if c.isalpha())
        out = format(v, "X" if upper else "x").zfill(len(digits))
        new = text[:2] + out
    elif kind == "bin":
        digits = text[2:]
        v = (int(digits, 2) + delta) % (1 << 64)
        new = text[:2] + format(v, "b").zfill(len(digits))
    elif kind == "oct":
        v = (int(text, 8) + delta) % (1 << 64)
        new = "0" + format(v, "o").zfill(len(text) - 1)
    else:
        v = int(text) * (-1 if negative else 1) + delta
        if text.startswith("0") and len(text) > 1:
            # keep leading zeros (Vim keeps the width)
            body = str(abs(v)).zfill(len(text))
        else:
            body = str(abs(v))
        new = ("-" if v < 0 else "") + body
    off = doc.offset_of(row, s)
    end = doc.offset_of(row, e)
    doc.replace(off, end, new)
    ed.marks.set("[", (row, s))
    ed.marks.set("]", (row, s + len(new) - 1))
    return s + len(new) - 1
