"""Command-line mode (`:`, `/`, `?`): editing keys, history, <C-r>{reg}, executing.

`ed.cmdline` is the whole line including its first character; `ed.cmdline_cursor` is the
cursor position inside it (>= 1).  A `/` or `?` typed while an operator is pending (d/foo)
completes that operator with the search as its motion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.core.keys import is_printable

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor, Parsed


class CmdState:
    """State of the command line being edited."""

    __slots__ = (
        "kind", "prev_mode", "count", "parsed", "pending", "hist_idx", "hist_prefix",
        "typed", "incsearch",
    )

    def __init__(
        self,
        kind: str,
        prev_mode: str = "normal",
        count: int | None = None,
        parsed: Parsed | None = None,
        pending: list[str] | None = None,
        hist_idx: int | None = None,
        hist_prefix: str = "",
        typed: list[str] | None = None,
        incsearch: tuple[int, int, int] | None = None,
    ) -> None:
        self.kind = kind  # ":" "/" "?"
        self.prev_mode = prev_mode
        self.count = count
        self.parsed = parsed  # operator waiting for a search motion
        self.pending: list[str] = [] if pending is None else pending
        self.hist_idx = hist_idx
        self.hist_prefix = hist_prefix
        self.typed: list[str] = [] if typed is None else typed
        self.incsearch = incsearch


def enter(ed: Editor, kind: str, text: str = "", *, count: int | None = None, parsed: Parsed | None = None) -> None:
    """Open the command line with `kind` (":", "/" or "?") and initial text."""
    prev = ed.mode
    ed.cmdline_state = CmdState(kind, prev if not prev.startswith("visual") else prev, count, parsed)
    if prev.startswith("visual") and kind != ":":
        ed.cmdline_state.prev_mode = prev
    ed.mode = "command"
    ed.cmdline = kind + text
    ed.cmdline_cursor = len(ed.cmdline)
    # the command line takes the message line's place: an old message is gone (as in Vim)
    ed.message = ""
    ed.message_is_error = False


def _set(ed: Editor, text: str, cur: int) -> None:
    ed.cmdline = text
    ed.cmdline_cursor = max(1, min(cur, len(text)))
    st: CmdState = ed.cmdline_state
    if st is not None and st.kind in "/?" and ed.options["incsearch"]:
        _incsearch(ed, st)


def _incsearch(ed: Editor, st: CmdState) -> None:
    """Find where the typed pattern would match, for the UI to highlight (cursor unmoved)."""
    pat = ed.cmdline[1:]
    st.incsearch = None
    if not pat:
        return
    try:
        from tinymorph_tui.core import search

        compiled = search.compile_for(ed, search.parse_search(pat, st.kind)[0] or pat)
        res = search.find(ed.doc, compiled, ed.cursor_raw, forward=st.kind == "/", wrapscan=bool(ed.options["wrapscan"]))
        if res.found and res.start[0] == res.end[0]:
            st.incsearch = (res.start[0], res.start[1], res.end[1])
    except Exception:  # an unfinished pattern is normal while typing
        st.incsearch = None


def leave(ed: Editor, st: CmdState) -> None:
    """Close the command line and return to the previous mode."""
    ed.cmdline = ""
    ed.cmdline_cursor = 0
    ed.cmdline_state = None
    prev = st.prev_mode
    ed.mode = prev if prev.startswith("visual") and st.kind != ":" else "normal"
    if st.kind == ":" and prev.startswith("visual"):
        ed.mode = "normal"


def _after(ed: Editor) -> None:
    """An insert-mode <C-o> command that used the command line is done."""
    if ed.mode == "normal":
        ed.finish_ctrl_o()


def handle_key(ed: Editor, tok: str) -> None:
    """One key on the command line."""
    st: CmdState = ed.cmdline_state
    if st is None:
        ed.mode = "normal"
        return
    st.typed.append(tok)
    if st.pending:
        st.pending = []
        _insert_register(ed, tok)
        return
    cid, _prefix = ed.keymap.lookup("command", [tok])
    if cid is not None:
        cmd = ed.commands.get(cid)
        if cmd is not None:
            if cmd.internal:
                cmd.fn(ed, st, tok)
            else:
                res = cmd.fn(ed, None)
                if res is False and is_printable(tok):
                    _type(ed, tok)
            return
    if is_printable(tok):
        _type(ed, tok)
    elif tok == "<Tab>":
        _type(ed, "\t")


def _type(ed: Editor, text: str) -> None:
    line, cur = ed.cmdline, ed.cmdline_cursor
    _set(ed, line[:cur] + text + line[cur:], cur + len(text))


def _insert_register(ed: Editor, tok: str) -> None:
    if tok == "<Esc>":
        return
    if tok == "<C-w>":
        from tinymorph_tui.core.search_glue import word_under_cursor

        w = word_under_cursor(ed)
        if w and w[2]:
            _type(ed, w[0])
        return
    name = tok if len(tok) == 1 else ""
    if not name:
        return
    entry = ed.registers.get_entry(name)
    if entry is None:
        return
    text = entry.text
    if entry.kind == "line":
        text = text.replace("\n", "\r") + "\r"
    _type(ed, text)


# -- commands (bound in the [command] keymap table) --------------------------------------------


def c_execute(ed: Editor, st: CmdState, tok: str) -> None:
    """Execute the command line (<CR>)."""
    text = ed.cmdline[1:]
    kind = st.kind
    leave(ed, st)
    hist = ed.cmdline_history.setdefault(":" if kind == ":" else "/", [])
    if text:
        if text in hist:
            hist.remove(text)
        hist.append(text)
    if kind == ":":
        if text:
            ed.registers.set_special(":", text)
        run_ex(ed, text, count=st.count)
    else:
        _run_search(ed, st, text)
    _after(ed)


def _run_search(ed: Editor, st: CmdState, text: str) -> None:
    from tinymorph_tui.core import execute
    from tinymorph_tui.core import operators as ops
    from tinymorph_tui.core.motions import Ctx, Motion

    forward = st.kind == "/"
    count = 1
    p = st.parsed
    if p is not None:
        count = p.total_count or 1
    elif st.count:
        count = st.count
    start = ed.cursor_raw
    m = ed.searcher().command(text, forward=forward, count=count)
    if m is None:
        ed.beep()
        return
    row, col = m.position
    kind = "linewise" if m.linewise else "inclusive" if m.inclusive else "exclusive"
    if p is None:
        mo = Motion(row, col, kind, jump=True)
        ed.apply_motion(mo)
        ed.clamp_cursor()
        ed.scroll_to_cursor()
        return
    op = ops.OPERATORS.get(p.cmd.id, p.cmd.id)
    mo = Motion(row, col, kind, jump=True, use_reg_one=True)
    region = ops.from_motion(ed, start, mo, p.force, op)
    if region is None:
        ed.beep()
        return
    if op != "yank" and not ed._replaying:
        from tinymorph_tui.core.editor import DotRecord
        from tinymorph_tui.core.keys import parse_keys

        body = p.body() + parse_keys(text.replace("<", "<lt>")) + ["<CR>"]
        ed._dot_building = DotRecord(body, p.total_count, p.reg)
    ed.begin_change()
    try:
        execute.apply(ed, op, region, Ctx(ed, p.total_count, reg=p.reg, op=op), p)
    finally:
        if ed.mode not in ("insert", "replace"):
            ed.end_change()
            execute.finish_dot(ed)


def run_ex(ed: Editor, line: str, count: int | None = None) -> None:
    """Run an ex command line through core/ex_commands.py, as one undo step."""
    try:
        from tinymorph_tui.core import ex_commands
    except ImportError:
        if line.strip():
            ed.set_error(f"E492: Not an editor command: {line.strip()}")
        return
    # execute() makes the line one undo step itself (and must not for :undo / :redo)
    try:
        ex_commands.execute(ed, line)
    except Exception as exc:  # ex errors must never escape as exceptions
        ed.set_error(f"E492: {exc}")
    if ed.mode in ("normal",):
        ed.clamp_cursor()
        ed.scroll_to_cursor()


def c_cancel(ed: Editor, st: CmdState, tok: str) -> None:
    """Abandon the command line (<Esc> / <C-c>)."""
    leave(ed, st)
    _after(ed)


def c_backspace(ed: Editor, st: CmdState, tok: str) -> None:
    """Delete the character before the cursor; on an empty line leave (<BS>)."""
    line, cur = ed.cmdline, ed.cmdline_cursor
    if len(line) <= 1:
        leave(ed, st)
        _after(ed)
        return
    if cur <= 1:
        return
    _set(ed, line[: cur - 1] + line[cur:], cur - 1)


def c_delete(ed: Editor, st: CmdState, tok: str) -> None:
    """Delete the character under the cursor (<Del>)."""
    line, cur = ed.cmdline, ed.cmdline_cursor
    if cur < len(line):
        _set(ed, line[:cur] + line[cur + 1 :], cur)
    elif len(line) > 1:
        _set(ed, line[:-1], cur - 1)


def c_delete_word(ed: Editor, st: CmdState, tok: str) -> None:
    """Delete the word before the cursor (<C-w>)."""
    line, cur = ed.cmdline, ed.cmdline_cursor
    isk = ed.options.is_keyword_char
    j = cur
    while j > 1 and line[j - 1] == " ":
        j -= 1
    if j > 1 and isk(line[j - 1]):
        while j > 1 and isk(line[j - 1]):
            j -= 1
    elif j > 1:
        j -= 1
    _set(ed, line[:j] + line[cur:], j)


def c_delete_line(ed: Editor, st: CmdState, tok: str) -> None:
    """Delete all text before the cursor (<C-u>)."""
    line, cur = ed.cmdline, ed.cmdline_cursor
    _set(ed, line[:1] + line[cur:], 1)


def c_register(ed: Editor, st: CmdState, tok: str) -> None:
    """Insert the contents of a register (<C-r>{reg}); <C-r><C-w> inserts the word."""
    st.pending = [tok]


def c_move(ed: Editor, st: CmdState, tok: str) -> None:
    """Move the cursor in the command line (<Left> <Right> <Home> <End> <C-b> <C-e>)."""
    line, cur = ed.cmdline, ed.cmdline_cursor
    if tok == "<Left>":
        cur -= 1
    elif tok == "<Right>":
        cur += 1
    elif tok in ("<Home>", "<C-b>"):
        cur = 1
    elif tok in ("<End>", "<C-e>"):
        cur = len(line)
    elif tok == "<S-Left>":
        j = cur - 1
        while j > 1 and line[j - 1] == " ":
            j -= 1
        while j > 1 and line[j - 1] != " ":
            j -= 1
        cur = j
    elif tok == "<S-Right>":
        j = cur
        while j < len(line) and line[j] != " ":
            j += 1
        while j < len(line) and line[j] == " ":
            j += 1
        cur = j
    ed.cmdline_cursor = max(1, min(cur, len(line)))


def c_history(ed: Editor, st: CmdState, tok: str) -> None:
    """Recall older / newer command lines starting with the typed text (<Up> / <Down>)."""
    hist = ed.cmdline_history.setdefault(":" if st.kind == ":" else "/", [])
    if not hist:
        return
    if st.hist_idx is None:
        st.hist_idx = len(hist)
        st.hist_prefix = ed.cmdline[1:]
    idx = st.hist_idx
    step = -1 if tok == "<Up>" else 1
    while True:
        idx += step
        if idx < 0:
            return
        if idx >= len(hist):
            st.hist_idx = len(hist)
            _set(ed, st.kind + st.hist_prefix, len(st.kind + st.hist_prefix))
            return
        if hist[idx].startswith(st.hist_prefix):
            break
    st.hist_idx = idx
    text = st.kind + hist[idx]
    _set(ed, text, len(text))


CMDLINE_COMMANDS: dict[str, tuple[Any, str]] = {
    "cmdline-execute": (c_execute, "Execute the command line (<CR>)."),
    "cmdline-cancel": (c_cancel, "Abandon the command line (<Esc>)."),
    "cmdline-backspace": (c_backspace, "Delete the character before the cursor (<BS>)."),
    "cmdline-delete": (c_delete, "Delete the character under the cursor (<Del>)."),
    "cmdline-delete-word": (c_delete_word, "Delete the word before the cursor (<C-w>)."),
    "cmdline-delete-line": (c_delete_line, "Delete the text before the cursor (<C-u>)."),
    "cmdline-register": (c_register, "Insert a register (<C-r>{reg})."),
    "cmdline-move": (c_move, "Move the cursor on the command line."),
    "cmdline-history": (c_history, "Recall command-line history (<Up> / <Down>)."),
}
