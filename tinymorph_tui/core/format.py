"""gq / gw formatting: join each paragraph's lines and re-break them at 'textwidth'.

Like Vim's format_lines() with the default 'formatoptions' "tcq": blank lines (empty or
white space only) separate paragraphs and are kept; lines are joined as `J` joins them
('joinspaces' applies) and broken at the last blank that keeps the text within the width;
a word longer than the width stays whole.  'textwidth' 0 means the window width - 1, at
most 79, as in Vim.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tinymorph_tui.core.textutil import display_width, indent_of, indent_width, make_indent

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor


def text_width(ed: Editor) -> int:
    """Vim's comp_textwidth(TRUE)."""
    tw = int(ed.options["textwidth"])
    if tw == 0 and int(ed.options["wrapmargin"]):
        tw = int(ed.options["columns"]) - int(ed.options["wrapmargin"])
    if tw <= 0:
        tw = min(int(ed.options["columns"]) - 1, 79)
    return tw


def _join(lines: list[str], joinspaces: bool) -> str:
    out = lines[0]
    end1, end2 = out[-1:], out[-2:-1]
    for nxt in lines[1:]:
        nxt = nxt.lstrip(" \t")
        if nxt and out and nxt[0] != ")" and end1 != "\t":
            sp = 0
            if end1 == " ":
                end1 = end2
            else:
                sp = 1
            if joinspaces and end1 in (".", "?", "!") and end1:
                sp += 1
            out += " " * sp + nxt
        else:
            out += nxt
        end1, end2 = nxt[-1:], nxt[-2:-1]
    return out


_TOKEN = re.compile(r"[ \t]+|[^ \t]+")


def _break(text: str, ind: str, tw: int, ts: int) -> list[str]:
    body = text[len(indent_of(text)) :]
    parts = _TOKEN.findall(body)
    lines: list[str] = []
    cur = ind
    pending_ws = ""
    has_word = False
    for part in parts:
        if part[0] in " \t":
            pending_ws += part
            continue
        if not has_word:
            cur += pending_ws + part if lines == [] and False else part
            has_word = True
            pending_ws = ""
            continue
        cand = cur + pending_ws + part
        if display_width(cand, ts) <= tw:
            cur = cand
        else:
            lines.append(cur)
            cur = ind + part
        pending_ws = ""
    lines.append(cur + ("" if has_word else ""))
    return lines


def format_lines(ed: Editor, r0: int, r1: int) -> int:
    """Format rows r0..r1; returns the row of the last formatted line afterwards."""
    doc = ed.doc
    tw = text_width(ed)
    ts = int(ed.options["tabstop"])
    js = bool(ed.options["joinspaces"])
    ai = bool(ed.options["autoindent"])
    et = bool(ed.options["expandtab"])
    lines = [doc.line(i) for i in range(r0, r1 + 1)]
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip(" \t") == "":
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip(" \t") != "":
            j += 1
        para = lines[i:j]
        first = para[0]
        joined = _join(para, js)
        ind = make_indent(indent_width(first, ts), ts, et) if ai else ""
        first_ind = indent_of(first)
        broken = _break(joined, ind, tw, ts)
        broken[0] = first_ind + broken[0][len(ind) :]
        out.extend(broken)
        i = j
    new = "\n".join(out)
    a = doc.line_start(r0)
    b = doc.offset_of(r1, len(doc.line(r1)))
    if doc.slice(a, b) != new:
        doc.replace(a, b, new)
    last = r0 + len(out) - 1
    ed.marks.set("[", (r0, 0))
    ed.marks.set("]", (last, 0))
    return last


def position_key(ed: Editor, r0: int, r1: int, pos: tuple[int, int]) -> int | None:
    """How many non-blank characters of rows r0..r1 come before `pos` (None: outside)."""
    row, col = pos
    if not r0 <= row <= r1:
        return None
    n = 0
    for r in range(r0, row):
        n += sum(1 for ch in ed.doc.line(r) if ch not in " \t")
    n += sum(1 for ch in ed.doc.line(row)[:col] if ch not in " \t")
    return n


def keep_position(ed: Editor, r0: int, last: int, key: int | None, origin: tuple[int, int]) -> tuple[int, int]:
    """The position holding the same non-blank character after formatting (gw)."""
    if key is None:
        return origin
    n = key
    for r in range(r0, last + 1):
        line = ed.doc.line(r)
        for c, ch in enumerate(line):
            if ch in " \t":
                continue
            if n == 0:
                return (r, c)
            n -= 1
    return (last, max(len(ed.doc.line(last)) - 1, 0))
