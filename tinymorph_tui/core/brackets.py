"""Bracket matching for %, [( [{ ]) ]} and the block text objects.

Scans line by line through the document (never the whole text at once), honouring
'matchpairs'.  Like Vim without 'cpoptions' "%", a bracket inside a "..." string on the
cursor line is skipped when the cursor is not inside a string itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor


def pairs(ed: Editor) -> list[tuple[str, str]]:
    """'matchpairs' as a list of (open, close)."""
    out: list[tuple[str, str]] = []
    for item in str(ed.options["matchpairs"]).split(","):
        if len(item) == 3 and item[1] == ":":
            out.append((item[0], item[2]))
    return out


def scan_match(
    ed: Editor, row: int, col: int, open_ch: str, close_ch: str, forward: bool, depth: int = 1
) -> tuple[int, int] | None:
    """From just after/before (row, col), find where nesting `depth` of the pair closes."""
    doc = ed.doc
    n = doc.line_count
    r = row
    line = doc.line(r)
    c = col
    level = depth
    if forward:
        c += 1
        while True:
            while c < len(line):
                ch = line[c]
                if ch == open_ch:
                    level += 1
                elif ch == close_ch:
                    level -= 1
                    if level == 0:
                        return (r, c)
                c += 1
            r += 1
            if r >= n:
                return None
            line = doc.line(r)
            c = 0
    else:
        c -= 1
        while True:
            while c >= 0:
                ch = line[c] if c < len(line) else ""
                if ch == close_ch:
                    level += 1
                elif ch == open_ch:
                    level -= 1
                    if level == 0:
                        return (r, c)
                c -= 1
            r -= 1
            if r < 0:
                return None
            line = doc.line(r)
            c = len(line) - 1


def match_pair(ed: Editor) -> tuple[int, int] | None:
    """Vim's % without a count: the match of the first bracket at or after the cursor."""
    r, c = ed.cursor_raw
    line = ed.doc.line(r)
    ps = pairs(ed)
    opens = {o: cl for o, cl in ps}
    closes = {cl: o for o, cl in ps}
    # C comments: "/*" and "*/" match each other.
    i = c
    while i < len(line):
        ch = line[i]
        if ch in opens or ch in closes:
            break
        if ch == "/" and i + 1 < len(line) and line[i + 1] == "*":
            return _comment_end(ed, r, i + 1)
        if ch == "*" and i + 1 < len(line) and line[i + 1] == "/":
            return _comment_start(ed, r, i)
        i += 1
    else:
        return None
    ch = line[i]
    if ch in opens:
        return scan_match(ed, r, i, ch, opens[ch], True)
    return scan_match(ed, r, i, closes[ch], ch, False)


def _comment_end(ed: Editor, row: int, col: int) -> tuple[int, int] | None:
    doc = ed.doc
    r = row
    start = col + 1
    while r < doc.line_count:
        line = doc.line(r)
        j = line.find("*/", start)
        if j >= 0:
            return (r, j + 1)
        r += 1
        start = 0
    return None


def _comment_start(ed: Editor, row: int, col: int) -> tuple[int, int] | None:
    doc = ed.doc
    r = row
    line = doc.line(r)
    j = line.rfind("/*", 0, col)
    while j < 0:
        r -= 1
        if r < 0:
            return None
        line = doc.line(r)
        j = line.rfind("/*")
    return (r, j)


def find_unmatched(
    ed: Editor, pos: tuple[int, int], open_ch: str, close_ch: str, forward: bool, count: int
) -> tuple[int, int] | None:
    """[( [{ ]) ]}: the count'th enclosing unmatched bracket."""
    r, c = pos
    res: tuple[int, int] | None = None
    for _ in range(count):
        nxt = scan_match(ed, r, c, open_ch, close_ch, forward)
        if nxt is None:
            break
        res = nxt
        r, c = nxt
    return res
