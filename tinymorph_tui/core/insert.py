"""Insert and replace mode: typing, <BS> <C-w> <C-u> <C-t> <C-d> <C-r> <C-o> <C-a> <C-v>,
arrows, autoindent, 'textwidth' wrapping, 'backspace', counts and block insert.

An insert session (`Session`) lives in `ed.insert` from the command that started it (i a o
c ...) to <Esc>.  The whole session is one undo step (the group opened by the command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.keys import is_printable
from tinymorph_tui.core.textutil import (
    char_width,
    first_nonblank,
    indent_of,
    indent_width,
    make_indent,
    vcol_of,
)

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor
    from tinymorph_tui.core.operators import Region


class Session:
    """State of one insert/replace session."""

    __slots__ = (
        "kind", "count", "start", "typed", "text", "pending", "replace", "replaced",
        "ai_row", "ctrl_o", "block", "keybuf", "vertical", "origin", "wrapped",
        "ctrl_o_eol", "run_start", "run_prev", "keys_since_char", "arrow_used",
        "ctrl_o_dot", "completion", "literal",
    )

    def __init__(
        self,
        kind: str,
        count: int = 1,
        start: tuple[int, int] = (0, 0),
        typed: list[str] | None = None,
        text: str = "",
        pending: list[str] | None = None,
        replace: bool = False,
        replaced: list[str | None] | None = None,
        ai_row: int | None = None,
        ctrl_o: bool = False,
        block: Any = None,
        keybuf: list[str] | None = None,
        vertical: bool = False,
        origin: tuple[int, int] = (0, 0),
        wrapped: bool = False,
        ctrl_o_eol: tuple[int, int] | None = None,
        run_start: tuple[int, int] = (0, 0),
        run_prev: tuple[int, int, str] | None = None,
        keys_since_char: int = 0,
        arrow_used: bool = False,
        ctrl_o_dot: Any = None,
        completion: Any = None,
        literal: Any = None,
    ) -> None:
        self.kind = kind  # the command that started it: i a I A o O c s gi ...
        self.count = count
        self.start = start  # Insstart
        self.typed: list[str] = [] if typed is None else typed
        self.text = text  # inserted text for the ". register
        self.pending: list[str] = [] if pending is None else pending
        self.replace = replace
        self.replaced: list[str | None] = [] if replaced is None else replaced  # replace-mode stack
        self.ai_row = ai_row  # row whose only content is an autoindent we added
        self.ctrl_o = ctrl_o  # executing one normal command from <C-o>
        self.block = block  # (rows, vcol, append) for visual-block I / A / c
        self.keybuf: list[str] = [] if keybuf is None else keybuf
        self.vertical = vertical  # last key was <Up>/<Down>: keep the wanted column
        self.origin = origin  # where the insert started (for '[)
        self.wrapped = wrapped  # 'textwidth' broke a line during this session
        self.ctrl_o_eol = ctrl_o_eol  # <C-o> typed at the end of a line
        self.run_start = run_start  # first char of the current typed run ('.)
        self.run_prev = run_prev
        self.keys_since_char = keys_since_char
        self.arrow_used = arrow_used  # a cursor key was used: the next edit starts a new insert
        #: the "." record being built when <C-o> was typed, and its length then (the
        #: command's keys are not part of the insert's repeat)
        self.ctrl_o_dot = ctrl_o_dot
        self.completion = completion  # a <C-n> / <C-p> completion in progress (completion.py)
        self.literal = literal  # the code being typed after <C-v> (_literal_key)


def _opt(ed: Editor, name: str) -> Any:
    return ed.options[name]


def start(ed: Editor, kind: str, count: int | None = None, *, replace: bool = False) -> None:
    """Enter insert (or replace) mode at the cursor."""
    ed.mode = "replace" if replace else "insert"
    ed.insert = Session(kind, count or 1, ed.cursor_raw, replace=replace, origin=ed.cursor_raw)
    ed.set_message("-- REPLACE --" if replace else "-- INSERT --")
    ed.message = ""


def change(ed: Editor, region: Region, reg_name: str | None) -> None:
    """The c operator: delete the region and start inserting."""
    from tinymorph_tui.core import operators as ops

    doc = ed.doc
    if region.kind == "line":
        r0 = region.start[0]
        line = doc.line(r0)
        ind = indent_of(line) if _opt(ed, "autoindent") else ""
        ops.delete_region(ed, region, reg_name, for_change=True)
        if ind:
            doc.insert(doc.line_start(r0), ind)
        ed.move_cursor_raw(r0, len(ind))
        start(ed, "c")
        if ind:
            ed.insert.ai_row = r0
        return
    if region.kind == "block":
        from tinymorph_tui.core.textutil import col_of_vcol

        ops.delete_region(ed, region, reg_name, for_change=True)
        r0, r1 = region.start[0], region.end[0]
        col = col_of_vcol(doc.line(r0), region.vcols[0], int(_opt(ed, "tabstop")))
        ed.move_cursor_raw(r0, col)
        start(ed, "c")
        ed.insert.block = (r0, r1, region.vcols[0], False, region.to_eol, region.vcols[0])
        return
    if region.inclusive_empty:
        # op_change() on an empty line still "yanks" the empty text into "- (a delete
        # returns early there instead)
        ed.registers.put(reg_name if reg_name not in (None, '"') else "-", "", "char", op="delete")
    ops.delete_region(ed, region, reg_name, for_change=True)
    ed.move_cursor_raw(*region.start)
    start(ed, "c")


# -- key handling ---------------------------------------------------------------------------


def handle_key(ed: Editor, tok: str) -> None:
    """One key in insert or replace mode."""
    s: Session = ed.insert
    if s is None:
        start(ed, "i")
        s = ed.insert
    if ed._group_depth == 0:
        ed.begin_change()  # back from <C-o>: the typing that follows is a new undo step
    if s.pending:
        _pending_arg(ed, s, tok)
        return
    s.keybuf.append(tok)
    cid, prefix = ed.keymap.lookup("insert", s.keybuf)
    if prefix and len(s.keybuf) < 8 and _has_longer(ed, s.keybuf):
        return  # wait for more keys of a multi-key insert mapping
    keys = s.keybuf
    s.keybuf = []
    if cid is None and len(keys) > 1:
        for k in keys:
            _one_key(ed, s, k, ed.keymap.lookup("insert", [k])[0])
        return
    _one_key(ed, s, keys[0] if len(keys) == 1 else "".join(keys), cid)


def _has_longer(ed: Editor, keys: list[str]) -> bool:
    return bool(ed.keymap.continuations("insert", keys))


def _one_key(ed: Editor, s: Session, tok: str, cid: str | None) -> None:
    if s.completion is not None and cid != "insert-complete" and tok not in ("<C-n>", "<C-p>"):
        # any other key accepts the completion shown (<C-n> may reach completion through
        # a shell binding that falls through, e.g. the hints' cycle key)
        s.completion = None
    if s.arrow_used and cid not in ("insert-move", "insert-escape", "insert-normal-command"):
        stop_arrow(ed, s, tok)
    if cid != "insert-move":
        s.vertical = False
    if not is_printable(tok) or cid is not None:
        s.keys_since_char += 1
    if cid is not None:
        cmd = ed.commands.get(cid)
        if cmd is not None:
            if cmd.internal:
                if cmd.kind == "insert":
                    s.typed.append(tok)
                res = cmd.fn(ed, s, tok)
            else:
                res = cmd.fn(ed, None)
                if res is False:
                    fb = ed.keymap.shadowed.get(("insert", (tok,)))
                    fbc = ed.commands.get(fb) if fb else None
                    if fbc is not None and fbc.internal:
                        s.typed.append(tok)
                        fbc.fn(ed, s, tok)
                    elif is_printable(tok):
                        s.typed.append(tok)
                        type_char(ed, s, tok)
            return
    if is_printable(tok):
        s.typed.append(tok)
        type_char(ed, s, tok)


def _pending_arg(ed: Editor, s: Session, tok: str) -> None:
    kind = s.pending[0]
    if kind == "=":
        # the expression register prompt: read up to <CR>, <Esc> cancels
        s.typed.append(tok)
        if tok == "<Esc>":
            s.pending = []
        elif tok in ("<CR>", "<NL>"):
            expr = "".join(s.pending[1:])
            s.pending = []
            value = eval_expression(expr)
            if value is None:
                ed.set_error(f"E15: Invalid expression: \"{expr}\"")
            else:
                insert_text(ed, s, value, literal=True)
        elif tok == "<BS>":
            if len(s.pending) > 1:
                s.pending.pop()
            else:
                s.pending = []
        elif len(tok) == 1:
            s.pending.append(tok)
        return
    if kind == "<C-r>":
        if tok == "<C-r>" or tok == "<C-o>" or tok == "<C-p>":
            s.pending.append(tok)
            return
        s.pending = []
        if tok == "<Esc>":
            return
        s.typed.append(tok)
        name = tok if len(tok) == 1 else ""
        if name == "=":
            s.pending = ["="]
            return
        _literal_for_dot(ed, 2, name)
        entry = ed.registers.get_entry(name) if name and ed.registers.valid(name) else None
        if entry is None:
            if not name or not ed.registers.valid(name):
                ed.beep()
            return
        text = entry.text + ("\n" if entry.kind == "line" else "")
        if name == ".":
            text = ed.last_insert_text
        insert_text(ed, s, text, literal=True)
        return
    if kind == "<C-v>":
        _literal_key(ed, s, tok)
        return
    if kind == "<C-k>":
        s.typed.append(tok)
        if tok == "<Esc>" or tok == "<C-c>":
            s.pending = []
            return
        ch = tok if len(tok) == 1 else _literal_of(tok)
        if not ch:
            # <C-k> before a special key (<Left>, <F1>) inserts the key's name, as Vim does
            s.pending = []
            insert_text(ed, s, tok, literal=True)
            return
        if len(s.pending) == 1:
            s.pending.append(ch)
            return
        from tinymorph_tui.core.digraphs import lookup

        first = s.pending[1]
        s.pending = []
        type_char(ed, s, lookup(first, ch), literal=True)
        return
    s.pending = []


def _literal_key(ed: Editor, s: Session, tok: str) -> None:
    """A key after <C-v>, as Vim's get_literal(): decimal digits (up to 3), or after x / X
    hex (2), o / O octal (3), u hex (4), U hex (8), giving a character code; any other
    key ends the code (and is then handled as typed) or, with no digit yet, is inserted
    literally.  x o u switch the base even after digits, as in Vim."""
    s.typed.append(tok)
    st = s.literal
    if st is None:
        st = s.literal = {"hex": False, "octal": False, "unicode": "", "cc": 0, "i": 0}
    nc = tok if len(tok) == 1 else ""
    done = False
    if nc in ("x", "X"):
        st["hex"] = True
    elif nc in ("o", "O"):
        st["octal"] = True
    elif nc in ("u", "U"):
        st["unicode"] = nc
    else:
        if st["hex"] or st["unicode"]:
            ok = nc != "" and nc in "0123456789abcdefABCDEF"
            base = 16
        elif st["octal"]:
            ok = nc != "" and nc in "01234567"
            base = 8
        else:
            ok = nc != "" and nc in "0123456789"
            base = 10
        if not ok:
            _literal_end(ed, s, tok)
            return
        st["cc"] = st["cc"] * base + int(nc, 16)
        st["i"] += 1
    if st["cc"] > 255 and not st["unicode"]:
        st["cc"] = 255
    i = st["i"]
    if st["hex"]:
        done = i >= 2
    elif st["unicode"]:
        done = i >= (4 if st["unicode"] == "u" else 8)
    else:
        done = i >= 3
    if done:
        s.pending = []
        s.literal = None
        _insert_code(ed, s, st["cc"])


def _literal_end(ed: Editor, s: Session, tok: str) -> None:
    """A key that is not a digit after <C-v>[xou]digits."""
    st = s.literal
    s.pending = []
    s.literal = None
    assert st is not None
    if st["i"] == 0:
        # no number entered: the key itself, literally (a base letter before it is lost)
        ch = tok if len(tok) == 1 else _literal_of(tok)
        if ch:
            insert_text(ed, s, ch, literal=True)
        return
    _insert_code(ed, s, st["cc"])
    s.typed.pop()
    handle_key(ed, tok)


def _insert_code(ed: Editor, s: Session, value: int) -> None:
    try:
        ch = chr(value)
    except (ValueError, OverflowError):
        ed.beep()
        return
    if ch == "\n":
        ch = "\x00"  # Vim keeps a NUL as NL in memory; a real newline would split
    type_char(ed, s, ch, literal=True)


def _literal_for_dot(ed: Editor, n_keys: int, name: str) -> None:
    """`.` repeats the text a <C-r>{reg} inserted, not the register's later contents:
    replace the keys in the change being recorded with the text itself."""
    rec = ed._dot_building
    if rec is None or ed._replaying or not name:
        return
    entry = ed.registers.get_entry(name) if ed.registers.valid(name) else None
    if entry is None:
        return
    text = entry.text + ("\n" if entry.kind == "line" else "")
    if name == ".":
        text = ed.last_insert_text
    if len(rec.tail) >= n_keys:
        del rec.tail[-n_keys:]
    for ch in text:
        rec.tail.append("<CR>" if ch == "\n" else ch)


def eval_expression(expr: str) -> str | None:
    """A small subset of Vim expressions for <C-r>=: integer arithmetic and strings."""
    import ast
    import operator

    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.floordiv, ast.Mod: operator.mod}

    def ev(node: ast.AST) -> int | str:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            if not isinstance(v, int):
                raise ValueError(expr)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            a, b = ev(node.left), ev(node.right)
            if isinstance(a, int) and isinstance(b, int):
                if isinstance(node.op, (ast.Div, ast.Mod)) and b == 0:
                    raise ValueError(expr)
                return int(ops[type(node.op)](a, b))
        raise ValueError(expr)

    try:
        return str(ev(ast.parse(expr.strip(), mode="eval")))
    except (ValueError, SyntaxError, TypeError):
        return None


def _literal_of(tok: str) -> str:
    from tinymorph_tui.core.keys import _RAW

    for raw, name in _RAW.items():
        if name == tok:
            return raw
    if tok.startswith("<C-") and len(tok) == 5:
        return chr(ord(tok[3]) & 0x1F)
    return ""


# -- primitive edits --------------------------------------------------------------------------


def _cur(ed: Editor) -> tuple[int, int]:
    return ed.cursor_raw


def insert_text(ed: Editor, s: Session, text: str, *, literal: bool = False) -> None:
    """Insert `text` at the cursor as if typed (newlines open lines; literal: no mappings)."""
    for ch in text:
        if ch == "\n":
            newline(ed, s, "<CR>")
        elif ch == "\r" and not literal:
            newline(ed, s, "<CR>")
        else:
            type_char(ed, s, ch, literal=literal)


def type_char(ed: Editor, s: Session, ch: str, *, literal: bool = False) -> None:
    """Insert (or in replace mode overwrite) one character, wrapping at 'textwidth'."""
    doc = ed.doc
    r, c = _cur(ed)
    tw = int(_opt(ed, "textwidth"))
    if tw == 0 and int(_opt(ed, "wrapmargin")) > 0:
        tw = max(int(_opt(ed, "columns")) - int(_opt(ed, "wrapmargin")), 0)
    # The line itself is read only when it must be (wrapping, replace): on a 50 MB line
    # a copy per key would cost more than everything else together.
    if (
        tw > 0
        and ch not in " \t"
        and "t" in str(_opt(ed, "formatoptions"))
        and not (s.replace and c < doc.line_length(r))  # overtyping never wraps
    ):
        v = ed.vcol_at(r, c)
        if v + char_width(ch) > tw:
            if _auto_wrap(ed, s, tw):
                r, c = _cur(ed)
    if s.ai_row == r:
        s.ai_row = None
    off = doc.offset_of(r, c)
    if s.replace and c < doc.line_length(r):
        s.replaced.append(doc.slice(off, off + 1))
        doc.replace(off, off + 1, ch)
    else:
        if s.replace:
            s.replaced.append(None)
        doc.insert(off, ch)
    s.text += ch
    ed.move_cursor_raw(r, c + 1)
    _dot_mark_run(ed, s, ch, r, c)


def _dot_mark_run(ed: Editor, s: Session, ch: str, r: int, c: int) -> None:
    """The '. mark after typing: Vim inserts a run of typed-ahead characters with one
    change (insertchar() grabs the following keys), so '. stays at the run's first
    character; a run ends at other keys and at 'textwidth'."""
    prev = s.run_prev
    tw = int(_opt(ed, "textwidth"))
    cont = (
        prev is not None
        and prev[0] == r
        and prev[1] == c - 1
        and s.keys_since_char == 0
        and (tw == 0 or c < tw)
    )
    if not cont:
        s.run_start = (r, c)
    ed.marks.set(".", s.run_start)
    s.run_prev = (r, c, ch)
    s.keys_since_char = 0


def _auto_wrap(ed: Editor, s: Session, tw: int) -> bool:
    """Vim's internal_format(): break the line at the last blank that keeps the text
    within 'textwidth'; the cursor keeps its place in the moved text."""
    doc = ed.doc
    r, startcol = _cur(ed)
    from tinymorph_tui.core.editor import LONG_LINE

    if doc.line_length(r) > LONG_LINE:
        # only the text up to the cursor matters (plus blanks right after it)
        base = doc.line_start(r)
        line = doc.slice(base, base + min(doc.line_length(r), startcol + 4096))
    else:
        line = doc.line(r)
    ts = int(_opt(ed, "tabstop"))
    # wantcol: the character at screen column tw (0-based)
    from tinymorph_tui.core.textutil import col_of_vcol

    wantcol = col_of_vcol(line, tw, ts)
    foundcol = find_break(line, startcol, wantcol)
    if foundcol == 0:
        return False
    # Don't break before the insert start on the same line if nothing was typed there.
    head = line[:foundcol].rstrip(" \t")
    j = foundcol
    while j < len(line) and line[j] in " \t":
        j += 1
    tail_start = j
    new_startcol = max(startcol - tail_start, 0)
    ind = ""
    from tinymorph_tui.core.comments import comments_of, get_leader

    lead = get_leader(line, comments_of(ed.options)) if "c" in str(_opt(ed, "formatoptions")) else None
    if lead is not None and len(lead.text) <= len(head):
        ind = lead.continuation()
    elif _opt(ed, "autoindent"):
        ind = make_indent(indent_width(line, ts), ts, bool(_opt(ed, "expandtab")))
    a = doc.offset_of(r, len(head))
    b = doc.offset_of(r, tail_start)
    doc.replace(a, b, "\n" + ind)
    ed.move_cursor_raw(r + 1, len(ind) + new_startcol)
    s.wrapped = True
    return True


def _first_blank(line: str, a: int, b: int) -> int:
    """Index of the first space or tab in line[a:b], or -1."""
    hits = [i for i in (line.find(" ", a, b), line.find("\t", a, b)) if i >= 0]
    return min(hits) if hits else -1


def find_break(line: str, startcol: int, wantcol: int) -> int:
    """Where internal_format() breaks: the start of the rightmost run of blanks before
    `startcol` that starts at or before `wantcol`; failing that the leftmost run after
    it; 0 for none.  A run reaching the start of the line is no break point (it ends the
    search).  Done with str searches: the loop Vim runs char by char would take seconds
    on a 50 MB line."""
    hi = min(wantcol, startcol - 1)
    idx = max(line.rfind(" ", 0, hi + 1), line.rfind("\t", 0, hi + 1)) if hi >= 0 else -1
    search_from = hi + 1
    if idx >= 0:
        j = idx
        while j > 0 and line[j - 1] in " \t":
            j -= 1
        if j > 0:
            return j
        # blanks from the line start: look right of them
        k = idx
        while k < len(line) and line[k] in " \t":
            k += 1
        search_from = k
    if search_from >= startcol:
        return 0
    k = _first_blank(line, search_from, startcol)
    return k if k > 0 else 0


def newline(ed: Editor, s: Session, tok: str) -> bool:
    """<CR> in insert mode: split the line, with autoindent."""
    doc = ed.doc
    r, c = _cur(ed)
    line = doc.line(r)
    if s.replace:
        # In replace mode <CR> does not delete characters; it splits the line.
        pass
    ind = ""
    ts = int(_opt(ed, "tabstop"))
    if _opt(ed, "autoindent"):
        ind = make_indent(indent_width(line, ts), ts, bool(_opt(ed, "expandtab")))
    before = line[:c]
    after = line[c:]
    if _opt(ed, "autoindent"):
        after = after.lstrip(" \t")
    keep = c  # characters at the start of the line the edit leaves alone
    if s.ai_row == r and before.strip(" \t") == "":
        before = ""
        keep = 0
    a = doc.line_start(r)
    if s.ai_row == r and line[:c].strip(" \t") == "":
        ind = make_indent(indent_width(line, ts), ts, bool(_opt(ed, "expandtab")))
    # As Vim's open_line(): the new line is appended first (that is the change the
    # change list records), then this line is cut at the cursor.  No mark on this line
    # moves to the new one (ins_eol() passes no OPENLINE_MARKFIX), and a huge line is
    # not rewritten.
    ed.marks.note_change((r + 1, 0), int(_opt(ed, "textwidth")))
    doc.insert(a + len(line), "\n" + ind + after)
    if len(line) > keep:
        doc.delete(a + keep, len(line) - keep)
    ed.move_cursor_raw(r + 1, len(ind))
    s.ai_row = r + 1 if ind else None
    s.text += "\n"
    if s.replace:
        s.replaced.append("\n")
    return True


def backspace(ed: Editor, s: Session, tok: str) -> bool:
    """<BS> / <C-h> honouring 'backspace' (indent, eol, start) and 'softtabstop'."""
    doc = ed.doc
    r, c = _cur(ed)
    items = _backspace_items(ed)
    can_start = "start" in items or "nostop" in items
    can_eol = "eol" in items
    if c == 0:
        if r == 0:
            ed.beep()
            return False
        if not can_eol or (not can_start and (r, c) <= s.start):
            ed.beep()
            return False
        if s.replace:
            if s.replaced and s.replaced[-1] == "\n":
                s.replaced.pop()
                prev = doc.line(r - 1)
                a = doc.offset_of(r - 1, len(prev))
                doc.delete(a, 1)
                ed.move_cursor_raw(r - 1, len(prev))
            else:
                ed.move_cursor_raw(r - 1, len(doc.line(r - 1)))
            return True
        prev = doc.line(r - 1)
        a = doc.offset_of(r - 1, len(prev))
        doc.delete(a, 1)
        ed.move_cursor_raw(r - 1, len(prev))
        if s.start[0] == r:
            s.start = (r - 1, len(prev)) if (r - 1, len(prev)) < s.start else s.start
        s.text = s.text[:-1] if s.text.endswith("\n") else s.text
        if s.start > (r - 1, len(prev)):
            s.start = (r - 1, len(prev))
        return True
    if not can_start and (r == s.start[0] and c <= s.start[1]):
        ed.beep()
        return False
    n = 1
    sts = ed.options.effective_softtabstop
    ts = int(_opt(ed, "tabstop"))
    # the line is read only for 'softtabstop' (not on every <BS> of a huge line)
    line = doc.line(r) if sts and not s.replace else ""
    if sts and not s.replace and line[c - 1] == " ":
        v = vcol_of(line, c, ts)
        want = ((v - 1) // sts) * sts
        j = c
        while j > 0 and line[j - 1] == " " and vcol_of(line, j - 1, ts) >= want:
            j -= 1
        n = max(c - j, 1)
    if s.replace:
        for _ in range(n):
            r, c = _cur(ed)
            if s.replaced:
                old = s.replaced.pop()
                off = doc.offset_of(r, c - 1)
                if old is None:
                    doc.delete(off, 1)
                else:
                    doc.replace(off, off + 1, old)
            ed.move_cursor_raw(r, c - 1)
        return True
    lo = c - n
    if not can_start and r == s.start[0]:
        lo = max(lo, s.start[1])
    return _delete_back_to(ed, s, tok, r, lo, c)


def _backspace_items(ed: Editor) -> set[str]:
    """'backspace' as a set of items, Vim's old numeric values spelled out (2 and 3 allow
    indent, eol and start; 1 indent and eol)."""
    bs = str(_opt(ed, "backspace"))
    items = set(bs.split(","))
    if bs in ("2", "3"):
        items |= {"indent", "eol", "start"}
    elif bs == "1":
        items |= {"indent", "eol"}
    return items


def delete_word(ed: Editor, s: Session, tok: str) -> bool:
    """<C-w>: delete the word before the cursor (Vim's rules incl. 'backspace' start)."""
    from tinymorph_tui.core.textutil import char_class

    doc = ed.doc
    r, c = _cur(ed)
    if c == 0:
        return backspace(ed, s, tok)
    line = doc.line(r)
    items = _backspace_items(ed)
    can_start = "start" in items or "nostop" in items
    if not can_start and r == s.start[0] and c <= s.start[1]:
        ed.beep()
        return False
    isk = ed.options.is_keyword_char
    j = c
    while j > 0 and line[j - 1] in " \t":
        j -= 1
    if j > 0:
        cls = char_class(line[j - 1], isk)
        while j > 0 and line[j - 1] not in " \t" and char_class(line[j - 1], isk) == cls:
            j -= 1
    # Vim stops at the insert start first ("start" in 'backspace' but not "nostop")
    if r == s.start[0] and s.start[1] < c and j < s.start[1] and "nostop" not in items:
        j = s.start[1]
    if not can_start and r == s.start[0]:
        j = max(j, s.start[1])
    return _delete_back_to(ed, s, tok, r, j, c)


def _delete_back_to(ed: Editor, s: Session, tok: str, r: int, j: int, c: int) -> bool:
    """Delete columns j..c of row r before the cursor (<C-w>, <C-u>); in replace mode each
    character is backspaced so the replaced text comes back, as in Vim."""
    if s.replace:
        for _ in range(c - j):
            backspace(ed, s, tok)
        return True
    ed.doc.delete(ed.doc.offset_of(r, j), c - j)
    ed.move_cursor_raw(r, j)
    if r == s.start[0] and j < s.start[1]:
        s.start = (r, j)
    # The inserted text (the ". register, what a visual-block I/A copies to the other
    # lines) loses what was deleted, as with <BS>.
    n = c - j
    s.text = s.text[:-n] if len(s.text) >= n else ""
    return True


def delete_line(ed: Editor, s: Session, tok: str) -> bool:
    """<C-u>: delete all entered text before the cursor in the line (then the indent)."""
    doc = ed.doc
    r, c = _cur(ed)
    if c == 0:
        return backspace(ed, s, tok)
    line = doc.line(r)
    items = _backspace_items(ed)
    can_start = "start" in items or "nostop" in items
    fnb = len(indent_of(line))
    if r == s.start[0] and s.start[1] < c:
        j = s.start[1]
    elif not can_start and r == s.start[0]:
        ed.beep()
        return False
    else:
        j = fnb if c > fnb else 0
    return _delete_back_to(ed, s, tok, r, j, c)


def delete_char(ed: Editor, s: Session, tok: str) -> bool:
    """<Del>: delete the character under the cursor (joins lines at the end, 'backspace' eol)."""
    doc = ed.doc
    r, c = _cur(ed)
    line = doc.line(r)
    if c < len(line):
        a = doc.offset_of(r, c)
        doc.delete(a, 1)
        return True
    if r + 1 < doc.line_count and "eol" in str(_opt(ed, "backspace")):
        a = doc.offset_of(r, c)
        doc.delete(a, 1)
        return True
    ed.beep()
    return False


def shift_indent(ed: Editor, s: Session, tok: str) -> bool:
    """<C-t> / <C-d>: add or remove one 'shiftwidth' of indent; cursor keeps its text."""
    doc = ed.doc
    r, c = _cur(ed)
    line = doc.line(r)
    ts = int(_opt(ed, "tabstop"))
    sw = ed.options.effective_shiftwidth
    ind = indent_of(line)
    w = indent_width(line, ts)
    if tok == "<C-t>":
        nw = (w // sw + 1) * sw
    else:
        if c > 0 and line[c - 1] in "0^" and line[: c - 1].strip() == "":
            # 0<C-d> / ^<C-d>: remove all indent
            doc.delete(doc.offset_of(r, c - 1), 1)
            c -= 1
            line = doc.line(r)
            ind = indent_of(line)
            nw = 0
        else:
            nw = max(((w - 1) // sw) * sw, 0) if w else 0
    new = make_indent(nw, ts, bool(_opt(ed, "expandtab")))
    a = doc.line_start(r)
    doc.replace(a, a + len(ind), new)
    nc = max(c + len(new) - len(ind), len(new) if c >= len(ind) else min(c, len(new)))
    if c < len(ind):
        nc = len(new) if c >= len(new) else c
        nc = min(nc, len(new))
    ed.move_cursor_raw(r, nc)
    if s.ai_row == r and nw == 0:
        s.ai_row = None
    return True


def escape(ed: Editor, s: Session, tok: str) -> bool:
    """<Esc>: finish the insert (repeat it for a count), cursor one left."""
    from tinymorph_tui.core.execute import finish_dot

    doc = ed.doc
    r, c = _cur(ed)
    if s.count > 1 and not s.block:
        _repeat_insert(ed, s)
        r, c = _cur(ed)
    block_home = None
    if s.block:
        # a block I / A over several lines leaves the cursor at the block's top-left
        # (a block c ends like any insert)
        if s.kind != "c" and "\n" not in s.text and not s.wrapped and (s.block[3] or s.text):
            block_home = (s.block[0], s.block[5])
        _finish_block(ed, s)
    # an autoindent with nothing typed after it is removed again
    if s.ai_row == r:
        line = doc.line(r)
        if line.strip(" \t") == "" and line:
            a = doc.line_start(r)
            doc.delete(a, len(line))
            c = 0
    ed.last_insert_text = s.text
    ed.registers.set_special(".", s.text)
    ed.marks.set("^", (r, c))
    # '[ where the insert started, '] just after the inserted text
    ed.marks.set("[", s.origin)
    ed.marks.set("]", (r, c))
    ed.insert = None
    ed.mode = "normal"
    ed.message = ""
    ed.move_cursor_raw(r, max(c - 1, 0) if c > 0 else 0)
    if block_home is not None:
        # after a visual-block insert the cursor goes to the block's top-left corner
        from tinymorph_tui.core.textutil import col_of_vcol

        br = block_home[0]
        ed.move_cursor_raw(br, col_of_vcol(doc.line(br), block_home[1], int(_opt(ed, "tabstop"))))
    ed.clamp_cursor()
    ed.update_curswant()
    ed.end_change()
    finish_dot(ed)
    ed.scroll_to_cursor()
    return True


def _repeat_insert(ed: Editor, s: Session) -> None:
    """Type the session's keys count-1 more times (Vim repeats the inserted text)."""
    keys = [k for k in s.typed if k != "<Esc>"]
    count = s.count
    s.count = 1
    for _ in range(count - 1):
        s.keys_since_char += 1  # each repetition is a separate change for '.
        if s.kind in ("o", "O"):
            # Vim's start_redo_ins(): o / O repeat by typing a line break, then the text
            newline(ed, s, "<CR>")
        for k in keys:
            if s.pending:
                # the argument of <C-v> <C-k> <C-r> typed in the first round
                _pending_arg(ed, s, k)
                continue
            cid = ed.keymap.lookup("insert", [k])[0]
            if cid in ("insert-escape",):
                continue
            _one_key(ed, s, k, cid)


def _finish_block(ed: Editor, s: Session) -> None:
    """Visual-block I/A/c: copy what was typed on the first line to the other lines."""
    r0, r1, vcol, append, to_eol, _home = s.block
    s.block = None
    text = s.text
    if not text or "\n" in text or s.wrapped:
        return  # Vim only repeats text inserted within the first line
    doc = ed.doc
    ts = int(_opt(ed, "tabstop"))
    from tinymorph_tui.core.textutil import col_of_vcol, display_width

    for row in range(r0 + 1, r1 + 1):
        line = doc.line(row)
        if to_eol and append:
            col = len(line)
        else:
            width = display_width(line, ts)
            if width < vcol:
                if not append:
                    continue  # short line: I skips it
                pad = " " * (vcol - width)
                doc.insert(doc.offset_of(row, len(line)), pad)
                line = doc.line(row)
            col = col_of_vcol(line, vcol, ts)
        doc.insert(doc.offset_of(row, col), text)


def ctrl_o(ed: Editor, s: Session, tok: str) -> bool:
    """<C-o>: run one normal mode command, then continue inserting.

    At the end of a line the cursor goes onto the last character for the command and
    comes back after it when the command did not move it (Vim's ins_at_eol)."""
    s.ctrl_o = True
    r, c = _cur(ed)
    s.ctrl_o_eol = None
    if c > 0 and c >= len(ed.doc.line(r)):
        ed.move_cursor_raw(r, c - 1)
        s.ctrl_o_eol = (r, c - 1)
    ed.mode = "normal"
    ed._ctrl_o_session = s
    # like a cursor key, <C-o> ends the undo step and what "." repeats: the text typed
    # after the command is a new insert (Vim: `ifoo<C-o>lbar<Esc>u` keeps "foo")
    _start_arrow(ed, s)
    # the command is its own undo step; handle_key() opens the next one for the typing
    # that follows
    if ed._group_depth == 1:
        ed.end_change()
    rec = ed._dot_building
    s.ctrl_o_dot = (rec, len(rec.tail)) if rec is not None and not ed._replaying else None
    return True


def repeat_last(ed: Editor, s: Session, tok: str) -> bool:
    """<C-a>: insert the previously inserted text."""
    insert_text(ed, s, ed.last_insert_text, literal=True)
    return True


def move(ed: Editor, s: Session, tok: str) -> bool:
    """Arrow keys, <Home>, <End> in insert mode (they start a new undo step in Vim)."""
    doc = ed.doc
    r, c = _cur(ed)
    line = doc.line(r)
    if tok == "<Left>":
        if c > 0:
            c -= 1
        elif "[" in str(_opt(ed, "whichwrap")) and r > 0:
            r -= 1
            c = len(doc.line(r))
        else:
            ed.beep()
    elif tok == "<Right>":
        if c < len(line):
            c += 1
        elif "]" in str(_opt(ed, "whichwrap")) and r + 1 < doc.line_count:
            r, c = r + 1, 0
        else:
            ed.beep()
    elif tok == "<Home>":
        c = 0
    elif tok == "<End>":
        c = len(line)
    elif tok in ("<Up>", "<Down>"):
        nr = r - 1 if tok == "<Up>" else r + 1
        if 0 <= nr < doc.line_count:
            if not s.vertical:
                ed.update_curswant()
            s.vertical = True
            v = ed.curswant_vcol()
            r = nr
            from tinymorph_tui.core.textutil import col_of_vcol

            nl = doc.line(r)
            c = min(col_of_vcol(nl, v, int(_opt(ed, "tabstop"))), len(nl))
            ed.move_cursor_raw(r, c)
            s.start = (r, c)
            s.ai_row = None
            _start_arrow(ed, s)
            return True
        ed.beep()
    ed.move_cursor_raw(r, c)
    ed.update_curswant()
    s.vertical = False
    # moving starts a new insert for 'backspace' "start" purposes and undo
    s.start = (r, c)
    s.ai_row = None
    _start_arrow(ed, s)
    return True


def _start_arrow(ed: Editor, s: Session) -> None:
    """Vim's start_arrow(): the insert typed so far is one undo step; what is typed after
    the cursor key is a new one, and "." then repeats only that ("1i" + text)."""
    ed.end_change()
    ed.begin_change()
    s.arrow_used = True
    s.count = 1  # a count is not repeated after cursor keys
    rec = ed._dot_building
    if rec is not None and rec.tail and not ed._replaying:
        rec.tail.pop()  # cursor keys are not part of what "." repeats


def stop_arrow(ed: Editor, s: Session, tok: str) -> None:
    """Vim's stop_arrow(): typing resumes after a cursor key."""
    if not s.arrow_used:
        return
    s.arrow_used = False
    s.text = ""
    s.origin = ed.cursor_raw
    s.typed = []
    if not ed._replaying:
        from tinymorph_tui.core.editor import DotRecord

        ed._dot_building = DotRecord(["i"], 1, None, tail=[tok])


def insert_tab(ed: Editor, s: Session, tok: str) -> bool:
    """<Tab>: a tab, or spaces with 'expandtab' / 'softtabstop'."""
    r, c = _cur(ed)
    line = ed.doc.line(r)
    ts = int(_opt(ed, "tabstop"))
    sts = ed.options.effective_softtabstop
    if not _opt(ed, "expandtab") and not sts:
        type_char(ed, s, "\t", literal=True)
        return True
    v = vcol_of(line, c, ts)
    step = sts or ts
    n = step - v % step
    if not _opt(ed, "expandtab"):
        # softtabstop without expandtab: spaces, converted to tabs where they fill a tabstop
        for _ in range(n):
            type_char(ed, s, " ", literal=True)
        return True
    for i in range(n):
        if s.replace and i > 0:
            # in Replace mode the tab replaces one character; the other spaces are inserted
            s.replace = False
            try:
                type_char(ed, s, " ", literal=True)
            finally:
                s.replace = True
            s.replaced.append(None)
        else:
            type_char(ed, s, " ", literal=True)
    return True


def pending_key(ed: Editor, s: Session, tok: str) -> bool:
    """<C-r> and <C-v>: wait for the register name / literal character."""
    s.pending = [tok if tok != "<C-q>" else "<C-v>"]
    return True


def copy_from_line(ed: Editor, s: Session, tok: str) -> bool:
    """<C-e> / <C-y>: insert the character below / above the cursor."""
    r, c = _cur(ed)
    nr = r + 1 if tok == "<C-e>" else r - 1
    if not 0 <= nr < ed.doc.line_count:
        ed.beep()
        return False
    other = ed.doc.line(nr)
    ts = int(_opt(ed, "tabstop"))
    v = vcol_of(ed.doc.line(r), c, ts)
    from tinymorph_tui.core.textutil import col_of_vcol

    oc = col_of_vcol(other, v, ts)
    if oc >= len(other):
        ed.beep()
        return False
    type_char(ed, s, other[oc], literal=True)
    return True


def _complete(ed: Editor, s: Session, tok: str) -> bool:
    """<C-n> / <C-p>: keyword completion (completion.py)."""
    from tinymorph_tui.core.completion import complete

    return complete(ed, s, "<C-p>" if tok == "<C-p>" else "<C-n>")


def undo_break(ed: Editor, s: Session, tok: str) -> bool:
    """<C-g>u: close the undo step here; what is typed next is a new one (i_CTRL-G_u)."""
    break_undo(ed, s)
    return True


def break_undo(ed: Editor, s: Session) -> None:
    """Vim's CTRL-G u: u_sync() and Insstart moves to the cursor (so <BS> with
    'backspace' without "start" stops here, and undo stops here)."""
    if ed._group_depth == 1:
        ed.end_change()
        ed.begin_change()
    s.start = ed.cursor_raw


#: Options literal text is inserted without (as a paste: the text arrives as given).
_LITERAL_OFF: dict[str, Any] = {"autoindent": False, "textwidth": 0, "wrapmargin": 0}


def insert_literal(ed: Editor, text: str, *, undo_break: bool = True) -> None:
    """Insert `text` at the cursor literally (newlines break lines; no autoindent, no
    'textwidth' wrapping, no mappings), for the shell (accepting an AI hint).

    In insert/replace mode the text joins the session (the ". register, `.` repeat) and,
    with `undo_break`, is its own undo step as if <C-g>u were typed before and after it.
    In other modes it is one undo step and the cursor ends on its last character.
    '[ and '] mark the inserted text.
    """
    text = text.replace("\r\n", "\n")
    if not text:
        return
    s: Session | None = ed.insert if ed.mode in ("insert", "replace") else None
    doc = ed.doc
    if s is None:
        r, c = ed.cursor_raw
        ed.begin_change()
        try:
            off = doc.offset_of(r, min(c, len(ed.line(r))))
            doc.insert(off, text)
            end = doc.position_of(off + len(text) - 1)
        finally:
            ed.end_change()
        ed.marks.set("[", (r, c))
        ed.marks.set("]", end)
        ed.move_cursor_raw(*end)
        ed.clamp_cursor()
        ed.update_curswant()
        ed.scroll_to_cursor()
        return
    if undo_break:
        break_undo(ed, s)
    first = ed.cursor_raw
    opts = ed.options
    saved = {name: opts[name] for name in _LITERAL_OFF}
    try:
        for name, value in _LITERAL_OFF.items():
            opts[name] = value
        insert_text(ed, s, text, literal=True)
    finally:
        for name, value in saved.items():
            opts[name] = value
    if undo_break:
        break_undo(ed, s)
    ed.marks.set("[", first)
    ed.marks.set("]", ed.cursor_raw)
    toks = ["<CR>" if ch == "\n" else "<Tab>" if ch == "\t" else ch for ch in text]
    s.typed.extend(toks)
    rec = ed._dot_building
    if rec is not None and not ed._replaying:
        # `.` repeats the text itself, not the key that accepted it (<Tab> would insert a tab)
        key = ed.current_key
        if rec.tail and key is not None and rec.tail[-1] == key:
            rec.tail.pop()
        for t in toks:
            rec.tail.extend(["<C-v>", t] if t == "<Tab>" else [t])
    ed.update_curswant()
    ed.scroll_to_cursor()


def toggle_replace(ed: Editor, s: Session, tok: str) -> bool:
    """<Insert>: switch between insert and replace mode."""
    s.replace = not s.replace
    ed.mode = "replace" if s.replace else "insert"
    return True


INSERT_COMMANDS: dict[str, tuple[Any, str]] = {
    "insert-escape": (escape, "Leave insert mode (<Esc>)."),
    "insert-newline": (newline, "Begin a new line (<CR>)."),
    "insert-backspace": (backspace, "Delete the character before the cursor (<BS>)."),
    "insert-delete": (delete_char, "Delete the character under the cursor (<Del>)."),
    "insert-delete-word": (delete_word, "Delete the word before the cursor (<C-w>)."),
    "insert-delete-line": (delete_line, "Delete the text entered before the cursor (<C-u>)."),
    "insert-indent": (shift_indent, "Add one shiftwidth of indent (<C-t>)."),
    "insert-dedent": (shift_indent, "Remove one shiftwidth of indent (<C-d>)."),
    "insert-register": (pending_key, "Insert the contents of a register (<C-r>{reg})."),
    "insert-literal": (pending_key, "Insert the next key literally (<C-v>)."),
    "insert-digraph": (pending_key, "Insert a digraph (<C-k>{char1}{char2})."),
    "insert-normal-command": (ctrl_o, "Execute one normal mode command (<C-o>)."),
    "insert-repeat-last": (repeat_last, "Insert the previously inserted text (<C-a>)."),
    "insert-move": (move, "Move the cursor (arrows, <Home>, <End>)."),
    "insert-tab": (insert_tab, "Insert a tab or spaces per 'expandtab' (<Tab>)."),
    "insert-copy-line-below": (copy_from_line, "Insert the character below the cursor (<C-e>)."),
    "insert-copy-line-above": (copy_from_line, "Insert the character above the cursor (<C-y>)."),
    "insert-toggle-replace": (toggle_replace, "Toggle insert / replace mode (<Insert>)."),
    "insert-undo-break": (undo_break, "Start a new undo step here (<C-g>u)."),
    "insert-complete": (_complete, "Complete the keyword before the cursor from the buffer (<C-n> / <C-p>)."),
}


def first_nonblank_col(line: str) -> int:
    """Re-exported helper."""
    return first_nonblank(line)
