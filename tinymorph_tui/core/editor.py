"""The Editor facade: a headless Vim 9 engine over a Document.

Keys arrive through `feed("d2w")` / `feed_key("<Esc>")`.  In normal and visual mode they are
parsed as Vim does (`["x][count]{command}[count]{motion}`) against the key tries of
`keymaps/vim.toml`; the command ids they name are looked up in `ed.commands` and run.
Insert and command-line mode keys go to `insert.py` and `cmdline.py`.

Undo is kept by the Document's groups (one normal command or one insert session per group);
this module places the cursor after undo/redo as Vim's u_undoredo() does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinymorph_tui.core import builtin
from tinymorph_tui.core.commands import Command, CommandRegistry
from tinymorph_tui.core.document import Document
from tinymorph_tui.core.ex_registry import ExRegistry
from tinymorph_tui.core.keymap import Keymap
from tinymorph_tui.core.keys import keys_to_notation, normalize_token, parse_keys
from tinymorph_tui.core.marks import MarkStore
from tinymorph_tui.core.motions import MAXCOL, Ctx, Motion
from tinymorph_tui.core.options import Options
from tinymorph_tui.core.registers import Registers
from tinymorph_tui.core.textutil import (
    col_of_vcol,
    display_width,
    first_nonblank,
    vcol_from,
    vcol_of,
)

Listener = Callable[["Editor"], None]
#: lines longer than this get incremental screen-column bookkeeping (vcol_at)
LONG_LINE = 20_000
#: U does not track lines longer than this (it would copy them on each first change)
U_LINE_LIMIT = 100_000
_INCOMPLETE = object()
_INVALID = object()


class Parsed:
    """One complete normal/visual mode command as typed."""

    __slots__ = (
        "count", "reg", "cmd", "cmd_keys", "arg", "op_count", "motion", "motion_keys",
        "motion_arg", "force", "line_op",
    )

    def __init__(
        self,
        count: int | None,
        reg: str | None,
        cmd: Command,
        cmd_keys: tuple[str, ...],
        arg: str | None = None,
        op_count: int | None = None,
        motion: Command | None = None,
        motion_keys: tuple[str, ...] = (),
        motion_arg: str | None = None,
        force: str | None = None,
        line_op: tuple[str, ...] = (),
    ) -> None:
        self.count = count
        self.reg = reg
        self.cmd = cmd
        self.cmd_keys = cmd_keys
        self.arg = arg
        self.op_count = op_count
        self.motion = motion
        self.motion_keys = motion_keys
        self.motion_arg = motion_arg
        self.force = force
        self.line_op = line_op

    @property
    def total_count(self) -> int | None:
        """count * op_count, as Vim multiplies them ("2d3w" deletes 6 words)."""
        if self.count is None and self.op_count is None:
            return None
        return (self.count or 1) * (self.op_count or 1)

    def body(self) -> list[str]:
        """The keys without counts and register, for `.` repeat."""
        out = list(self.cmd_keys)
        if self.arg is not None:
            out.append(self.arg)
        if self.force:
            out.append(self.force)
        out.extend(self.line_op)
        out.extend(self.motion_keys)
        if self.motion_arg is not None:
            out.append(self.motion_arg)
        return out


class DotRecord:
    """What `.` repeats: keys of the last change, its count and register."""

    __slots__ = ("body", "count", "reg", "visual", "tail")

    def __init__(
        self,
        body: list[str],
        count: int | None,
        reg: str | None,
        visual: tuple[str, int, int, bool] | None = None,
        tail: list[str] | None = None,
    ) -> None:
        self.body = body
        self.count = count
        self.reg = reg
        self.visual = visual
        self.tail: list[str] = [] if tail is None else tail


_DEFAULT_KEYMAP: dict[str, Keymap] = {}


def _load_keymap(commands: CommandRegistry) -> Keymap:
    """The default keymap (parsed once per process) merged with the user's file if any."""
    from tinymorph_tui.core.keymap import user_keymap_path

    up = user_keymap_path()
    try:
        key = f"{up}:{up.stat().st_mtime_ns}"
    except OSError:
        key = ""
    km = _DEFAULT_KEYMAP.get(key)
    if km is None:
        # user_path=Path() that is not a file: defaults only
        km = Keymap.load(user_path=up if key else Path("/nonexistent/keymap.toml"), known_commands=commands.ids())
        if key:
            _DEFAULT_KEYMAP.pop(next((k for k in _DEFAULT_KEYMAP if k), ""), None)
        _DEFAULT_KEYMAP[key] = km
    return km


class Editor:
    """A Vim engine over one Document (see the module docstring and docs/architecture.md)."""

    def __init__(
        self,
        doc: Document | None = None,
        *,
        options: dict[str, Any] | Options | None = None,
        keymap: Keymap | None = None,
    ) -> None:
        self.doc = doc if doc is not None else Document("")
        if isinstance(options, Options):
            self.options = options
        else:
            given = dict(options or {})
            self.options = Options(given)
            if "backspace" not in given and "bs" not in given:
                # Vim 9's compiled default (what `vim -u NONE` does); the shell passes the
                # user's setting explicitly.
                self.options["backspace"] = ""

        self.registers = Registers()
        self.commands = CommandRegistry()
        builtin.register_all(self.commands)
        # a per-editor layer over the shared (parsed once) default keymap
        self.keymap = keymap if keymap is not None else Keymap(base=_load_keymap(self.commands))
        self.keymap_errors: list[str] = list(self.keymap.errors)
        self.ex = ExRegistry()
        self.mode = "normal"
        self._row = 0
        self._col = 0
        self._curswant = 0
        self.top_row = 0
        self.message = ""
        self.message_is_error = False
        self.quit_requested = False
        self.last_find: tuple[str, str] | None = None
        self.marks = MarkStore()
        self._listeners: list[Listener] = []
        self._pending: list[str] = []
        # visual mode
        self.visual_start: tuple[int, int] = (0, 0)
        self._last_visual_mode: tuple[str, int] | None = None
        #: screen columns of a block being re-selected for "." (lines may be shorter)
        self.block_override: tuple[int, int] | None = None
        # command line
        self.cmdline = ""
        self.cmdline_cursor = 0
        self.cmdline_history: dict[str, list[str]] = {":": [], "/": []}
        self.cmdline_state: Any = None
        # insert mode session (see insert.py)
        self.insert: Any = None
        self.last_insert_text = ""
        # search
        self._last_search: str | None = None
        self.search_forward = True
        self.search_offset = ""
        self._searcher: Any = None
        # change repeat, macros, undo
        self.dot: DotRecord | None = None
        self._dot_building: DotRecord | None = None
        self._replaying = 0
        self.recording: str | None = None
        self._record_tokens: list[str] = []
        self.last_macro: str | None = None
        self._group_depth = 0
        self._events: list[Any] | None = None
        #: While undo/redo collects `_events`: the row each one changed, as '. counts it.
        self._change_rows: list[int] = []
        self._beeped = False
        self._pending_op: Parsed | None = None
        self._insert_after_op: Any = None
        self._ctrl_o_session: Any = None
        self._undo_box: _CursorBox | None = None
        self._op_start_cursor: tuple[int, int] | None = None
        self.skip_undo_step = False
        #: a `:s///c` waiting for its y/n/a/q/l answer (ex_substitute.SubConfirm)
        self._sub_confirm: Any = None
        #: the file edited before this one (`:e #`, <C-^>) and the cursor left in each file
        self.alternate_file: Path | None = None
        self.file_cursors: dict[str, tuple[int, int]] = {}
        #: the key token being processed (commands run from a key may look at it)
        self.current_key: str | None = None
        # U: the line saved before its latest changes
        self._u_row: int | None = None
        self._u_text = ""
        self._u_col = 0
        self._u_busy = False
        self._line_cache: tuple[int, int, str] = (-1, -1, "")
        #: (row, col, screen column, tabstop) last computed on a long line (vcol_at)
        self._vc_cache: tuple[int, int, int, int] | None = None
        #: the buffer was emptied by deleting all its lines (Vim's ML_EMPTY)
        self.ml_empty = False
        self._pl_cache: dict[int, int] = {}
        self._pl_version = -1
        self.doc.add_listener(self._on_edit)
        self._set_read_marks()

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_text(
        cls,
        text: str,
        cursor: tuple[int, int] = (0, 0),
        options: dict[str, Any] | Options | None = None,
        **kw: Any,
    ) -> Editor:
        """An editor on an unsaved document holding `text`, cursor at (row, col)."""
        ed = cls(Document(text), options=options, **kw)
        ed.cursor = cursor
        ed._initial_topline()
        return ed

    def _set_read_marks(self) -> None:
        """Reading a file sets '[ to its first line and '] to its last, and the jump list
        starts with where Vim put the cursor (line 1, first non-blank)."""
        self.marks.set("[", (0, 0))
        self.marks.set("]", (self.doc.line_count - 1, 0))
        self.marks.jumps = [(0, first_nonblank(self.doc.line(0)))]
        self.marks.jump_idx = 1

    @classmethod
    def open(cls, path: str | Path, options: dict[str, Any] | Options | None = None, **kw: Any) -> Editor:
        """An editor on the file at `path` (a missing file is an empty new document)."""
        return cls(Document.load(Path(path)), options=options, **kw)

    def set_document(self, doc: Document) -> None:
        """Switch to another Document (:e): listeners move along, marks and view reset."""
        old = self.doc
        for fn in list(getattr(old, "_listeners", [])):
            old.remove_listener(fn)
            if fn != self._on_edit:
                doc.add_listener(fn)
        self.doc = doc
        doc.add_listener(self._on_edit)
        self.marks = MarkStore()
        self.top_row = 0
        self._group_depth = 0
        self._row = self._col = 0

    # -- simple state -----------------------------------------------------------------
    @property
    def text(self) -> str:
        """The whole text (builds a string: not for per-key use)."""
        return self.doc.text()

    @property
    def cursor(self) -> tuple[int, int]:
        """(row, col), 0-based, col in characters."""
        return (self._row, self._col)

    @cursor.setter
    def cursor(self, pos: tuple[int, int]) -> None:
        row, col = pos
        row = max(0, min(int(row), self.doc.line_count - 1))
        self._row = row
        self._col = max(0, int(col))
        self.clamp_cursor()
        self.update_curswant()
        self.scroll_to_cursor()

    @property
    def cursor_raw(self) -> tuple[int, int]:
        """The cursor without normal-mode clamping (internal use)."""
        return (self._row, self._col)

    def move_cursor_raw(self, row: int, col: int) -> None:
        """Place the cursor exactly (internal use)."""
        self._row = row
        self._col = col

    def line(self, row: int | None = None) -> str:
        """Text of a line (default: the cursor line); the last one read is cached per
        document version, because one key often looks at the cursor line several times."""
        if row is None:
            row = self._row
        cache = self._line_cache
        v = self.doc.version
        if cache[0] == v and cache[1] == row:
            return cache[2]
        text = self.doc.line(row)
        self._line_cache = (v, row, text)
        return text

    @property
    def pending_keys(self) -> str:
        """Keys typed so far of an unfinished command (for the status line)."""
        toks = list(self._pending)
        if self.mode == "insert" and self.insert is not None and self.insert.pending:
            toks = list(self.insert.pending)
        return keys_to_notation(toks)

    @property
    def last_search(self) -> str | None:
        """The last search pattern (for 'hlsearch'), or None."""
        return self._last_search

    @last_search.setter
    def last_search(self, pat: str | None) -> None:
        self._last_search = pat
        if pat is not None:
            self.registers.set_special("/", pat)

    def set_error(self, msg: str) -> None:
        """Show an error message (Vim's E-numbered line) and beep."""
        self.message = msg
        self.message_is_error = True
        self._beeped = True

    def set_message(self, msg: str) -> None:
        """Show an informational message."""
        self.message = msg
        self.message_is_error = False

    def beep(self) -> None:
        """A failed command: stops macros and `.` repeats, as Vim's beep does."""
        self._beeped = True

    def add_listener(self, fn: Listener) -> None:
        """Call `fn(ed)` after each key that changed the mode, cursor or text."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling `fn`."""
        if fn in self._listeners:
            self._listeners.remove(fn)

    @property
    def last_visual(self) -> tuple[str, tuple[int, int], tuple[int, int], int] | None:
        """(mode, start, end, curswant) of the last visual selection (for gv, '< '>);
        its ends are marks, so they follow edits like Vim's b_visual."""
        if self._last_visual_mode is None:
            return None
        a = self.marks.get("<")
        b = self.marks.get(">")
        if a is None or b is None:
            return None
        mode, want = self._last_visual_mode
        return (mode, a, b, want)

    @last_visual.setter
    def last_visual(self, value: tuple[str, tuple[int, int], tuple[int, int], int] | None) -> None:
        if value is None:
            self._last_visual_mode = None
            return
        mode, a, b, want = value
        self._last_visual_mode = (mode, want)
        self.marks.set("<", a)
        self.marks.set(">", b)

    # -- marks ------------------------------------------------------------------------
    def get_mark(self, name: str) -> tuple[int, int] | None:
        """(row, col) of a mark (a-z A-Z [ ] < > ' ` . ^ \"), or None when unset."""
        if name in "<>" and self.last_visual is not None:
            vmode, a, b, _ = self.last_visual
            s, e = (a, b) if a <= b else (b, a)
            if vmode == "visual_line":
                s = (s[0], 0)
                e = (e[0], max(len(self.doc.line(e[0])) - 1, 0) if e[0] < self.doc.line_count else 0)
            if vmode == "visual_block":
                c0, c1 = sorted((a[1], b[1]))
                s, e = (s[0], c0), (e[0], c1)
            return s if name == "<" else e
        pos = self.marks.get(name)
        if pos is None and name in ("'", "`"):
            # the context mark starts where Vim put the cursor when the file was opened
            return (0, first_nonblank(self.doc.line(0)))
        return pos

    def set_mark(self, name: str, pos: tuple[int, int] | None = None) -> bool:
        """Set mark `name` at `pos` (default: the cursor); False for an invalid name."""
        if pos is None:
            pos = self.cursor
        if not (name.isalpha() or name in "[]<>'`.^\""):
            return False
        if name in "<>":
            lv = self.last_visual
            if lv is None:
                self.last_visual = ("visual", pos, pos, 0)
            else:
                a, b = (pos, lv[2]) if name == "<" else (lv[1], pos)
                self.last_visual = (lv[0], a, b, lv[3])
            return True
        self.marks.set(name, pos)
        return True

    def push_jump(self, pos: tuple[int, int] | None = None) -> None:
        """Remember the cursor (or `pos`) as a jump origin (the ' mark and the jump list)."""
        origin = self.cursor if pos is None else pos
        self.marks.set("'", origin)
        self.marks.push_jump(origin)

    def _on_edit(self, ev: Any) -> None:
        box = self._undo_box
        if self._group_depth and box is not None and not box.filled:
            box.row, box.col = self.cursor_raw
            box.filled = True
        if ev.inserted:
            self.ml_empty = False
        self.marks.on_edit(ev)
        if ev.inserted or ev.deleted:  # (an empty edit, e.g. a put of nothing, is no change)
            where = self._change_pos(ev)
            self.marks.set(".", where)  # Vim's '. : where the last change was made
            if self._group_depth == 0:
                self.marks.new_change = True  # an edit outside a group is an undo step itself
            self.marks.note_change(where, int(self.options["textwidth"]))
        self._track_u_line(ev)
        if self._vc_cache is not None:
            self._vc_follow(ev)
        if self._events is not None:
            self._events.append(ev)
            self._change_rows.append(self._change_pos(ev)[0])

    def _change_pos(self, ev: Any) -> tuple[int, int]:
        """Where Vim says a change was made ('. and the change list): whole lines added or
        removed after the end of a line (o, :t, :co, p at the end) count from the start of
        the next line, as Vim's appended_lines_mark()/deleted_lines_mark() report them."""
        row, col = ev.start_point
        text = ev.inserted or ev.deleted
        if text[:1] == "\n" and self.doc.line_length(row) == col:
            return (min(row + 1, self.doc.line_count - 1), 0)
        return (row, col)

    def _track_u_line(self, ev: Any) -> None:
        """Remember the line before its latest changes, for U (Vim's u_saveline())."""
        if self._u_busy:
            return
        r0 = ev.start_point[0]
        r1 = ev.old_end_point[0]
        r2 = ev.new_end_point[0]
        if r0 == r1 == r2:
            if self._u_row != r0:
                if self.doc.line_length(r0) > U_LINE_LIMIT:
                    # a huge line is not copied on every first change (U is off for it)
                    self._u_row = None
                    return
                line = self.doc.line(r0)
                c0 = ev.start_point[1]
                before = line[:c0] + ev.deleted + line[c0 + len(ev.inserted) :]
                self._u_row = r0
                self._u_text = before
                self._u_col = self._col if self._row == r0 else 0
            return
        # lines added or removed: follow the saved line like a mark
        if self._u_row is None:
            return
        if self._u_row > r1:
            self._u_row += r2 - r1
        elif self._u_row > r0:
            self._u_row = None

    # -- cursor column rules ----------------------------------------------------------
    def clamp_cursor(self) -> None:
        """Keep the cursor on a character in normal mode (past the end in insert mode)."""
        n = self.doc.line_count
        if self._row >= n:
            self._row = n - 1
        if self._row < 0:
            self._row = 0
        length = self.doc.line_length(self._row)
        if self.mode in ("insert", "replace") or self._ctrl_o_session is not None or (
            self.mode.startswith("visual") and self.options["selection"] != "old"
        ):
            limit = length
        else:
            limit = max(length - 1, 0)
        if self._col > limit:
            self._col = limit
        if self._col < 0:
            self._col = 0

    def update_curswant(self) -> None:
        """Remember the cursor's screen column as the column j/k aim for."""
        row, col = self._row, self._col
        ts = int(self.options["tabstop"])
        if self.doc.line_length(row) > LONG_LINE:
            v = self.vcol_at(row, col)
            ch = self.doc.slice(self.doc.offset_of(row, col), self.doc.offset_of(row, col) + 1)
        else:
            line = self.line(row)
            v = vcol_of(line, col, ts)
            ch = line[col : col + 1]
        if ch == "\t" and self.mode not in ("insert", "replace"):
            # in normal mode the cursor shows on a tab's last screen cell, and Vim's
            # curswant is that column (j/k aim there)
            v += ts - v % ts - 1
        self._curswant = v

    def vcol_at(self, row: int, col: int) -> int:
        """Screen column where character `col` of `row` starts.  On a long line it is
        found from the last one computed there (kept valid through edits after it), so
        moving and typing on a 50 MB line reads only the text in between."""
        ts = int(self.options["tabstop"])
        if self.doc.line_length(row) <= LONG_LINE:
            return vcol_of(self.line(row), col, ts)
        doc = self.doc
        base = doc.line_start(row)
        c = self._vc_cache
        v: int | None = None
        if c is not None and c[0] == row and c[3] == ts:
            crow, ccol, cv, _ts = c
            if col >= ccol and col - ccol <= LONG_LINE:
                v = vcol_from(doc.slice(base + ccol, base + col), cv, ts)
            elif col < ccol and ccol - col <= LONG_LINE:
                seg = doc.slice(base + col, base + ccol)
                if "\t" not in seg:
                    v = cv - display_width(seg, ts)
        if v is None:
            v = vcol_of(doc.slice(base, base + col), col, ts)
        self._vc_cache = (row, col, v, ts)
        return v

    def _vc_follow(self, ev: Any) -> None:
        """Keep the long-line screen column cache valid through an edit (or drop it)."""
        row, ccol, cv, ts = self._vc_cache  # type: ignore[misc]
        r0, c0 = ev.start_point
        r1, c1 = ev.old_end_point
        r2 = ev.new_end_point[0]
        if r1 < row and r1 - r0 == r2 - r0:
            return  # lines above changed, none added or removed
        if r0 > row or (r0 == row and r1 == row and r2 == row and c0 >= ccol):
            return  # the text before the cached column is unchanged
        if r0 == r1 == r2 == row and c1 == ccol and "\t" not in ev.deleted and "\t" not in ev.inserted:
            # an edit ending at the cached column (<BS>, typing before it)
            self._vc_cache = (row, c0, cv - display_width(ev.deleted, ts), ts)
            return
        if r1 < row:
            self._vc_cache = (row + (r2 - r1), ccol, cv, ts)
            return
        self._vc_cache = None

    def curswant_vcol(self) -> int:
        """The wanted screen column (MAXCOL after $)."""
        return self._curswant

    def set_curswant(self, v: int) -> None:
        """Set the wanted screen column."""
        self._curswant = v

    def col_for_curswant(self, line: str) -> int:
        """The column j/k land on in `line` for the wanted screen column."""
        if self._curswant >= MAXCOL:
            col = len(line)
        else:
            col = col_of_vcol(line, self._curswant, int(self.options["tabstop"]))
        if self.mode in ("insert", "replace") or (
            self.mode.startswith("visual") and self.options["selection"] != "old"
        ):
            limit = len(line)
        else:
            limit = max(len(line) - 1, 0)
        return min(col, limit)

    # -- window -----------------------------------------------------------------------
    def set_window(self, lines: int, columns: int) -> None:
        """Tell the engine the window size (the 'lines' and 'columns' options)."""
        self.options["lines"] = lines
        self.options["columns"] = columns
        self.scroll_to_cursor()

    def plines(self, row: int) -> int:
        """Screen rows that buffer line `row` takes ('wrap' at 'columns'); cached per
        document version so scrolling stays cheap on big files."""
        if self._pl_version != self.doc.version:
            self._pl_cache.clear()
            self._pl_version = self.doc.version
        v = self._pl_cache.get(row)
        if v is None:
            cols = max(int(self.options["columns"]), 1)
            n = self.doc.line_length(row)
            if not self.options["wrap"]:
                v = 1
            elif n > LONG_LINE:
                # counted as one cell per character: reading a 50 MB line on every
                # edit to measure it exactly would cost more than the edit
                v = max(1, -(-n // cols))
            else:
                line = self.line(row)
                w = len(line) if line.isascii() and "\t" not in line else display_width(
                    line, int(self.options["tabstop"]))
                v = max(1, -(-w // cols))
            self._pl_cache[row] = v
        return v

    def plines_cache(self) -> dict[int, int]:
        """The (validated) row -> screen rows cache, for loops that read many rows."""
        if self._pl_version != self.doc.version:
            self._pl_cache.clear()
            self._pl_version = self.doc.version
        return self._pl_cache

    def window_height(self) -> int:
        """Text rows of the window: 'lines' minus the command line, as Vim computes."""
        return max(int(self.options["lines"]) - 1, 1)

    def _initial_topline(self) -> None:
        """A cursor placed off the first screen before anything is drawn is centred, as
        Vim does when a file is opened at a line."""
        from tinymorph_tui.core.scroll import botline, bottom_top, halfway_top

        del bottom_top, botline, halfway_top
        self.top_row = 0
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        """Vim's update_topline(): scroll so the cursor is visible with 'scrolloff'."""
        from tinymorph_tui.core.scroll import update_topline

        update_topline(self)

    # -- feeding keys -----------------------------------------------------------------
    def feed(self, keys: str) -> None:
        """Type keys in Vim notation ("d2w", "ihello<Esc>", ":s/a/b/<CR>")."""
        for tok in parse_keys(keys):
            self.feed_key(tok)

    def feed_key(self, token: str) -> None:
        """Type one key token ("a", "<Esc>", "<C-r>")."""
        token = normalize_token(token)
        before = (self.mode, self._row, self._col, self.doc.version)
        if self.recording is not None:
            self._record_tokens.append(token)
        self._beeped = False
        try:
            self.process_key(token)
        finally:
            self.current_key = None
        if self._listeners and before != (self.mode, self._row, self._col, self.doc.version):
            for fn in list(self._listeners):
                fn(self)

    def run_keys(self, tokens: list[str], stop_on_error: bool = True) -> bool:
        """Execute tokens as typed (macros, `.`, :normal); False when a command failed."""
        for tok in tokens:
            self._beeped = False
            self.process_key(tok)
            # a failing command flushes the keys after it (beep_flush()); a failing key in
            # insert mode (<BS> at the start...) only beeps
            if self._beeped and stop_on_error and self.mode not in ("insert", "replace"):
                self._pending = []
                return False
        return True

    def process_key(self, token: str) -> None:
        """Dispatch one key by mode (no recording, no listeners)."""
        self.current_key = token
        if self._sub_confirm is not None:
            # a `:s///c` prompt takes every key (y n a l q <Esc>) until it is answered
            from tinymorph_tui.core import ex_substitute

            if ex_substitute.confirm_key(self, token):
                return
        if self._dot_building is not None and not self._replaying:
            self._dot_building.tail.append(token)
        mode = self.mode
        if mode in ("insert", "replace"):
            from tinymorph_tui.core import insert

            insert.handle_key(self, token)
        elif mode == "command":
            from tinymorph_tui.core import cmdline

            cmdline.handle_key(self, token)
        else:
            self._normal_key(token)

    # -- normal / visual parsing ------------------------------------------------------
    def _normal_key(self, token: str) -> None:
        self._pending.append(token)
        res = self._parse(self._pending)
        if res is _INCOMPLETE:
            return
        self._pending = []
        if res is _INVALID:
            self.beep()
        else:
            self.execute(res)
        self.finish_ctrl_o()

    def finish_ctrl_o(self) -> None:
        """After the one command of insert-mode <C-o>, go back to inserting."""
        s = self._ctrl_o_session
        if s is not None and self.mode == "normal" and not self._pending:
            self._ctrl_o_session = None
            s.ctrl_o = False
            if s.ctrl_o_dot is not None:
                rec, n = s.ctrl_o_dot
                s.ctrl_o_dot = None
                if rec is self._dot_building:
                    del rec.tail[n:]
            if self._curswant >= MAXCOL or s.ctrl_o_eol == (self._row, self._col):
                # "$" during <C-o>, or a command that did not move the cursor from the end
                # of the line, leaves the cursor after the last character
                self._col = len(self.doc.line(self._row))
            s.start = self.cursor_raw
            self.insert = s
            self.mode = "replace" if s.replace else "insert"
        elif s is not None and self.mode in ("insert", "replace"):
            self._ctrl_o_session = None

    def _match(self, table: str, toks: list[str], i: int) -> tuple[Any, int]:
        """Longest key-trie match from toks[i]: (Command | _INCOMPLETE | _INVALID, next i)."""
        j = i
        best: tuple[str, int] | None = None
        while j < len(toks):
            cid, prefix = self.keymap.lookup(table, toks[i : j + 1])
            if cid is None and not prefix:
                break
            j += 1
            if cid is not None:
                best = (cid, j)
            if not prefix:
                break
        else:
            # Ran out of keys while still on a prefix: wait for more.
            if j > i:
                cid, prefix = self.keymap.lookup(table, toks[i:j])
                if prefix:
                    return _INCOMPLETE, j
            elif j == i:
                return _INCOMPLETE, j
        if best is None:
            return _INVALID, j
        cmd = self.commands.get(best[0])
        if cmd is None:
            return _INVALID, j
        return cmd, best[1]

    def _parse(self, toks: list[str]) -> Any:
        visual = self.mode.startswith("visual")
        table = "visual" if visual else "normal"
        i = 0
        count = ""
        reg: str | None = None
        n = len(toks)
        while i < n:
            t = toks[i]
            if t == '"':
                if i + 1 >= n:
                    return _INCOMPLETE
                if not self.registers.valid(toks[i + 1]):
                    return _INVALID
                reg = toks[i + 1]
                i += 2
                continue
            if len(t) == 1 and (t in "123456789" or (t == "0" and count)):
                count += t
                i += 1
                continue
            break
        if i >= n:
            return _INCOMPLETE
        if toks[i] == "<Esc>" and not visual:
            return _INVALID if not count and reg is None else _CANCEL_SILENT
        cmd, j = self._match(table, toks, i)
        if cmd is _INCOMPLETE or cmd is _INVALID:
            return cmd
        if cmd.id == "toggle-case-char" and self.options["tildeop"]:
            cmd = self.commands["operator-toggle-case"]  # 'tildeop': ~ is an operator
        p = Parsed(int(count) if count else None, reg, cmd, tuple(toks[i:j]))
        if cmd.arg == "char" or (cmd.arg == "char-unless-recording" and self.recording is None):
            if j >= n:
                return _INCOMPLETE
            if toks[j] == "<Esc>":
                return _CANCEL_SILENT
            p.arg = _arg_char(toks[j])
            j += 1
        if cmd.kind != "operator" or visual:
            return p if j >= n else _INVALID
        # operator pending: [count] then a motion, text object or the operator again
        oc = ""
        while j < n and len(toks[j]) == 1 and (toks[j] in "123456789" or (toks[j] == "0" and oc)):
            oc += toks[j]
            j += 1
        p.op_count = int(oc) if oc else None
        if j < n and toks[j] in ("v", "V", "<C-v>"):
            p.force = toks[j]
            j += 1
        if j >= n:
            return _INCOMPLETE
        if toks[j] == "<Esc>":
            return _CANCEL_SILENT
        keys = p.cmd_keys
        if toks[j] == keys[-1] and (len(keys) == 1 or keys[0] == "g" or keys[0] == "z"):
            p.line_op = (toks[j],)
            return p if j + 1 >= n else _INVALID
        if len(keys) == 2 and toks[j] == keys[0]:
            if j + 1 >= n:
                return _INCOMPLETE
            if toks[j + 1] == keys[1]:
                p.line_op = tuple(toks[j : j + 2])
                return p if j + 2 >= n else _INVALID
        mcmd, k = self._match("operator", toks, j)
        if mcmd is _INCOMPLETE or mcmd is _INVALID:
            return mcmd
        if mcmd.kind not in ("motion", "textobject") and mcmd.id not in PROMPTS:
            return _INVALID
        p.motion = mcmd
        p.motion_keys = tuple(toks[j:k])
        if mcmd.arg == "char":
            if k >= n:
                return _INCOMPLETE
            if toks[k] == "<Esc>":
                return _CANCEL_SILENT
            p.motion_arg = _arg_char(toks[k])
            k += 1
        return p if k >= n else _INVALID

    # -- execution --------------------------------------------------------------------
    def execute(self, p: Parsed | Any) -> None:
        """Run one parsed normal/visual command."""
        if p is _CANCEL_SILENT:
            return
        from tinymorph_tui.core import execute

        execute.run(self, p)

    def ctx(self, count: int | None = None, **kw: Any) -> Ctx:
        """A command context for this editor."""
        return Ctx(self, count, **kw)

    def apply_motion(self, m: Motion) -> None:
        """Move the cursor to a motion's target (normal or visual mode)."""
        prev_pc = None
        if m.jump:
            prev_pc = self.get_mark("'")
            self.push_jump()
        old = (self._row, self._col)
        self._row, self._col = m.row, m.col
        if m.jump and (m.row, m.col) == old and prev_pc is not None:
            # Vim's checkpcmark(): a jump that did not move keeps the previous context
            self.marks.set("'", prev_pc)
        if m.curswant == "keep":
            pass
        elif isinstance(m.curswant, int):
            self._curswant = m.curswant
        self.clamp_cursor()
        if m.curswant is None:
            self.update_curswant()

    # -- undo -------------------------------------------------------------------------
    def begin_change(self) -> None:
        """Open an undo group for a change (nests).

        The cursor the Document keeps for the group is a mutable box filled in at the
        group's first edit: Vim saves the cursor of the first change (u_save), which for an
        operator is the start of its region, not where the command was typed.
        """
        if self._group_depth == 0:
            self._undo_box = _CursorBox(self.cursor_raw)
            self.doc.begin_group(self._undo_box)
            self.marks.new_change = True  # Vim's b_new_change: a new undo step
        self._group_depth += 1

    def note_change_cursor(self, pos: tuple[int, int] | None = None) -> None:
        """Make `pos` (default: the cursor) the position undo returns to for the change in
        progress, if it has not edited anything yet (ex commands that move to their range
        first, as Vim's do, call this; otherwise the cursor at the first edit is used)."""
        box = self._undo_box
        if self._group_depth == 0 or box is None or box.filled:
            return
        box.row, box.col = pos if pos is not None else self.cursor_raw
        box.filled = True

    def end_change(self) -> None:
        """Close the undo group opened by begin_change()."""
        if self._group_depth == 0:
            return
        self._group_depth -= 1
        if self._group_depth == 0:
            self.doc.end_group(self._undo_box)

    def undo(self, count: int = 1, redo: bool = False) -> bool:
        """Undo (or redo) `count` steps and place the cursor as Vim does."""
        from tinymorph_tui.core.undo import undo_redo

        return undo_redo(self, count, redo)

    def insert_text(self, text: str, *, undo_break: bool = True) -> None:
        """Insert `text` literally at the cursor (accepting an AI hint): in insert mode it
        joins the insert and, with `undo_break`, is its own undo step (as <C-g>u before
        and after it); elsewhere it is one undo step.  See insert.insert_literal()."""
        from tinymorph_tui.core import insert

        insert.insert_literal(self, text, undo_break=undo_break)

    # -- search -----------------------------------------------------------------------
    def searcher(self) -> Any:
        """The search engine (core/search.py), created lazily."""
        if self._searcher is None:
            from tinymorph_tui.core import search

            self._searcher = search.Searcher(self)
        return self._searcher

    def search_motion(self, what: str, count: int) -> tuple[int, int, bool] | None:
        """Run n N * # g* g# from the cursor: (row, col, linewise) or None on failure."""
        from tinymorph_tui.core.search_glue import search_motion

        return search_motion(self, what, count)

    def search_matches(self, row_start: int, row_end: int) -> list[tuple[int, int, int]]:
        """(row, col_start, col_end) of last-search matches in rows [row_start, row_end)."""
        from tinymorph_tui.core.search_glue import matches_in_rows

        return matches_in_rows(self, row_start, row_end)

    # -- visual -----------------------------------------------------------------------
    def visual_range(self) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
        """(kind, start, end) of the selection in visual modes, else None (inclusive end)."""
        if not self.mode.startswith("visual"):
            return None
        a = self.visual_start
        b = self.cursor
        s, e = (a, b) if a <= b else (b, a)
        if self.mode == "visual_line":
            return ("line", (s[0], 0), (e[0], max(len(self.doc.line(e[0])) - 1, 0)))
        if self.mode == "visual_block":
            from tinymorph_tui.core.visual import block_cols

            c0, c1 = block_cols(self)
            return ("block", (s[0], c0), (e[0], c1))
        return ("char", s, e)

    def pending_continuations(self) -> list[tuple[str, str, str]]:
        """(keys, command_id, doc) that can follow the pending keys (which-key popup)."""
        if not self._pending:
            return []
        toks = [t for t in self._pending]
        # strip count / register prefix
        i = 0
        while i < len(toks):
            if toks[i] == '"':
                i += 2
                continue
            if len(toks[i]) == 1 and toks[i].isdigit() and (toks[i] != "0" or i > 0):
                i += 1
                continue
            break
        rest = toks[i:]
        table = "visual" if self.mode.startswith("visual") else "normal"
        if rest:
            cmd, j = self._match(table, rest, 0)
            if isinstance(cmd, Command) and cmd.kind == "operator" and j == len(rest):
                out = []
                for keys, cid in self.keymap.continuations("operator", []):
                    out.append((keys, cid, self.commands.doc(cid)))
                return out
        return [(k, c, self.commands.doc(c)) for k, c in self.keymap.continuations(table, rest)]

    # -- misc helpers used by commands ------------------------------------------------
    def first_nonblank_col(self, row: int) -> int:
        """Column of the first non-blank character of `row`."""
        return first_nonblank(self.doc.line(row))

    def set_mode(self, mode: str) -> None:
        """Switch mode, keeping the cursor valid for the new mode."""
        self.mode = mode
        self.clamp_cursor()


_CANCEL_SILENT = object()


class _CursorBox:
    """The cursor saved with an undo group, set when the group's first edit happens."""

    __slots__ = ("row", "col", "filled")

    def __init__(self, pos: tuple[int, int]) -> None:
        self.row, self.col = pos
        self.filled = False

    def __iter__(self) -> Any:
        return iter((self.row, self.col))

    def __getitem__(self, i: int) -> int:
        return (self.row, self.col)[i]

PROMPTS = ("search-forward-prompt", "search-backward-prompt")


def _arg_char(tok: str) -> str:
    """The character a key stands for as an argument (r<CR>, f<Tab>)."""
    if len(tok) == 1:
        return tok
    return {"<CR>": "\r", "<Tab>": "\t", "<NL>": "\n", "<Space>": " "}.get(tok, tok)
