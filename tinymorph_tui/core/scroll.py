"""Window scrolling: Vim's update_topline() and the scroll commands (<C-e> <C-y> <C-d> <C-u>
<C-f> <C-b> zz zt zb z<CR> z. z-).  With 'wrap' a line longer than 'columns' takes several
screen rows (`ed.plines(row)`), as in Vim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.motions import Ctx
from tinymorph_tui.core.textutil import first_nonblank

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor


def _so(ed: Editor) -> int:
    h = ed.window_height()
    return min(int(ed.options["scrolloff"]), (h - 1) // 2)


def botline(ed: Editor, top: int) -> tuple[int, int]:
    """(first row below the window, screen rows used) for a window starting at `top`."""
    h = ed.window_height()
    n = ed.doc.line_count
    used = 0
    r = top
    while r < n:
        p = ed.plines(r)
        if used + p > h:
            break
        used += p
        r += 1
    return r, used


def halfway_top(ed: Editor, row: int) -> int:
    """Vim's scroll_cursor_halfway(): top line that puts `row` in the middle."""
    h = ed.window_height()
    n = ed.doc.line_count
    used = ed.plines(row)
    above = below = 0
    top = row
    bot = row
    while top > 0:
        if below <= above:
            if bot + 1 < n:
                bot += 1
                ph = ed.plines(bot)
                used += ph
                if used > h:
                    break
                below += ph
            else:
                below += 1
        if below > above:
            ph = ed.plines(top - 1)
            used += ph
            if used > h:
                break
            above += ph
            top -= 1
    return top


def bottom_top(ed: Editor, row: int, below: int) -> int:
    """Top line that shows `row` and `below` more lines at the bottom of the window."""
    h = ed.window_height()
    last = min(row + below, ed.doc.line_count - 1)
    used = 0
    top = last
    while top >= 0:
        used += ed.plines(top)
        if used > h:
            break
        top -= 1
    return min(top + 1, row)


def update_topline(ed: Editor) -> None:
    """Vim's update_topline(): scroll so the cursor line is visible with 'scrolloff'."""
    h = ed.window_height()
    so = _so(ed)
    row = ed.cursor_raw[0]
    top = ed.top_row
    n = ed.doc.line_count
    if top > n - 1:
        top = max(n - 1, 0)
    if row < top + so and top > 0 or row < top:
        scroll = top + so - row
        half = max(h // 2 - 1, 2)
        if scroll >= half:
            top = halfway_top(ed, row)
        else:
            top = max(row - so, 0)
    else:
        so_below = min(so, n - 1 - row)
        bot, _used = botline(ed, top)
        if row + so_below >= bot:
            line_count = row - bot + 1 + so
            if line_count <= h + 1:
                top = bottom_top(ed, row, so_below)
            else:
                top = halfway_top(ed, row)
    ed.top_row = max(0, top)


def _scroll_lines(ed: Editor, delta: int) -> None:
    """<C-e> / <C-y>: move the window, keep the cursor inside it."""
    n = ed.doc.line_count
    h = ed.window_height()
    top = max(0, min(ed.top_row + delta, n - 1))
    ed.top_row = top
    so = _so(ed)
    r, _ = ed.cursor_raw
    lo = top + (so if top > 0 else 0)
    hi = top + h - 1 - (so if top + h < n else 0)
    nr = min(max(r, lo), max(hi, lo))
    nr = min(nr, n - 1)
    if nr != r:
        ed.move_cursor_raw(nr, ed.col_for_curswant(ed.doc.line(nr)))


def c_e(ctx: Ctx) -> Any:
    """Scroll the window [count] lines down (the text moves up) (<C-e>)."""
    _scroll_lines(ctx.ed, ctx.count1)


def c_y(ctx: Ctx) -> Any:
    """Scroll the window [count] lines up (<C-y>)."""
    _scroll_lines(ctx.ed, -ctx.count1)


def _half(ctx: Ctx, down: bool) -> Any:
    ed = ctx.ed
    n = ed.doc.line_count
    h = ed.window_height()
    if ctx.count:
        ed.options["scroll"] = ctx.count
    amount = int(ed.options["scroll"]) or h // 2
    r, _ = ed.cursor_raw
    if down:
        if r >= n - 1:
            return False
        top = min(ed.top_row + amount, max(n - h, 0)) if ed.top_row + h < n else ed.top_row
        moved = top - ed.top_row
        nr = min(r + amount, n - 1) if moved < amount else r + amount
        ed.top_row = top
    else:
        if r <= 0:
            return False
        top = max(ed.top_row - amount, 0)
        nr = max(r - amount, 0)
        ed.top_row = top
    nr = max(0, min(nr, n - 1))
    line = ed.doc.line(nr)
    col = first_nonblank(line) if ed.options["startofline"] else ed.col_for_curswant(line)
    ed.move_cursor_raw(nr, col)
    if ed.options["startofline"]:
        ed.update_curswant()
    update_topline(ed)
    return True


def c_d(ctx: Ctx) -> Any:
    """Scroll half a window down ('scroll' lines; a count sets 'scroll') (<C-d>)."""
    return _half(ctx, True)


def c_u(ctx: Ctx) -> Any:
    """Scroll half a window up (<C-u>)."""
    return _half(ctx, False)


def c_f(ctx: Ctx) -> Any:
    """Scroll [count] pages forward (<C-f> / <PageDown>)."""
    ed = ctx.ed
    n = ed.doc.line_count
    h = ed.window_height()
    top = ed.top_row
    for _ in range(ctx.count1):
        if top >= n - 1:
            return False
        top = max(top + h - 2, top + 1)
    top = min(top, n - 1)
    ed.top_row = top
    so = _so(ed)
    nr = min(top + so, n - 1)
    line = ed.doc.line(nr)
    ed.move_cursor_raw(nr, first_nonblank(line) if ed.options["startofline"] else ed.col_for_curswant(line))
    return True


def c_b(ctx: Ctx) -> Any:
    """Scroll [count] pages backward (<C-b> / <PageUp>)."""
    ed = ctx.ed
    h = ed.window_height()
    top = ed.top_row
    if top == 0:
        return False
    bottom = top + 1
    for _ in range(ctx.count1):
        bottom = top + 1
        top = max(bottom - h + 1, 0)
        if top == 0:
            break
    ed.top_row = top
    so = _so(ed)
    r, _ = ed.cursor_raw
    limit = max(min(bottom, top + h - 1) - (so if top > 0 else 0), top)
    nr = min(r, limit)
    line = ed.doc.line(nr)
    ed.move_cursor_raw(nr, first_nonblank(line) if ed.options["startofline"] else ed.col_for_curswant(line))
    return True


def _z(ctx: Ctx, where: str, fnb: bool) -> Any:
    ed = ctx.ed
    n = ed.doc.line_count
    if ctx.count:
        row = min(ctx.count, n) - 1
        ed.move_cursor_raw(row, ed.cursor_raw[1])
        ed.clamp_cursor()
    r, _ = ed.cursor_raw
    h = ed.window_height()
    so = _so(ed)
    if where == "top":
        ed.top_row = max(r - so, 0)
    elif where == "bottom":
        ed.top_row = max(r + so - h + 1, 0)
    else:
        ed.top_row = max(r - (h - 1) // 2, 0) if True else 0
        ed.top_row = halfway_top(ed, r) if r + (h - 1) // 2 < n else max(r - (h - 1) // 2, 0)
        ed.top_row = max(r - (h + 1) // 2 + 1, 0)
    if fnb:
        ed.move_cursor_raw(r, first_nonblank(ed.doc.line(r)))
        ed.update_curswant()
    return True


def z_t(ctx: Ctx) -> Any:
    """Redraw with the cursor line at the top of the window (zt)."""
    return _z(ctx, "top", False)


def z_cr(ctx: Ctx) -> Any:
    """Like zt but put the cursor on the first non-blank (z<CR>)."""
    return _z(ctx, "top", True)


def z_z(ctx: Ctx) -> Any:
    """Redraw with the cursor line in the middle of the window (zz)."""
    return _z(ctx, "middle", False)


def z_dot(ctx: Ctx) -> Any:
    """Like zz but put the cursor on the first non-blank (z.)."""
    return _z(ctx, "middle", True)


def z_b(ctx: Ctx) -> Any:
    """Redraw with the cursor line at the bottom of the window (zb)."""
    return _z(ctx, "bottom", False)


def z_minus(ctx: Ctx) -> Any:
    """Like zb but put the cursor on the first non-blank (z-)."""
    return _z(ctx, "bottom", True)


SCROLL_ACTIONS = {
    "scroll-line-down": c_e,
    "scroll-line-up": c_y,
    "scroll-half-down": c_d,
    "scroll-half-up": c_u,
    "scroll-page-down": c_f,
    "scroll-page-up": c_b,
    "scroll-cursor-top": z_t,
    "scroll-cursor-top-fnb": z_cr,
    "scroll-cursor-middle": z_z,
    "scroll-cursor-middle-fnb": z_dot,
    "scroll-cursor-bottom": z_b,
    "scroll-cursor-bottom-fnb": z_minus,
}
