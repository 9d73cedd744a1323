"""Line-oriented ex commands: :d :y :m :t :co :j :> :< :pu :normal :sort :le :ce :ri
:retab :p :nu :# :l :k :mark :delmarks.

Each leaves the cursor, the '[ '] marks and the registers as Vim's ex_cmds.c / ops.c do.
Line numbers in `ExCmd` are 1-based; rows here are 0-based.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .ex_parse import ExCmd, ExError, get_address
from .keys import normalize_token
from .textutil import first_nonblank, indent_width, join_pieces, make_indent, vcol_of

# -- shared helpers ---------------------------------------------------------------------------




def note_change_cursor(ed: Any) -> None:
    """Make the cursor now the one `u` returns to, when no edit of this undo step has been
    made yet: Vim saves the cursor at the first change of a command (":d" has moved to its
    first line by then, ":s" to its first substituted line)."""
    cur = tuple(getattr(ed, "cursor_raw", ed.cursor))
    noter = getattr(ed, "note_change_cursor", None)
    if noter is not None:
        # the Editor's undo cursor box: set only while nothing of the step is edited yet
        noter(cur)


def set_cursor(ed: Any, row: int, col: int) -> None:
    """Move the cursor (clamped, 'curswant' updated) without scrolling the view: ex
    commands can move it thousands of times (`:g`); `execute` scrolls once at the end."""
    move = getattr(ed, "move_cursor_raw", None)
    if move is None:
        ed.cursor = (row, col)
        return
    row = max(0, min(int(row), ed.doc.line_count - 1))
    move(row, max(0, int(col)))
    ed.clamp_cursor()
    ed.update_curswant()


def beginline(ed: Any, row: int, *, white: bool) -> None:
    """Vim's beginline(): BL_WHITE (white=True) or BL_SOL|BL_FIX (first non-blank with
    'startofline', else the remembered column)."""
    doc = ed.doc
    row = max(0, min(row, doc.line_count - 1))
    line = doc.line(row)
    if white or ed.options["startofline"]:
        col = first_nonblank(line)
        set_cursor(ed, row, col)
        return
    fn = getattr(ed, "col_for_curswant", None)
    want = getattr(ed, "_curswant", None)
    if fn is not None:
        col = fn(line)
        set_cursor(ed, row, col)
        if want is not None and hasattr(ed, "set_curswant"):
            ed.set_curswant(want)
    else:
        set_cursor(ed, row, ed.cursor[1])


def set_change_marks(ed: Any, start: tuple[int, int], end: tuple[int, int]) -> None:
    """Set the '[ and '] marks."""
    setter = getattr(ed, "set_mark", None)
    if setter is not None:
        setter("[", start)
        setter("]", end)


def msgmore(ed: Any, n: int) -> None:
    """Vim's msgmore(): "3 more lines" / "3 fewer lines" when over 'report'."""
    pn = abs(n)
    if pn > int(ed.options["report"]):
        if n > 0:
            text = f"{pn} more line" + ("s" if pn != 1 else "")
        else:
            text = "1 line less" if pn == 1 else f"{pn} fewer lines"
        ed.set_message(text)


def _line_block(doc: Any, r0: int, r1: int) -> str:
    return "\n".join(doc.line(r) for r in range(r0, r1 + 1))


def hint_deleted_rows(ed: Any, r0: int, r1: int) -> None:
    """Tell a running :g that the next edit deletes lines r0..r1 (its marks follow)."""
    from .ex_substitute import global_ctx

    ctx = global_ctx(ed)
    if ctx is not None and ctx.marked is not None:
        ctx.marked.expect(r0, r1, r1 + 1, -(r1 - r0 + 1))


def hint_inserted_rows(ed: Any, after: int, n: int) -> None:
    """Tell a running :g that the next edit inserts n lines below row `after`."""
    from .ex_substitute import global_ctx

    ctx = global_ctx(ed)
    if ctx is not None and ctx.marked is not None:
        ctx.marked.expect(after + 1, after, after + 1, n)


def delete_rows(doc: Any, r0: int, r1: int) -> None:
    """Delete whole lines r0..r1 (a document always keeps one line)."""
    n = doc.line_count
    if r1 + 1 < n:
        a = doc.line_start(r0)
        b = doc.line_start(r1 + 1)
    elif r0 > 0:
        a = doc.line_start(r0) - 1
        b = len(doc)
    else:
        a, b = 0, len(doc)
    if b > a:
        doc.delete(a, b - a)


def insert_rows(doc: Any, after: int, text_lines: list[str]) -> None:
    """Insert lines below row `after` (-1: above the first line)."""
    if not text_lines:
        return
    block = "\n".join(text_lines)
    if after < 0:
        doc.insert(0, block + "\n")
    else:
        end = doc.line_start(after) + len(doc.line(after))
        doc.insert(end, "\n" + block)


def _store(ed: Any, reg: str | None, text: str, op: str) -> None:
    text += "\n"  # linewise registers hold text as getreg() gives it
    if reg in (None, '"'):
        ed.registers.put(None, text, "line", op=op)
    else:
        ed.registers.put(reg, text, "line", op=op)


# -- :delete :yank :put -----------------------------------------------------------------------


def ex_delete(ed: Any, cmd: ExCmd) -> None:
    """:[range]d[elete] [x] [count]: delete lines (into register x)."""
    doc = ed.doc
    r0, r1 = cmd.line1 - 1, cmd.line2 - 1
    text = _line_block(doc, r0, r1)
    if cmd.reg is not None and cmd.reg.isupper():
        pass  # appending is the register file's business
    _store(ed, cmd.reg, text, "delete")
    was_all = r0 == 0 and r1 == doc.line_count - 1
    nlines = r1 - r0 + 1
    # Vim puts the cursor on the first line before deleting (the undo cursor)
    beginline(ed, r0, white=False)
    note_change_cursor(ed)
    hint_deleted_rows(ed, r0, r1)
    delete_rows(doc, r0, r1)
    row = min(r0, doc.line_count - 1)
    beginline(ed, row, white=True)
    set_change_marks(ed, (row, 0), (row, 0))
    if was_all and doc.line_count == 1 and doc.line(0) == "":
        ed.set_message("--No lines in buffer--")
    else:
        msgmore(ed, -nlines)


def ex_yank(ed: Any, cmd: ExCmd) -> None:
    """:[range]y[ank] [x] [count]: yank lines (into register x)."""
    doc = ed.doc
    r0, r1 = cmd.line1 - 1, cmd.line2 - 1
    _store(ed, cmd.reg, _line_block(doc, r0, r1), "yank")
    set_change_marks(ed, (r0, 0), (r1, max(0, len(doc.line(r1)) - 1)))
    n = r1 - r0 + 1
    if n > int(ed.options["report"]):
        ed.set_message(f"{n} lines yanked" if n != 1 else "1 line yanked")


def ex_put(ed: Any, cmd: ExCmd) -> None:
    """:[line]pu[t][!] [x]: put a register linewise below (above with !) the line."""
    regs = ed.registers
    name = cmd.reg or '"'
    entry = regs.get_entry(name)
    if entry is None:
        raise ExError(f"E353: Nothing in register {name if name != chr(34) else chr(34)}")
    text = entry.text
    lines = text.split("\n")
    doc = ed.doc
    lnum = cmd.line2
    after = lnum - 2 if cmd.bang else lnum - 1
    if cmd.bang and lnum == 0:
        after = -1
    set_cursor(ed, max(lnum - 1, 0), ed.cursor[1])
    note_change_cursor(ed)
    hint_inserted_rows(ed, after, len(lines))
    insert_rows(doc, after, lines)
    first = after + 1
    last = first + len(lines) - 1
    set_change_marks(ed, (first, 0), (last, 0))
    beginline(ed, last, white=True)
    msgmore(ed, len(lines))


# -- :move :copy ------------------------------------------------------------------------------


def _dest(ed: Any, cmd: ExCmd) -> int:
    """The line number (1-based, 0 allowed) given as the argument of :m / :t."""
    arg = cmd.arg.strip()
    lnum, end = get_address(ed, arg, 0, int(ed.cursor[0]) + 1)
    if lnum is None or lnum < 0 or lnum > ed.doc.line_count:
        raise ExError("E16: Invalid range")
    if arg[end:].strip():
        raise ExError(f"E488: Trailing characters: {arg[end:].strip()}")
    return lnum


def ex_move(ed: Any, cmd: ExCmd) -> None:
    """:[range]m[ove] {address}: move lines below the address."""
    dest = _dest(ed, cmd)
    line1, line2 = cmd.line1, cmd.line2
    if line1 <= dest < line2:
        raise ExError("E134: Cannot move a range of lines into itself")
    doc = ed.doc
    nlines = line2 - line1 + 1
    if dest >= line1 - 1 and dest <= line2:
        # moving to where it already is: Vim does nothing but set the cursor
        last = line2 - 1
        beginline(ed, last, white=False)
        return
    lines = [doc.line(r) for r in range(line1 - 1, line2)]
    note_change_cursor(ed)
    if dest >= line2:
        hint_inserted_rows(ed, dest - 1, len(lines))
        insert_rows(doc, dest - 1, lines)
        hint_deleted_rows(ed, line1 - 1, line2 - 1)
        delete_rows(doc, line1 - 1, line2 - 1)
        first = dest - nlines
    else:
        hint_deleted_rows(ed, line1 - 1, line2 - 1)
        delete_rows(doc, line1 - 1, line2 - 1)
        hint_inserted_rows(ed, dest - 1, len(lines))
        insert_rows(doc, dest - 1, lines)
        first = dest
    last = first + nlines - 1
    set_change_marks(ed, (first, 0), (last, 0))
    beginline(ed, last, white=False)
    if nlines > int(ed.options["report"]):
        ed.set_message(f"{nlines} lines moved" if nlines != 1 else "1 line moved")


def ex_copy(ed: Any, cmd: ExCmd) -> None:
    """:[range]t {address} / :co[py]: copy lines below the address."""
    dest = _dest(ed, cmd)
    doc = ed.doc
    lines = [doc.line(r) for r in range(cmd.line1 - 1, cmd.line2)]
    note_change_cursor(ed)
    hint_inserted_rows(ed, dest - 1, len(lines))
    insert_rows(doc, dest - 1, lines)
    first = dest
    last = dest + len(lines) - 1
    set_change_marks(ed, (first, 0), (last, 0))
    beginline(ed, last, white=False)
    msgmore(ed, len(lines))


# -- :join ------------------------------------------------------------------------------------


def join_rows(ed: Any, row: int, count: int, insert_space: bool) -> int:
    """Vim's do_join() for `count` lines from `row`; returns the join column."""
    doc = ed.doc
    pieces = join_pieces(
        [doc.line(row + t) for t in range(count)], insert_space, bool(ed.options["joinspaces"])
    )
    new = "".join(pieces)
    col = len(new) - len(pieces[-1])
    a = doc.line_start(row)
    last = row + count - 1
    b = doc.line_start(last) + len(doc.line(last))
    hint_deleted_rows(ed, row + 1, last)
    doc.replace(a, b, new)
    set_change_marks(ed, (row, 0), (row, max(0, len(new) - 1)))
    return col


def ex_join(ed: Any, cmd: ExCmd) -> None:
    """:[range]j[oin][!] [count]: join lines (! without inserting spaces)."""
    line1, line2 = cmd.line1, cmd.line2
    doc = ed.doc
    # Vim moves to the first line before anything else (even when nothing is joined)
    set_cursor(ed, line1 - 1, ed.cursor[1])
    if line1 == line2:
        if cmd.addr_count >= 2 and cmd.count is None:
            return  # ":2,2join" does nothing
        if line2 == doc.line_count:
            if hasattr(ed, "beep"):
                ed.beep()
            return
        line2 += 1
    count = line2 - line1 + 1
    note_change_cursor(ed)
    join_rows(ed, line1 - 1, count, insert_space=not cmd.bang)
    beginline(ed, line1 - 1, white=True)


# -- :> :< ------------------------------------------------------------------------------------


def shift_rows(ed: Any, r0: int, r1: int, amount: int) -> None:
    """Vim's shift_line() for rows r0..r1 (amount < 0 shifts left)."""
    doc = ed.doc
    opts = ed.options
    sw = int(opts.effective_shiftwidth)
    ts = int(opts["tabstop"])
    et = bool(opts["expandtab"])
    sr = bool(opts["shiftround"])
    for row in range(r0, r1 + 1):
        line = doc.line(row)
        if not line:
            continue
        width = indent_width(line, ts)
        ind_len = len(line) - len(line.lstrip(" \t"))
        if sr:
            q = width // sw
            if amount > 0:
                width = (q + amount) * sw
            else:
                if width % sw:
                    q += 1
                width = max((q + amount) * sw, 0)
        else:
            width = max(width + amount * sw, 0)
        new = make_indent(width, ts, et)
        if new != line[:ind_len]:
            a = doc.line_start(row)
            doc.replace(a, a + ind_len, new)


def ex_shift(ed: Any, cmd: ExCmd) -> None:
    """:[range]> [count] and :<; ">>" shifts twice."""
    extra = 0
    arg = cmd.arg
    while arg.startswith(cmd.name):
        extra += 1
        arg = arg[1:].lstrip(" \t")
    if arg[:1].isdigit():
        m = re.match(r"\d+", arg)
        assert m is not None
        n = int(m.group(0))
        arg = arg[m.end() :].strip()
        if n <= 0:
            raise ExError("E939: Positive count required")
        cmd.line1 = cmd.line2
        cmd.line2 = min(cmd.line2 + n - 1, ed.doc.line_count)
    if arg.strip():
        raise ExError(f"E488: Trailing characters: {arg.strip()}")
    amount = 1 + extra
    r0, r1 = cmd.line1 - 1, cmd.line2 - 1
    beginline(ed, r0, white=False)
    note_change_cursor(ed)
    shift_rows(ed, r0, r1, amount if cmd.name == ">" else -amount)
    set_change_marks(ed, (r0, 0), (r1, 0))
    # Vim leaves the cursor on the last line of the range
    beginline(ed, r1, white=True)
    n = r1 - r0 + 1
    if n > int(ed.options["report"]):
        times = "1 time" if amount == 1 else f"{amount} times"
        ed.set_message(f"{n} lines {cmd.name}ed {times}")


# -- :normal ----------------------------------------------------------------------------------


def _keys_of(text: str) -> list[str]:
    """Raw characters of a :normal argument as key tokens (no <> notation, as in Vim)."""
    return [normalize_token(ch) for ch in text]


def ex_normal(ed: Any, cmd: ExCmd) -> None:
    """:[range]norm[al][!] {commands}: run normal mode commands (on each line)."""
    text = cmd.arg
    if not text:
        raise ExError("E471: Argument required")
    tokens = _keys_of(text)
    if cmd.addr_count == 0:
        _run_normal(ed, tokens)
        return
    for lnum in range(cmd.line1, cmd.line2 + 1):
        # Vim keeps going when earlier lines were deleted: the cursor is clamped to the
        # last line and the keys run there again.
        set_cursor(ed, min(lnum, ed.doc.line_count) - 1, 0)
        _run_normal(ed, tokens)


def _run_normal(ed: Any, tokens: list[str]) -> None:
    # no note_change_cursor() here: the keys' first edit decides where undo returns to
    # (after `:normal Ax`, `u` puts the cursor where `A` inserted, as Vim does)
    saved_mode = getattr(ed, "mode", "normal")
    if saved_mode != "normal" and hasattr(ed, "set_mode"):
        ed.set_mode("normal")
    ed.run_keys(tokens, stop_on_error=True)
    # An unfinished command is aborted as if <Esc> was typed; Insert mode is ended.
    pending = getattr(ed, "_pending", None)
    if pending:
        ed._pending = []
    mode = getattr(ed, "mode", "normal")
    if mode != "normal":
        ed.run_keys(["<Esc>"], stop_on_error=False)
        if getattr(ed, "mode", "normal") == "command":
            ed.run_keys(["<C-c>"], stop_on_error=False)


# -- :print :number :list :mark :delmarks -----------------------------------------------------


def _print_lines(ed: Any, cmd: ExCmd, number: bool, lst: bool) -> None:
    doc = ed.doc
    out = []
    for r in range(cmd.line1 - 1, cmd.line2):
        line = doc.line(r)
        if lst:
            line = line.replace("\t", "^I") + "$"
        if number or ed.options["number"]:
            out.append(f"{r + 1:3d} {line}")
        else:
            out.append(line)
    from .ex_substitute import global_ctx

    gctx = global_ctx(ed)
    if gctx is not None:
        gctx.printed.extend(out)
    else:
        ed.set_message("\n".join(out))
    beginline(ed, cmd.line2 - 1, white=False)


def ex_print(ed: Any, cmd: ExCmd) -> None:
    """:[range]p[rint] [count]: show lines."""
    _print_lines(ed, cmd, number=False, lst=False)


def ex_print_number(ed: Any, cmd: ExCmd) -> None:
    """:[range]nu[mber] / :#: show lines with their numbers."""
    _print_lines(ed, cmd, number=True, lst=False)


def ex_print_list(ed: Any, cmd: ExCmd) -> None:
    """:[range]l[ist]: show lines with tabs and line ends made visible."""
    _print_lines(ed, cmd, number=False, lst=True)


def ex_mark(ed: Any, cmd: ExCmd) -> None:
    """:[range]ma[rk] {a-zA-Z'} / :k{a-z}: set a mark at the last line of the range."""
    arg = cmd.arg.strip()
    if not arg:
        raise ExError("E471: Argument required")
    if len(arg) > 1:
        raise ExError(f"E488: Trailing characters: {arg[1:]}")
    name = arg
    if not (name.isalpha() or name in "'`[]<>"):
        raise ExError("E191: Argument must be a letter or forward/backward quote")
    row = cmd.line2 - 1
    col = first_nonblank(ed.doc.line(row))
    ed.set_mark(name, (row, col))


def ex_delmarks(ed: Any, cmd: ExCmd) -> None:
    """:delm[arks] {marks} / :delm!: delete marks."""
    arg = cmd.arg.strip()
    store = getattr(ed, "marks", None)
    marks: dict[str, Any] | None = getattr(store, "marks", None)
    if cmd.bang:
        if arg:
            raise ExError("E474: Invalid argument")
        if marks is not None:
            for k in list(marks):
                if k.islower():
                    del marks[k]
        return
    if not arg:
        raise ExError("E471: Argument required")
    names: list[str] = []
    i = 0
    while i < len(arg):
        c = arg[i]
        if c == " ":
            i += 1
            continue
        if i + 2 < len(arg) and arg[i + 1] == "-":
            lo, hi = c, arg[i + 2]
            ok = (
                (lo.islower() and hi.islower())
                or (lo.isupper() and hi.isupper())
                or (lo.isdigit() and hi.isdigit())
            )
            if not ok or hi < lo:
                raise ExError(f"E475: Invalid argument: {arg[i:]}")
            names.extend(chr(x) for x in range(ord(lo), ord(hi) + 1))
            i += 3
            continue
        if not (c.isalnum() or c in "\"^.[]<>'`"):
            raise ExError(f"E475: Invalid argument: {arg[i:]}")
        names.append(c)
        i += 1
    for name in names:
        if marks is not None:
            marks.pop(name, None)
        if name in "<>" and hasattr(ed, "last_visual"):
            ed.last_visual = None


# -- :left :center :right ---------------------------------------------------------------------


def ex_align(ed: Any, cmd: ExCmd) -> None:
    """:[range]le[ft] [indent], :ce[nter] [width], :ri[ght] [width]: align lines."""
    arg = cmd.arg.strip()
    opts = ed.options
    if arg and not re.fullmatch(r"\d+", arg):
        raise ExError(f"E474: Invalid argument: {arg}")
    ts = int(opts["tabstop"])
    et = bool(opts["expandtab"])
    if cmd.name == "left":
        indent = int(arg) if arg else 0
        width = 0
    else:
        width = int(arg) if arg else 0
        if width <= 0:
            width = int(opts["textwidth"])
        if width <= 0:
            width = 80
        indent = 0
    doc = ed.doc
    saved = tuple(ed.cursor)
    for row in range(cmd.line1 - 1, cmd.line2):
        line = doc.line(row)
        if cmd.name == "left":
            new_indent = indent
        else:
            stripped = line.rstrip(" \t")
            length = vcol_of(stripped, len(stripped), ts) - indent_width(line, ts)
            if length <= 0:
                continue  # blank lines are left alone
            if cmd.name == "center":
                new_indent = (width - length) // 2
            else:
                new_indent = width - length
                body = line.lstrip(" \t")
                if "\t" in body.rstrip(" \t"):
                    new_indent = _fit_right(body, new_indent, width, ts, et)
        new_indent = max(new_indent, 0)
        ind_len = len(line) - len(line.lstrip(" \t"))
        new = make_indent(new_indent, ts, et)
        if new != line[:ind_len]:
            a = doc.line_start(row)
            doc.replace(a, a + ind_len, new)
    set_change_marks(ed, (cmd.line1 - 1, 0), (cmd.line2 - 1, 0))
    beginline(ed, saved[0], white=True)


def _fit_right(body: str, new_indent: int, width: int, ts: int, et: bool) -> int:
    """Vim's :right with embedded TABs: the largest indent that keeps the line in width."""

    def linelen(indent: int) -> int:
        text = make_indent(indent, ts, et) + body
        stripped = text.rstrip(" \t")
        return vcol_of(stripped, len(stripped), ts)

    while new_indent > 0:
        if linelen(new_indent) <= width:
            new_indent += 1
            while linelen(new_indent) <= width:
                new_indent += 1
            return new_indent - 1
        new_indent -= 1
    return new_indent


# -- :retab -----------------------------------------------------------------------------------


def ex_retab(ed: Any, cmd: ExCmd) -> None:
    """:[range]ret[ab][!] [new_tabstop]: redo tabs/spaces for 'expandtab' and a new tabstop."""
    arg = cmd.arg.strip()
    opts = ed.options
    if arg:
        if not arg.isdigit():
            raise ExError(f"E475: Invalid argument: {arg}")
        new_ts = int(arg)
        if new_ts <= 0:
            raise ExError(f"E487: Argument must be positive: {arg}")
    else:
        new_ts = int(opts["tabstop"])
    old_ts = int(opts["tabstop"])
    et = bool(opts["expandtab"])
    doc = ed.doc
    changed_first = changed_last = -1
    for row in range(cmd.line1 - 1, cmd.line2):
        line = doc.line(row)
        out: list[str] = []
        vcol = 0
        i = 0
        while i < len(line):
            ch = line[i]
            if ch in " \t":
                start_vcol = vcol
                got_tab = False
                num_spaces = 0
                j = i
                while j < len(line) and line[j] in " \t":
                    if line[j] == "\t":
                        got_tab = True
                        vcol += old_ts - (vcol % old_ts)
                    else:
                        num_spaces += 1
                        vcol += 1
                    j += 1
                if got_tab or (cmd.bang and num_spaces > 1):
                    length = vcol - start_vcol
                    if et:
                        out.append(" " * length)
                    else:
                        spaces = length
                        tabs = 0
                        temp = new_ts - (start_vcol % new_ts)
                        if spaces >= temp:
                            spaces -= temp
                            tabs += 1
                        tabs += spaces // new_ts
                        spaces -= (spaces // new_ts) * new_ts
                        out.append("\t" * tabs + " " * spaces)
                else:
                    out.append(line[i:j])
                i = j
                continue
            out.append(ch)
            vcol += 1 if ch != "\t" else 0
            i += 1
        new = "".join(out)
        if new != line:
            a = doc.line_start(row)
            doc.replace(a, a + len(line), new)
            if changed_first < 0:
                changed_first = row
            changed_last = row
    want = ed.curswant_vcol() if hasattr(ed, "curswant_vcol") else None
    if new_ts != old_ts:
        opts["tabstop"] = new_ts
    if changed_first >= 0:
        set_change_marks(ed, (changed_first, 0), (changed_last, 0))
    # Vim ends with coladvance(curswant): the cursor keeps its screen column
    row = ed.cursor[0]
    fn = getattr(ed, "col_for_curswant", None)
    if want is not None and fn is not None:
        set_cursor(ed, row, fn(doc.line(row)))
        ed.set_curswant(want)
    else:
        set_cursor(ed, *ed.cursor)


# -- :sort ------------------------------------------------------------------------------------


_DEC_RE = re.compile(r"-?\d+")
#: :sort x / o / b: (one digit, a run of digits, the prefix allowed before them, base)
_BASES = {
    "x": (re.compile(r"[0-9a-fA-F]"), re.compile(r"[0-9a-fA-F]+"), "0x", 16),
    "o": (re.compile(r"[0-7]"), re.compile(r"[0-7]+"), "", 8),
    "b": (re.compile(r"[01]"), re.compile(r"[01]+"), "0b", 2),
}
_FLOAT_RE = re.compile(
    r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)", re.I
)
_HEXFLOAT_RE = re.compile(
    r"[-+]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][-+]?\d+)?"
)


def _parse_sort_args(ed: Any, arg: str) -> tuple[set[str], str | None]:
    flags: set[str] = set()
    pattern: str | None = None
    i = 0
    while i < len(arg):
        c = arg[i]
        if c in " \t":
            i += 1
        elif c in "inuxobfr":
            flags.add(c)
            i += 1
        elif c == '"':
            break
        elif not c.isalpha() and pattern is None:
            from .search import parse_search

            pat, rest = parse_search(arg[i + 1 :], c)
            close = i + 1 + len(pat)
            if close >= len(arg) or arg[close] != c:
                raise ExError(f"E654: missing delimiter after search pattern: {arg[i:]}")
            pattern = pat
            i = close + 1
        else:
            raise ExError(f"E474: Invalid argument: {arg[i:]}")
    if len(flags & set("nxobf")) > 1:
        raise ExError("E474: Invalid argument")
    return flags, pattern


def ex_sort(ed: Any, cmd: ExCmd) -> None:
    """:[range]sor[t][!] [b][f][i][n][o][r][u][x] [/{pattern}/]: sort lines."""
    from .search import compile_for, search_state
    from .vim_regex import VimRegexError

    flags, pattern = _parse_sort_args(ed, cmd.arg)
    doc = ed.doc
    r0, r1 = cmd.line1 - 1, cmd.line2 - 1
    count = r1 - r0 + 1
    if count <= 1:
        return
    regex = None
    if pattern is not None:
        st = search_state(ed)
        if pattern == "":
            pattern = getattr(ed, "last_search", None) or st.pattern or ""
            if not pattern:
                raise ExError("E35: No previous regular expression")
        try:
            # :sort uses 'ignorecase' but not 'smartcase'
            regex = compile_for(ed, pattern, use_smartcase=False).regex
        except VimRegexError as exc:
            raise ExError(exc.message) from None
    ic = "i" in flags
    kind = next((k for k in "nxobf" if k in flags), None)
    lines = [doc.line(r) for r in range(r0, r1 + 1)]
    keyed: list[tuple[Any, int, str]] = []
    for idx, line in enumerate(lines):
        start, end = 0, len(line)
        if regex is not None:
            m = regex.search(line)
            if m is not None:
                if "r" in flags:
                    start, end = m.start(), m.end()
                else:
                    start = m.end()
            else:
                end = 0
        key_text = line[start:end]
        key: Any
        if kind is None:
            key = (key_text.lower() if ic else key_text,)
        elif kind == "f":
            key = (_strtod(key_text),)
        else:
            key = _number_key(kind, key_text)
        keyed.append((key, idx, line))
    keyed.sort(key=lambda t: (t[0], t[1]))
    if cmd.bang:
        keyed.reverse()
    out: list[str] = []
    prev: str | None = None
    for _key, _idx, line in keyed:
        if "u" in flags and prev is not None:
            same = line.lower() == prev.lower() if ic else line == prev
            if same:
                continue
        out.append(line)
        prev = line
    note_change_cursor(ed)
    if out != lines:
        a = doc.line_start(r0)
        b = doc.line_start(r1) + len(doc.line(r1))
        doc.replace(a, b, "\n".join(out))
    deleted = count - len(out)
    if deleted > 0:
        msgmore(ed, -deleted)
    set_change_marks(ed, (r0, 0), (r0 + len(out) - 1, 0))
    beginline(ed, r0, white=True)


def _strtod(text: str) -> float:
    """C strtod() of the text after leading blanks (0.0 when there is no number), as
    Vim's ":sort f"; an empty key sorts before every number."""
    t = text.lstrip(" \t")
    if t.startswith("+"):
        t = t[1:].lstrip(" \t")
    if not t:
        return -math.inf
    m = _HEXFLOAT_RE.match(t)
    if m:
        try:
            return float.fromhex(m.group(0))
        except ValueError:
            return 0.0
    m = _FLOAT_RE.match(t)
    if not m:
        return 0.0
    try:
        val = float(m.group(0))
    except ValueError:
        return 0.0
    return -math.inf if math.isnan(val) else val


def _number_key(kind: str, text: str) -> tuple[int, int]:
    """Sort key for n/x/o/b: lines without a number sort first (kept in order)."""
    if kind == "n":
        m = re.search(r"\d", text)
        if m is None:
            return (0, 0)
        s = m.start()
        if s > 0 and text[s - 1] == "-":
            s -= 1
        mm = _DEC_RE.match(text, s)
        assert mm is not None
        return (1, int(mm.group(0)))
    digit, digits, prefix, base = _BASES[kind]
    m = digit.search(text)
    if m is None:
        return (0, 0)
    s = m.start()
    neg = s > 0 and text[s - 1] == "-"
    t = text[s:]
    if prefix and t[:2].lower() == prefix and len(t) > 2 and digit.match(t, 2):
        t = t[2:]
    mm = digits.match(t)
    assert mm is not None
    v = int(mm.group(0), base)
    return (1, -v if neg else v)
