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

from tinymorph_tui.core.comments import comments_of, get_leader, same_leader
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


def _not_par(line: str, comments: str) -> bool:
    """Vim's fmt_check_par(): blank after the leader (or an nroff macro) ends paragraphs."""
    from tinymorph_tui.core.motions import start_ps

    lead = get_leader(line, comments)
    rest = line[len(lead.text) :] if lead else line
    return rest.strip(" \t") == "" or (lead is not None and "e" in lead.flags) or start_ps(line)


def format_lines(ed: Editor, r0: int, r1: int) -> int:
    """Format rows r0..r1; returns the row of the last formatted line afterwards."""
    doc = ed.doc
    tw = text_width(ed)
    ts = int(ed.options["tabstop"])
    js = bool(ed.options["joinspaces"])
    ai = bool(ed.options["autoindent"])
    et = bool(ed.options["expandtab"])
    comments = comments_of(ed.options)
    lines = [doc.line(i) for i in range(r0, r1 + 1)]
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _not_par(lines[i], comments):
            out.append(lines[i])
            i += 1
            continue
        lead = get_leader(lines[i], comments)
        para = [lines[i]]
        prev = lead
        j = i + 1
        while j < len(lines) and not _not_par(lines[j], comments):
            nl = get_leader(lines[j], comments)
            if not same_leader(prev, nl):
                break
            para.append(lines[j][len(nl.text) :] if nl else lines[j])
            prev = nl
            j += 1
        first = para[0]
        joined = _join(para, js)
        if lead is not None:
            prefix = lead.text
            cont = lead.continuation()
            body = joined[len(prefix) :]
        else:
            prefix = indent_of(first)
            cont = make_indent(indent_width(first, ts), ts, et) if ai else ""
            body = joined[len(prefix) :]
        out.extend(_break_with(prefix, cont, body, tw, ts))
        i = j
    new = "\n".join(out)
    a = doc.line_start(r0)
    b = doc.offset_of(r1, len(doc.line(r1)))
    if doc.slice(a, b) != new:
        doc.replace(a, b, new)
    else:
        # Vim saves the lines for undo even when formatting changes nothing
        from tinymorph_tui.core.normal_cmds import _empty_undo_step

        _empty_undo_step(ed, r0)
    last = r0 + len(out) - 1
    ed.marks.set("[", (r0, 0))
    ed.marks.set("]", (last, 0))
    return last


def _break_with(prefix: str, cont: str, body: str, tw: int, ts: int) -> list[str]:
    """Greedy breaking of `body` after `prefix`; continuation lines start with `cont`.

    Blanks at a break are dropped; other white space (two spaces after a period, trailing
    blanks of the last line) is kept as Vim keeps it.
    """
    parts = _TOKEN.findall(body)
    lines: list[str] = []
    cur = prefix
    has_word = False
    pending_ws = ""
    for part in parts:
        if part[0] in " \t":
            pending_ws += part
            continue
        if not has_word:
            cur += pending_ws + part
            has_word = True
            pending_ws = ""
            continue
        cand = cur + pending_ws + part
        if display_width(cand, ts) <= tw:
            cur = cand
        else:
            lines.append(cur)
            cur = cont + part
        pending_ws = ""
    lines.append(cur + pending_ws)
    return lines


def position_key(ed: Editor, r0: int, r1: int, pos: tuple[int, int]) -> tuple[int, str] | None:
    """(offset of `pos` in the text of rows r0..r1, that text) (None: outside)."""
    row, col = pos
    if not r0 <= row <= r1:
        return None
    lines = [ed.doc.line(r) for r in range(r0, r1 + 1)]
    off = sum(len(x) + 1 for x in lines[: row - r0]) + col
    return off, "\n".join(lines)


def keep_position(
    ed: Editor, r0: int, last: int, key: tuple[int, str] | None, origin: tuple[int, int]
) -> tuple[int, int]:
    """Where the cursor's character went (gw): Vim moves the saved cursor with each edit
    like a mark, so map its offset through the differences between old and new text."""
    import difflib

    if key is None:
        return origin
    off, before = key
    after = "\n".join(ed.doc.line(r) for r in range(r0, last + 1))
    if after == before:
        return origin
    new_off = off
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if i1 <= off < i2 or (off == i2 == len(before)):
            new_off = j1 + (off - i1) if tag == "equal" else j1
            break
    new_off = max(0, min(new_off, len(after)))
    head = after[:new_off]
    row = r0 + head.count("\n")
    col = new_off - (head.rfind("\n") + 1)
    return (row, col)
