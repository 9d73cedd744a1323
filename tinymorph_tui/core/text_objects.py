"""Text objects (iw aw iW aW is as ip ap i" a" i' a' i` a` i( a( i[ a[ i{ a{ i< a< it at).

Ported from Vim's textobject.c.  Each object works in two settings, as in Vim: with an
operator pending it yields a region (`TextObject`); in visual mode it moves the cursor and
the start of the selection (extending an existing selection with a count or repeat).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tinymorph_tui.core.cursor_walk import Walker
from tinymorph_tui.core.motions import (
    Ctx,
    bck_word,
    bckend_word,
    end_word,
    find_sent,
    fwd_word,
    start_ps,
)

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

Pos = tuple[int, int]


class TextObject:
    """A region chosen by a text object: start, end (cursor), kind and inclusiveness."""

    __slots__ = ("start", "end", "kind", "inclusive")

    def __init__(
        self,
        start: Pos,
        end: Pos,
        kind: str = "char",
        inclusive: bool = True,
    ) -> None:
        self.start = start
        self.end = end
        self.kind = kind  # "char" | "line"
        self.inclusive = inclusive


class _State:
    """The cursor, the visual start and the results, like Vim's curwin/VIsual/oap."""

    def __init__(self, ed: Editor) -> None:
        self.ed = ed
        r, c = ed.cursor_raw
        self.w = Walker(ed.doc, r, c, ed.options.is_keyword_char)
        self.visual = ed.mode.startswith("visual")
        self.vis: Pos = ed.visual_start if self.visual else (r, c)
        self.vmode = ed.mode
        self.start: Pos = (r, c)
        self.inclusive = True
        self.kind = "char"

    @property
    def cur(self) -> Pos:
        return self.w.pos

    def at(self, pos: Pos) -> Walker:
        return Walker(self.ed.doc, pos[0], pos[1], self.ed.options.is_keyword_char)

    def oneleft(self) -> bool:
        if self.w.col == 0:
            return False
        self.w.col -= 1
        return True

    def back_in_line(self) -> None:
        w = self.w
        sclass = w.cls()
        while True:
            if w.col == 0:
                break
            w.dec()
            if w.cls() != sclass:
                w.inc()
                break


TOFn = Callable[[Ctx], "TextObject | bool | None"]
TEXT_OBJECTS: dict[str, tuple[TOFn, str]] = {}


def _finish(ctx: Ctx, st: _State) -> TextObject | bool:
    """Op mode: return the region; visual mode: update the editor's selection."""
    ed = ctx.ed
    if not st.visual:
        return TextObject(st.start, st.cur, st.kind, st.inclusive)
    ed.visual_start = st.vis
    r, c = st.cur
    ed.move_cursor_raw(r, c)
    if st.vmode != ed.mode:
        ed.mode = st.vmode
    ed.clamp_cursor()
    ed.update_curswant()
    return True


def _fail(ctx: Ctx, st: _State) -> None:
    """A failed object keeps the cursor (and visual start) where the search left them, as
    Vim's in-place search does; the caller beeps."""
    ed = ctx.ed
    r, c = st.cur
    if st.visual:
        ed.visual_start = st.vis
    ed.move_cursor_raw(r, c)
    ed.clamp_cursor()
    ed.update_curswant()
    return None


def current_word(ctx: Ctx, include: bool, bigword: bool) -> TextObject | bool | None:
    """Vim's current_word()."""
    st = _State(ctx.ed)
    w = st.w
    w.bigword = bigword
    count = ctx.count1
    inclusive = True
    include_white = False
    start_pos = st.cur
    if not st.visual or st.cur == st.vis:
        st.back_in_line()
        start_pos = st.cur
        if (w.cls() == 0) == include:
            if not end_word(w, 1, True, True):
                return _fail(ctx, st)
        else:
            fwd_word(w, 1, True)
            if w.col == 0:
                w.decl()
            else:
                st.oneleft()
            if include:
                include_white = True
        if st.visual:
            st.vis = start_pos
        else:
            st.start = start_pos
        count -= 1
    while count > 0:
        inclusive = True
        if st.visual and st.cur < st.vis:
            if w.decl() == -1:
                return _fail(ctx, st)
            if include != (w.cls() != 0):
                if not bck_word(w, 1, True):
                    return _fail(ctx, st)
            else:
                if not bckend_word(w, 1, True):
                    return _fail(ctx, st)
                w.incl()
        else:
            if w.incl() == -1:
                return _fail(ctx, st)
            if include != (w.cls() == 0):
                if not fwd_word(w, 1, True) and count > 1:
                    return _fail(ctx, st)
                if not st.oneleft():
                    inclusive = False
            else:
                if not end_word(w, 1, True, True):
                    return _fail(ctx, st)
        count -= 1
    if include_white and (w.cls() != 0 or (w.col == 0 and not inclusive)):
        pos = st.cur
        w.set(*start_pos)
        if st.oneleft():
            st.back_in_line()
            if w.cls() == 0 and w.col > 0:
                if st.visual:
                    st.vis = st.cur
                else:
                    st.start = st.cur
        w.set(*pos)
    if st.visual:
        if st.vmode == "visual_line":
            st.vmode = "visual"
    else:
        st.inclusive = inclusive
    return _finish(ctx, st)


def _find_first_blank(st: _State, w: Walker) -> None:
    while w.decl() != -1:
        c = w.char()
        if c not in (" ", "\t") or c == "":
            w.incl()
            break


def _findsent_forward(st: _State, count: int, at_start_sent: bool) -> None:
    w = st.w
    while count > 0:
        count -= 1
        find_sent(st.ed, w, True, 1)
        if at_start_sent:
            _find_first_blank(st, w)
        if count == 0 or at_start_sent:
            w.decl()
        at_start_sent = not at_start_sent


def _white(c: str) -> bool:
    return c in (" ", "\t") and c != ""


def current_sent(ctx: Ctx, include: bool) -> TextObject | bool | None:
    """Vim's current_sent()."""
    st = _State(ctx.ed)
    w = st.w
    count = ctx.count1
    start_pos = st.cur
    pos = st.at(start_pos)
    find_sent(st.ed, w, True, 1)
    extend = st.visual and start_pos != st.vis
    while True:
        if extend:
            if start_pos < st.vis:
                at_start_sent = True
                pos.decl()
                while pos.pos < st.cur:
                    if not _white(pos.char()):
                        at_start_sent = False
                        break
                    pos.incl()
                if not at_start_sent:
                    find_sent(st.ed, w, False, 1)
                    if st.cur == start_pos:
                        at_start_sent = True
                    else:
                        find_sent(st.ed, w, True, 1)
                if include:
                    count *= 2
                while count > 0:
                    count -= 1
                    if at_start_sent:
                        _find_first_blank(st, w)
                    c = w.char()
                    if not at_start_sent or (not include and not _white(c)):
                        find_sent(st.ed, w, False, 1)
                    at_start_sent = not at_start_sent
            else:
                pos.incl()
                at_start_sent = True
                if pos.pos != st.cur:
                    at_start_sent = False
                    while pos.pos < st.cur:
                        if not _white(pos.char()):
                            at_start_sent = True
                            break
                        pos.incl()
                    if at_start_sent:
                        find_sent(st.ed, w, False, 1)
                    else:
                        w.set(*start_pos)
                if include:
                    count *= 2
                _findsent_forward(st, count, at_start_sent)
            return _finish(ctx, st)
        while _white(pos.char()):
            pos.incl()
        if pos.pos == st.cur:
            start_blank = True
            sp = st.at(start_pos)
            _find_first_blank(st, sp)
            start_pos = sp.pos
        else:
            start_blank = False
            find_sent(st.ed, w, False, 1)
            start_pos = st.cur
        if include:
            ncount = count * 2
        else:
            ncount = count
            if start_blank:
                ncount -= 1
        if ncount > 0:
            _findsent_forward(st, ncount, True)
        else:
            w.decl()
        if include:
            if start_blank:
                _find_first_blank(st, w)
                if _white(w.char()):
                    w.decl()
            elif not _white(w.char()):
                sp = st.at(start_pos)
                _find_first_blank(st, sp)
                start_pos = sp.pos
        if st.visual:
            if start_pos == st.cur:
                # Vim's `goto extend`: `pos` keeps where the blank-skipping above left it
                # (from the original cursor), which decides "just before a sentence".
                extend = True
                start_pos = st.cur
                continue
            st.vis = start_pos
            st.vmode = "visual"
            return _finish(ctx, st)
        st.inclusive = w.incl() == -1
        st.start = start_pos
        return _finish(ctx, st)


def _inindent(w: Walker, extra: int) -> bool:
    """Vim's inindent(): only white space before the cursor (+extra)."""
    line = w.line
    col = 0
    while col < len(line) and line[col] in " \t":
        col += 1
    return col >= w.col + extra


def current_block(ctx: Ctx, include: bool, what: str, other: str) -> TextObject | bool | None:
    """Vim's current_block() for (), [], {}, <>."""
    ed = ctx.ed
    st = _State(ed)
    w = st.w
    count = ctx.count1
    old_end = st.cur
    old_start = old_end
    if not st.visual or st.vis == st.cur:
        ed.push_jump()  # setpcmark(): `` returns here after the operator
        if what == "{":
            while _inindent(w, 1):
                if w.inc() != 0:
                    break
        if w.char() == what:
            w.col += 1
    elif st.vis < st.cur:
        old_start = st.vis
        w.set(*st.vis)
    else:
        old_end = st.vis
    start_pos: Pos | None = None
    pos = _vim_findmatch(ed, st.cur, what, other)
    if pos is not None:
        while count > 0:
            count -= 1
            pos = _vim_findmatch(ed, st.cur, what, other)
            if pos is None:
                break
            w.set(*pos)
            start_pos = pos
    else:
        while count > 0:
            count -= 1
            pos = _find_open_forward(ed, st.cur, what)
            if pos is None:
                break
            w.set(*pos)
            start_pos = pos
    end_pos = _vim_findmatch(ed, st.cur, other, what, closing=True) if pos is not None else None
    if pos is None or end_pos is None or start_pos is None:
        return None
    w.set(*end_pos)
    sol = False
    while not include:
        sp = st.at(start_pos)
        sp.incl()
        start_pos = sp.pos
        sol = w.col == 0
        w.decl()
        while _inindent(w, 1):
            sol = True
            if w.decl() != 0:
                break
        if start_pos == end_pos and st.visual:
            return None
        if (
            not start_pos < old_start
            and not old_end < st.cur
            and start_pos != st.cur
            and st.visual
        ):
            w.set(*old_start)
            w.decl()
            p2 = _vim_findmatch(ed, st.cur, what, other)
            if p2 is None:
                return None
            start_pos = p2
            w.set(*p2)
            e2 = _vim_findmatch(ed, st.cur, other, what, closing=True)
            if e2 is None:
                return None
            end_pos = e2
            w.set(*e2)
        else:
            break
    if st.visual:
        if sol and w.char() != "":
            w.inc()
        st.vis = start_pos
        st.vmode = "visual"
        return _finish(ctx, st)
    st.start = start_pos
    st.kind = "char"
    st.inclusive = False
    if sol:
        w.incl()
    elif start_pos <= st.cur:
        st.inclusive = True
    else:
        w.set(*start_pos)
    return _finish(ctx, st)


def _vim_findmatch(ed: Editor, pos: Pos, target: str, other: str, closing: bool = False) -> Pos | None:
    """findmatch(NULL, c): find the unmatched `target` around pos (backward for an
    opening bracket, forward for a closing one); a bracket under the cursor counts."""
    from tinymorph_tui.core.brackets import scan_match

    r, c = pos
    if not closing:
        return scan_match(ed, r, c, target, other, False, 1)
    return scan_match(ed, r, c, other, target, True, 1)


def _find_open_forward(ed: Editor, pos: Pos, what: str) -> Pos | None:
    """findmatchlimit(FM_FORWARD): the next `what` after pos (any line)."""
    r, c = pos
    n = ed.doc.line_count
    start = c + 1
    while r < n:
        line = ed.doc.line(r)
        j = line.find(what, start)
        if j >= 0:
            return (r, j)
        r += 1
        start = 0
    return None


def _linewhite(ed: Editor, row: int) -> bool:
    return ed.doc.line(row).strip(" \t") == ""


def current_par(ctx: Ctx, include: bool) -> TextObject | bool | None:
    """Vim's current_par() (ip / ap)."""
    ed = ctx.ed
    st = _State(ed)
    count = ctx.count1
    nlines = ed.doc.line_count
    start = st.cur[0]

    def ps(row: int) -> bool:
        return start_ps(ed.doc.line(row))

    def extend(start_lnum: int) -> TextObject | bool | None:
        direction = -1 if start_lnum < st.vis[0] else 1
        ok = True
        for _ in range(count):
            if start_lnum == (0 if direction < 0 else nlines - 1):
                ok = False
                break
            prev_white = None
            for _t in range(2):
                start_lnum += direction
                sw = _linewhite(ed, start_lnum)
                if prev_white == sw:
                    start_lnum -= direction
                    break
                while True:
                    if start_lnum == (0 if direction < 0 else nlines - 1):
                        break
                    if sw != _linewhite(ed, start_lnum + direction) or (
                        not sw and ps(start_lnum + (1 if direction > 0 else 0))
                    ):
                        break
                    start_lnum += direction
                if not include:
                    break
                if start_lnum == (0 if direction < 0 else nlines - 1):
                    break
                prev_white = sw
        st.w.set(start_lnum, 0)
        if not ok:
            return None
        return _finish(ctx, st)

    if st.visual and start != st.vis[0]:
        return extend(start)
    white_in_front = _linewhite(ed, start)
    while start > 0:
        if white_in_front:
            if not _linewhite(ed, start - 1):
                break
        elif _linewhite(ed, start - 1) or ps(start):
            break
        start -= 1
    end = start
    while end < nlines and _linewhite(ed, end):
        end += 1
    end -= 1
    i = count
    if not include and white_in_front:
        i -= 1
    while i > 0:
        i -= 1
        if end == nlines - 1:
            return None
        do_white = False
        if not include:
            do_white = _linewhite(ed, end + 1)
        if include or not do_white:
            end += 1
            while end < nlines - 1 and not _linewhite(ed, end + 1) and not ps(end + 1):
                end += 1
        if i == 0 and white_in_front and include:
            break
        if include or do_white:
            while end < nlines - 1 and _linewhite(ed, end + 1):
                end += 1
    if not white_in_front and not _linewhite(ed, end) and include:
        while start > 0 and _linewhite(ed, start - 1):
            start -= 1
    if st.visual:
        if st.vmode == "visual_line" and start == st.cur[0]:
            return extend(st.cur[0])
        if st.vis[0] != start:
            st.vis = (start, 0)
        st.vmode = "visual_line"
        st.w.set(end, 0)
        return _finish(ctx, st)
    st.start = (start, 0)
    st.kind = "line"
    st.w.set(end, 0)
    return _finish(ctx, st)


def _find_next_quote(line: str, col: int, q: str, escape: str | None) -> int:
    while True:
        if col >= len(line):
            return -1
        c = line[col]
        if escape and c in escape:
            col += 1
            if col >= len(line):
                return -1
        elif c == q:
            return col
        col += 1


def _find_prev_quote(line: str, col_start: int, q: str, escape: str | None) -> int:
    while col_start > 0:
        col_start -= 1
        n = 0
        if escape:
            while col_start - n > 0 and line[col_start - n - 1] in escape:
                n += 1
        if n & 1:
            col_start -= n
        elif col_start < len(line) and line[col_start] == q:
            break
    return col_start


def current_quote(ctx: Ctx, include: bool, q: str) -> TextObject | bool | None:
    """Vim's current_quote()."""
    ed = ctx.ed
    st = _State(ed)
    line = st.w.line
    esc = "\\"
    col_start = st.cur[1]
    vis_empty = True
    vis_bef_curs = False
    inside_quotes = False
    selected_quote = False
    cur_col = st.cur[1]
    vcol = st.vis[1]

    def ch(i: int) -> str:
        return line[i] if 0 <= i < len(line) else ""

    if st.visual:
        if st.vis[0] != st.cur[0]:
            return None
        vis_bef_curs = st.vis < st.cur
        vis_empty = st.vis == st.cur
    col_end = 0
    if not vis_empty:
        if vis_bef_curs:
            inside_quotes = vcol > 0 and ch(vcol - 1) == q and ch(cur_col) != "" and ch(cur_col + 1) == q
            i = vcol
            col_end = cur_col
        else:
            inside_quotes = cur_col > 0 and ch(cur_col - 1) == q and ch(vcol) != "" and ch(vcol + 1) == q
            i = cur_col
            col_end = vcol
        while i <= col_end:
            if ch(i) == "":
                break
            i += 1
            if ch(i - 1) == q:
                selected_quote = True
                break
    if not vis_empty and ch(col_start) == q:
        if vis_bef_curs:
            col_start = _find_next_quote(line, col_start + 1, q, None)
            if col_start < 0:
                return None
            col_end = _find_next_quote(line, col_start + 1, q, esc)
            if col_end < 0:
                col_end = col_start
                col_start = cur_col
        else:
            col_end = _find_prev_quote(line, col_start, q, None)
            if ch(col_end) != q:
                return None
            col_start = _find_prev_quote(line, col_end, q, esc)
            if ch(col_start) != q:
                col_start = col_end
                col_end = cur_col
    elif ch(col_start) == q or not vis_empty:
        first_col = col_start
        if not vis_empty:
            if vis_bef_curs:
                first_col = _find_next_quote(line, col_start, q, None)
            else:
                first_col = _find_prev_quote(line, col_start, q, None)
        col_start = 0
        while True:
            col_start = _find_next_quote(line, col_start, q, None)
            if col_start < 0 or col_start > first_col:
                return None
            col_end = _find_next_quote(line, col_start + 1, q, esc)
            if col_end < 0:
                return None
            if col_start <= first_col <= col_end:
                break
            col_start = col_end + 1
    else:
        col_start = _find_prev_quote(line, col_start, q, esc)
        if ch(col_start) != q:
            col_start = _find_next_quote(line, col_start, q, None)
            if col_start < 0:
                return None
        col_end = _find_next_quote(line, col_start + 1, q, esc)
        if col_end < 0:
            return None
    if include:
        if _white(ch(col_end + 1)):
            while _white(ch(col_end + 1)):
                col_end += 1
        else:
            while col_start > 0 and _white(ch(col_start - 1)):
                col_start -= 1
    count = ctx.count1
    if not include and count < 2 and (vis_empty or not inside_quotes):
        col_start += 1
    row = st.cur[0]
    st.w.set(row, col_start)
    if st.visual:
        if vis_empty or (
            vis_bef_curs
            and not selected_quote
            and (inside_quotes or (ch(vcol) != q and (vcol == 0 or ch(vcol - 1) != q)))
        ):
            st.vis = (row, col_start)
    else:
        st.start = (row, col_start)
    st.w.set(row, col_end)
    inclusive = False
    if include or count > 1 or (not vis_empty and inside_quotes):
        if st.w.inc() == 2:
            inclusive = True
    if st.visual:
        if vis_empty or vis_bef_curs:
            st.w.dec()
        else:
            if inside_quotes or (not selected_quote and ch(vcol) != q and (ch(vcol) == "" or ch(vcol + 1) != q)):
                st.w.dec()
                st.vis = st.cur
            st.w.set(row, col_start)
        if st.vmode == "visual_line":
            st.vmode = "visual"
        return _finish(ctx, st)
    st.inclusive = inclusive
    return _finish(ctx, st)


def current_tag(ctx: Ctx, include: bool) -> TextObject | bool | None:
    """A simplified current_tagblock(): the innermost <tag>...</tag> around the cursor."""
    import re

    ed = ctx.ed
    st = _State(ed)
    r, c = st.cur
    # Work on the lines around the cursor only (tags in prose are short).
    lo = max(0, r - 200)
    hi = min(ed.doc.line_count, r + 200)
    lines = [ed.doc.line(i) for i in range(lo, hi)]
    text = "\n".join(lines)
    base = sum(len(x) + 1 for x in lines[: r - lo])
    cur = base + c
    # If on a start tag, move to its ">"; on an end tag, before its "<".
    tag_re = re.compile(r"<(/?)([^\s>/!]+)[^>]*?(/?)>")
    spans = []
    stack: list[tuple[str, int, int]] = []
    for m in tag_re.finditer(text):
        if m.group(3):
            continue
        if m.group(1):
            name = m.group(2).lower()
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == name:
                    s_name, s0, s1 = stack[k]
                    del stack[k:]
                    spans.append((s0, s1, m.start(), m.end()))
                    break
        else:
            stack.append((m.group(2).lower(), m.start(), m.end()))
    candidates = [sp for sp in spans if sp[0] <= cur < sp[3]]
    if not candidates:
        return None
    candidates.sort(key=lambda sp: sp[3] - sp[0])
    idx = min(ctx.count1 - 1, len(candidates) - 1)
    s0, s1, e0, e1 = candidates[idx]
    if include:
        a, b = s0, e1 - 1
        inclusive = True
    else:
        a, b = s1, e0 - 1
        inclusive = True
        if b < a:
            inclusive = False

    def topos(off: int) -> Pos:
        before = text[:off]
        row = before.count("\n")
        col = off - (before.rfind("\n") + 1)
        return (lo + row, col)

    start = topos(a)
    end = topos(max(b, a)) if b >= a else start
    if not include and b >= a and text[e0 - 1 : e0] == "\n" if e0 > 0 else False:
        end = topos(e0)
        inclusive = False
    if st.visual:
        st.vis = start
        st.w.set(*end)
        st.vmode = "visual"
        return _finish(ctx, st)
    st.start = start
    st.w.set(*end)
    st.inclusive = inclusive
    return _finish(ctx, st)


def current_search(ctx: Ctx, forward: bool) -> TextObject | bool | None:
    """gn / gN: the next (previous) match of the last search pattern; a match under the
    cursor counts.  In normal mode this starts visual mode on it."""
    ed = ctx.ed
    # the Searcher implements Vim's current_search() (a match under the cursor, counts,
    # wrapscan, its messages); None means it set the error
    hit = ed.searcher().gn(forward=forward, count=ctx.count1)
    if hit is None:
        return None
    start, end = hit
    doc = ed.doc
    # inclusive last character of the match
    if end[1] > 0:
        last = (end[0], end[1] - 1)
    elif end[0] > start[0]:
        last = (end[0] - 1, max(len(doc.line(end[0] - 1)) - 1, 0))
    else:
        last = start
    if ed.mode.startswith("visual") or ctx.op is None:
        if not ed.mode.startswith("visual"):
            ed.mode = "visual"
        ed.visual_start = start if forward else last
        ed.move_cursor_raw(*(last if forward else start))
        ed.update_curswant()
        return True
    return TextObject(start, last, "char", True)


def _reg(cid: str, doc: str, fn: TOFn) -> None:
    fn.__doc__ = doc
    TEXT_OBJECTS[cid] = (fn, doc)


_reg("textobj-next-match", "The next match of the last search pattern (gn).",
     lambda c: current_search(c, True))
_reg("textobj-prev-match", "The previous match of the last search pattern (gN).",
     lambda c: current_search(c, False))

for _inc, _pfx, _what in ((False, "inner", "Inner"), (True, "a", "A")):
    _reg(f"textobj-{_pfx}-word", f"{_what} word (i w / a w).", lambda c, i=_inc: current_word(c, i, False))
    _reg(f"textobj-{_pfx}-bigword", f"{_what} WORD (iW / aW).", lambda c, i=_inc: current_word(c, i, True))
    _reg(f"textobj-{_pfx}-sentence", f"{_what} sentence (is / as).", lambda c, i=_inc: current_sent(c, i))
    _reg(f"textobj-{_pfx}-paragraph", f"{_what} paragraph (ip / ap).", lambda c, i=_inc: current_par(c, i))
    _reg(f"textobj-{_pfx}-tag", f"{_what} tag block (it / at).", lambda c, i=_inc: current_tag(c, i))
    for _q, _qn in (('"', "double-quote"), ("'", "single-quote"), ("`", "backtick")):
        _reg(
            f"textobj-{_pfx}-{_qn}",
            f"{_what} {_q}quoted{_q} string.",
            lambda c, i=_inc, q=_q: current_quote(c, i, q),
        )
    for _o, _c, _bn in (("(", ")", "paren"), ("[", "]", "bracket"), ("{", "}", "brace"), ("<", ">", "angle")):
        _reg(
            f"textobj-{_pfx}-{_bn}",
            f"{_what} {_o}{_c} block.",
            lambda c, i=_inc, o=_o, cl=_c: current_block(c, i, o, cl),
        )
