"""Visual mode (v, V, <C-v>): starting, switching, o / O, gv, block I / A, r, p, and the
bookkeeping Vim does on leaving it (the '< '> marks, gv's memory, `.` repeat sizes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.motions import MAXCOL, Ctx
from tinymorph_tui.core.textutil import col_of_vcol, display_width, vcol_end, vcol_of

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

_MODES = {"v": "visual", "V": "visual_line", "<C-v>": "visual_block"}


def block_vcols(ed: Editor) -> tuple[int, int, bool]:
    """(left, right, to_eol) screen columns of the block selection, right inclusive.

    After `$` (to_eol) Vim's Visual cursor stands past the end of its line, on the EOL,
    and the left edge counts from there (a block started right of a shorter line's end)."""
    ts = int(ed.options["tabstop"])
    a = ed.visual_start
    b = ed.cursor_raw
    la, lb = ed.doc.line(a[0]), ed.doc.line(b[0])
    to_eol = ed.curswant_vcol() >= MAXCOL
    vb = display_width(lb, ts) if to_eol else vcol_of(lb, b[1], ts)
    v0 = min(vcol_of(la, a[1], ts), vb)
    v1 = max(vcol_end(la, a[1], ts), vcol_end(lb, b[1], ts))
    return v0, v1, to_eol


def block_cols(ed: Editor) -> tuple[int, int]:
    """Column range (chars, on the cursor line) of a block selection, for the UI."""
    ts = int(ed.options["tabstop"])
    v0, v1, to_eol = block_vcols(ed)
    if to_eol:
        v1 = MAXCOL
    line = ed.doc.line(ed.cursor_raw[0])
    return col_of_vcol(line, v0, ts), min(col_of_vcol(line, v1, ts), max(len(line) - 1, 0))


def start_visual(ed: Editor, mode: str, count: int | None = None) -> None:
    """Enter a visual mode at the cursor."""
    ed.visual_start = ed.cursor_raw
    ed.mode = mode
    if count and count > 1 and mode == "visual":
        r, c = ed.cursor_raw
        line = ed.doc.line(r)
        ed.move_cursor_raw(r, min(c + count - 1, max(len(line) - 1, 0)))
    elif count and count > 1 and mode == "visual_line":
        r, c = ed.cursor_raw
        ed.move_cursor_raw(min(r + count - 1, ed.doc.line_count - 1), c)
    ed.update_curswant() if mode != "visual_block" else None


def end_visual(ed: Editor) -> None:
    """Leave visual mode, remembering the area for gv and the '< '> marks."""
    if not ed.mode.startswith("visual"):
        return
    ed.last_visual = (ed.mode, ed.visual_start, ed.cursor_raw, ed.curswant_vcol())
    ed.block_override = None
    ed.mode = "normal"
    ed.clamp_cursor()


def visual_info(ed: Editor) -> tuple[str, int, int, bool]:
    """(mode, lines, columns or end column, to_eol) of the selection, for `.` repeat."""
    a, b = ed.visual_start, ed.cursor_raw
    lo, hi = (a, b) if a <= b else (b, a)
    nlines = hi[0] - lo[0] + 1
    if ed.mode == "visual_block":
        ts = int(ed.options["tabstop"])
        la, lb = ed.doc.line(a[0]), ed.doc.line(b[0])
        v0 = min(vcol_of(la, a[1], ts), vcol_of(lb, b[1], ts))
        v1 = max(vcol_end(la, a[1], ts), vcol_end(lb, b[1], ts))
        return (ed.mode, nlines, v1 - v0 + 1, ed.curswant_vcol() >= MAXCOL)
    if ed.mode == "visual" and nlines == 1:
        return (ed.mode, 1, hi[1] - lo[1] + 1, False)
    return (ed.mode, nlines, hi[1], False)


def reselect_for_repeat(ed: Editor, info: tuple[str, int, int, bool], count: int | None) -> None:
    """Select the same amount of text from the cursor as the repeated visual operation."""
    mode, nlines, cols, to_eol = info
    r, c = ed.cursor_raw
    n = ed.doc.line_count
    r1 = min(r + nlines - 1, n - 1)
    ed.visual_start = (r, c)
    ed.mode = mode
    if mode == "visual_line":
        ed.move_cursor_raw(r1, c)
    elif mode == "visual_block":
        ts = int(ed.options["tabstop"])
        line = ed.doc.line(r1)
        v0 = vcol_of(ed.doc.line(r), c, ts)
        v = v0 + cols - 1
        ed.move_cursor_raw(r1, col_of_vcol(line, v, ts))
        # the block keeps its width even where the lines are shorter
        ed.block_override = (v0, v)
        if to_eol:
            ed.set_curswant(MAXCOL)
    elif nlines == 1:
        line = ed.doc.line(r)
        ed.move_cursor_raw(r, min(c + cols - 1, max(len(line) - 1, 0)))
    else:
        line = ed.doc.line(r1)
        ed.move_cursor_raw(r1, min(cols, max(len(line) - 1, 0)))


# -- commands -----------------------------------------------------------------------------


def _toggle(ctx: Ctx, mode: str) -> Any:
    ed = ctx.ed
    if ed.mode == mode:
        end_visual(ed)
        return True
    if ed.mode.startswith("visual"):
        ed.mode = mode
        return True
    start_visual(ed, mode, ctx.count)
    return True


def v_char(ctx: Ctx) -> Any:
    """Start (or leave, or switch to) characterwise visual mode (v)."""
    return _toggle(ctx, "visual")


def v_line(ctx: Ctx) -> Any:
    """Start (or leave, or switch to) linewise visual mode (V)."""
    return _toggle(ctx, "visual_line")


def v_block(ctx: Ctx) -> Any:
    """Start (or leave, or switch to) blockwise visual mode (<C-v>)."""
    return _toggle(ctx, "visual_block")


def v_escape(ctx: Ctx) -> Any:
    """Leave visual mode (<Esc>)."""
    end_visual(ctx.ed)
    return True


def v_reselect(ctx: Ctx) -> Any:
    """Start visual mode with the previous area (gv); in visual mode swap with it."""
    ed = ctx.ed
    lv = ed.last_visual
    if lv is None:
        return False
    cur = (ed.mode, ed.visual_start, ed.cursor_raw, ed.curswant_vcol()) if ed.mode.startswith("visual") else None
    mode, a, b, want = lv
    n = ed.doc.line_count
    a = (min(a[0], n - 1), a[1])
    b = (min(b[0], n - 1), b[1])
    ed.visual_start = a
    ed.mode = mode
    ed.move_cursor_raw(*b)
    ed.clamp_cursor()
    ed.set_curswant(want)
    if cur is not None:
        ed.last_visual = cur
    return True


def v_other_end(ctx: Ctx) -> Any:
    """Go to the other end of the selection (o)."""
    ed = ctx.ed
    a = ed.visual_start
    ed.visual_start = ed.cursor_raw
    ed.move_cursor_raw(*a)
    ed.update_curswant()
    return True


def v_other_corner(ctx: Ctx) -> Any:
    """In block mode go to the other corner of the same line (O); else like o."""
    ed = ctx.ed
    if ed.mode != "visual_block":
        return v_other_end(ctx)
    ts = int(ed.options["tabstop"])
    (ar, ac), (br, bc) = ed.visual_start, ed.cursor_raw
    la, lb = ed.doc.line(ar), ed.doc.line(br)
    va, vb = vcol_of(la, ac, ts), vcol_of(lb, bc, ts)
    ed.visual_start = (ar, col_of_vcol(la, vb, ts))
    ed.move_cursor_raw(br, col_of_vcol(lb, va, ts))
    ed.update_curswant()
    return True


def _block_insert(ctx: Ctx, append: bool) -> Any:
    from tinymorph_tui.core import insert

    ed = ctx.ed
    if ed.mode != "visual_block":
        from tinymorph_tui.core.normal_cmds import run_alias

        # In char/line visual mode I / A insert at the start / end of the area.
        a, b = ed.visual_start, ed.cursor_raw
        lo, hi = (a, b) if a <= b else (b, a)
        mode = ed.mode
        # v_visop(): I and A in char / line visual mode work linewise (op_insert())
        from tinymorph_tui.core.operators import line_visual_end, line_visual_start

        del mode, lo, hi
        if append:
            er, ec = line_visual_end(ed)
            line = ed.doc.line(er)
            if (ed.visual_start[0], 0) < ed.cursor_raw and line:
                ec = min(ec + 1, len(line))
            pos = (er, ec)
        else:
            pos = line_visual_start(ed)
        end_visual(ed)
        ed.move_cursor_raw(*pos)
        ed.begin_change()
        ed.mode = "insert"
        insert.start(ed, "A" if append else "I")
        del run_alias
        return True
    ts = int(ed.options["tabstop"])
    a, b = ed.visual_start, ed.cursor_raw
    v0, v1, to_eol = block_vcols(ed)
    r0, r1 = min(a[0], b[0]), max(a[0], b[0])
    end_visual(ed)
    line = ed.doc.line(r0)
    if append:
        vcol = v1 + 1
        if to_eol:
            col = len(line)
        else:
            w = display_width(line, ts)
            if w < vcol:
                ed.doc.insert(ed.doc.offset_of(r0, len(line)), " " * (vcol - w))
                line = ed.doc.line(r0)
            col = col_of_vcol(line, vcol, ts)
    else:
        vcol = v0
        col = col_of_vcol(line, v0, ts)
    ed.move_cursor_raw(r0, col)
    ed.mode = "insert"
    insert.start(ed, "A" if append else "I")
    ed.insert.block = (r0, r1, vcol, append, to_eol, v0)
    return True


def v_insert(ctx: Ctx) -> Any:
    """Block mode: insert the same text before the block on every line (I)."""
    return _block_insert(ctx, False)


def v_append(ctx: Ctx) -> Any:
    """Block mode: append the same text after the block on every line (A)."""
    return _block_insert(ctx, True)


def v_replace(ctx: Ctx) -> Any:
    """Replace every selected character with {char} (r)."""
    from tinymorph_tui.core import operators as ops

    ed = ctx.ed
    ch = ctx.arg
    if not ch:
        return False
    reg = ops.visual_region(ed)
    end_visual(ed)
    if reg.cursor_start is not None:
        ed.move_cursor_raw(*reg.cursor_start)  # the change starts at the selection start
    doc = ed.doc
    if ch in ("\r", "\n"):
        ch = "\n"
    if reg.kind == "block":
        pieces = ops.block_pieces(ed, reg)
        for i, (c0, c1, _t, _pb, _pa) in enumerate(pieces):
            row = reg.start[0] + i
            a, b = doc.offset_of(row, c0), doc.offset_of(row, c1)
            if b > a:
                doc.replace(a, b, ch * (b - a))
        ed.move_cursor_raw(reg.start[0], col_of_vcol(doc.line(reg.start[0]), reg.vcols[0], int(ed.options["tabstop"])))
        return True
    a, b = ops.region_offsets(ed, reg)
    old = doc.slice(a, b)
    if reg.kind == "line" and old.endswith("\n"):
        old = old[:-1]
        b -= 1
    new = "".join(c if c == "\n" else ch for c in old)
    doc.replace(a, b, new)
    ed.move_cursor_raw(reg.start[0], reg.start[1] if reg.kind == "char" else 0)
    return True


def _lines_op(ctx: Ctx, op: str, to_eol: bool = False, block_keeps: bool = False) -> Any:
    from tinymorph_tui.core import execute
    from tinymorph_tui.core import operators as ops

    ed = ctx.ed
    if block_keeps and ed.mode == "visual_block":
        # X and Y in block mode work on the block itself
        reg = ops.visual_region(ed)
        end_visual(ed)
        execute.apply(ed, op, reg, Ctx(ed, ctx.count, reg=ctx.reg), None)
        return True
    block_to_eol = ed.mode == "visual_block" and to_eol
    if block_to_eol:
        ed.set_curswant(MAXCOL)
        reg = ops.visual_region(ed)
        reg.to_eol = True
    else:
        a, b = ed.visual_start, ed.cursor_raw
        lo, hi = (a, b) if a <= b else (b, a)
        reg = ops.Region((lo[0], 0), (hi[0], 0), "line", is_visual=True, cursor_start=ops.line_visual_start(ed))
    end_visual(ed)
    execute.apply(ed, op, reg, Ctx(ed, ctx.count, reg=ctx.reg), None)
    return True


def v_delete_lines(ctx: Ctx) -> Any:
    """Delete the selected lines (X)."""
    return _lines_op(ctx, "delete", block_keeps=True)


def v_delete_to_eol(ctx: Ctx) -> Any:
    """Delete the selected lines; in block mode delete to the end of each line (D)."""
    return _lines_op(ctx, "delete", True)


def v_change_to_eol(ctx: Ctx) -> Any:
    """Change the selected lines; in block mode change to the end of each line (C)."""
    return _lines_op(ctx, "change", True)


def v_yank_lines(ctx: Ctx) -> Any:
    """Yank the selected lines (Y)."""
    return _lines_op(ctx, "yank", block_keeps=True)


def v_change_lines(ctx: Ctx) -> Any:
    """Change the selected lines (S, R)."""
    return _lines_op(ctx, "change")


def v_put(ctx: Ctx, keep_register: bool = False) -> Any:
    """Replace the selection with the register contents (p; P keeps the register)."""
    from tinymorph_tui.core import operators as ops
    from tinymorph_tui.core.normal_cmds import put

    ed = ctx.ed
    name = ctx.reg or '"'
    entry = ed.registers.get_entry(name)
    if entry is None:
        reg = ops.visual_region(ed)
        end_visual(ed)
        ops.delete_region(ed, reg, None, yank=not keep_register)
        ed.clamp_cursor()
        ed.set_error(f"E353: Nothing in register {name}")
        return False
    reg = ops.visual_region(ed)
    mode = ed.mode
    end_visual(ed)
    if reg.cursor_start is not None:
        ed.move_cursor_raw(*reg.cursor_start)
    # delete the selection (into the unnamed register unless P)
    ops.delete_region(ed, reg, None, yank=not keep_register)
    from tinymorph_tui.core.registers import Register

    saved = Register(entry.text, entry.kind)
    tmp = "\x00"
    ed.registers._regs[tmp] = saved
    r, c = ed.cursor_raw
    line = ed.doc.line(r)
    if saved.kind == "line":
        if mode == "visual_line":
            # the deleted lines are replaced: put above the line now under the cursor
            if reg.start[0] >= ed.doc.line_count or (reg.start[0] > r):
                ok = put(ed, tmp, ctx.count1, True)
            else:
                ok = put(ed, tmp, ctx.count1, False)
        else:
            # split the line at the cursor and put the lines in between
            doc = ed.doc
            off = doc.offset_of(r, c)
            doc.insert(off, "\n")
            ed.move_cursor_raw(r, 0)
            ok = put(ed, tmp, ctx.count1, True)
    else:
        if mode == "visual_line":
            doc = ed.doc
            if reg.start[0] <= r and ed.doc.line_count > 0 and not (reg.start[0] > r):
                doc.insert(doc.line_start(r), "\n")
                ed.move_cursor_raw(r, 0)
            else:
                doc.insert(len(doc), "\n")
                ed.move_cursor_raw(doc.line_count - 1, 0)
            ok = put(ed, tmp, ctx.count1, False)
        else:
            after = c < reg.start[1] or (len(line) > 0 and c == len(line) - 1 and reg.start[1] > c)
            if len(line) == 0:
                after = False
            ok = put(ed, tmp, ctx.count1, after)
    del ed.registers._regs[tmp]
    return ok


def v_put_keep(ctx: Ctx) -> Any:
    """Replace the selection with the register, keeping the register (P)."""
    return v_put(ctx, keep_register=True)


def v_increment(ctx: Ctx, sign: int, progressive: bool) -> Any:
    """<C-a>/<C-x> on each selected line (g<C-a>: progressive)."""
    from tinymorph_tui.core.numbers import increment

    ed = ctx.ed
    a, b = ed.visual_start, ed.cursor_raw
    lo, hi = (a, b) if a <= b else (b, a)
    mode = ed.mode
    end_visual(ed)
    step = ctx.count1
    k = 0
    for row in range(lo[0], hi[0] + 1):
        col = 0 if mode == "visual_line" else (lo[1] if mode == "visual" and row == lo[0] else 0)
        if mode == "visual_block":
            col = min(a[1], b[1])
        line = ed.doc.line(row)
        if not line:
            continue
        k += 1
        amount = step * (k if progressive else 1) * sign
        res = increment(ed, row, col, amount)
        if res is None:
            k -= 1
    ed.move_cursor_raw(lo[0], lo[1] if mode != "visual_line" else 0)
    return True


VISUAL_ACTIONS: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "visual-char": (v_char, "", {}),
    "visual-line": (v_line, "", {}),
    "visual-block": (v_block, "", {}),
    "visual-escape": (v_escape, "", {}),
    "visual-reselect": (v_reselect, "", {}),
    "visual-other-end": (v_other_end, "", {}),
    "visual-other-corner": (v_other_corner, "", {}),
    "visual-block-insert": (v_insert, "", {"change": True}),
    "visual-block-append": (v_append, "", {"change": True}),
    "visual-replace-char": (v_replace, "", {"change": True, "arg": "char"}),
    "visual-delete-lines": (v_delete_lines, "", {"change": True}),
    "visual-yank-lines": (v_yank_lines, "", {}),
    "visual-delete-to-eol": (v_delete_to_eol, "", {"change": True}),
    "visual-change-to-eol": (v_change_to_eol, "", {"change": True}),
    "visual-change-lines": (v_change_lines, "", {"change": True}),
    "visual-put": (v_put, "", {"change": True}),
    "visual-put-keep": (v_put_keep, "", {"change": True}),
}


def _vinc(sign: int, prog: bool) -> Any:
    def fn(ctx: Ctx) -> Any:
        return v_increment(ctx, sign, prog)

    fn.__doc__ = (
        f"{'Add' if sign > 0 else 'Subtract'} [count] {'progressively ' if prog else ''}"
        f"to the numbers in the selection ({'g' if prog else ''}<C-{'a' if sign > 0 else 'x'}>)."
    )
    return fn


VISUAL_ACTIONS["visual-increment"] = (_vinc(1, False), "", {"change": True})
VISUAL_ACTIONS["visual-decrement"] = (_vinc(-1, False), "", {"change": True})
VISUAL_ACTIONS["visual-increment-progressive"] = (_vinc(1, True), "", {"change": True})
VISUAL_ACTIONS["visual-decrement-progressive"] = (_vinc(-1, True), "", {"change": True})
