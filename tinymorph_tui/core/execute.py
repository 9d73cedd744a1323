"""Running parsed normal / visual mode commands: motions, operators, actions.

Also where `.` records are made: a command that changes text (an operator other than y, or
an action marked as a change) starts a DotRecord; if it enters insert mode, the keys typed
there are added until <Esc> (see insert.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymorph_tui.core import operators as ops
from tinymorph_tui.core.motions import Ctx
from tinymorph_tui.core.text_objects import TextObject

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor, Parsed


def run(ed: Editor, p: Parsed) -> None:
    """Execute one parsed command."""
    cmd = p.cmd
    visual = ed.mode.startswith("visual")
    if cmd.kind == "motion":
        ctx = Ctx(ed, p.count, arg=p.arg, reg=p.reg, keys=p.cmd_keys)
        if ed.mode.startswith("visual"):
            ctx.extra = "visual"
        m = cmd.fn(ctx)
        if m is None:
            ed.beep()
            ed.scroll_to_cursor()
            return
        ed.apply_motion(m)
        ed.scroll_to_cursor()
        return
    if cmd.kind == "textobject":
        if not visual:
            ed.beep()
            return
        res = cmd.fn(Ctx(ed, p.count, reg=p.reg))
        if not res:
            ed.beep()
        ed.scroll_to_cursor()
        return
    if cmd.kind == "operator":
        op = ops.OPERATORS.get(cmd.id, cmd.id)
        prompt = p.motion is not None and p.motion.id in ("search-forward-prompt", "search-backward-prompt")
        if op == "yank" or ed._replaying or prompt:
            _run_operator(ed, p, op, visual)
            return
        _start_dot(ed, p, visual)
        ed.begin_change()
        try:
            _run_operator(ed, p, op, visual)
        finally:
            _after_change(ed)
        return
    # actions
    data = cmd.data or {}
    if not cmd.internal:
        res = cmd.fn(ed, p.count)
        if res is False:
            fallback = ed.keymap.shadowed.get(("visual" if visual else "normal", p.cmd_keys))
            if fallback and fallback in ed.commands:
                p.cmd = ed.commands[fallback]
                run(ed, p)
        ed.clamp_cursor()
        return
    ctx = Ctx(ed, p.count, arg=p.arg, reg=p.reg, keys=p.cmd_keys)
    res = None
    if data.get("change"):
        if not ed._replaying:
            _start_dot(ed, p, visual)
        ed.begin_change()
        start_pos = ed.cursor_raw
        try:
            res = cmd.fn(ctx)
            if res is False:
                ed.beep()
                if not cmd.id.startswith("put-"):
                    # Vim records p for "." before putting (prep_redo), others after
                    _abort_dot(ed)
            elif ed.mode not in ("insert", "replace", "command") and not data.get("alias"):
                ensure_undo_step(ed, start_pos)
        finally:
            _after_change(ed)
    else:
        res = cmd.fn(ctx)
        if res is False:
            ed.beep()
    if ed.mode not in ("insert", "replace", "command"):
        ed.clamp_cursor()
        if not data.get("keep_curswant") and res is not False:
            # most commands set the wanted column to where the cursor ends up
            ed.update_curswant()
    ed.scroll_to_cursor()


def _start_dot(ed: Editor, p: Parsed, visual: bool) -> None:
    from tinymorph_tui.core.editor import DotRecord

    if ed._replaying:
        return
    vinfo = None
    if visual:
        from tinymorph_tui.core.visual import visual_info

        vinfo = visual_info(ed)
    ed._dot_building = DotRecord(p.body(), p.total_count, p.reg, vinfo)


def _after_change(ed: Editor) -> None:
    """Close the undo group and the `.` record unless insert mode continues the change."""
    if ed.mode in ("insert", "replace"):
        return
    ed.end_change()
    finish_dot(ed)


def _abort_dot(ed: Editor) -> None:
    """The operator failed: `.` keeps repeating the previous change."""
    if not ed._replaying:
        ed._dot_building = None


def finish_dot(ed: Editor) -> None:
    """The change is complete: it becomes what `.` repeats."""
    if ed._dot_building is not None and not ed._replaying:
        ed.dot = ed._dot_building
    ed._dot_building = None


def _run_operator(ed: Editor, p: Parsed, op: str, visual: bool) -> None:
    count = p.total_count
    if visual:
        from tinymorph_tui.core.visual import end_visual

        reg = ops.visual_region(ed)
        end_visual(ed)
        if reg.inclusive_empty and op == "yank":
            ops.yank_region(ed, reg, p.reg)
            ed.clamp_cursor()
            return
        apply(ed, op, reg, Ctx(ed, p.count, reg=p.reg, keys=p.cmd_keys), p)
        return
    start = ed.cursor_raw
    if p.line_op:
        r = start[0]
        n = count or 1
        last = ed.doc.line_count - 1
        if n > 1 and r >= last:
            ed.beep()
            _abort_dot(ed)
            return
        r1 = min(r + n - 1, last)
        # nv_lineop(): the cursor goes to the first non-blank (not for y)
        cs = start
        if op != "yank" and n == 1:
            cs = (r, ed.first_nonblank_col(r)) if (op not in ("delete", "shift-left", "shift-right") or ed.options["startofline"]) else start
        region = ops.Region((r, 0), (r1, 0), "line", origin=start, cursor_start=cs, line_op=True)
        if p.force == "v":
            line = ed.doc.line(r1)
            region = ops.Region((r, start[1]), (r1, len(line)), "char", origin=start)
        apply(ed, op, region, Ctx(ed, count, reg=p.reg, op=op, keys=p.cmd_keys), p)
        return
    assert p.motion is not None
    if p.motion.id in ("search-forward-prompt", "search-backward-prompt"):
        from tinymorph_tui.core import cmdline

        cmdline.enter(ed, "/" if p.motion.id == "search-forward-prompt" else "?", "", parsed=p)
        return
    mctx = Ctx(ed, count, arg=p.motion_arg, op=op, reg=p.reg, keys=p.motion_keys)
    if p.motion.kind == "textobject":
        t = p.motion.fn(mctx)
        if not isinstance(t, TextObject):
            ed.beep()
            _abort_dot(ed)
            return
        region = ops.from_textobject(ed, t)
        if region.inclusive_empty and op == "yank":
            ops.yank_region(ed, region, p.reg)  # yanks "" (an inclusive end on the NUL)
            ed.clamp_cursor()
            return
        if p.force == "V":
            region = ops.Region((region.start[0], 0), (region.end[0], 0), "line", origin=start)
    else:
        m = p.motion.fn(mctx)
        if m is None:
            ed.beep()
            _abort_dot(ed)
            return
        if p.motion.id in ("search-forward-prompt", "search-backward-prompt"):
            return
        if m.jump:
            ed.marks.set("'", start)
        region = ops.from_motion(ed, start, m, p.force, op)
        if region is None:
            ed.beep()
            return
        if region.inclusive_empty and op == "yank":
            ops.yank_region(ed, region, p.reg)
            ed.clamp_cursor()
            return
        if region.kind == "char" and region.start == region.end and op in ("delete", "yank"):
            # an empty region (cpoptions without "E"): nothing happens, no error; a delete
            # still saves the line for undo (op_delete() -> u_save_cursor())
            ed.move_cursor_raw(*region.start)
            if op == "delete":
                from tinymorph_tui.core.normal_cmds import _empty_undo_step

                _empty_undo_step(ed, region.start[0])
            ed.clamp_cursor()
            return
    apply(ed, op, region, Ctx(ed, count, reg=p.reg, op=op, keys=p.cmd_keys), p)


def apply(ed: Editor, op: str, region: ops.Region, ctx: Ctx, p: Parsed | None = None) -> None:
    """Run operator `op` on `region` (an undo step even when nothing changes, as in Vim)."""
    _apply(ed, op, region, ctx, p)
    if op not in ("yank", "filter") and ed.mode not in ("insert", "replace", "command"):
        ensure_undo_step(ed, ed._op_start_cursor)


def ensure_undo_step(ed: Editor, pos: tuple[int, int] | None) -> None:
    """Vim saves the lines before changing them, so a change that alters nothing is still
    an undo step (with the cursor it started at)."""
    box = ed._undo_box
    if ed.skip_undo_step:
        ed.skip_undo_step = False
        return
    if ed._group_depth == 0 or box is None or box.filled:
        return
    from tinymorph_tui.core.normal_cmds import _empty_undo_step

    here = ed.cursor_raw
    if pos is not None:
        ed.move_cursor_raw(*pos)
    _empty_undo_step(ed, ed.cursor_raw[0])
    ed.move_cursor_raw(*here)


def _apply(ed: Editor, op: str, region: ops.Region, ctx: Ctx, p: Parsed | None = None) -> None:
    reg_name = ctx.reg
    if region.visual_rows is not None and op in (
        "shift-right", "shift-left", "reindent", "format", "format-keep", "join", "join-nospace"
    ):
        # line-based operators work on the selected rows (not on a trailing line break)
        r0, r1 = region.visual_rows
        region = ops.Region((r0, 0), (r1, 0), region.kind if region.kind == "block" else "line",
                            vcols=region.vcols, is_visual=True, origin=region.origin,
                            cursor_start=region.cursor_start)
    # do_pending_operator(): the cursor is at the start of the region when the operator
    # runs (that is also what undo restores)
    if op in ("format", "format-keep"):
        pass  # op_format() saves for undo with the cursor where the command was typed
    elif region.kind == "char":
        ed.move_cursor_raw(*region.start)
    elif region.cursor_start is not None and region.kind == "line":
        ed.move_cursor_raw(*region.cursor_start)
    elif region.kind == "block":
        from tinymorph_tui.core.textutil import col_of_vcol

        r0 = region.start[0]
        ed.move_cursor_raw(r0, col_of_vcol(ed.doc.line(r0), region.vcols[0], int(ed.options["tabstop"])))
    ed._op_start_cursor = ed.cursor_raw
    if op == "delete":
        ops.delete_region(ed, region, reg_name)
        ed.set_mode("normal") if ed.mode != "normal" else None
        ed.clamp_cursor()
        ed.update_curswant()
    elif op == "yank":
        ops.yank_region(ed, region, reg_name)
        ed.clamp_cursor()
        ed.update_curswant()
    elif op == "change":
        from tinymorph_tui.core import insert

        insert.change(ed, region, reg_name)
    elif op in ("lower", "upper", "tilde", "rot13"):
        ops.case_region(ed, region, op)
        ed.clamp_cursor()
        ed.update_curswant()
    elif op in ("shift-right", "shift-left"):
        amount = 1 if op == "shift-right" else -1
        if region.is_visual and ctx.count:
            amount *= ctx.count
        r0, r1 = region.start[0], region.end[0]
        if region.kind == "block":
            ops.shift_lines(ed, r0, r1, amount, block_vcol=region.vcols[0])
            from tinymorph_tui.core.textutil import col_of_vcol

            ed.move_cursor_raw(r0, col_of_vcol(ed.doc.line(r0), region.vcols[0], int(ed.options["tabstop"])))
        else:
            ops.shift_lines(ed, r0, r1, amount)
            if ed.options["startofline"]:
                ed.move_cursor_raw(r0, ed.first_nonblank_col(r0))
            else:
                ed.move_cursor_raw(r0, ed.col_for_curswant(ed.doc.line(r0)))
        mark_start = region.cursor_start if region.cursor_start is not None else (r0, 0)
        ops.set_change_marks(ed, mark_start, (r1, max(len(ed.doc.line(r1)) - 1, 0)))
        n = r1 - r0 + 1
        if n > 2:
            ed.set_message(f"{n} lines {'>' if amount > 0 else '<'}ed {abs(amount)} time{'s' if abs(amount) > 1 else ''}")
        ed.clamp_cursor()
        ed.update_curswant()
    elif op == "reindent":
        r0, r1 = region.start[0], region.end[0]
        ops.reindent_lines(ed, r0, r1)
        ed.move_cursor_raw(r0, ed.first_nonblank_col(r0))
        n = r1 - r0 + 1
        if n > 2:
            ed.set_message(f"{n} lines indented ")
        ed.clamp_cursor()
        ed.update_curswant()
    elif op in ("format", "format-keep"):
        from tinymorph_tui.core.format import format_lines

        origin = region.origin if not region.is_visual else ed.cursor_raw
        r0, r1 = region.start[0], region.end[0]
        from tinymorph_tui.core.format import keep_position, position_key

        key = position_key(ed, r0, r1, origin)
        last = format_lines(ed, r0, r1)
        if op == "format-keep":
            ed.move_cursor_raw(*keep_position(ed, r0, last, key, origin))
        else:
            row = last
            if region.end_adjusted and row + 1 < ed.doc.line_count:
                row += 1
            ed.move_cursor_raw(row, ed.first_nonblank_col(row))
        ed.clamp_cursor()
        ed.update_curswant()
    elif op in ("join", "join-nospace"):
        r0, r1 = region.start[0], region.end[0]
        n = max(r1 - r0 + 1, 2)
        if not ops.join_lines(ed, r0, n, op == "join"):
            ed.move_cursor_raw(*(region.cursor_start or region.start))
            ed.beep()
        ed.clamp_cursor()
        ed.update_curswant()
    elif op == "filter":
        # !{motion}: Vim opens the command line with the line range and "!"
        from tinymorph_tui.core import cmdline

        r0, r1 = region.start[0], region.end[0]
        ed.move_cursor_raw(r0, ed.cursor_raw[1] if ed.cursor_raw[0] == r0 else 0)
        ed.clamp_cursor()
        rng = "." if r1 == r0 else f".,.+{r1 - r0}"
        cmdline.enter(ed, ":", rng + "!")
    else:
        ed.beep()
