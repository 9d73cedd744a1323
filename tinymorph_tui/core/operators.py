"""Operators (d c y < > = g~ gu gU g? gq gw J r ...) applied to a Region.

`pending(ed, p)` turns "operator + motion / text object / operator again" into a Region
with Vim's rules (exclusive-to-inclusive/linewise adjustment of `:help exclusive`, forced
motions v V <C-v>); `visual(ed, p)` makes the Region from the selection.  `apply()` then
runs the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.motions import MAXCOL, Motion
from tinymorph_tui.core.text_objects import TextObject
from tinymorph_tui.core.textutil import (
    col_of_vcol,
    display_width,
    first_nonblank,
    indent_of,
    indent_width,
    join_pieces,
    make_indent,
    vcol_end,
    vcol_of,
)

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

Pos = tuple[int, int]

# command id -> operator name
OPERATORS = {
    "operator-delete": "delete",
    "operator-yank": "yank",
    "operator-change": "change",
    "operator-lowercase": "lower",
    "operator-uppercase": "upper",
    "operator-toggle-case": "tilde",
    "operator-rot13": "rot13",
    "operator-indent": "shift-right",
    "operator-dedent": "shift-left",
    "operator-reindent": "reindent",
    "operator-format": "format",
    "operator-format-keep-cursor": "format-keep",
    "operator-join": "join",
    "operator-join-nospace": "join-nospace",
    "operator-filter": "filter",
}


@dataclass
class Region:
    """What an operator works on. Char regions are [start, end) in (row, col); line regions
    cover rows start[0]..end[0]; block regions cover rows and screen columns vcols."""

    start: Pos
    end: Pos
    kind: str  # "char" | "line" | "block"
    vcols: tuple[int, int] = (0, 0)  # inclusive screen columns for blocks
    to_eol: bool = False  # block extends to the end of each line ($)
    use_reg_one: bool = False
    is_visual: bool = False
    #: where the cursor was when the operator started (for yank / gw)
    origin: Pos = (0, 0)
    #: the exclusive motion ended in column 0 and was moved to the previous line
    end_adjusted: bool = False
    #: where Vim leaves the cursor for y, g~ ... (its oap->start)
    cursor_start: Pos | None = None
    #: made by a doubled operator (dd, cc, yy ...)
    line_op: bool = False
    #: an inclusive motion that ended on an empty line ("c$" there still yanks "")
    inclusive_empty: bool = False
    #: first and last row of a visual selection (line-based operators use these)
    visual_rows: tuple[int, int] | None = None


# -- building regions -----------------------------------------------------------------------


def _inindent(line: str, col: int) -> bool:
    return line[:col].strip(" \t") == ""


def from_motion(ed: Editor, start: Pos, m: Motion, force: str | None, op: str) -> Region | None:
    """Region between `start` and the motion target, with Vim's adjustments."""
    a, b = start, (m.row, m.col)
    kind = m.kind
    if force == "v":
        kind = "inclusive" if kind == "exclusive" else "exclusive" if kind == "inclusive" else "exclusive"
        if m.kind == "linewise":
            kind = "exclusive"
    elif force == "V":
        kind = "linewise"
    elif force == "<C-v>":
        lo, hi = (a, b) if a <= b else (b, a)
        return _block_region(ed, lo, hi, a, b, m.curswant == MAXCOL)
    lo, hi = (a, b) if a <= b else (b, a)
    if kind == "linewise":
        return Region((lo[0], 0), (hi[0], 0), "line", use_reg_one=m.use_reg_one, origin=start, cursor_start=lo)
    inclusive = kind == "inclusive"
    if not inclusive and not m.no_adjust and hi[1] == 0 and hi[0] > lo[0] and force is None:
        # :help exclusive-linewise / exclusive: end in column 0 moves to the previous line end
        hi_row = hi[0] - 1
        if _inindent(ed.doc.line(lo[0]), lo[1]):
            return Region((lo[0], 0), (hi_row, 0), "line", use_reg_one=m.use_reg_one, origin=start, end_adjusted=True, cursor_start=lo)
        length = len(ed.doc.line(hi_row))
        hi = (hi_row, length)
        inclusive = False
        return Region(lo, hi, "char", use_reg_one=m.use_reg_one, origin=start, end_adjusted=True, cursor_start=lo)
    if inclusive:
        line = ed.doc.line(hi[0])
        hi = (hi[0], min(hi[1] + 1, len(line))) if line else (hi[0], 0)
        if not line and lo == hi:
            return Region(lo, hi, "char", use_reg_one=m.use_reg_one, origin=start, cursor_start=lo,
                          inclusive_empty=True)
    return Region(lo, hi, "char", use_reg_one=m.use_reg_one, origin=start, cursor_start=lo)


def from_textobject(ed: Editor, t: TextObject) -> Region:
    """Region from a text object's result."""
    lo, hi = (t.start, t.end) if t.start <= t.end else (t.end, t.start)
    if t.kind == "line":
        return Region((lo[0], 0), (hi[0], 0), "line", origin=ed.cursor_raw, cursor_start=(lo[0], 0))
    if t.inclusive:
        line = ed.doc.line(hi[0])
        if hi[1] < len(line):
            hi = (hi[0], hi[1] + 1)
        elif lo == hi:
            return Region(lo, hi, "char", origin=ed.cursor_raw, cursor_start=lo, inclusive_empty=True)
    elif hi[1] == 0 and hi[0] > lo[0]:
        # the exclusive adjustment of do_pending_operator() applies to objects too
        if _inindent(ed.doc.line(lo[0]), lo[1]):
            return Region((lo[0], 0), (hi[0] - 1, 0), "line", origin=ed.cursor_raw, cursor_start=lo, end_adjusted=True)
        hi = (hi[0] - 1, len(ed.doc.line(hi[0] - 1)))
    return Region(lo, hi, "char", origin=ed.cursor_raw, cursor_start=lo)


def _block_region(
    ed: Editor, lo: Pos, hi: Pos, a: Pos, b: Pos, to_eol: bool, past_end: bool = False
) -> Region:
    """The block between `a` and `b`; `past_end`: `b` is a Visual cursor after `$`, which
    Vim keeps past the line's end (on its EOL), so the left edge counts from there."""
    ts = int(ed.options["tabstop"])
    la, lb = ed.doc.line(a[0]), ed.doc.line(b[0])
    va0, va1 = vcol_of(la, a[1], ts), vcol_end(la, a[1], ts)
    vb0, vb1 = vcol_of(lb, b[1], ts), vcol_end(lb, b[1], ts)
    if past_end and to_eol:
        vb0 = display_width(lb, ts)
    v0 = min(va0, vb0)
    v1 = max(va1, vb1)
    return Region((lo[0], 0), (hi[0], 0), "block", vcols=(v0, v1), to_eol=to_eol, origin=ed.cursor_raw)


def line_visual_start(ed: Editor) -> Pos:
    """Where Vim's do_pending_operator() leaves the cursor for a linewise visual operation:
    the visual start with column 0 when it comes first, else the cursor."""
    s0 = (ed.visual_start[0], 0)
    cur = ed.cursor_raw
    return s0 if s0 < cur else cur


def line_visual_end(ed: Editor) -> Pos:
    """The other end (oap->end) of a linewise visual operation."""
    s0 = (ed.visual_start[0], 0)
    cur = ed.cursor_raw
    return cur if s0 < cur else s0


def visual_region(ed: Editor) -> Region:
    """Region of the current selection."""
    reg = _visual_region(ed)
    a, b = ed.visual_start, ed.cursor_raw
    reg.visual_rows = (min(a[0], b[0]), max(a[0], b[0]))
    return reg


def _visual_region(ed: Editor) -> Region:
    a = ed.visual_start
    b = ed.cursor_raw
    lo, hi = (a, b) if a <= b else (b, a)
    if ed.mode == "visual_line":
        return Region((lo[0], 0), (hi[0], 0), "line", is_visual=True, origin=lo, cursor_start=line_visual_start(ed))
    if ed.mode == "visual_block":
        to_eol = ed.curswant_vcol() >= MAXCOL
        reg = _block_region(ed, lo, hi, a, b, to_eol, past_end=True)
        if ed.block_override is not None:
            reg.vcols = ed.block_override
        reg.is_visual = True
        r0 = reg.start[0]
        reg.cursor_start = (r0, col_of_vcol(ed.doc.line(r0), reg.vcols[0], int(ed.options["tabstop"])))
        return reg
    line = ed.doc.line(hi[0])
    if ed.curswant_vcol() >= MAXCOL and hi[0] + 1 < ed.doc.line_count:
        # after "$" the selection includes the line break (not for line-only operators)
        end = (hi[0] + 1, 0)
    elif hi[1] < len(line):
        end = (hi[0], hi[1] + 1)
    elif hi[0] + 1 < ed.doc.line_count:
        end = (hi[0] + 1, 0)
    else:
        end = (hi[0], len(line))
    # an empty line at the end of the buffer still "yanks" the empty text
    return Region(lo, end, "char", is_visual=True, origin=lo, cursor_start=lo, inclusive_empty=lo == end)


# -- text access ----------------------------------------------------------------------------


def region_offsets(ed: Editor, reg: Region) -> tuple[int, int]:
    """Document offsets [a, b) of a char or line region (line: whole lines incl. a newline)."""
    doc = ed.doc
    if reg.kind == "line":
        a = doc.line_start(reg.start[0])
        last = reg.end[0]
        if last + 1 < doc.line_count:
            b = doc.line_start(last + 1)
        else:
            b = len(doc)
        return a, b
    return doc.offset_of(*reg.start), doc.offset_of(*reg.end)


def region_text(ed: Editor, reg: Region) -> str:
    """The text of a region (line regions without the final newline; blocks joined by \\n)."""
    if reg.kind == "block":
        return "\n".join(block_pieces(ed, reg)[i][2] for i in range(reg.end[0] - reg.start[0] + 1))
    if reg.kind == "line":
        return "\n".join(ed.doc.line(r) for r in range(reg.start[0], reg.end[0] + 1))
    a, b = region_offsets(ed, reg)
    return ed.doc.slice(a, b)


def block_pieces(ed: Editor, reg: Region) -> list[tuple[int, int, str, int, int]]:
    """Per row of a block: (col_start, col_end, text, pad_before, pad_after).

    A tab that straddles the block edge is counted as the spaces it shows (pad_*).
    """
    ts = int(ed.options["tabstop"])
    v0, v1 = reg.vcols
    out = []
    for row in range(reg.start[0], reg.end[0] + 1):
        line = ed.doc.line(row)
        c0 = col_of_vcol(line, v0, ts)
        pad_before = 0
        if c0 < len(line):
            s = vcol_of(line, c0, ts)
            if s < v0:
                # tab (or wide char) starts before the block
                pad_before = vcol_end(line, c0, ts) - v0 + 1
                c0 += 1
        if reg.to_eol:
            c1 = len(line)
            pad_after = 0
        else:
            c1 = col_of_vcol(line, v1, ts)
            pad_after = 0
            if c1 < len(line):
                e = vcol_end(line, c1, ts)
                if e > v1:
                    if vcol_of(line, c1, ts) <= v1 and line[c1] == "\t":
                        pad_after = v1 - vcol_of(line, c1, ts) + 1
                    c1 = c1
                else:
                    c1 += 1
        c0 = min(c0, len(line))
        c1 = max(min(c1, len(line)), c0)
        out.append((c0, c1, " " * pad_before + line[c0:c1] + " " * pad_after, pad_before, pad_after))
    return out


# -- applying ---------------------------------------------------------------------------------


def set_change_marks(ed: Editor, start: Pos, end: Pos) -> None:
    """Set the '[ and '] marks."""
    ed.marks.set("[", start)
    ed.marks.set("]", end)


def store_register(ed: Editor, reg_name: str | None, text: str, kind: str, op: str, reg: Region | None = None) -> None:
    """Put deleted / yanked text in the registers following Vim's rules."""
    rk = "line" if kind == "line" else "block" if kind == "block" else "char"
    if rk == "char" and not text and not (reg is not None and reg.inclusive_empty and op == "yank"):
        return  # an empty region yanks nothing (op_delete() returns early)
    if rk == "line":
        text += "\n"  # registers take linewise text in getreg() form
    if op == "delete" and reg is not None and reg.use_reg_one and rk == "char" and "\n" not in text:
        if reg_name in (None, '"'):
            from tinymorph_tui.core.registers import Register

            ed.registers.put(None, text, rk, op="delete")
            ed.registers.delete_to_one(Register(text, rk))
            return
    ed.registers.put(reg_name if reg_name not in (None, '"') else None, text, rk, op=op)


def delete_region(ed: Editor, reg: Region, reg_name: str | None, *, for_change: bool = False, yank: bool = True) -> None:
    """The d operator (and the deleting half of c)."""
    doc = ed.doc
    if len(doc) == 0 and (ed.ml_empty or reg.kind == "char"):
        # a buffer emptied by deleting all its lines (Vim's ML_EMPTY): nothing to delete,
        # registers untouched, no undo step
        ed.skip_undo_step = True
        return
    if reg.kind == "block":
        pieces = block_pieces(ed, reg)
        text = "\n".join(p[2] for p in pieces)
        if yank:
            store_register(ed, reg_name, text, "block", "delete", reg)
        for i in range(len(pieces) - 1, -1, -1):
            row = reg.start[0] + i
            c0, c1, _t, pb, pa = pieces[i]
            a = doc.offset_of(row, c0 - (1 if pb else 0))
            b = doc.offset_of(row, c1 + (1 if pa else 0))
            # a tab cut by the block edge leaves the spaces of its outside part
            doc.replace(a, b, " " * (pb + pa))
        line = doc.line(reg.start[0])
        col = col_of_vcol(line, reg.vcols[0], int(ed.options["tabstop"]))
        ed.move_cursor_raw(reg.start[0], col)
        set_change_marks(ed, (reg.start[0], col), (reg.end[0], col))
        return
    if reg.kind == "char" and not reg.is_visual and not for_change and reg.start[0] < reg.end[0]:
        # "d" over lines that starts in the indent and ends at the end of a line -> linewise
        end_line = doc.line(reg.end[0])
        if end_line[reg.end[1] :].strip(" \t") == "" and _inindent(doc.line(reg.start[0]), reg.start[1]):
            reg = Region((reg.start[0], 0), (reg.end[0], 0), "line", use_reg_one=reg.use_reg_one)
    if reg.kind == "line":
        text = region_text(ed, reg)
        if yank:
            store_register(ed, reg_name, text, "line", "delete", reg)
        r0, r1 = reg.start[0], reg.end[0]
        n = doc.line_count
        if for_change:
            # keep one (empty) line: the change inserts there
            a = doc.line_start(r0)
            b = doc.offset_of(r1, len(doc.line(r1)))
            doc.replace(a, b, "")
            ed.move_cursor_raw(r0, 0)
            set_change_marks(ed, (r0, 0), (r0, 0))
            return
        if r1 + 1 < n:
            doc.delete(doc.line_start(r0), doc.line_start(r1 + 1) - doc.line_start(r0))
            row = r0
        elif r0 > 0:
            a = doc.offset_of(r0 - 1, len(doc.line(r0 - 1)))
            doc.delete(a, len(doc) - a)
            row = r0 - 1
        else:
            doc.delete(0, len(doc))
            row = 0
            ed.ml_empty = True
            ed.set_message("--No lines in buffer--")
        if ed.options["startofline"]:
            ed.move_cursor_raw(row, first_nonblank(doc.line(row)))
        else:
            ed.move_cursor_raw(row, ed.col_for_curswant(doc.line(row)))
        set_change_marks(ed, (row, 0), (row, 0))
        ed.marks.set(".", (r0, 0))  # changed_lines() of the first deleted line (may be gone)
        return
    a, b = region_offsets(ed, reg)
    text = doc.slice(a, b)
    if yank:
        store_register(ed, reg_name, text, "char", "delete", reg)
    doc.delete(a, b - a)
    ed.move_cursor_raw(*reg.start)
    set_change_marks(ed, reg.start, reg.start)


def yank_region(ed: Editor, reg: Region, reg_name: str | None) -> None:
    """The y operator; the cursor goes to the start of the region."""
    text = region_text(ed, reg)
    store_register(ed, reg_name, text, reg.kind, "yank", reg)
    if reg.kind == "line":
        end_line = ed.doc.line(reg.end[0])
        set_change_marks(ed, (reg.start[0], 0), (reg.end[0], max(len(end_line) - 1, 0) if end_line else 0))
    elif reg.kind == "block":
        ts = int(ed.options["tabstop"])
        set_change_marks(
            ed,
            (reg.start[0], col_of_vcol(ed.doc.line(reg.start[0]), reg.vcols[0], ts)),
            (reg.end[0], col_of_vcol(ed.doc.line(reg.end[0]), reg.vcols[1], ts)),
        )
    else:
        end = reg.end
        set_change_marks(ed, reg.start, (end[0], max(end[1] - 1, 0)))
    if reg.kind == "block":
        line = ed.doc.line(reg.start[0])
        ed.move_cursor_raw(reg.start[0], col_of_vcol(line, reg.vcols[0], int(ed.options["tabstop"])))
    elif reg.cursor_start is not None:
        ed.move_cursor_raw(*reg.cursor_start)
    elif reg.kind == "line":
        ed.move_cursor_raw(reg.start[0], 0)
    else:
        ed.move_cursor_raw(*reg.start)


def _rot13(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if 97 <= o <= 122:
            out.append(chr((o - 97 + 13) % 26 + 97))
        elif 65 <= o <= 90:
            out.append(chr((o - 65 + 13) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)


def _swapcase(s: str) -> str:
    return "".join(c.lower() if c.isupper() else c.upper() if c.islower() else c for c in s)


def _case_fn(op: str) -> Any:
    def upper(s: str) -> str:
        # Vim maps ß to itself with gU (no "SS" expansion); keep lengths equal.
        return "".join(c.upper() if len(c.upper()) == 1 else c for c in s)

    def lower(s: str) -> str:
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)

    def tilde(s: str) -> str:
        return "".join(
            (c.lower() if c.isupper() else c.upper()) if len(_swapcase(c)) == 1 else c for c in s
        )

    return {"upper": upper, "lower": lower, "tilde": tilde, "rot13": _rot13}[op]


def case_region(ed: Editor, reg: Region, op: str) -> None:
    """g~ gu gU g? on a region; cursor to the start."""
    fn = _case_fn(op)
    doc = ed.doc
    if reg.kind == "block":
        pieces = block_pieces(ed, reg)
        for i, (c0, c1, _t, _pb, _pa) in enumerate(pieces):
            row = reg.start[0] + i
            a, b = doc.offset_of(row, c0), doc.offset_of(row, c1)
            old = doc.slice(a, b)
            new = fn(old)
            if new != old:
                doc.replace(a, b, new)
        line = doc.line(reg.start[0])
        ed.move_cursor_raw(reg.start[0], col_of_vcol(line, reg.vcols[0], int(ed.options["tabstop"])))
        return
    if reg.kind == "char" and reg.start == reg.end:
        # Vim's op_tilde() on an empty region: dec(end) then swap through it.
        r, c = reg.start
        if c == 0:
            line = doc.line(r)
            cnt = len(line) if r > 0 else min(1, len(line))
            a = doc.offset_of(r, 0)
            old = doc.slice(a, a + cnt)
            new = fn(old)
            if new != old:
                doc.replace(a, a + cnt, new)
        ed.move_cursor_raw(r, c)
        return
    a, b = region_offsets(ed, reg)
    old = doc.slice(a, b)
    new = fn(old)
    if new != old:
        doc.replace(a, b, new)
    if reg.kind == "line":
        end_line = doc.line(reg.end[0])
        set_change_marks(ed, (reg.start[0], 0), (reg.end[0], max(len(end_line) - 1, 0)))
        if reg.cursor_start is not None:
            ed.move_cursor_raw(*reg.cursor_start)
        else:
            ed.move_cursor_raw(reg.start[0], 0)
    else:
        set_change_marks(ed, reg.start, (reg.end[0], max(reg.end[1] - 1, 0)))
        ed.move_cursor_raw(*reg.start)


def shift_lines(ed: Editor, r0: int, r1: int, amount: int, *, block_vcol: int | None = None) -> None:
    """Shift lines r0..r1 by `amount` shiftwidths (negative: left), as Vim's shift_line()."""
    doc = ed.doc
    sw = ed.options.effective_shiftwidth
    ts = int(ed.options["tabstop"])
    et = bool(ed.options["expandtab"])
    sr = bool(ed.options["shiftround"])
    for row in range(r0, r1 + 1):
        line = doc.line(row)
        if not line:
            continue  # Vim leaves empty lines alone
        if block_vcol is not None:
            _shift_block_line(ed, row, amount, block_vcol)
            continue
        ind = indent_of(line)
        w = indent_width(line, ts)
        if sr:
            if amount > 0:
                w = (w // sw + amount) * sw
            else:
                q = w // sw
                if w % sw:
                    q += 1
                w = max((q + amount) * sw, 0)
        else:
            w = max(w + amount * sw, 0)
        new = make_indent(w, ts, et)
        if new != ind:
            a = doc.line_start(row)
            doc.replace(a, a + len(ind), new)


def _shift_block_line(ed: Editor, row: int, amount: int, vcol: int) -> None:
    doc = ed.doc
    sw = ed.options.effective_shiftwidth
    ts = int(ed.options["tabstop"])
    line = doc.line(row)
    c = col_of_vcol(line, vcol, ts)
    if c >= len(line) and (amount < 0 or vcol_of(line, len(line), ts) != vcol):
        return  # the block starts past the end of this line
    if amount > 0:
        # insert shiftwidth*amount spaces of white at the block start (merging white space)
        j = c
        while j > 0 and line[j - 1] in " \t" and vcol_of(line, j - 1, ts) >= vcol:
            j -= 1
        k = c
        while k < len(line) and line[k] in " \t":
            k += 1
        start_v = vcol_of(line, c, ts)
        end_v = vcol_of(line, k, ts) + amount * sw
        # keep the text before the block as is; rebuild white between c and k
        prefix_v = start_v
        fill = " " * (end_v - prefix_v) if ed.options["expandtab"] else _fill(prefix_v, end_v, ts)
        a = doc.offset_of(row, c)
        b = doc.offset_of(row, k)
        doc.replace(a, b, fill)
    else:
        k = c
        while k < len(line) and line[k] in " \t":
            k += 1
        total = vcol_of(line, k, ts) - vcol_of(line, c, ts)
        remove = min(total, -amount * sw)
        keep = total - remove
        a = doc.offset_of(row, c)
        b = doc.offset_of(row, k)
        doc.replace(a, b, " " * keep)


def _fill(v0: int, v1: int, ts: int) -> str:
    out = []
    v = v0
    while v < v1:
        nxt = (v // ts + 1) * ts
        if nxt <= v1 and nxt - v > 1:
            out.append("\t")
            v = nxt
        elif nxt <= v1:
            out.append(" ")
            v += 1
        else:
            out.append(" ")
            v += 1
    return "".join(out)


def join_lines(ed: Editor, row: int, count: int, insert_space: bool, *, set_marks: bool = True) -> bool:
    """Vim's do_join(): join `count` lines starting at `row` (count >= 2)."""
    doc = ed.doc
    n = doc.line_count
    if row + count - 1 >= n:
        count = n - row
    if count < 2:
        return False
    cur = doc.line(row)
    pieces = join_pieces(
        [doc.line(row + t) for t in range(count)], insert_space, bool(ed.options["joinspaces"])
    )
    new = "".join(pieces)
    a = doc.line_start(row)
    end_row = row + count - 1
    b = doc.offset_of(end_row, len(doc.line(end_row)))
    doc.replace(a, b, new)
    ed.marks.set(".", (row + 1, 0))  # Vim: where the joined lines were deleted
    # Vim puts the cursor where the last line was joined (on the inserted space).
    last_piece = pieces[-1]
    col = len(new) - len(last_piece)
    ed.move_cursor_raw(row, col)
    if set_marks:
        # Vim: '[ at the end of the original first line, '] at the end of the result
        set_change_marks(ed, (row, len(cur)), (row, max(len(new) - 1, 0)))
    return True


def reindent_lines(ed: Editor, r0: int, r1: int) -> None:
    """The = operator.  Vim uses C-indenting when 'indentexpr' is empty; for prose that
    keeps the indent of the previous non-blank line, plus one 'shiftwidth' after a line
    ending in "{" and minus one for a line starting with "}".  Blank lines are emptied.
    """
    doc = ed.doc
    ts = int(ed.options["tabstop"])
    et = bool(ed.options["expandtab"])
    sw = ed.options.effective_shiftwidth
    prev: str | None = None
    for row in range(r0 - 1, max(-1, r0 - 2000), -1):
        if doc.line(row).strip(" \t"):
            prev = doc.line(row)
            break
    for row in range(r0, r1 + 1):
        line = doc.line(row)
        stripped = line.strip(" \t")
        if not stripped:
            if line:
                a = doc.line_start(row)
                doc.replace(a, a + len(line), "")
            continue
        width = 0
        if prev is not None:
            width = indent_width(prev, ts)
            if prev.rstrip(" \t").endswith("{"):
                width += sw
        if stripped.startswith("}"):
            width -= sw
        ind = indent_of(line)
        new = make_indent(max(width, 0), ts, et)
        if new != ind:
            a = doc.line_start(row)
            doc.replace(a, a + len(ind), new)
        prev = doc.line(row)
