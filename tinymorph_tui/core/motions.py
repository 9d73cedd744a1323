"""Cursor motions, ported from Vim's normal.c / search.c / textobject.c.

Every motion is a function `fn(ctx) -> Motion | None` (None: the motion failed, Vim beeps and
an operator is cancelled).  `Motion` says where the cursor goes and how an operator uses the
span (exclusive, inclusive or linewise), whether it is a jump (sets the ' mark and the jump
list), and how the wanted column changes (j/k keep it, $ wants the end of line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.cursor_walk import Walker
from tinymorph_tui.core.textutil import (
    col_of_vcol,
    display_width,
    first_nonblank,
    vcol_of,
)

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

MAXCOL = 1 << 30


class Ctx:
    """What a command sees: the editor, its count, register, char argument and operator."""

    __slots__ = ("ed", "count", "arg", "op", "reg", "keys", "extra")

    def __init__(
        self,
        ed: Editor,
        count: int | None = None,
        arg: str | None = None,
        op: str | None = None,
        reg: str | None = None,
        keys: tuple[str, ...] = (),
        extra: Any = None,
    ) -> None:
        self.ed = ed
        self.count = count
        self.arg = arg
        self.op = op
        self.reg = reg
        self.keys = keys
        #: set by motions that need the operator to know (e.g. "w" for cw / dw specials)
        self.extra = extra

    @property
    def count1(self) -> int:
        """The count, 1 when none was typed."""
        return self.count or 1


class Motion:
    """Result of a motion."""

    __slots__ = ("row", "col", "kind", "jump", "curswant", "use_reg_one", "no_adjust")

    def __init__(
        self,
        row: int,
        col: int,
        kind: str = "exclusive",
        jump: bool = False,
        curswant: int | str | None = None,
        use_reg_one: bool = False,
        no_adjust: bool = False,
    ) -> None:
        self.row = row
        self.col = col
        self.kind = kind  # "exclusive" | "inclusive" | "linewise"
        self.jump = jump
        #: None: set curswant from the new column; "keep": leave it (j/k); int: this vcol
        self.curswant = curswant
        #: deletes with this motion go to register 1 even when small (Vi compatible)
        self.use_reg_one = use_reg_one
        #: the exclusive -> inclusive/linewise adjustment of `:help exclusive` must not apply
        self.no_adjust = no_adjust


MotionFn = Callable[[Ctx], "Motion | None"]
MOTIONS: dict[str, tuple[MotionFn, str, str | None]] = {}


def motion(cid: str, arg: str | None = None) -> Callable[[MotionFn], MotionFn]:
    """Register a motion function under a command id (its docstring is the help text)."""

    def deco(fn: MotionFn) -> MotionFn:
        MOTIONS[cid] = (fn, (fn.__doc__ or "").strip(), arg)
        return fn

    return deco


def _walker(ctx: Ctx, bigword: bool = False) -> Walker:
    ed = ctx.ed
    r, c = ed.cursor_raw
    w = Walker(ed.doc, r, c, ed.options.is_keyword_char)
    w.bigword = bigword
    return w


def _ts(ed: Editor) -> int:
    return int(ed.options["tabstop"])


# -- left / right ---------------------------------------------------------------------------


def _ww(ed: Editor, flag: str) -> bool:
    return flag in str(ed.options["whichwrap"]).split(",")


def _left(ctx: Ctx, wrap_flag: str) -> Motion | None:
    ed = ctx.ed
    r, c = ed.cursor_raw
    n = ctx.count1
    moved = False
    wrapped = False
    wrap = _ww(ed, wrap_flag)
    while n > 0:
        if c > 0:
            c -= 1
        elif wrap and r > 0:
            r -= 1
            c = len(ed.line(r))
            # Vim: with an operator a wrap stops on the NUL (deletes the line break)
            if not ctx.op and c > 0:
                c -= 1
            wrapped = True
        else:
            break
        moved = True
        n -= 1
    if not moved:
        # With an operator Vim only beeps: the operator still runs on an empty region.
        return Motion(r, c) if ctx.op else None
    return Motion(r, c, no_adjust=wrapped and ctx.op is not None)


def _right(ctx: Ctx, wrap_flag: str | None) -> Motion | None:
    ed = ctx.ed
    r, c = ed.cursor_raw
    # only line lengths are needed (x / dl on a huge line must not copy it)
    length = ed.doc.line_length(r)
    n = ctx.count1
    wrap = wrap_flag is not None and _ww(ed, wrap_flag)
    moved = False
    past = ctx.op is not None or ed.mode.startswith("visual") and ed.options["selection"] != "old"
    while n > 0:
        limit = length if past else length - 1
        if c < limit:
            c += 1
        elif wrap and r + 1 < ed.doc.line_count:
            r += 1
            c = 0
            length = ed.doc.line_length(r)
        else:
            break
        moved = True
        n -= 1
    if not moved:
        if ctx.op:
            # Vim: at the end of a non-empty line the motion becomes inclusive
            return Motion(r, c, "inclusive" if length and c < length else "exclusive")
        return None
    return Motion(r, c)


@motion("cursor-left")
def m_left(ctx: Ctx) -> Motion | None:
    """Move [count] characters left (h)."""
    return _left(ctx, "h")


@motion("cursor-left-wrap")
def m_bs(ctx: Ctx) -> Motion | None:
    """Move [count] characters left, wrapping to the previous line (<BS>)."""
    return _left(ctx, "b")


@motion("cursor-right")
def m_right(ctx: Ctx) -> Motion | None:
    """Move [count] characters right (l)."""
    return _right(ctx, "l")


@motion("cursor-right-wrap")
def m_space(ctx: Ctx) -> Motion | None:
    """Move [count] characters right, wrapping to the next line (<Space>)."""
    return _right(ctx, "s")


@motion("cursor-left-arrow")
def m_left_arrow(ctx: Ctx) -> Motion | None:
    """Move [count] characters left (<Left>)."""
    return _left(ctx, "<")


@motion("cursor-right-arrow")
def m_right_arrow(ctx: Ctx) -> Motion | None:
    """Move [count] characters right (<Right>)."""
    return _right(ctx, ">")


# -- up / down ------------------------------------------------------------------------------


def _vertical(ctx: Ctx, delta: int) -> Motion | None:
    ed = ctx.ed
    r, _ = ed.cursor_raw
    n = ctx.count1
    last = ed.doc.line_count - 1
    if delta > 0:
        if r >= last:
            return None
        nr = min(r + n, last)
    else:
        if r <= 0:
            return None
        nr = max(r - n, 0)
    line = ed.line(nr)
    col = ed.col_for_curswant(line)
    return Motion(nr, col, "linewise", curswant="keep")


@motion("cursor-down")
def m_down(ctx: Ctx) -> Motion | None:
    """Move [count] lines down, keeping the wanted column (j)."""
    return _vertical(ctx, 1)


@motion("cursor-up")
def m_up(ctx: Ctx) -> Motion | None:
    """Move [count] lines up, keeping the wanted column (k)."""
    return _vertical(ctx, -1)


def _screen_vertical(ctx: Ctx, delta: int) -> Motion | None:
    """gj / gk: move by screen lines when the line wraps at 'columns'."""
    ed = ctx.ed
    width = max(int(ed.options["columns"]), 1)
    if not ed.options["wrap"]:
        return _vertical(ctx, delta)
    ts = _ts(ed)
    r, c = ed.cursor_raw
    want = ed.curswant_vcol() if ed.curswant_vcol() != MAXCOL else None
    line = ed.doc.line(r)
    v = vcol_of(line, c, ts)
    seg_off = want % width if want is not None else v % width
    seg = v // width
    for _ in range(ctx.count1):
        segs = max(display_width(line, ts) - 1, 0) // width + 1
        if delta > 0:
            if seg + 1 < segs:
                seg += 1
            elif r + 1 < ed.doc.line_count:
                r += 1
                line = ed.doc.line(r)
                seg = 0
            else:
                return None
        else:
            if seg > 0:
                seg -= 1
            elif r > 0:
                r -= 1
                line = ed.doc.line(r)
                seg = max(display_width(line, ts) - 1, 0) // width
            else:
                return None
    target = seg * width + seg_off
    col = col_of_vcol(line, target, ts)
    if col >= len(line) and line:
        col = len(line) - 1
    return Motion(r, col, "exclusive", curswant="keep")


@motion("cursor-screen-down")
def m_gj(ctx: Ctx) -> Motion | None:
    """Move [count] screen lines down (gj)."""
    return _screen_vertical(ctx, 1)


@motion("cursor-screen-up")
def m_gk(ctx: Ctx) -> Motion | None:
    """Move [count] screen lines up (gk)."""
    return _screen_vertical(ctx, -1)


def _line_fnb(ctx: Ctx, delta: int, *, count_minus_one: bool = False) -> Motion | None:
    ed = ctx.ed
    r, _ = ed.cursor_raw
    n = ctx.count1 - 1 if count_minus_one else ctx.count1
    last = ed.doc.line_count - 1
    if delta > 0:
        if n and r >= last:
            return None
        nr = min(r + n, last)
    else:
        if n and r <= 0:
            return None
        nr = max(r - n, 0)
    return Motion(nr, first_nonblank(ed.doc.line(nr)), "linewise")


@motion("line-down-first-nonblank")
def m_plus(ctx: Ctx) -> Motion | None:
    """[count] lines down, on the first non-blank character (+ or <CR>)."""
    return _line_fnb(ctx, 1)


@motion("line-up-first-nonblank")
def m_minus(ctx: Ctx) -> Motion | None:
    """[count] lines up, on the first non-blank character (-)."""
    return _line_fnb(ctx, -1)


@motion("line-first-nonblank-count")
def m_underscore(ctx: Ctx) -> Motion | None:
    """[count] - 1 lines down, on the first non-blank character (_)."""
    return _line_fnb(ctx, 1, count_minus_one=True)


# -- within the line ------------------------------------------------------------------------


@motion("line-start")
def m_zero(ctx: Ctx) -> Motion | None:
    """To the first character of the line (0 or <Home>)."""
    r, _ = ctx.ed.cursor_raw
    return Motion(r, 0)


@motion("line-first-nonblank")
def m_caret(ctx: Ctx) -> Motion | None:
    """To the first non-blank character of the line (^)."""
    r, _ = ctx.ed.cursor_raw
    return Motion(r, first_nonblank(ctx.ed.doc.line(r)))


def _down_clamped(ed: Editor, r: int, n: int) -> int | None:
    """Vim's cursor_down(n): fails only when already on the last line."""
    last = ed.doc.line_count - 1
    if n <= 0:
        return r
    if r >= last:
        return None
    return min(r + n, last)


@motion("line-end")
def m_dollar(ctx: Ctx) -> Motion | None:
    """To the end of the line, [count] - 1 lines down ($ or <End>)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    nr = _down_clamped(ed, r, ctx.count1 - 1)
    if nr is None:
        return None
    line = ed.doc.line(nr)
    col = max(len(line) - 1, 0)
    if ctx.op or ed.mode.startswith("visual"):
        col = len(line) - 1 if line else 0
    m = Motion(nr, col, "inclusive", curswant=MAXCOL)
    return m


@motion("line-last-nonblank")
def m_g_underscore(ctx: Ctx) -> Motion | None:
    """To the last non-blank character, [count] - 1 lines down (g_)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    nr = _down_clamped(ed, r, ctx.count1 - 1)
    if nr is None:
        return None
    line = ed.doc.line(nr)
    stripped = line.rstrip(" \t")
    col = max(len(stripped) - 1, 0)
    return Motion(nr, col, "inclusive")


@motion("line-middle")
def m_gm(ctx: Ctx) -> Motion | None:
    """To the middle of the screen width (gm)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    line = ed.doc.line(r)
    v = int(ed.options["columns"]) // 2
    col = col_of_vcol(line, v, _ts(ed))
    return Motion(r, min(col, max(len(line) - 1, 0)))


@motion("line-middle-text")
def m_gM(ctx: Ctx) -> Motion | None:
    """To the middle of the text of the line, or [count] percent of it (gM)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    line = ed.doc.line(r)
    pct = ctx.count if ctx.count is not None else 50
    col = len(line) * min(pct, 100) // 100
    return Motion(r, min(col, max(len(line) - 1, 0)))


@motion("screen-column")
def m_bar(ctx: Ctx) -> Motion | None:
    """To screen column [count] of the line (|)."""
    ed = ctx.ed
    r, _ = ed.cursor_raw
    line = ed.doc.line(r)
    v = ctx.count1 - 1
    col = col_of_vcol(line, v, _ts(ed))
    if col >= len(line):
        col = max(len(line) - 1, 0) if not ctx.op else len(line)
    return Motion(r, col, curswant=v)


# -- f t F T ; , ----------------------------------------------------------------------------


def find_char(ctx: Ctx, kind: str, ch: str, count: int, repeat: bool = False) -> Motion | None:
    """Vim's searchc(): kind is one of "f" "F" "t" "T"."""
    ed = ctx.ed
    r, c = ed.cursor_raw
    line = ed.doc.line(r)
    forward = kind in "ft"
    till = kind in "tT"
    col = c
    for i in range(count):
        # With ";" after t/T Vim skips a match right next to the cursor (cpo without ;).
        start = col + (1 if forward else -1)
        if till and repeat and i == 0:
            start = col + (2 if forward else -2)
        if forward:
            idx = line.find(ch, max(start, 0))
        else:
            idx = line.rfind(ch, 0, start + 1) if start >= 0 else -1
        if idx < 0:
            return None
        col = idx
    if till:
        col = col - 1 if forward else col + 1
    return Motion(r, col, "inclusive" if forward else "exclusive")


def _fchar(kind: str) -> MotionFn:
    def fn(ctx: Ctx) -> Motion | None:
        if ctx.arg is None:
            return None
        ctx.ed.last_find = (kind, ctx.arg)
        return find_char(ctx, kind, ctx.arg, ctx.count1)

    return fn


for _k, _doc in (
    ("f", "To the [count]'th occurrence of {char} to the right (f)."),
    ("F", "To the [count]'th occurrence of {char} to the left (F)."),
    ("t", "Till before the [count]'th occurrence of {char} to the right (t)."),
    ("T", "Till after the [count]'th occurrence of {char} to the left (T)."),
):
    _f = _fchar(_k)
    _f.__doc__ = _doc
    _names = {"f": "find-char", "F": "find-char-backward", "t": "till-char", "T": "till-char-backward"}
    MOTIONS[_names[_k]] = (_f, _doc, "char")


_REVERSE = {"f": "F", "F": "f", "t": "T", "T": "t"}


@motion("repeat-find")
def m_semicolon(ctx: Ctx) -> Motion | None:
    """Repeat the last f, t, F or T [count] times (;)."""
    last = ctx.ed.last_find
    if last is None:
        return None
    return find_char(ctx, last[0], last[1], ctx.count1, repeat=True)


@motion("repeat-find-reverse")
def m_comma(ctx: Ctx) -> Motion | None:
    """Repeat the last f, t, F or T in the opposite direction (,)."""
    last = ctx.ed.last_find
    if last is None:
        return None
    return find_char(ctx, _REVERSE[last[0]], last[1], ctx.count1, repeat=True)


# -- words ----------------------------------------------------------------------------------


def fwd_word(w: Walker, count: int, eol: bool) -> bool:
    """Vim's fwd_word(); returns False on FAIL."""
    while count > 0:
        count -= 1
        sclass = w.cls()
        last_line = w.row == w.nlines - 1
        i = w.inc()
        if i == -1 or (i >= 1 and last_line):
            return False
        if i >= 1 and eol and count == 0:
            return True
        if sclass != 0:
            while w.cls() == sclass:
                i = w.inc()
                if i == -1 or (i >= 1 and eol and count == 0):
                    return True
        while w.cls() == 0:
            if w.col == 0 and not w.line:
                break
            i = w.inc()
            if i == -1 or (i >= 1 and eol and count == 0):
                return True
    return True


def _skip_chars(w: Walker, cclass: int, forward: bool) -> bool:
    """Vim's skip_chars(); True when the buffer edge was hit."""
    while w.cls() == cclass:
        if (w.inc() if forward else w.dec()) == -1:
            return True
    return False


def end_word(w: Walker, count: int, stop: bool, empty: bool) -> bool:
    """Vim's end_word(); returns False on FAIL."""
    while count > 0:
        count -= 1
        sclass = w.cls()
        if w.inc() == -1:
            return False
        finished = False
        if w.cls() == sclass and sclass != 0:
            if _skip_chars(w, sclass, True):
                return False
        elif not stop or sclass == 0:
            while w.cls() == 0:
                if empty and w.col == 0 and not w.line:
                    finished = True
                    break
                if w.inc() == -1:
                    return False
            if not finished and _skip_chars(w, w.cls(), True):
                return False
        if not finished:
            w.dec()
        stop = False
    return True


def bck_word(w: Walker, count: int, stop: bool) -> bool:
    """Vim's bck_word(); returns False on FAIL."""
    while count > 0:
        count -= 1
        sclass = w.cls()
        if w.dec() == -1:
            return False
        finished = False
        if not stop or sclass == w.cls() or sclass == 0:
            while w.cls() == 0:
                if w.col == 0 and not w.line:
                    finished = True
                    break
                if w.dec() == -1:
                    return True
            if not finished and _skip_chars(w, w.cls(), False):
                return True
        if not finished:
            w.inc()
        stop = False
    return True


def bckend_word(w: Walker, count: int, eol: bool) -> bool:
    """Vim's bckend_word(); returns False on FAIL."""
    while count > 0:
        count -= 1
        sclass = w.cls()
        i = w.dec()
        if i == -1:
            return False
        if eol and i == 1:
            return True
        if sclass != 0:
            while w.cls() == sclass:
                i = w.dec()
                if i == -1 or (eol and i == 1):
                    return True
        while w.cls() == 0:
            if w.col == 0 and not w.line:
                break
            i = w.dec()
            if i == -1 or (eol and i == 1):
                return True
    return True


def _word_cmd(ctx: Ctx, bigword: bool, word_end: bool) -> Motion | None:
    """Vim's nv_wordcmd(): w W e E, including the cw == ce special case."""
    ed = ctx.ed
    w = _walker(ctx, bigword)
    start = w.pos
    kind = "exclusive"
    flag = False
    if not word_end and ctx.op == "change":
        ch = w.char()
        if ch:
            if ch not in " \t":
                kind = "inclusive"
                word_end = True
                flag = True
    if word_end:
        kind = "inclusive"
        ok = end_word(w, ctx.count1, flag, False)
    else:
        ok = fwd_word(w, ctx.count1, ctx.op is not None)
    if start < w.pos:
        # adjust_cursor(): don't stay on the NUL past the end of the line
        if w.col > 0 and w.col >= len(w.line) and not (
            ed.mode.startswith("visual") and ed.options["selection"] == "old"
        ):
            if not ed.mode.startswith("visual") or ctx.op is not None or True:
                w.col -= 1
                if ctx.op is not None:
                    kind = "inclusive"
    if not ok and ctx.op is None:
        ed.move_cursor_raw(w.row, w.col)
        return None
    return Motion(w.row, w.col, kind)


@motion("word-forward")
def m_w(ctx: Ctx) -> Motion | None:
    """[count] words forward (w)."""
    return _word_cmd(ctx, False, False)


@motion("bigword-forward")
def m_W(ctx: Ctx) -> Motion | None:
    """[count] WORDS (blank separated) forward (W)."""
    return _word_cmd(ctx, True, False)


@motion("word-end")
def m_e(ctx: Ctx) -> Motion | None:
    """Forward to the end of word [count] (e)."""
    return _word_cmd(ctx, False, True)


@motion("bigword-end")
def m_E(ctx: Ctx) -> Motion | None:
    """Forward to the end of WORD [count] (E)."""
    return _word_cmd(ctx, True, True)


def _back_word(ctx: Ctx, bigword: bool) -> Motion | None:
    w = _walker(ctx, bigword)
    if not bck_word(w, ctx.count1, False):
        return None
    return Motion(w.row, w.col)


@motion("word-backward")
def m_b(ctx: Ctx) -> Motion | None:
    """[count] words backward (b)."""
    return _back_word(ctx, False)


@motion("bigword-backward")
def m_B(ctx: Ctx) -> Motion | None:
    """[count] WORDS backward (B)."""
    return _back_word(ctx, True)


def _back_end(ctx: Ctx, bigword: bool) -> Motion | None:
    w = _walker(ctx, bigword)
    if not bckend_word(w, ctx.count1, False):
        return None
    if w.col >= len(w.line) and w.col > 0:
        w.col = len(w.line) - 1
    return Motion(w.row, w.col, "inclusive")


@motion("word-end-backward")
def m_ge(ctx: Ctx) -> Motion | None:
    """Backward to the end of word [count] (ge)."""
    return _back_end(ctx, False)


@motion("bigword-end-backward")
def m_gE(ctx: Ctx) -> Motion | None:
    """Backward to the end of WORD [count] (gE)."""
    return _back_end(ctx, True)


# -- lines of the file ----------------------------------------------------------------------


def _goto_line(ctx: Ctx, row: int) -> Motion:
    ed = ctx.ed
    row = max(0, min(row, ed.doc.line_count - 1))
    line = ed.doc.line(row)
    if ed.options["startofline"]:
        return Motion(row, first_nonblank(line), "linewise", jump=True)
    return Motion(row, ed.col_for_curswant(line), "linewise", jump=True, curswant="keep")


@motion("goto-first-line")
def m_gg(ctx: Ctx) -> Motion | None:
    """To line [count], default the first line (gg)."""
    return _goto_line(ctx, (ctx.count or 1) - 1)


@motion("goto-last-line")
def m_G(ctx: Ctx) -> Motion | None:
    """To line [count], default the last line (G)."""
    if ctx.count is None:
        return _goto_line(ctx, ctx.ed.doc.line_count - 1)
    return _goto_line(ctx, ctx.count - 1)


@motion("goto-percent")
def m_percent(ctx: Ctx) -> Motion | None:
    """Without a count: to the match of the bracket under or after the cursor; with a
    count N: to N percent of the file (%)."""
    ed = ctx.ed
    if ctx.count is not None:
        if ctx.count > 100:
            return None
        n = ed.doc.line_count
        row = (ctx.count * n + 99) // 100 - 1
        return _goto_line(ctx, row)
    from tinymorph_tui.core.brackets import match_pair

    pos = match_pair(ed)
    if pos is None:
        return None
    return Motion(pos[0], pos[1], "inclusive", jump=True, use_reg_one=True)


# -- screen lines ---------------------------------------------------------------------------


def _screen_row(ctx: Ctx, which: str) -> Motion | None:
    """Vim's nv_scroll() for H, M and L (screen rows count wrapped lines)."""
    from tinymorph_tui.core.scroll import botline

    ed = ctx.ed
    top = ed.top_row
    height = ed.window_height()
    last_line = ed.doc.line_count - 1
    bot, used = botline(ed, top)
    bottom = max(bot - 1, top)
    so = min(int(ed.options["scrolloff"]), (height - 1) // 2)
    n = ctx.count1
    if which == "H":
        row = min(top + n - 1, bottom)
        if ctx.op is None:
            if top > 0:
                row = max(row, top + so)
            if bot <= last_line:
                row = min(row, max(bottom - so, top))
    elif which == "L":
        row = max(bottom - (n - 1), top)
        if ctx.op is None:
            if bot <= last_line:
                row = min(row, max(bottom - so, top))
            if top > 0:
                row = max(row, min(top + so, bottom))
    else:
        empty = height - used if bot > last_line else 0
        half = (height - empty + 1) // 2
        acc = 0
        row = top
        for r in range(top, bot):
            acc += ed.plines(r)
            row = r
            if acc >= half:
                break
    row = max(0, min(row, last_line))
    line = ed.doc.line(row)
    col = first_nonblank(line) if ed.options["startofline"] else ed.col_for_curswant(line)
    return Motion(row, col, "linewise", jump=True)


@motion("screen-top")
def m_H(ctx: Ctx) -> Motion | None:
    """To line [count] from the top of the window (H)."""
    return _screen_row(ctx, "H")


@motion("screen-middle")
def m_M(ctx: Ctx) -> Motion | None:
    """To the middle line of the window (M)."""
    return _screen_row(ctx, "M")


@motion("screen-bottom")
def m_L(ctx: Ctx) -> Motion | None:
    """To line [count] from the bottom of the window (L)."""
    return _screen_row(ctx, "L")


# -- paragraphs and sentences ---------------------------------------------------------------

_PARA_MACROS = "IPLPPPQPP TPHPLIPpLpItpplpipbp"
_SECT_MACROS = "SHNHH HUnhsh"


def _in_macro(opt: str, s: str) -> bool:
    a = s[:1]
    b = s[1:2]
    for i in range(0, len(opt) - 1, 2):
        m0, m1 = opt[i], opt[i + 1]
        if m0 == a and (m1 == b or (m1 == " " and (b == "" or b == " "))):
            return True
    return False


def start_ps(line: str, para: str = "", both: bool = False) -> bool:
    """Vim's startPS(): does this line start a paragraph or section?"""
    first = line[:1]
    if first == para or first == "\f" or (both and first == "}"):
        return True
    if first == "." and (_in_macro(_SECT_MACROS, line[1:]) or (not para and _in_macro(_PARA_MACROS, line[1:]))):
        return True
    return False


def find_par(ed: Editor, row: int, count: int, forward: bool) -> tuple[int, int, bool] | None:
    """Vim's findpar() for "{" and "}": (row, col, inclusive) or None."""
    doc = ed.doc
    curr = row
    step = 1 if forward else -1
    n = doc.line_count
    while count > 0:
        count -= 1
        did_skip = False
        first = True
        while True:
            if doc.line(curr):
                did_skip = True
            if not first and did_skip and start_ps(doc.line(curr)):
                break
            first = False
            curr += step
            if curr < 0 or curr >= n:
                if count:
                    return None
                curr -= step
                break
    if curr == n - 1:
        # Vim 9.0 checks only for the last line here (not the direction): "{" on the last
        # line of a buffer without a blank line above lands on its last character
        line = doc.line(curr)
        if line:
            return (curr, len(line) - 1, True)
    return (curr, 0, False)


def _para(ctx: Ctx, forward: bool) -> Motion | None:
    ed = ctx.ed
    r, c = ed.cursor_raw
    res = find_par(ed, r, ctx.count1, forward)
    if res is None:
        return None
    row, col, incl = res
    if (row, col) == (r, c) and not incl:
        pass
    return Motion(row, col, "inclusive" if incl else "exclusive", jump=True, use_reg_one=True)


@motion("paragraph-forward")
def m_rbrace(ctx: Ctx) -> Motion | None:
    """[count] paragraphs forward (})."""
    return _para(ctx, True)


@motion("paragraph-backward")
def m_lbrace(ctx: Ctx) -> Motion | None:
    """[count] paragraphs backward ({)."""
    return _para(ctx, False)


def find_sent(ed: Editor, w: Walker, forward: bool, count: int) -> bool:
    """Vim's findsent(); moves `w`, returns False on FAIL."""
    step = w.incl if forward else w.decl
    while count > 0:
        count -= 1
        prev_pos = w.pos
        noskip = False
        goto_found = False
        if w.char() == "":
            while True:
                if step() == -1:
                    break
                if w.char() != "":
                    break
            if forward:
                goto_found = True
        elif forward and w.col == 0 and start_ps(w.line):
            if w.row == w.nlines - 1:
                return False
            w.set(w.row + 1, 0)
            goto_found = True
        elif not forward:
            w.decl()
        if not goto_found:
            found_dot = False
            while True:
                c = w.char()
                if not (c in (" ", "\t") or (c and c in ".!?)]\"'")):
                    break
                t = Walker(w.doc, w.row, w.col, w._isk)
                if t.decl() == -1 or (t.line_empty() and forward):
                    break
                if found_dot:
                    break
                if c in ".!?":
                    found_dot = True
                tc = t.char()
                if c in ")]\"'" and not (tc and tc in ".!?)]\"'"):
                    break
                w.decl()
            startrow = w.row
            while True:
                c = w.char()
                if c == "" or (w.col == 0 and start_ps(w.line)):
                    if not forward and w.row != startrow:
                        w.set(w.row + 1, 0)
                    break
                if c in ".!?":
                    t = Walker(w.doc, w.row, w.col, w._isk)
                    r = 0
                    while True:
                        r = t.inc()
                        if r == -1:
                            break
                        tc = t.char()
                        if not (tc and tc in ")]\"'"):
                            break
                    tc = t.char() if r != -1 else ""
                    if r == -1 or tc in (" ", "\t") or tc == "":
                        w.set(t.row, t.col)
                        if w.char() == "":
                            w.inc()
                        break
                if step() == -1:
                    if count:
                        return False
                    noskip = True
                    break
        while not noskip and w.char() in (" ", "\t") and w.char():
            if w.incl() == -1:
                break
        if w.pos == prev_pos:
            # didn't actually move: advance one character and try again
            if step() == -1:
                if count:
                    return False
                break
            count += 1
    return True


def _sent(ctx: Ctx, forward: bool) -> Motion | None:
    ed = ctx.ed
    w = _walker(ctx)
    if not find_sent(ed, w, forward, ctx.count1):
        return None
    col = w.col
    if col >= len(w.line) and col > 0 and ctx.op is None:
        col = len(w.line) - 1
    m = Motion(w.row, col, "exclusive", jump=True, use_reg_one=True)
    return m


@motion("sentence-forward")
def m_rparen(ctx: Ctx) -> Motion | None:
    """[count] sentences forward ())."""
    return _sent(ctx, True)


@motion("sentence-backward")
def m_lparen(ctx: Ctx) -> Motion | None:
    """[count] sentences backward (()."""
    return _sent(ctx, False)


# -- unmatched brackets ---------------------------------------------------------------------


def _unmatched(ctx: Ctx, open_ch: str, close_ch: str, forward: bool) -> Motion | None:
    from tinymorph_tui.core.brackets import find_unmatched

    pos = find_unmatched(ctx.ed, ctx.ed.cursor_raw, open_ch, close_ch, forward, ctx.count1)
    if pos is None:
        return None
    # [( [{ ]) ]} are all exclusive motions (:help [()
    return Motion(pos[0], pos[1], "exclusive", jump=True)


@motion("unmatched-paren-backward")
def m_lbr_paren(ctx: Ctx) -> Motion | None:
    """To the [count]'th previous unmatched "(" ([()."""
    return _unmatched(ctx, "(", ")", False)


@motion("unmatched-brace-backward")
def m_lbr_brace(ctx: Ctx) -> Motion | None:
    """To the [count]'th previous unmatched "{" ([{)."""
    return _unmatched(ctx, "{", "}", False)


@motion("unmatched-paren-forward")
def m_rbr_paren(ctx: Ctx) -> Motion | None:
    """To the [count]'th next unmatched ")" (])."""
    return _unmatched(ctx, "(", ")", True)


@motion("unmatched-brace-forward")
def m_rbr_brace(ctx: Ctx) -> Motion | None:
    """To the [count]'th next unmatched "}" (]})."""
    return _unmatched(ctx, "{", "}", True)


# -- marks ----------------------------------------------------------------------------------


def _mark_motion(ctx: Ctx, linewise: bool) -> Motion | None:
    ed = ctx.ed
    if ctx.arg is None:
        return None
    pos = ed.get_mark(ctx.arg)
    if pos is None or pos[0] >= ed.doc.line_count:
        ed.set_error("E20: Mark not set" if pos is None else "E19: Mark has invalid line number")
        # Vim's nv_cursormark sets w_set_curswant even when the mark fails: after `$`, a
        # failed 'x makes the next j/k aim at the cursor's column, not the line's end.
        ed.update_curswant()
        return None
    row, col = pos
    line = ed.doc.line(row)
    if linewise:
        return Motion(row, first_nonblank(line), "linewise", jump=ctx.arg not in "[]<>.^\"", use_reg_one=False)
    col = min(col, max(len(line) - (0 if ctx.op else 1), 0))
    return Motion(row, col, "exclusive", jump=ctx.arg not in "[]<>.^\"", use_reg_one=True)


@motion("goto-mark-line", arg="char")
def m_quote(ctx: Ctx) -> Motion | None:
    """To the first non-blank of the line of mark {a-z} (')."""
    return _mark_motion(ctx, True)


@motion("goto-mark", arg="char")
def m_backtick(ctx: Ctx) -> Motion | None:
    """To the position of mark {a-z} (`)."""
    return _mark_motion(ctx, False)


@motion("goto-mark-line-nojump", arg="char")
def m_gquote(ctx: Ctx) -> Motion | None:
    """Like ' but without changing the jump list (g')."""
    m = _mark_motion(ctx, True)
    if m is not None:
        m.jump = False
    return m


@motion("goto-mark-nojump", arg="char")
def m_gbacktick(ctx: Ctx) -> Motion | None:
    """Like ` but without changing the jump list (g`)."""
    m = _mark_motion(ctx, False)
    if m is not None:
        m.jump = False
    return m


# -- search ---------------------------------------------------------------------------------


def _search_motion(ctx: Ctx, what: str) -> Motion | None:
    ed = ctx.ed
    res = ed.search_motion(what, ctx.count1)
    if res is None:
        return None
    row, col, linewise = res
    if linewise:
        return Motion(row, col, "linewise", jump=True)
    return Motion(row, col, "exclusive", jump=True, use_reg_one=True)


@motion("search-next")
def m_n(ctx: Ctx) -> Motion | None:
    """Repeat the last search [count] times (n)."""
    return _search_motion(ctx, "n")


@motion("search-prev")
def m_N(ctx: Ctx) -> Motion | None:
    """Repeat the last search in the opposite direction (N)."""
    return _search_motion(ctx, "N")


@motion("search-word-forward")
def m_star(ctx: Ctx) -> Motion | None:
    """Search forward for the [count]'th whole word under the cursor (*)."""
    return _search_motion(ctx, "*")


@motion("search-word-backward")
def m_hash(ctx: Ctx) -> Motion | None:
    """Search backward for the [count]'th whole word under the cursor (#)."""
    return _search_motion(ctx, "#")


@motion("search-partial-word-forward")
def m_gstar(ctx: Ctx) -> Motion | None:
    """Like * but without word boundaries (g*)."""
    return _search_motion(ctx, "g*")


@motion("search-partial-word-backward")
def m_ghash(ctx: Ctx) -> Motion | None:
    """Like # but without word boundaries (g#)."""
    return _search_motion(ctx, "g#")
