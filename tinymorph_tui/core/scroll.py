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


def halfway_top(ed: Editor, row: int, atend: bool = False) -> int:
    """Vim's scroll_cursor_halfway(): top line that puts `row` in the middle (atend: the
    empty rows past the end of the file count, as for zz)."""
    h = ed.window_height()
    n = ed.doc.line_count
    # Vim 9.0 (smoothscroll-era code) counts one row less of a wrapped cursor line when
    # it centres for update_topline(); zz (atend) counts it whole
    pl = ed.plines(row)
    used = pl if atend else max(pl - 1, 1)
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
                if atend:
                    used += 1
                    if used > h:
                        break
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
    cache = ed.plines_cache()
    while top >= 0:
        used += cache.get(top) or ed.plines(top)
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
        # cheap check first: do the rows from the top to the cursor (+ 'scrolloff') fit?
        need = 0
        bot = -1
        cache = ed.plines_cache()
        for r in range(top, row + so_below + 1):
            need += cache.get(r) or ed.plines(r)
            if need > h:
                bot = r  # first line that does not fit: Vim's w_botline
                break
        if bot < 0:
            ed.top_row = max(0, top)
            return
        if row + so_below >= bot:
            # screen rows from the line below the window to the cursor (+ 'scrolloff');
            # Vim scrolls when that is at most half a window, else it centres the cursor
            line_count = sum(cache.get(r) or ed.plines(r) for r in range(bot, min(row, bot + h) + 1)) + so
            if line_count <= (h + 1) // 2:
                top = bottom_top(ed, row, so_below)
            else:
                top = halfway_top(ed, row)
    ed.top_row = max(0, top)


def _cursor_to_window(ed: Editor) -> None:
    """Vim's cursor_correct(): keep the cursor inside the window, 'scrolloff' from edges."""
    n = ed.doc.line_count
    so = _so(ed)
    top = ed.top_row
    bot, _ = botline(ed, top)
    r, _ = ed.cursor_raw
    lo = top + (so if top > 0 else 0)
    hi = bot - 1 - (so if bot < n else 0)
    nr = min(max(r, lo), max(hi, lo), n - 1)
    if nr != r:
        ed.move_cursor_raw(nr, ed.col_for_curswant(ed.doc.line(nr)))


def _scroll_lines(ed: Editor, delta: int) -> None:
    """<C-e> / <C-y>: move the window, keep the cursor inside it (curswant kept)."""
    n = ed.doc.line_count
    ed.top_row = max(0, min(ed.top_row + delta, n - 1))
    _cursor_to_window(ed)


def c_e(ctx: Ctx) -> Any:
    """Scroll the window [count] lines down (the text moves up) (<C-e>)."""
    _scroll_lines(ctx.ed, ctx.count1)


def c_y(ctx: Ctx) -> Any:
    """Scroll the window [count] lines up (<C-y>)."""
    _scroll_lines(ctx.ed, -ctx.count1)


def _half(ctx: Ctx, down: bool) -> Any:
    """Vim's halfpage(): scroll 'scroll' screen rows, moving the cursor as many lines."""
    ed = ctx.ed
    n = ed.doc.line_count
    h = ed.window_height()
    if ctx.count:
        ed.options["scroll"] = ctx.count
    amount = int(ed.options["scroll"]) or max(h // 2, 1)
    rows = min(amount, h)
    r, _ = ed.cursor_raw
    top = ed.top_row
    if down:
        if r >= n - 1 and botline(ed, top)[0] >= n:
            return False
        scrolled = 0
        while rows > 0 and botline(ed, top)[0] < n:
            i = ed.plines(top)
            rows -= i
            if rows < 0 and scrolled > 0:
                break
            top += 1
            scrolled += i
            if r < n - 1:
                r += 1
        if rows > 0:
            r = min(r + rows, n - 1)
    else:
        if top == 0 and r == 0:
            return False
        scrolled = 0
        while rows > 0 and top > 0:
            i = ed.plines(top - 1)
            rows -= i
            if rows < 0 and scrolled > 0:
                break
            top -= 1
            scrolled += i
            if r > 0:
                r -= 1
        if rows > 0:
            r = max(r - rows, 0)
    ed.top_row = top
    line = ed.doc.line(r)
    ed.move_cursor_raw(r, ed.col_for_curswant(line))
    _cursor_to_window(ed)
    r = ed.cursor_raw[0]
    if ed.options["startofline"]:
        ed.move_cursor_raw(r, first_nonblank(ed.doc.line(r)))
        ed.update_curswant()
    return True


def c_d(ctx: Ctx) -> Any:
    """Scroll half a window down ('scroll' lines; a count sets 'scroll') (<C-d>)."""
    return _half(ctx, True)


def c_u(ctx: Ctx) -> Any:
    """Scroll half a window up (<C-u>)."""
    return _half(ctx, False)


def _overlap(ed: Editor, lnum: int, direction: int) -> int:
    """Vim's get_scroll_overlap(): keep up to two lines of context when paging."""
    n = ed.doc.line_count
    min_height = ed.window_height() - 2

    def height(r: int) -> int | None:
        return ed.plines(r) if 0 <= r < n else None

    h1 = height(lnum) or 1
    if h1 > min_height:
        return lnum
    l1 = lnum + direction
    h2 = height(l1)
    if h2 is None or h2 + h1 > min_height:
        return lnum
    l2 = l1 + direction
    h3 = height(l2)
    if h3 is None or h3 + h2 > min_height:
        return lnum
    l3 = l2 + direction
    h4 = height(l3)
    if h4 is None or h4 + h3 + h2 > min_height or h3 + h2 + h1 > min_height:
        return l1
    return l2


def _page(ctx: Ctx, forward: bool) -> Any:
    """Vim's onepage()."""
    ed = ctx.ed
    n = ed.doc.line_count
    h = ed.window_height()
    so = _so(ed)
    ok = True
    for _ in range(ctx.count1):
        top = ed.top_row
        bot, _ = botline(ed, top)
        if forward:
            if top >= n - 1 - so and bot >= n:
                ok = False
                break
            if bot >= n:
                ed.top_row = n - 1
            else:
                new_top = _overlap(ed, bot, -1)
                ed.top_row = new_top
                ed.move_cursor_raw(new_top, ed.cursor_raw[1])
        else:
            if top == 0:
                ok = False
                break
            lnum = _overlap(ed, top - 1, 1)
            if lnum >= n:
                lnum = n - 1
            ed.move_cursor_raw(lnum, ed.cursor_raw[1])
            # topline_back() until the window is over-full, then two lines forward again
            used = 0
            t = lnum
            while used <= h and t >= 0:
                t -= 1
                if t < 0:
                    break
                used += ed.plines(t)
            if t < 0:
                ed.top_row = 0
            else:
                ed.top_row = max(min(t + 2, lnum), 0)
    if not ok:
        return False
    _cursor_to_window(ed)
    r = ed.cursor_raw[0]
    line = ed.doc.line(r)
    col = first_nonblank(line) if ed.options["startofline"] else ed.col_for_curswant(line)
    ed.move_cursor_raw(r, col)
    return True


def c_f(ctx: Ctx) -> Any:
    """Scroll [count] pages forward (<C-f> / <PageDown>)."""
    return _page(ctx, True)


def c_b(ctx: Ctx) -> Any:
    """Scroll [count] pages backward (<C-b> / <PageUp>)."""
    return _page(ctx, False)


def _z(ctx: Ctx, where: str, fnb: bool) -> Any:
    ed = ctx.ed
    n = ed.doc.line_count
    if ctx.count:
        row = min(ctx.count, n) - 1
        ed.move_cursor_raw(row, ed.cursor_raw[1])
        ed.clamp_cursor()
    r, _ = ed.cursor_raw
    so = _so(ed)
    if where == "top":
        ed.top_row = max(r - so, 0)
    elif where == "bottom":
        ed.top_row = bottom_top(ed, r, min(so, n - 1 - r))
    else:
        ed.top_row = halfway_top(ed, r, atend=True)
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
