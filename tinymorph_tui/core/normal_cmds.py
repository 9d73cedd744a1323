"""Normal mode actions: inserting, putting, joining, replacing, case, numbers, undo, repeat,
macros, marks, jumps and entering the command line.

Each action is `fn(ctx) -> bool | None` (False: failed, Vim beeps).  `ACTIONS` maps command
ids to (fn, doc, flags); flags: "change" (an undoable change that `.` repeats), "arg" (reads a
character argument), "alias" (the keys it stands for, as Vim's "x" is "dl").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tinymorph_tui.core import insert
from tinymorph_tui.core.motions import Ctx
from tinymorph_tui.core.textutil import (
    col_of_vcol,
    display_width,
    first_nonblank,
    indent_of,
    indent_width,
    make_indent,
    vcol_of,
)

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

ACTIONS: dict[str, tuple[Callable[[Ctx], Any], str, dict[str, Any]]] = {}


def action(cid: str, **flags: Any) -> Callable[[Callable[[Ctx], Any]], Callable[[Ctx], Any]]:
    """Register a normal-mode action under a command id (docstring = help text)."""

    def deco(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
        ACTIONS[cid] = (fn, (fn.__doc__ or "").strip(), flags)
        return fn

    return deco


def alias(cid: str, keys: str, doc: str, **flags: Any) -> None:
    """Register an action that runs other keys with the same count and register."""

    def fn(ctx: Ctx) -> Any:
        return run_alias(ctx, keys)

    fn.__doc__ = doc
    ACTIONS[cid] = (fn, doc, {"alias": keys, **flags})


def run_alias(ctx: Ctx, keys: str) -> Any:
    """Parse and run `keys` with the context's count and register."""
    from tinymorph_tui.core.keys import parse_keys

    ed = ctx.ed
    toks: list[str] = []
    if ctx.reg:
        toks += ['"', ctx.reg]
    if ctx.count:
        toks += list(str(ctx.count))
    toks += parse_keys(keys)
    res = ed._parse(toks)
    from tinymorph_tui.core.editor import Parsed

    if not isinstance(res, Parsed):
        return False
    from tinymorph_tui.core import execute

    execute.run(ed, res)
    return None


# -- entering insert mode -------------------------------------------------------------------


def _start_insert(ctx: Ctx, kind: str, row: int, col: int) -> None:
    ed = ctx.ed
    ed.mode = "insert"
    ed.move_cursor_raw(row, col)
    insert.start(ed, kind, ctx.count)


@action("insert-before", change=True)
def a_i(ctx: Ctx) -> Any:
    """Insert text before the cursor [count] times (i)."""
    r, c = ctx.ed.cursor_raw
    _start_insert(ctx, "i", r, c)


@action("insert-after", change=True)
def a_a(ctx: Ctx) -> Any:
    """Append text after the cursor [count] times (a)."""
    ed = ctx.ed
    r, c = ed.cursor_raw
    line = ed.doc.line(r)
    _start_insert(ctx, "a", r, min(c + 1, len(line)) if line else 0)


@action("insert-line-start", change=True)
def a_I(ctx: Ctx) -> Any:
    """Insert text before the first non-blank in the line (I)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    line = ed.doc.line(r)
    _start_insert(ctx, "I", r, len(indent_of(line)))


@action("insert-column-zero", change=True)
def a_gI(ctx: Ctx) -> Any:
    """Insert text in column 1 (gI)."""
    r, _ = ctx.ed.cursor_raw
    _start_insert(ctx, "gI", r, 0)


@action("insert-line-end", change=True)
def a_A(ctx: Ctx) -> Any:
    """Append text at the end of the line (A)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    _start_insert(ctx, "A", r, len(ed.doc.line(r)))


@action("insert-at-last-insert", change=True)
def a_gi(ctx: Ctx) -> Any:
    """Insert where insert mode was last stopped (the '^ mark) (gi)."""
    ed = ctx.ed
    pos = ed.marks.get("^")
    if pos is None:
        r, c = ed.cursor_raw
    else:
        r = min(pos[0], ed.doc.line_count - 1)
        c = min(pos[1], len(ed.doc.line(r)))
    _start_insert(ctx, "gi", r, c)


def open_line(ed: Editor, below: bool, in_session: bool = False) -> None:
    """Open a new line below/above the cursor line with autoindent; cursor on it."""
    doc = ed.doc
    r, _ = ed.cursor_raw
    line = doc.line(r)
    ts = int(ed.options["tabstop"])
    ind = ""
    if ed.options["autoindent"]:
        ind = make_indent(indent_width(line, ts), ts, bool(ed.options["expandtab"]))
        if in_session and ed.insert is not None and ed.insert.ai_row == r:
            pass
    if below:
        off = doc.offset_of(r, len(line))
        doc.insert(off, "\n" + ind)
        row = r + 1
    else:
        off = doc.line_start(r)
        doc.insert(off, ind + "\n")
        row = r
    ed.move_cursor_raw(row, len(ind))
    if ed.insert is not None:
        ed.insert.ai_row = row if ind else None


@action("open-line-below", change=True)
def a_o(ctx: Ctx) -> Any:
    """Begin a new line below the cursor and insert text (o)."""
    ed = ctx.ed
    ed.mode = "insert"
    insert.start(ed, "o", ctx.count)
    open_line(ed, True)
    ed.insert.start = ed.insert.origin = ed.cursor_raw


@action("open-line-above", change=True)
def a_O(ctx: Ctx) -> Any:
    """Begin a new line above the cursor and insert text (O)."""
    ed = ctx.ed
    ed.mode = "insert"
    insert.start(ed, "O", ctx.count)
    open_line(ed, False)
    ed.insert.start = ed.insert.origin = ed.cursor_raw


@action("replace-mode", change=True)
def a_R(ctx: Ctx) -> Any:
    """Enter replace mode: each typed character replaces one (R)."""
    ed = ctx.ed
    ed.mode = "replace"
    insert.start(ed, "R", ctx.count, replace=True)


alias("delete-char", "dl", "Delete [count] characters under and after the cursor (x).", change=True)
alias("delete-char-before", "dh", "Delete [count] characters before the cursor (X).", change=True)
alias("delete-to-end", "d$", "Delete to the end of the line and [count]-1 more lines (D).", change=True)
alias("change-to-end", "c$", "Change to the end of the line (C).", change=True)
alias("substitute-char", "cl", "Delete [count] characters and start insert (s).", change=True)
alias("substitute-line", "cc", "Delete [count] lines and start insert (S).", change=True)
alias("yank-line", "yy", "Yank [count] lines (Y).")


# -- put ------------------------------------------------------------------------------------


def put(ed: Editor, reg_name: str | None, count: int, after: bool, gp: bool = False, indent: bool = False) -> bool:
    """Vim's do_put() for p P gp gP ]p [p."""
    from tinymorph_tui.core.operators import set_change_marks

    name = reg_name or '"'
    entry = ed.registers.get_entry(name)
    if name == ".":
        from tinymorph_tui.core.registers import Register

        entry = Register(ed.last_insert_text, "char") if ed.last_insert_text else None
    if entry is None:
        # do_put() saved the line for undo before finding the register empty
        _empty_undo_step(ed, ed.cursor_raw[0])
        ed.set_error(f"E353: Nothing in register {name}")
        return False
    doc = ed.doc
    r, c = ed.cursor_raw
    text = entry.text
    if entry.kind == "line":
        lines = text.split("\n")
        if indent:
            cur_ind = indent_width(doc.line(r), int(ed.options["tabstop"]))
            first = next((ln for ln in lines if ln.strip()), "")
            delta = cur_ind - indent_width(first, int(ed.options["tabstop"]))
            ts = int(ed.options["tabstop"])
            et = bool(ed.options["expandtab"])
            lines = [
                make_indent(max(indent_width(ln, ts) + delta, 0), ts, et) + ln.lstrip(" \t") if ln.strip() else ln
                for ln in lines
            ]
        block = "\n".join(lines * count) if count > 1 else "\n".join(lines)
        nlines = len(lines) * count
        if after:
            off = doc.offset_of(r, len(doc.line(r)))
            doc.insert(off, "\n" + block)
            row = r + 1
        else:
            off = doc.line_start(r)
            doc.insert(off, block + "\n")
            row = r
        last_row = row + nlines - 1
        set_change_marks(ed, (row, 0), (last_row, max(len(doc.line(last_row)) - 1, 0)))
        ed.marks.set(".", (row, 0))
        if gp:
            nr = min(last_row + 1, doc.line_count - 1)
            if last_row + 1 >= doc.line_count:
                nr = last_row
                ed.move_cursor_raw(nr, 0)
                # Vim puts the cursor past the last line; clamps to it (col 0)
            ed.move_cursor_raw(nr if last_row + 1 < doc.line_count else last_row, 0)
        else:
            ed.move_cursor_raw(row, first_nonblank(doc.line(row)))
        return True
    if entry.kind == "block":
        return _put_block(ed, entry.text, count, after, gp)
    line = doc.line(r)
    col = c + 1 if after and line else c
    col = min(col, len(line))
    full = text * count
    if not full:
        return True
    off = doc.offset_of(r, col)
    doc.insert(off, full)
    if "\n" not in full:
        end_col = col + len(full)
        set_change_marks(ed, (r, col), (r, max(end_col - 1, 0)))
        if gp:
            ed.move_cursor_raw(r, end_col)
        else:
            ed.move_cursor_raw(r, max(end_col - 1, 0))
        return True
    end = doc.position_of(off + len(full))
    set_change_marks(ed, (r, col), (end[0], max(end[1] - 1, 0)))
    if gp:
        ed.move_cursor_raw(end[0], end[1])
    else:
        ed.move_cursor_raw(r, col)
    return True


def _put_block(ed: Editor, text: str, count: int, after: bool, gp: bool) -> bool:
    from tinymorph_tui.core.operators import set_change_marks
    from tinymorph_tui.core.textutil import char_width

    doc = ed.doc
    ts = int(ed.options["tabstop"])
    r, c = ed.cursor_raw
    pieces = text.split("\n")
    width = max((display_width(p, ts) for p in pieces), default=0)
    line = doc.line(r)
    if after and line:
        v = vcol_of(line, c, ts) + (char_width(line[c]) if c < len(line) and line[c] != "\t" else ts - vcol_of(line, c, ts) % ts if c < len(line) else 1)
    else:
        v = vcol_of(line, c, ts)
    for i, p in enumerate(pieces):
        row = r + i
        if row >= doc.line_count:
            doc.insert(len(doc), "\n")
        ln = doc.line(row)
        w = display_width(ln, ts)
        if w < v:
            doc.insert(doc.offset_of(row, len(ln)), " " * (v - w))
            ln = doc.line(row)
        col = col_of_vcol(ln, v, ts)
        seg = p * count
        pad = ""
        if col < len(ln):
            pad = " " * (width * count - display_width(seg, ts))
        doc.insert(doc.offset_of(row, col), seg + pad)
    col0 = col_of_vcol(doc.line(r), v, ts)
    set_change_marks(ed, (r, col0), (r + len(pieces) - 1, col0))
    if gp:
        last = r + len(pieces) - 1
        ed.move_cursor_raw(last, col0 + len(pieces[-1]) * count)
    else:
        ed.move_cursor_raw(r, col0)
    return True


@action("put-after", change=True)
def a_p(ctx: Ctx) -> Any:
    """Put the text [from register x] after the cursor [count] times (p)."""
    return put(ctx.ed, ctx.reg, ctx.count1, True)


@action("put-before", change=True)
def a_P(ctx: Ctx) -> Any:
    """Put the text [from register x] before the cursor [count] times (P)."""
    return put(ctx.ed, ctx.reg, ctx.count1, False)


@action("put-after-move", change=True)
def a_gp(ctx: Ctx) -> Any:
    """Like p but leave the cursor just after the new text (gp)."""
    return put(ctx.ed, ctx.reg, ctx.count1, True, gp=True)


@action("put-before-move", change=True)
def a_gP(ctx: Ctx) -> Any:
    """Like P but leave the cursor just after the new text (gP)."""
    return put(ctx.ed, ctx.reg, ctx.count1, False, gp=True)


@action("put-after-indent", change=True)
def a_bracket_p(ctx: Ctx) -> Any:
    """Like p but adjust the indent to the current line (]p)."""
    return put(ctx.ed, ctx.reg, ctx.count1, True, indent=True)


@action("put-before-indent", change=True)
def a_bracket_P(ctx: Ctx) -> Any:
    """Like P but adjust the indent to the current line ([p)."""
    return put(ctx.ed, ctx.reg, ctx.count1, False, indent=True)


# -- join, replace, case ----------------------------------------------------------------------


def _join(ctx: Ctx, space: bool) -> Any:
    from tinymorph_tui.core.operators import join_lines

    ed = ctx.ed
    r, _ = ed.cursor_raw
    count = ctx.count or 0
    if count <= 1:
        count = 2
    n = ed.doc.line_count
    if r + count - 1 >= n:
        if count <= 2:
            return False
        count = n - r
    if count < 2:
        ed.move_cursor_raw(r, 0)
        return True
    ok = join_lines(ed, r, count, space)
    ed.clamp_cursor()
    ed.update_curswant()
    return ok


@action("join-lines", change=True)
def a_J(ctx: Ctx) -> Any:
    """Join [count] lines (at least two) with one space, or two after a period (J)."""
    return _join(ctx, True)


@action("join-lines-nospace", change=True)
def a_gJ(ctx: Ctx) -> Any:
    """Join [count] lines without inserting or removing spaces (gJ)."""
    return _join(ctx, False)


@action("replace-char", change=True, arg="char")
def a_r(ctx: Ctx) -> Any:
    """Replace [count] characters under the cursor with {char} (r)."""
    ed = ctx.ed
    doc = ed.doc
    r, c = ed.cursor_raw
    line = doc.line(r)
    n = ctx.count1
    ch = ctx.arg or ""
    if ch == "\t" and ed.options["expandtab"]:
        # nv_replace(): with 'expandtab' r<Tab> is done as "R<Tab><Esc>"
        ed._dot_building = None
        ed.run_keys(([str(n)] if ctx.count else []) + ["R", "<Tab>", "<Esc>"], stop_on_error=False)
        return True
    if not ch or c + n > len(line):
        return False
    off = doc.offset_of(r, c)
    if ch in ("\r", "\n"):
        # r<CR> replaces the characters with one line break (and removes trailing blanks)
        rest = line[c + n :]
        ind = ""
        if ed.options["autoindent"]:
            ts = int(ed.options["tabstop"])
            ind = make_indent(indent_width(line, ts), ts, bool(ed.options["expandtab"]))
            rest = rest.lstrip(" \t")
        head = line[:c]
        a = doc.line_start(r)
        doc.replace(a, a + len(line), head + "\n" + ind + rest)
        ed.move_cursor_raw(r + 1, len(ind))
        ed.marks.set("[", (r, c))
        ed.marks.set("]", (r + 1, 0))
        return True
    if ch == "\t" and ed.options["expandtab"]:
        ch = "\t"
    doc.replace(off, off + n, ch * n)
    ed.move_cursor_raw(r, c + n - 1)
    ed.marks.set("[", (r, c))
    ed.marks.set("]", (r, c + n - 1))
    ed.update_curswant()
    return True


@action("toggle-case-char", change=True)
def a_tilde(ctx: Ctx) -> Any:
    """Switch case of [count] characters and move the cursor right (~)."""
    ed = ctx.ed
    if ed.options["tildeop"]:
        return run_alias(ctx, "g~")
    doc = ed.doc
    r, c = ed.cursor_raw
    line = doc.line(r)
    if not line:
        return False
    n = min(ctx.count1, len(line) - c)
    from tinymorph_tui.core.operators import _case_fn

    seg = line[c : c + n]
    new = _case_fn("tilde")(seg)
    if new != seg:
        off = doc.offset_of(r, c)
        doc.replace(off, off + n, new)
    ed.marks.set("[", (r, c))
    ed.marks.set("]", (r, c + n - 1))
    ed.move_cursor_raw(r, min(c + n, max(len(line) - 1, 0)))
    ed.update_curswant()
    return True


# -- numbers ----------------------------------------------------------------------------------


def _add_number(ctx: Ctx, sign: int) -> Any:
    from tinymorph_tui.core.numbers import increment

    ed = ctx.ed
    r, c = ed.cursor_raw
    res = increment(ed, r, c, sign * ctx.count1)
    if res is None:
        # Vim saves the line for undo before looking for a number (op_addsub()), so
        # even a failed <C-a> is an undo step that puts the cursor back here.
        _empty_undo_step(ed, r)
        return False
    ed.move_cursor_raw(r, res)
    ed.update_curswant()
    return True


def _empty_undo_step(ed: Editor, row: int) -> None:
    """An undo step that changes nothing (Vim's u_save() of a line that then stays as it
    was): the text is edited back and forth, but '. and the change list stay put, as
    nothing was changed."""
    doc = ed.doc
    marks = ed.marks
    last_change = marks.get(".")
    changes, change_idx = list(marks.changes), marks.change_idx
    off = doc.line_start(row)
    line = doc.line(row)
    if line:
        doc.replace(off, off + 1, "")
        doc.insert(off, line[0])
    else:
        doc.insert(off, " ")
        doc.replace(off, off + 1, "")
    if last_change is None:
        marks.forget(".")
    else:
        marks.set(".", last_change)
    marks.changes, marks.change_idx = changes, change_idx


@action("increment", change=True)
def a_ctrl_a(ctx: Ctx) -> Any:
    """Add [count] to the number or letter at or after the cursor (<C-a>)."""
    return _add_number(ctx, 1)


@action("decrement", change=True)
def a_ctrl_x(ctx: Ctx) -> Any:
    """Subtract [count] from the number or letter at or after the cursor (<C-x>)."""
    return _add_number(ctx, -1)


# -- undo, repeat, macros ---------------------------------------------------------------------


@action("undo")
def a_u(ctx: Ctx) -> Any:
    """Undo [count] changes (u)."""
    ctx.ed.undo(ctx.count1)


@action("redo")
def a_ctrl_r(ctx: Ctx) -> Any:
    """Redo [count] changes that were undone (<C-r>)."""
    ctx.ed.undo(ctx.count1, redo=True)


@action("undo-line")
def a_U(ctx: Ctx) -> Any:
    """Undo all latest changes on one line (U)."""
    from tinymorph_tui.core.undo import undo_line

    return undo_line(ctx.ed)


@action("repeat-change")
def a_dot(ctx: Ctx) -> Any:
    """Repeat the last change, with [count] replacing its count (.)."""
    from tinymorph_tui.core.repeat import repeat_dot

    return repeat_dot(ctx.ed, ctx.count)


@action("macro-record", arg="char-unless-recording")
def a_q(ctx: Ctx) -> Any:
    """Record typed keys into register {0-9a-zA-Z"} (q{reg}); q again stops."""
    from tinymorph_tui.core.repeat import toggle_recording

    return toggle_recording(ctx.ed, ctx.arg)


@action("macro-execute", arg="char")
def a_at(ctx: Ctx) -> Any:
    """Execute the contents of register {reg} [count] times (@{reg}, @@ repeats)."""
    from tinymorph_tui.core.repeat import execute_register

    return execute_register(ctx.ed, ctx.arg or "", ctx.count1)


# -- marks and jumps --------------------------------------------------------------------------


@action("set-mark", arg="char")
def a_m(ctx: Ctx) -> Any:
    """Set mark {a-zA-Z'`[]<>} at the cursor (m)."""
    ed = ctx.ed
    name = ctx.arg or ""
    if name in ("'", "`"):
        ed.push_jump()
        return True
    if not ed.set_mark(name, ed.cursor):
        return False
    return True


def _jump(ctx: Ctx, delta: int) -> Any:
    """Vim's movemark(): <C-o> / <C-i> through the jump list."""
    ed = ctx.ed
    ms = ed.marks
    _cleanup_jumps(ms)
    n = ctx.count1 * delta
    if not ms.jumps:
        return False
    if ms.jump_idx + n < 0 or ms.jump_idx + n >= len(ms.jumps):
        return False
    if ms.jump_idx == len(ms.jumps):
        # first <C-o> after a jump: remember where we are (setpcmark)
        ms.jumps.append(ed.cursor)
        ms.jump_idx = len(ms.jumps) - 1
        if ms.jump_idx + n < 0:
            return False
    ms.jump_idx += n
    row, col = ms.jumps[ms.jump_idx]
    row = min(row, ed.doc.line_count - 1)
    ed.marks.set("'", ed.cursor)
    ed.move_cursor_raw(row, col)
    ed.clamp_cursor()
    ed.update_curswant()
    return True


def _cleanup_jumps(ms: Any) -> None:
    """Vim's cleanup_jumplist(): of entries on the same line only the newest stays."""
    out = []
    idx = ms.jump_idx
    new_idx = None
    for i, pos in enumerate(ms.jumps):
        if idx == i:
            new_idx = len(out)
        if any(p[0] == pos[0] for p in ms.jumps[i + 1 :]):
            continue
        out.append(pos)
    if idx >= len(ms.jumps):
        new_idx = len(out)
    ms.jumps = out
    ms.jump_idx = new_idx if new_idx is not None else len(out)


@action("jump-older")
def a_ctrl_o(ctx: Ctx) -> Any:
    """Go to [count] older position in the jump list (<C-o>)."""
    return _jump(ctx, -1)


@action("jump-newer")
def a_ctrl_i(ctx: Ctx) -> Any:
    """Go to [count] newer position in the jump list (<C-i> / <Tab>)."""
    return _jump(ctx, 1)


# -- command line -----------------------------------------------------------------------------


@action("cmdline-ex")
def a_colon(ctx: Ctx) -> Any:
    """Start an ex command line (:); a count gives the range .,.+(count-1)."""
    from tinymorph_tui.core import cmdline

    text = ""
    if ctx.count:
        text = "." if ctx.count == 1 else f".,.+{ctx.count - 1}"
    if ctx.ed.mode.startswith("visual"):
        from tinymorph_tui.core.visual import end_visual

        end_visual(ctx.ed)
        text = "'<,'>"
    cmdline.enter(ctx.ed, ":", text)


@action("search-forward-prompt")
def a_slash(ctx: Ctx) -> Any:
    """Search forward for a pattern (/)."""
    from tinymorph_tui.core import cmdline

    cmdline.enter(ctx.ed, "/", "", count=ctx.count)


@action("search-backward-prompt")
def a_question(ctx: Ctx) -> Any:
    """Search backward for a pattern (?)."""
    from tinymorph_tui.core import cmdline

    cmdline.enter(ctx.ed, "?", "", count=ctx.count)


# & and g& run an ex command, as typed ":s<CR>": like every ex command they are one undo
# step of their own and are not repeated by "." (Vim stuffs ":s\r" / runs "%s//~/&").
@action("repeat-substitute")
def a_amp(ctx: Ctx) -> Any:
    """Repeat the last :s on the current line without its flags (&)."""
    from tinymorph_tui.core.cmdline import run_ex

    run_ex(ctx.ed, "s")


@action("repeat-substitute-all")
def a_gamp(ctx: Ctx) -> Any:
    """Repeat the last :s with the same flags on all lines (g&)."""
    from tinymorph_tui.core.cmdline import run_ex

    run_ex(ctx.ed, "%s//~/&")


@action("write-quit")
def a_ZZ(ctx: Ctx) -> Any:
    """Write the file if modified and quit (ZZ)."""
    from tinymorph_tui.core.cmdline import run_ex

    run_ex(ctx.ed, "x")


@action("quit-discard")
def a_ZQ(ctx: Ctx) -> Any:
    """Quit without writing (ZQ)."""
    from tinymorph_tui.core.cmdline import run_ex

    run_ex(ctx.ed, "q!")


@action("show-file-info")
def a_ctrl_g(ctx: Ctx) -> Any:
    """Show the file name, modified flag and cursor position (<C-g>)."""
    ed = ctx.ed
    name = str(ed.doc.path) if ed.doc.path else "[No Name]"
    mod = " [Modified]" if ed.doc.modified else ""
    n = ed.doc.line_count
    r = ed.cursor[0] + 1
    ed.set_message(f'"{name}"{mod} {n} line{"s" if n != 1 else ""} --{r * 100 // n}%--')


@action("select-next-match")
def a_gn(ctx: Ctx) -> Any:
    """Select the next match of the last search pattern in visual mode (gn)."""
    from tinymorph_tui.core.text_objects import current_search

    return current_search(ctx, True) or False


@action("select-prev-match")
def a_gN(ctx: Ctx) -> Any:
    """Select the previous match of the last search pattern in visual mode (gN)."""
    from tinymorph_tui.core.text_objects import current_search

    return current_search(ctx, False) or False


@action("normal-escape")
def a_esc(ctx: Ctx) -> Any:
    """Cancel a pending command (<Esc>)."""
    return None


@action("nop")
def a_nop(ctx: Ctx) -> Any:
    """Do nothing."""
    return None



def _changelist(ctx: Ctx, direction: int) -> Any:
    ed = ctx.ed
    res = ed.marks.move_in_changes(direction * ctx.count1)
    if isinstance(res, str):
        ed.set_error(res)
        return False
    row, col = res
    row = max(0, min(row, ed.doc.line_count - 1))
    ed.move_cursor_raw(row, col)
    ed.clamp_cursor()
    ed.update_curswant()
    ed.scroll_to_cursor()
    return None


@action("change-list-older")
def a_change_older(ctx: Ctx) -> Any:
    """Go to [count] older position in the change list (g;)."""
    return _changelist(ctx, -1)


@action("change-list-newer")
def a_change_newer(ctx: Ctx) -> Any:
    """Go to [count] newer position in the change list (g,)."""
    return _changelist(ctx, 1)


@action("edit-alternate")
def a_edit_alternate(ctx: Ctx) -> Any:
    """Edit the alternate file, the one edited before (<C-^>, like `:e #`)."""
    from tinymorph_tui.core import ex_commands

    ed = ctx.ed
    ex_commands.execute(ed, "edit #")
    return False if ed.message_is_error else None
