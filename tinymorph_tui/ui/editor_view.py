"""The editor view: a line-API widget drawing only the visible lines of the document.

Why not Textual's TextArea: it measures every line, sums line lengths above the cursor and
re-queries highlights over the whole tree on each edit (seconds per key at 10 MB).  This view
works in O(visible):

* the engine owns the first visible row (`ed.top_row`); the view lays out only the logical
  lines from there down (soft wrap per line, `ui/wrap.py`) into a *display map*
  (screen row -> (logical row, wrap row));
* each display row's text strip is cached per (logical row, wrap row); document edit events
  drop the cache entries of the rows they touch (or every row from the edit down when lines
  were added or removed), cursor / selection / search / ghost-text changes drop only the
  rows whose decoration changed, and only the screen rows that changed are repainted;
* the line-number gutter is joined at paint time, so 'relativenumber' never invalidates text;
* a very long line (a 50 MB single line) gets a `LongLineLayout` that reads from the document
  only the rows on screen (`doc.slice`, never `doc.line`), and without 'wrap' only the
  characters inside the window are styled and drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tinymorph_tui.ui import chrome
from tinymorph_tui.ui.textual_keys import key_to_token
from tinymorph_tui.ui.wrap import (
    LONG_COMPLEX_LINE,
    LONG_LINE,
    LineLayout,
    LongLineLayout,
    is_simple_text,
    layout_line,
)

#: Lines scrolled per mouse-wheel notch (Vim's default for the wheel).
WHEEL_LINES = 3

#: Characters searched on each side of the window for matches on a huge line.
WINDOW_MATCH_MARGIN = 1_024

VISUAL_MODES = ("visual", "visual_line", "visual_block")


class DisplayRow(NamedTuple):
    """One screen row: logical `row` and its wrap row `seg`.

    kind "text" shows document text, "ghost" a virtual line of a multi-line hint (`seg` is
    the hint line), "eof" the "~" filler below the end of the document.
    """

    row: int
    seg: int
    kind: str = "text"


class Ghost(NamedTuple):
    """Ghost text to draw: `lines[0]` inline at (row, col), the rest as virtual lines."""

    row: int
    col: int
    lines: tuple[str, ...]


class EditorView(Widget, can_focus=True):
    """Draws the editor's document, cursor, selection, search matches and ghost text."""

    DEFAULT_CSS = """
    EditorView {
        width: 1fr;
        height: 1fr;
    }
    """

    class KeyToken(Message):
        """A key the user typed, as a Vim token, for the app to feed to the engine."""

        def __init__(self, token: str) -> None:
            super().__init__()
            self.token = token

    class Scrolled(Message):
        """The view scrolled without a key (mouse wheel, click): the chrome must update."""

    def __init__(
        self,
        editor: Any,
        theme: Any = None,
        *,
        highlighter: Any = None,
        ghost: Callable[[], Ghost | None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.ed = editor
        self.theme_obj: Any = theme if theme is not None else chrome.FallbackTheme()
        self.highlighter: Any = highlighter
        self.ghost_provider: Callable[[], Ghost | None] = ghost or (lambda: None)
        self.show_cursor = True
        self._top_seg = 0
        self._display: list[DisplayRow] = []
        #: For the display map: logical row -> its screen rows, its height, and
        #: (row, wrap row) -> screen row.
        self._row_ys: dict[int, list[int]] = {}
        self._heights: dict[int, int] = {}
        self._pos_y: dict[tuple[int, int], int] = {}
        self._layouts: dict[int, LineLayout | LongLineLayout] = {}
        self._ghost_layout_key: tuple[int, int, str] | None = None
        self._strips: dict[tuple[int, int, str], Strip] = {}
        self._span_cache: dict[int, list[Any]] = {}
        self._dirty_rows: set[int] = set()
        self._shift_from: int | None = None
        self._last: dict[str, Any] = {}
        self._gutter_width = 0
        self._text_width = 1
        self._leftcol = 0
        self._doc: Any = None
        #: Whether a frame with the document in it has been drawn (the app's first paint).
        self.drew_document = False
        #: Modes in which the terminal's own cursor (a bar, an underline) is shown instead
        #: of the drawn block (see ui/terminal_cursor.py; set by the app).
        self.terminal_cursor_modes: frozenset[str] = frozenset()
        self._attach_doc()

    # -- document and highlighter -----------------------------------------------------
    def _attach_doc(self) -> None:
        doc = self.ed.doc
        if doc is self._doc:
            return
        if self._doc is not None:
            try:
                self._doc.remove_listener(self._on_edit)
            except Exception:
                pass
        self._doc = doc
        doc.add_listener(self._on_edit)
        self._layouts.clear()
        self._strips.clear()

    def _on_edit(self, event: Any) -> None:
        """Document edit: forget cached rows the edit touched (O(rows touched))."""
        r0 = event.start_point[0]
        r_old = event.old_end_point[0]
        r_new = event.new_end_point[0]
        if r_old != r_new:
            # Lines moved: every cached row from here down now names a different line.
            self._shift_from = r0 if self._shift_from is None else min(self._shift_from, r0)
        else:
            self._dirty_rows.update(range(r0, r_new + 1))

    def set_highlighter(self, highlighter: Any) -> None:
        """Use `highlighter` (line_spans(r0, r1)) for syntax colours from now on."""
        self.highlighter = highlighter
        self.invalidate()

    def highlights_changed(self, *_args: Any) -> None:
        """The highlighter published new colours: repaint only visible rows that changed."""
        if not self.is_mounted:
            return
        vis = self._visible_text_rows()
        if vis is None:
            return
        fresh = self._fetch_spans(*vis)
        changed = [r for r, spans in fresh.items() if self._span_cache.get(r) != spans]
        self._span_cache.update(fresh)
        if changed:
            for key in [k for k in self._strips if k[0] in changed]:
                del self._strips[key]
            width = self.size.width
            regions = [
                Region(0, y, width, 1) for y, d in enumerate(self._display) if d.row in changed
            ]
            if regions:
                self.refresh(*regions)

    def set_theme(self, theme: Any) -> None:
        """Draw with another theme (`:colorscheme`)."""
        self.theme_obj = theme
        chrome.clear_cache()
        self.invalidate()

    def invalidate(self) -> None:
        """Forget every cached strip and layout and repaint."""
        self._layouts.clear()
        self._strips.clear()
        self._span_cache.clear()
        self._last.clear()
        if self.is_mounted:
            self.sync()

    # -- options ----------------------------------------------------------------------
    def _opt(self, name: str, default: Any) -> Any:
        try:
            return self.ed.options[name]
        except Exception:
            return default

    def _style(self, *scopes: str) -> Style:
        return chrome.resolve(self.theme_obj, *scopes)

    def _layout_opts(self) -> tuple[int, int, bool, bool]:
        return (
            self._text_width,
            int(self._opt("tabstop", 8)),
            bool(self._opt("wrap", True)),
            bool(self._opt("linebreak", False)),
        )

    # -- layout -----------------------------------------------------------------------
    def layout(self, row: int) -> LineLayout | LongLineLayout:
        """The soft-wrap layout of logical `row` (cached until the row is edited)."""
        lay = self._layouts.get(row)
        if lay is None:
            width, ts, wrap, lbr = self._layout_opts()
            doc = self.ed.doc
            n = doc.line_length(row)
            text = doc.line(row) if n <= LONG_LINE else ""
            if n > LONG_LINE or (n > LONG_COMPLEX_LINE and not is_simple_text(text)):
                # Exact layout would cost seconds: rows of fixed width, read on demand.
                def fetch(a: int, b: int, row: int = row) -> str:
                    base = doc.line_start(row)  # looked up per call: earlier rows may change
                    return doc.slice(base + a, base + b)

                lay = LongLineLayout(fetch, n, width, tabstop=ts, wrap=wrap)
                self._layouts[row] = lay
                return lay
            ghost = self._ghost
            if ghost is not None and ghost.row == row and ghost.lines and ghost.lines[0]:
                # The inline part of a hint pushes the rest of the line right (and may wrap).
                text = text[: ghost.col] + ghost.lines[0] + text[ghost.col :]
            lay = layout_line(text, width, tabstop=ts, wrap=wrap, linebreak=lbr)
            self._layouts[row] = lay
        return lay

    def _long_row(self, row: int) -> bool:
        """Whether `row` is laid out as a LongLineLayout (no inline ghost text there)."""
        doc = self.ed.doc
        if not 0 <= row < doc.line_count:
            return False
        n = doc.line_length(row)
        if n <= LONG_COMPLEX_LINE:
            return False
        return n > LONG_LINE or not is_simple_text(doc.line(row))

    def _doc_col_to_layout(self, row: int, col: int) -> int:
        """Map a document column to the layout column (ghost text shifts columns after it)."""
        ghost = self._ghost
        if ghost is not None and ghost.row == row and ghost.lines and col >= ghost.col:
            return col + len(ghost.lines[0])
        return col

    def _rows_of(self, row: int) -> int:
        n = self.layout(row).height
        ghost = self._ghost
        if ghost is not None and ghost.row == row:
            n += len(self._ghost_rows())
        return n

    def _ghost_rows(self) -> list[tuple[int, LineLayout, int]]:
        """The screen rows of a hint's further lines: (hint line, its layout, wrap row).

        With 'wrap' they wrap like text (a long hint line is not cut at the window's edge).
        """
        ghost = self._ghost
        if ghost is None or len(ghost.lines) < 2:
            return []
        opts = self._layout_opts()
        cached = self._last.get("ghost_rows")
        if cached is not None and cached[0] == (ghost, opts):
            return cached[1]
        width, ts, wrap, lbr = opts
        rows: list[tuple[int, LineLayout, int]] = []
        for k in range(1, len(ghost.lines)):
            lay = layout_line(ghost.lines[k], width, tabstop=ts, wrap=wrap, linebreak=lbr)
            rows.extend((k, lay, s) for s in range(max(1, lay.height)))
        self._last["ghost_rows"] = ((ghost, opts), rows)
        return rows

    def _build_display(self, top: int, top_seg: int, height: int) -> list[DisplayRow]:
        out: list[DisplayRow] = []
        count = self.ed.doc.line_count
        row, seg = top, top_seg
        ghost = self._ghost
        while len(out) < height:
            if row >= count:
                out.append(DisplayRow(row, 0, "eof"))
                row += 1
                continue
            lay = self.layout(row)
            while seg < lay.height and len(out) < height:
                out.append(DisplayRow(row, seg))
                seg += 1
            if ghost is not None and ghost.row == row:
                k = max(1, seg - lay.height + 1)
                while k <= len(self._ghost_rows()) and len(out) < height:
                    out.append(DisplayRow(row, k, "ghost"))
                    k += 1
            row += 1
            seg = 0
        return out

    # -- scrolling --------------------------------------------------------------------
    def _cursor_pos(self) -> tuple[int, int]:
        row, col = self.ed.cursor
        count = self.ed.doc.line_count
        row = max(0, min(row, count - 1))
        return row, col

    def _rows_between(self, a: tuple[int, int], b: tuple[int, int], limit: int) -> int:
        """Display rows from position a to b inclusive (a <= b); stops counting at `limit`."""
        (r, s), (rb, sb) = a, b
        if r == rb:
            return sb - s + 1
        n = self._rows_of(r) - s
        r += 1
        while r < rb and n <= limit:
            n += self._rows_of(r)
            r += 1
        return n + sb + 1

    def _back(self, pos: tuple[int, int], rows: int) -> tuple[int, int]:
        """The position `rows` display rows above `pos`, snapped to a logical line start."""
        r, s = pos
        rows -= s
        while rows > 0 and r > 0:
            r -= 1
            rows -= self._rows_of(r)
        return r, 0

    def _scroll_to_cursor(self) -> None:
        """Move ed.top_row so the cursor is visible with 'scrolloff' rows around it."""
        height = max(1, self.size.height)
        so = min(int(self._opt("scrolloff", 0)), (height - 1) // 2)
        count = self.ed.doc.line_count
        top = max(0, min(int(getattr(self.ed, "top_row", 0)), count - 1))
        top_seg = self._top_seg if top == self._last.get("top") else 0
        row, col = self._cursor_pos()
        seg = self.layout(row).row_of(self._doc_col_to_layout(row, col))
        cur = (row, seg)
        if self.layout(top).height <= top_seg:
            top_seg = 0
        want_top = self._back(cur, so)
        if cur < (top, top_seg) or want_top < (top, top_seg):
            # Cursor above the window: show it `so` rows below the top (centre if far).
            far = self._rows_between(cur, (top, top_seg), height) > height
            top, top_seg = self._back(cur, (height - 1) // 2) if far else want_top
        else:
            # Rows needed from the top to the cursor plus 'scrolloff' rows below it.
            below = 0
            r, left = row, so
            extra = self._rows_of(row) - seg - 1
            below = min(extra, left)
            left -= below
            r = row + 1
            while left > 0 and r < count:
                take = min(self._rows_of(r), left)
                below += take
                left -= take
                r += 1
            need = self._rows_between((top, top_seg), cur, 3 * height) + below
            if need > 3 * height:
                top, top_seg = self._back(cur, (height - 1) // 2)
            elif need > height:
                excess = need - height
                while excess > 0 and top < row:
                    excess -= self._rows_of(top) - top_seg
                    top += 1
                    top_seg = 0
                if excess > 0:
                    # The cursor's own line is taller than the window: start inside it.
                    top_seg = min(seg, top_seg + excess)
        if top == row:
            # The window starts in the cursor's line (a line taller than the window, as a
            # huge single line is): _back() snaps to line starts, so keep the cursor inside.
            if seg - top_seg > height - 1 - so:
                top_seg = max(0, seg - (height - 1 - so))
            elif seg < top_seg:
                top_seg = max(0, seg - so)
        self._top_seg = top_seg
        if getattr(self.ed, "top_row", None) != top:
            try:
                self.ed.top_row = top
            except AttributeError:
                pass
        self._top = top

    def scroll_lines(self, delta: int) -> None:
        """Scroll by whole logical lines (mouse wheel); the cursor stays inside the window."""
        count = self.ed.doc.line_count
        top = max(0, min(int(getattr(self.ed, "top_row", 0)) + delta, count - 1))
        try:
            self.ed.top_row = top
        except AttributeError:
            return
        self._top_seg = 0
        height = max(1, self.size.height)
        so = min(int(self._opt("scrolloff", 0)), (height - 1) // 2)
        display = self._build_display(top, 0, height)
        text_rows = [d.row for d in display if d.kind == "text"]
        if not text_rows:
            return
        first = min(text_rows[so] if len(text_rows) > so else text_rows[-1], count - 1)
        last_full = [r for r in text_rows if text_rows.count(r) == self._rows_of(r)]
        last = last_full[-1 - so] if len(last_full) > so else (last_full or text_rows)[-1]
        if top == 0:
            first = 0
        if top + len(set(text_rows)) >= count:
            last = count - 1
        row, col = self.ed.cursor
        new_row = min(max(row, first), max(first, last))
        if new_row != row:
            self._set_cursor(new_row, col)
        self._last.pop("top", None)  # the window moved: rebuild the display map
        self.sync()
        self.post_message(self.Scrolled())

    def _set_cursor(self, row: int, col: int) -> None:
        n = self.ed.doc.line_length(row)
        mode = getattr(self.ed, "mode", "normal")
        limit = n if mode in ("insert", "replace") else max(0, n - 1)
        self.ed.cursor = (row, max(0, min(col, limit)))

    # -- state sync -------------------------------------------------------------------
    @property
    def _ghost(self) -> Ghost | None:
        return self._last.get("ghost")

    def _visual(self) -> Any:
        try:
            return self.ed.visual_range() if self.ed.mode in VISUAL_MODES else None
        except Exception:
            return None

    def _search_key(self) -> Any:
        """What decides the search highlights: (pattern, source) or None."""
        ed = self.ed
        mode = getattr(ed, "mode", "normal")
        cmdline = getattr(ed, "cmdline", "") or ""
        if mode == "command" and cmdline[:1] in ("/", "?") and self._opt("incsearch", False):
            state = getattr(ed, "cmdline_state", None)
            return ("inc", cmdline, getattr(state, "incsearch", None))
        if self._opt("hlsearch", False) and getattr(ed, "last_search", None):
            if _highlight_suspended(ed):  # :nohlsearch until the next search
                return None
            # Edits drop the matches of the rows they touch (see sync), not all of them.
            return (
                "hl",
                ed.last_search,
                self._opt("ignorecase", False),
                self._opt("smartcase", False),
            )
        return None

    def sync(self, force_rows: Iterable[int] = ()) -> None:
        """Bring the screen in line with the engine: scroll, relayout, repaint what changed."""
        if not self.is_mounted or self.size.height <= 0:
            return
        self._attach_doc()
        ed = self.ed
        last = self._last
        width, height = self.size
        count = ed.doc.line_count
        self._update_gutter(count, width)
        ghost = self.ghost_provider() if getattr(ed, "mode", "") in ("insert", "replace") else None
        if ghost is not None and self._long_row(ghost.row):
            ghost = None  # a huge line is laid out from the document alone
        matches: dict[int, list[tuple[int, int]]] = last.setdefault("matches", {})
        if self._shift_from is not None:
            start = self._shift_from
            for key in [k for k in self._layouts if k >= start]:
                del self._layouts[key]
            for key in [k for k in self._strips if k[0] >= start]:
                del self._strips[key]
            for key in [k for k in self._span_cache if k >= start]:
                del self._span_cache[key]
            for key in [k for k in matches if k >= start]:
                del matches[key]
            self._shift_from = None
            last["shifted"] = True
        dirty = set(self._dirty_rows)
        dirty.update(force_rows)
        self._dirty_rows.clear()
        for row in dirty:
            self._layouts.pop(row, None)
            self._span_cache.pop(row, None)
            matches.pop(row, None)
        old_ghost = last.get("ghost")
        if old_ghost != ghost:
            for g in (old_ghost, ghost):
                if g is not None:
                    self._layouts.pop(g.row, None)
                    dirty.add(g.row)
        last["ghost"] = ghost
        self._update_leftcol()
        opts = (
            self._layout_opts(),
            bool(self._opt("number", False)),
            bool(self._opt("relativenumber", False)),
            self._leftcol,
        )
        full = False
        if last.get("opts") != opts or last.get("height") != height:
            self._layouts.clear()
            self._strips.clear()
            full = True
        search = self._search_key()
        if last.get("search") != search:
            last["search"] = search
            last["matches"] = {}
            self._strips.clear()
            full = True
        mode = getattr(ed, "mode", "normal")
        cursor = self._cursor_pos()
        if (
            last.get("cursor") != cursor
            or last.get("mode") != mode
            or last.get("show") != self.show_cursor
        ):
            if last.get("cursor"):
                dirty.add(last["cursor"][0])
            dirty.add(cursor[0])
        visual = self._visual()
        old_visual = last.get("visual")
        shifted = last.get("shifted", False)
        last["shifted"] = False
        display = None
        if (
            not full
            and not shifted
            and self._display
            and getattr(ed, "top_row", None) == last.get("top")
            and all(
                r not in self._row_ys or self._rows_of(r) == self._heights.get(r, -1) for r in dirty
            )
            and self._cursor_fits(cursor, height)
        ):
            # Typing within the window: same rows on screen, nothing to scroll.
            display = self._display
            top = last["top"]
        if display is None:
            self._scroll_to_cursor()
            top, top_seg = self._top, self._top_seg
            display = self._build_display(top, top_seg, height)
        if visual != old_visual:
            for d in display:
                if self._in_visual(old_visual, d.row) or self._in_visual(visual, d.row):
                    dirty.add(d.row)
        if dirty:
            for key in [k for k in self._strips if k[0] in dirty]:
                del self._strips[key]
        old_display = self._display
        gutter_all = bool(opts[2]) and (last.get("cursor") or (None,))[0] != cursor[0]
        if (
            full
            or len(old_display) != len(display)
            or last.get("count_width") != self._gutter_width
            or gutter_all
        ):
            self.refresh()
        elif display is old_display:
            regions = [Region(0, y, width, 1) for r in dirty for y in self._row_ys.get(r, ())]
            if regions:
                self.refresh(*regions)
        else:
            regions = [
                Region(0, y, width, 1)
                for y, d in enumerate(display)
                if d != old_display[y] or d.row in dirty
            ]
            if regions:
                self.refresh(*regions)
        if display is not old_display:
            self._index_display(display)
        self._display = display
        last.update(
            size=self.size,
            opts=opts,
            height=height,
            cursor=cursor,
            mode=mode,
            visual=visual,
            top=top,
            show=self.show_cursor,
            count_width=self._gutter_width,
        )
        # Bound the caches: keep what is on screen (plus a margin for scrolling back).
        if len(self._strips) > 8 * height + 64:
            keep = {d.row for d in display}
            self._strips = {k: v for k, v in self._strips.items() if k[0] in keep}
        if len(self._layouts) > 8 * height + 64:
            keep = {d.row for d in display}
            self._layouts = {k: v for k, v in self._layouts.items() if k in keep}
        if len(self._span_cache) > 8 * height + 64:
            keep = {d.row for d in display}
            self._span_cache = {k: v for k, v in self._span_cache.items() if k in keep}
        window = (height + 1, self._text_width)
        if last.get("window") != window:
            # The engine's window is 'lines' minus the command line, as in Vim.
            last["window"] = window
            try:
                self.ed.set_window(*window)
            except Exception:
                pass

    def _index_display(self, display: list[DisplayRow]) -> None:
        row_ys: dict[int, list[int]] = {}
        pos_y: dict[tuple[int, int], int] = {}
        for y, d in enumerate(display):
            row_ys.setdefault(d.row, []).append(y)
            if d.kind == "text":
                pos_y[(d.row, d.seg)] = y
        self._row_ys = row_ys
        self._pos_y = pos_y
        self._heights = {r: self._rows_of(r) for r in row_ys if r < self.ed.doc.line_count}
        # The last row may be cut off at the bottom: its height on screen is partial.
        if display and display[-1].kind != "eof":
            self._heights.pop(display[-1].row, None)

    def _cursor_fits(self, cursor: tuple[int, int], height: int) -> bool:
        """Whether the cursor is on screen with 'scrolloff' rows around it (fast check)."""
        row, col = cursor
        lay = self.layout(row)
        seg = lay.row_of(self._doc_col_to_layout(row, col))
        y = self._pos_y.get((row, seg))
        if y is None:
            return False
        so = min(int(self._opt("scrolloff", 0)), (height - 1) // 2)
        if y < so and self._last.get("top", 0) > 0:
            return False
        last_row = self._display[-1]
        if (
            y > height - 1 - so
            and last_row.kind != "eof"
            and last_row.row < self.ed.doc.line_count - 1
        ):
            return False
        return True

    def _update_leftcol(self) -> None:
        """With 'nowrap', scroll sideways so the cursor stays on screen (Vim's
        'sidescroll' 0: a cursor that leaves the window is put back in its middle)."""
        if self._opt("wrap", True):
            self._leftcol = 0
            return
        row, col = self._cursor_pos()
        _seg, x = self.layout(row).position(self._doc_col_to_layout(row, col))
        width = self._text_width
        if x < self._leftcol or x >= self._leftcol + width:
            self._leftcol = max(0, x - width // 2)

    def _update_gutter(self, count: int, width: int) -> None:
        if self._opt("number", False) or self._opt("relativenumber", False):
            # Vim's 'numberwidth' 4: at least 3 digits plus a space.
            self._gutter_width = max(3, len(str(count))) + 1
        else:
            self._gutter_width = 0
        self._text_width = max(1, width - self._gutter_width)

    @staticmethod
    def _in_visual(visual: Any, row: int) -> bool:
        if not visual:
            return False
        _kind, (r0, _c0), (r1, _c1) = visual
        lo, hi = (r0, r1) if r0 <= r1 else (r1, r0)
        return lo <= row <= hi

    # -- drawing ----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """Paint screen row `y`: gutter + cached text strip."""
        if self._last.get("size") != self.size:
            # Textual paints a new size before the Resize event reaches on_resize: lay
            # out for it now, or the first frame (and each resize) shows an empty window
            # for one frame and costs a second layout pass before the text appears.
            self.sync()
        if not self.drew_document and self._display:
            self.drew_document = True
        width = self.size.width
        if y >= len(self._display):
            return Strip.blank(width, self._style("ui.background", "ui.text"))
        d = self._display[y]
        if d.kind == "eof":
            # Vim draws the "~" filler in the first column, over the number column too.
            base = self._style("ui.background", "ui.text") + self._style("ui.text")
            return Strip(
                [
                    Segment("~", base + self._style("ui.virtual.tilde")),
                    Segment(" " * (width - 1), base),
                ],
                width,
            )
        key = (d.row, d.seg, d.kind)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_text(d)
            self._strips[key] = strip
        if self._gutter_width:
            return Strip.join([self._render_gutter(d), strip])
        return strip

    def _render_gutter(self, d: DisplayRow) -> Strip:
        w = self._gutter_width
        base = self._style("ui.background", "ui.text")
        if d.kind != "text" or d.seg != 0:
            return Strip([Segment(" " * w, base)], w)
        crow = self._cursor_pos()[0]
        nu = self._opt("number", False)
        rnu = self._opt("relativenumber", False)
        if rnu and d.row != crow:
            text = str(abs(d.row - crow)).rjust(w - 1) + " "
        elif rnu and nu:
            text = str(d.row + 1).ljust(w - 1) + " "
        elif rnu:
            text = "0".rjust(w - 1) + " "
        else:
            text = str(d.row + 1).rjust(w - 1) + " "
        scope = "ui.linenr.selected" if d.row == crow else "ui.linenr"
        return Strip([Segment(text, base + self._style(scope))], w)

    def _render_text(self, d: DisplayRow) -> Strip:
        width = self._text_width
        base = self._style("ui.background", "ui.text") + self._style("ui.text")
        if d.kind == "eof":
            return Strip(
                [
                    Segment("~", base + self._style("ui.virtual.tilde")),
                    Segment(" " * (width - 1), base),
                ],
                width,
            )
        if d.kind == "ghost":
            rows = self._ghost_rows()
            if not 1 <= d.seg <= len(rows):
                return Strip([Segment(" " * width, base)], width)
            _line, glay, gseg = rows[d.seg - 1]
            gstart, gend = glay.row_span(gseg)
            style = base + self._style("ui.virtual.ghost.lines", "ui.virtual.ghost")
            if not _theme_has(self.theme_obj, "ui.virtual.ghost.lines"):
                style = style + Style(dim=True)  # further hint lines are dimmer than the first
            return self._segments_to_strip(
                glay, gseg, [style] * (gend - gstart), base, width, span=(gstart, gend)
            )
        lay = self.layout(d.row)
        start, end = lay.row_span(d.seg)
        if not self._opt("wrap", True):
            # Only the characters inside the window: a long line is never styled whole.
            start, end = lay.visible(d.seg, self._leftcol, self._leftcol + width)
        styles = self._char_styles(d.row, lay, start, end, base)
        eol = None
        if d.seg == lay.height - 1 and self._newline_selected(d.row):
            eol = base + self._style("ui.selection")
        return self._segments_to_strip(lay, d.seg, styles, base, width, eol, span=(start, end))

    def _newline_selected(self, row: int) -> bool:
        """Whether the visual selection covers the end of `row` (drawn as one cell, as Vim)."""
        visual = self._visual()
        if not visual or not self._in_visual(visual, row):
            return False
        kind, (r0, c0), (r1, c1) = visual
        if (r0, c0) > (r1, c1):
            (r0, c0), (r1, c1) = (r1, c1), (r0, c0)
        if kind in ("line", "visual_line", "V"):
            return True
        if kind in ("block", "visual_block", "\x16", "<C-v>"):
            return False
        return row < r1 or c1 >= self.ed.doc.line_length(row)

    def _segments_to_strip(
        self,
        lay: LineLayout | LongLineLayout,
        seg: int,
        styles: list[Style],
        base: Style,
        width: int,
        eol: Style | None = None,
        span: tuple[int, int] | None = None,
    ) -> Strip:
        start, end = span if span is not None else lay.row_span(seg)
        text, xs, widths = lay.cells(start, end)
        segments: list[Segment] = []
        run: list[str] = []
        run_style: Style | None = None
        used = 0
        wrap = bool(self._opt("wrap", True))
        # Without 'wrap' the strip starts at the first character drawn, not the row start.
        x0 = xs[0] if (not wrap and end > start) else 0
        for k in range(end - start):
            ch = text[k]
            w = widths[k]
            if not wrap and xs[k] + w > self._leftcol + width:
                break
            if ch == "\t":
                piece = " " * w
            elif ch < " " or ch == "\x7f":
                piece = "^" + chr((ord(ch) + 64) % 128)
            elif w == 0 and ch == " ":
                piece = ""
            else:
                piece = ch
            style = styles[k]
            if style is not run_style and style != run_style:
                if run:
                    segments.append(Segment("".join(run), run_style))
                run = []
                run_style = style
            run.append(piece)
            used += w
        if run:
            segments.append(Segment("".join(run), run_style))
        # The cursor just past the end of the line (insert mode, or an empty line).
        extra = self._cursor_after_end(lay, seg, end) or eol
        if extra is not None and used < width:
            segments.append(Segment(" ", extra))
            used += 1
        if not wrap and (self._leftcol or x0):
            left = self._leftcol - x0
            return Strip(segments).crop(left, left + width).adjust_cell_length(width, base)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, width).crop(0, width) if used > width else Strip(segments, width)

    def _cursor_style(self) -> Style:
        mode = getattr(self.ed, "mode", "normal")
        if mode == "insert":
            return self._style("ui.cursor.insert", "ui.cursor")
        if mode == "replace":
            return self._style("ui.cursor.replace", "ui.cursor")
        if mode in VISUAL_MODES:
            return self._style("ui.cursor.visual", "ui.cursor")
        return self._style("ui.cursor.normal", "ui.cursor")

    def _cursor_visible(self) -> bool:
        mode = getattr(self.ed, "mode", "normal")
        return (
            self.show_cursor
            and mode != "command"
            and mode not in self.terminal_cursor_modes
            and self.has_focus_or_app()
        )

    def has_focus_or_app(self) -> bool:
        """The cursor is drawn unless another panel (steering) holds the focus."""
        try:
            focused = self.app.focused
        except Exception:
            return True
        return focused is None or focused is self

    def _cursor_after_end(
        self, lay: LineLayout | LongLineLayout, seg: int, end: int
    ) -> Style | None:
        if not self._cursor_visible():
            return None
        row, col = self._cursor_pos()
        if self._layouts.get(row) is not lay:
            return None
        ghost = self._ghost
        if ghost is not None and ghost.row == row and ghost.lines and ghost.lines[0]:
            if col == ghost.col:
                return None  # drawn on the hint's first character (see _char_styles)
        lcol = self._doc_col_to_layout(row, col)
        if lcol < lay.length or seg != lay.height - 1 or end < lay.length:
            return None
        if lay.wrap and lay.length and lay.end_x(seg) >= lay.width:
            return None  # the row is full: the cursor is drawn on the last cell instead
        return self._cursor_style()

    def _char_styles(
        self, row: int, lay: LineLayout | LongLineLayout, start: int, end: int, base: Style
    ) -> list[Style]:
        """The style of each character start..end of a layout row (all decorations applied)."""
        n = end - start
        styles = [base] * n
        ghost = self._ghost
        gcol = glen = 0
        if ghost is not None and ghost.row == row and ghost.lines:
            gcol, glen = ghost.col, len(ghost.lines[0])

        # Layout index -> document column.
        def doc_col(i: int) -> int:
            return i - glen if glen and i >= gcol + glen else i

        # Syntax.
        for s, e, st in self._syntax_spans(row):
            if glen:
                s = s + glen if s >= gcol else s
                e = e + glen if e > gcol else e
            a, b = max(s, start), min(e, end)
            if a < b:
                combined = base + st
                for i in range(a - start, b - start):
                    styles[i] = combined
        # Search matches (the one incsearch would jump to stands out).
        search_key = self._last.get("search")
        current = search_key[2] if search_key and search_key[0] == "inc" else None
        for s, e in self._matches(row):
            if glen:
                s = s + glen if s >= gcol else s
                e = e + glen if e > gcol else e
            a, b = max(s, start), min(e, end)
            if a < b:
                is_current = current is not None and current[0] == row and current[1] == s
                hl = self._style("ui.search.current" if is_current else "ui.search")
                for i in range(a - start, b - start):
                    styles[i] = styles[i] + hl
        # Visual selection.
        visual = self._visual()
        if visual and self._in_visual(visual, row):
            sel = self._style("ui.selection")
            kind, (r0, c0), (r1, c1) = visual
            if (r0, c0) > (r1, c1):
                (r0, c0), (r1, c1) = (r1, c1), (r0, c0)
            line_len = lay.length - glen
            if kind in ("line", "visual_line", "V"):
                lo, hi = 0, max(line_len, 1)
            elif kind in ("block", "visual_block", "\x16", "<C-v>"):
                lo, hi = min(c0, c1), max(c0, c1) + 1
            else:
                lo = c0 if row == r0 else 0
                hi = c1 + 1 if row == r1 else line_len + 1
            for i in range(start, end):
                if lo <= doc_col(i) < hi:
                    styles[i - start] = styles[i - start] + sel
        # Ghost text (inline part).
        if glen:
            gstyle = base + self._style("ui.virtual.ghost")
            for i in range(max(gcol, start), min(gcol + glen, end)):
                styles[i - start] = gstyle
        # Cursor.
        if self._cursor_visible():
            crow, ccol = self._cursor_pos()
            if crow == row:
                lcol = self._doc_col_to_layout(row, ccol) if not (glen and ccol == gcol) else gcol
                if start <= lcol < end:
                    styles[lcol - start] = styles[lcol - start] + self._cursor_style()
                elif lcol >= end and lcol >= lay.length and end == lay.length and end > start:
                    last = lay.end_x(lay.height - 1)
                    if lay.wrap and last >= lay.width and lcol == lay.length:
                        styles[end - 1 - start] = styles[end - 1 - start] + self._cursor_style()
        return styles

    def _visible_text_rows(self) -> tuple[int, int] | None:
        rows = [d.row for d in self._display if d.kind != "eof"]
        return (rows[0], rows[-1] + 1) if rows else None

    def _fetch_spans(self, r0: int, r1: int) -> dict[int, list[Any]]:
        """Raw highlighter spans for rows [r0, r1) in one call (the highlighter also takes
        the range as the visible window to parse first)."""
        hl = self.highlighter
        if hl is None or r1 <= r0:
            return {}
        try:
            result = hl.line_spans(r0, r1)
        except Exception:
            return {}
        out: dict[int, list[Any]] = {r: [] for r in range(r0, r1)}
        if result and isinstance(result[0], list):  # one list of (start, end, scope) per row
            for k, spans in enumerate(result):
                out[r0 + k] = list(spans)
        else:  # a flat list of spans carrying their rows
            for span in result or []:
                parsed = _span_fields(span)
                if parsed is not None and parsed[0] is not None and parsed[0] in out:
                    out[parsed[0]].append(span)
        return out

    def _syntax_spans(self, row: int) -> list[tuple[int, int, Style]]:
        """(start col, end col, style) for the row from the highlighter, if any."""
        if self.highlighter is None:
            return []
        raw = self._span_cache.get(row)
        if raw is None:
            vis = self._visible_text_rows()
            r0, r1 = vis if vis and vis[0] <= row < vis[1] else (row, row + 1)
            self._span_cache.update(self._fetch_spans(r0, r1))
            raw = self._span_cache.setdefault(row, [])
        out: list[tuple[int, int, Style]] = []
        for span in raw:
            parsed = _span_fields(span)
            if parsed is None:
                continue
            _srow, s, e, scope = parsed
            style = self._style(scope) if isinstance(scope, str) else scope
            if style:
                out.append((s, e, style))
        return out

    def _matches(self, row: int) -> list[tuple[int, int]]:
        key = self._last.get("search")
        if key is None:
            return []
        lay = self._layouts.get(row)
        if isinstance(lay, LongLineLayout):
            return self._window_matches(row, lay, key)
        cache: dict[int, list[tuple[int, int]]] = self._last.setdefault("matches", {})
        if row in cache:
            return cache[row]
        found: list[tuple[int, int]] = []
        try:
            if key[0] == "inc":
                found = _incsearch_matches(self.ed, key[1], row)
            else:
                found = [(s, e) for (r, s, e) in self.ed.search_matches(row, row + 1) if r == row]
        except Exception:
            found = []
        cache[row] = found
        return found

    def _window_matches(self, row: int, lay: LongLineLayout, key: Any) -> list[tuple[int, int]]:
        """Search matches of a huge line, looked for only in the part on screen (plus a
        margin, so a match crossing the window's edge is still found): the whole line may
        hold millions of them."""
        segs = [d.seg for d in self._display if d.row == row and d.kind == "text"]
        if not segs:
            return []
        if lay.wrap:
            a, b = lay.row_span(min(segs))[0], lay.row_span(max(segs))[1]
        else:
            a, b = lay.visible(0, self._leftcol, self._leftcol + self._text_width)
        a0, b0 = max(0, a - WINDOW_MATCH_MARGIN), min(lay.length, b + WINDOW_MATCH_MARGIN)
        cached = self._last.get("window_matches")
        if cached is not None and cached[0] == (row, lay, a0, b0, key):
            return cached[1]
        found: list[tuple[int, int]] = []
        try:
            from tinymorph_tui.core import search

            if key[0] == "inc":
                cmdline = key[1]
                pattern = search.parse_search(cmdline[1:], cmdline[0])[0] or cmdline[1:]
            else:
                pattern = key[1]
            compiled = search.compile_for(self.ed, pattern)
            window = _OneLine(lay.fetch(a0, b0))
            found = [
                (s + a0, e + a0) for (_r, s, e) in search.matches_in_rows(window, compiled, 0, 1)
            ]
        except Exception:  # an unfinished or bad pattern draws no matches
            found = []
        self._last["window_matches"] = ((row, lay, a0, b0, key), found)
        return found

    # -- input ------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Every key goes to the engine (no Textual bindings fire in the editor)."""
        token = key_to_token(event.key, event.character)
        event.stop()
        event.prevent_default()
        if token is None:
            return
        handler = getattr(self.app, "handle_token", None)
        if handler is not None:
            handler(token)  # straight to the engine: no extra message hop per key
        else:
            self.post_message(self.KeyToken(token))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """Wheel down scrolls the text up, as in Vim."""
        event.stop()
        self.scroll_lines(WHEEL_LINES)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """Wheel up scrolls the text down."""
        event.stop()
        self.scroll_lines(-WHEEL_LINES)

    def on_click(self, event: events.Click) -> None:
        """A click places the cursor on the character under the mouse."""
        event.stop()
        self.focus()
        pos = self.position_at(event.x, event.y)
        if pos is None:
            return
        self._set_cursor(*pos)
        self.sync()
        self.post_message(self.Scrolled())

    def position_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The document (row, col) shown at widget cell (x, y), or None outside the text."""
        if not (0 <= y < len(self._display)):
            return None
        d = self._display[y]
        count = self.ed.doc.line_count
        if d.kind == "eof":
            return (count - 1, 0) if count else None
        lay = self.layout(d.row)
        seg = min(d.seg, lay.height - 1) if d.kind == "text" else lay.height - 1
        col = lay.col_at(seg, max(0, x - self._gutter_width + self._leftcol))
        ghost = self._ghost
        if ghost is not None and ghost.row == d.row and ghost.lines:
            glen = len(ghost.lines[0])
            if col >= ghost.col + glen:
                col -= glen
            elif col >= ghost.col:
                col = ghost.col
        return d.row, col

    def on_resize(self, event: events.Resize) -> None:
        """Relayout for the new size and tell the engine (`ed.set_window`)."""
        if self._last.get("size") != self.size:  # (render_line may have done it already)
            self._last.pop("height", None)
        self.sync()

    def on_mount(self) -> None:
        """First layout."""
        self.sync()

    def on_focus(self) -> None:
        """Draw the cursor again when the focus comes back."""
        self._last.pop("show", None)
        self._last["show"] = None
        self.sync()

    def on_blur(self) -> None:
        """Hide the cursor while another panel has the focus."""
        self._last["show"] = None
        self.sync()

    # -- queries for the app and tests ------------------------------------------------
    @property
    def display_rows(self) -> list[DisplayRow]:
        """The current display map (screen row -> logical row / wrap row)."""
        return list(self._display)

    def cursor_screen_position(self) -> tuple[int, int] | None:
        """(x, y) of the cursor inside the widget, or None when off screen."""
        row, col = self._cursor_pos()
        lay = self.layout(row)
        seg, x = lay.position(self._doc_col_to_layout(row, col))
        y = self._pos_y.get((row, seg))
        if y is None:
            return None
        return x - self._leftcol + self._gutter_width, y

    def display_move(self, delta: int) -> bool:
        """Move the cursor `delta` display rows down (gj / gk), keeping its screen column.

        Returns False when it cannot move (first / last display row), as Vim fails then.
        """
        row, col = self._cursor_pos()
        lay = self.layout(row)
        seg, x = lay.position(self._doc_col_to_layout(row, col))
        want = self._last.get("curswant_x")
        if want is None or self._last.get("curswant_at") != (row, col):
            want = x
        count = self.ed.doc.line_count
        moved = 0
        step = 1 if delta > 0 else -1
        for _ in range(abs(delta)):
            if step > 0:
                if seg + 1 < lay.height:
                    seg += 1
                elif row + 1 < count:
                    row += 1
                    lay = self.layout(row)
                    seg = 0
                else:
                    break
            else:
                if seg > 0:
                    seg -= 1
                elif row > 0:
                    row -= 1
                    lay = self.layout(row)
                    seg = lay.height - 1
                else:
                    break
            moved += 1
        if not moved:
            return False
        new_col = lay.col_at(seg, want)
        self._set_cursor(row, new_col)
        self._last["curswant_x"] = want
        self._last["curswant_at"] = tuple(self.ed.cursor)
        return True


class _OneLine:
    """A piece of a huge line posing as a one-line document, for `search.matches_in_rows`."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.line_count = 1

    def line(self, _i: int) -> str:
        return self._text

    def line_start(self, _i: int) -> int:
        return 0

    def text(self) -> str:
        return self._text

    def position_of(self, offset: int) -> tuple[int, int]:
        return 0, offset


def _highlight_suspended(ed: Any) -> bool:
    """Whether `:nohlsearch` hid the matches (the engine keeps it in its search state)."""
    try:
        from tinymorph_tui.core.search import search_state

        return bool(search_state(ed).no_highlight)
    except Exception:
        return bool(getattr(ed, "nohlsearch", False))


def _theme_has(theme: Any, scope: str) -> bool:
    has = getattr(theme, "has", None)
    try:
        return bool(has(scope)) if has is not None else False
    except Exception:
        return False


def _span_fields(span: Any) -> tuple[int | None, int, int, Any] | None:
    """Read one highlighter span in the shapes syntax/ may give: an object with
    row/start/end/scope (or style) attributes, or a (start, end, scope) / (row, start, end,
    scope) tuple."""
    if isinstance(span, tuple):
        if len(span) == 3:
            return None, int(span[0]), int(span[1]), span[2]
        if len(span) == 4:
            return int(span[0]), int(span[1]), int(span[2]), span[3]
        return None
    row = getattr(span, "row", None)
    start = getattr(span, "start", getattr(span, "col_start", None))
    end = getattr(span, "end", getattr(span, "col_end", None))
    scope = getattr(span, "scope", getattr(span, "style", None))
    if start is None or end is None or scope is None:
        return None
    if isinstance(start, tuple):  # (row, col) points
        if start[0] != end[0]:
            return None
        row, start, end = start[0], start[1], end[1]
    return row, int(start), int(end), scope


def _incsearch_matches(ed: Any, cmdline: str, row: int) -> list[tuple[int, int]]:
    """Matches on one row of the pattern being typed after "/" or "?" ('incsearch')."""
    if len(cmdline) < 2:
        return []
    try:
        from tinymorph_tui.core import search

        pattern = search.parse_search(cmdline[1:], cmdline[0])[0] or cmdline[1:]
        compiled = search.compile_for(ed, pattern)
        found = search.matches_in_rows(ed.doc, compiled, row, row + 1)
    except Exception:  # an unfinished pattern is normal while typing
        return []
    return [(s, e) for (r, s, e) in found if r == row][:200]
