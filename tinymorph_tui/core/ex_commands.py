"""Ex command lines (`:`): `execute(ed, line)` parses and runs them as Vim 9 does.

Wiring for the Editor (core/editor.py):

* `ed.ex = ExRegistry()` holds commands the shell adds with
  `ed.ex.register(name, fn, doc, min_abbrev=None)`; `fn(ed, args: str, bang: bool)`.
* `execute(ed, line)` runs a command line (the leading ":" is optional) and never raises:
  errors become Vim's messages through `ed.set_error`, information goes through
  `ed.set_message`.  It makes the whole line one undo step itself (`ed.begin_change()` /
  `ed.end_change()`), except a line that starts with :undo / :redo, which must run outside
  a group; callers need not (and for :undo should not) open a group around it.  It sets
  the ":" register and scrolls the view to the cursor once at the end.
* `repeat_substitute(ed, whole_file=False)` implements normal-mode `&` and `g&`.
* `:s///c` leaves a prompt pending (`ex_substitute.confirm_pending(ed)`); while it is, the
  Editor must hand every key to `ex_substitute.confirm_key(ed, token)` (y n a l q <Esc>).
* `complete_command_names(prefix, registry)` lists command names for Tab completion.
* `:e FILE` switches documents with `ed.set_document(doc)` when the Editor has it (else it
  moves the old document's listeners to the new one and assigns `ed.doc`).

Ranges and addresses live in `ex_parse`, line-editing commands in `ex_lines`, `:s` `:&`
`:~` `:g` `:v` in `ex_substitute`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# ex_lines, ex_substitute and search are imported where they are used: this module is
# imported with every Editor (for `ExRegistry`), and they (with the regex translator) are
# most of the ex code, so start-up does not pay for them until the first ":" command.
from .ex_parse import (
    BANG,
    COUNT,
    DFLALL,
    EXTRA,
    RANGE,
    REGSTR,
    TRLBAR,
    WHOLE,
    ZEROR,
    ExCmd,
    ExError,
    ExRegistry,
    UserCommand,
    complete_command_names,
    find_command_name,
    lookup_builtin,
    parse_range,
    split_bar,
)
from .options import OptionError

__all__ = [
    "ExCmd",
    "ExError",
    "ExRegistry",
    "complete_command_names",
    "execute",
    "repeat_substitute",
]

_WRITABLE_REGS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"-_*+')
_UNDO_LINE = re.compile(r"^[\s:]*(u|un|und|undo|red|redo)\b")


def execute(ed: Any, line: str) -> None:
    """Run one command line (":" optional); errors are reported on `ed`, never raised."""
    depth = getattr(ed, "_ex_depth", 0)
    if depth == 0 and line.strip(" :"):
        regs = getattr(ed, "registers", None)
        if regs is not None and hasattr(regs, "set_special"):
            regs.set_special(":", line.lstrip(":"))
    # One command line is one undo step; :undo/:redo must run outside a group.
    grouped = not _UNDO_LINE.match(line)
    _set_depth(ed, depth + 1)
    if grouped:
        _begin_change(ed)
    try:
        text: str | None = line
        while text is not None:
            text = run_one(ed, text)
    except ExError as exc:
        ed.set_error(exc.message)
    except RecursionError:
        ed.set_error("E169: Command too recursive")
    except Exception as exc:  # a bug must not take the editor down; say what happened
        ed.set_error(f"E000: internal error in :{line.strip()[:40]}: {type(exc).__name__}: {exc}")
    finally:
        if grouped:
            _end_change(ed)
        _set_depth(ed, depth)
        if depth == 0 and hasattr(ed, "scroll_to_cursor"):
            try:
                ed.scroll_to_cursor()
            except Exception:  # the view position must never break a command
                pass


def _set_depth(ed: Any, depth: int) -> None:
    try:
        ed._ex_depth = depth
    except AttributeError:
        pass


def _begin_change(ed: Any) -> None:
    fn = getattr(ed, "begin_change", None)
    if fn is not None:
        fn()
    else:
        ed.doc.begin_group(tuple(ed.cursor))


def _end_change(ed: Any) -> None:
    fn = getattr(ed, "end_change", None)
    if fn is not None:
        fn()
    else:
        ed.doc.end_group(tuple(ed.cursor))


def run_one(ed: Any, s: str) -> str | None:
    """Run the first command of `s`; returns the text after a "|" (None: no more)."""
    i = 0
    while i < len(s) and s[i] in " \t:":
        i += 1
    if i >= len(s):
        return None
    if s[i] == '"':
        return None
    whole_text = s[i:]
    rng = parse_range(ed, s, i)
    i = rng.end
    while i < len(s) and s[i] in " \t":
        i += 1
    name, j = find_command_name(s, i)
    if not name:
        rest = s[i:]
        nextcmd = None
        if rest.startswith("|"):
            nextcmd = rest[1:]
        elif rest.strip():
            raise ExError(f"E492: Not an editor command: {whole_text}")
        if rng.addr_count > 0:
            _goto_line(ed, rng.line2)
        return nextcmd
    user = _lookup_user(ed, name)
    spec = None if user is not None else lookup_builtin(name)
    if user is None and spec is None:
        user = _lookup_user(ed, name, abbreviations=True)
    if user is None and spec is None:
        raise ExError(f"E492: Not an editor command: {whole_text.rstrip()}")
    if user is not None:
        return _run_user(ed, user, s, j, rng)
    assert spec is not None
    flags = spec.flags
    bang = False
    if j < len(s) and s[j] == "!" and spec.name not in ("substitute", "smagic", "snomagic"):
        bang = True
        j += 1
        if not flags & BANG:
            raise ExError("E477: No ! allowed")
    rest = s[j:]
    nextcmd: str | None = None
    if flags & WHOLE or not flags & TRLBAR:
        arg = rest
    else:
        arg, nextcmd = split_bar(rest)
    arg = arg.lstrip(" \t")
    cmd = ExCmd(spec.name, rng.line1, rng.line2, rng.addr_count, bang, arg, text=whole_text)
    cmd.nextcmd = nextcmd
    _prepare_range(ed, cmd, flags)
    if flags & REGSTR and cmd.arg and not (flags & COUNT and cmd.arg[0].isdigit()):
        if cmd.arg[0] in _WRITABLE_REGS or (spec.name == "put" and cmd.arg[0] in ".:/%#="):
            cmd.reg = cmd.arg[0]
            cmd.arg = cmd.arg[1:].lstrip(" \t")
    if flags & COUNT and cmd.arg[:1].isdigit():
        m = re.match(r"\d+", cmd.arg)
        assert m is not None
        n = int(m.group(0))
        cmd.arg = cmd.arg[m.end() :].lstrip(" \t")
        if n <= 0:
            raise ExError("E939: Positive count required")
        cmd.count = n
        cmd.line1 = cmd.line2
        cmd.line2 = min(cmd.line2 + n - 1, ed.doc.line_count)
    if not flags & EXTRA and cmd.arg and spec.name not in (">", "<"):
        raise ExError(f"E488: Trailing characters: {cmd.arg}")
    handler = _handler(spec.handler)
    handler(ed, cmd)
    return cmd.nextcmd


def _lookup_user(ed: Any, name: str, abbreviations: bool = False) -> UserCommand | None:
    reg: ExRegistry | None = getattr(ed, "ex", None)
    if reg is None:
        return None
    if abbreviations:
        found: UserCommand | None = reg.lookup(name)
        return found
    exact: UserCommand | None = reg.commands.get(name)
    return exact


def _run_user(ed: Any, user: UserCommand, s: str, j: int, rng: Any) -> str | None:
    bang = False
    if j < len(s) and s[j] == "!":
        bang = True
        j += 1
    arg, nextcmd = split_bar(s[j:])
    user.fn(ed, arg.strip(), bang)
    return nextcmd


def _prepare_range(ed: Any, cmd: ExCmd, flags: int) -> None:
    """Default range, backwards ranges, E16/E481 and line 0, as Vim's do_one_cmd()."""
    n = ed.doc.line_count
    if cmd.addr_count > 0 and not flags & RANGE:
        raise ExError("E481: No range allowed")
    if cmd.addr_count == 0:
        if flags & DFLALL:
            cmd.line1, cmd.line2 = 1, n
        else:
            cur = int(ed.cursor[0]) + 1
            cmd.line1 = cmd.line2 = cur
    if flags & RANGE:
        if cmd.line1 > cmd.line2:
            # Vim asks "Backwards range given, OK to swap"; answering yes is the useful path
            cmd.line1, cmd.line2 = cmd.line2, cmd.line1
        if cmd.line1 < 0 or cmd.line2 < 0 or cmd.line2 > n:
            raise ExError("E16: Invalid range")
        if not flags & ZEROR:
            cmd.line1 = max(cmd.line1, 1)
            cmd.line2 = max(cmd.line2, 1)


def _handler(name: str) -> Any:
    from . import ex_lines, ex_substitute

    for mod in (ex_lines, ex_substitute):
        fn = getattr(mod, name, None)
        if fn is not None:
            return fn
    fn = globals().get(name)
    if fn is None:
        raise ExError(f"E319: Sorry, the command is not available in this version: {name}")
    return fn


# -- cursor helpers ---------------------------------------------------------------------------


def _goto_line(ed: Any, lnum: int) -> None:
    """ ":N": line N (clamped), first non-blank with 'startofline'."""
    n = ed.doc.line_count
    if lnum > n:
        lnum = n
    if lnum < 0:
        raise ExError("E16: Invalid range")
    row = max(lnum, 1) - 1
    from . import ex_lines

    ex_lines.beginline(ed, row, white=False)


# -- files ----------------------------------------------------------------------------------


def _path(text: str) -> Path:
    """A file name argument ("~" expanded when the home directory is known)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no home directory: keep the name as typed
        return Path(text)


def _write_message(path: Path, lines: int, chars: int, new: bool) -> str:
    tag = " [New]" if new else ""
    return f'"{path}"{tag} {lines}L, {chars}B written'


def _read_only(path: Path) -> bool:
    """A file without write permission (mode bits too: root may write anything, but a
    file marked read-only was marked so on purpose, and Vim asks for ! as well)."""
    import os

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(path, os.W_OK)


def _do_write(ed: Any, cmd: ExCmd, *, quiet: bool = False) -> bool:
    """:w [file] / :[range]w [file]; returns True when written."""
    from .document import DocumentError

    doc = ed.doc
    arg = cmd.arg.strip()
    if arg.startswith(">>"):
        raise ExError("E494: Use w or w>>")
    whole = cmd.addr_count == 0 or (cmd.line1 == 1 and cmd.line2 == doc.line_count)
    target = _path(arg) if arg else doc.path
    if target is None:
        raise ExError("E32: No file name")
    other = doc.path is not None and Path(target).resolve() != Path(doc.path).resolve()
    if arg and not cmd.bang and Path(target).exists() and (other or doc.path is None):
        raise ExError("E13: File exists (add ! to override)")
    new = not Path(target).exists()
    if not cmd.bang and not other and not new and _read_only(Path(target)):
        raise ExError(f'E505: "{target}" is read-only (add ! to override)')
    if not cmd.bang and not other and not new and doc.disk_changed():
        # Another program wrote the file since we read it: writing now would lose its change.
        raise ExError("WARNING: The file has been changed since reading it (add ! to overwrite)")
    try:
        if whole and (doc.path is None or not other):
            doc.save(target)
            text = doc.text()
        elif whole:
            # a copy under another name: the same bytes :w would write
            Path(target).write_bytes(doc.encode())
            text = doc.text()
        else:
            text = "\n".join(doc.line(r) for r in range(cmd.line1 - 1, cmd.line2))
            data = text if text.endswith("\n") or not text else text + "\n"
            Path(target).write_text(data, encoding="utf-8")
    except DocumentError as exc:
        raise ExError(f"E212: Can't open file for writing: {exc}") from None
    except OSError as exc:
        raise ExError(f"E212: Can't open file for writing: {exc.strerror or exc}") from None
    if not quiet:
        nlines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        ed.set_message(
            _write_message(
                Path(target),
                nlines,
                len(text.encode("utf-8")) + (0 if text.endswith("\n") or not text else 1),
                new,
            ),
        )
    return True


def ex_write(ed: Any, cmd: ExCmd) -> None:
    """:w[rite][!] [file]: write the buffer (to file)."""
    _do_write(ed, cmd)


def ex_update(ed: Any, cmd: ExCmd) -> None:
    """:up[date]: write when modified."""
    if ed.doc.modified:
        _do_write(ed, cmd)


def ex_wall(ed: Any, cmd: ExCmd) -> None:
    """:wa[ll]: write the (only) buffer when modified and named."""
    if ed.doc.modified and ed.doc.path is not None:
        _do_write(ed, ExCmd("write", 1, ed.doc.line_count, 0))


def ex_saveas(ed: Any, cmd: ExCmd) -> None:
    """:sav[eas][!] {file}: write to a new name and use it."""
    from .document import DocumentError

    arg = cmd.arg.strip()
    if not arg:
        raise ExError("E471: Argument required")
    target = _path(arg)
    if target.exists() and not cmd.bang:
        raise ExError("E13: File exists (add ! to override)")
    try:
        ed.doc.save(target)
    except DocumentError as exc:
        raise ExError(f"E212: Can't open file for writing: {exc}") from None
    text = ed.doc.text()
    ed.set_message(_write_message(target, text.count("\n") + 1, len(text.encode("utf-8")) + 1, True))


def _request_quit(ed: Any) -> None:
    ed.quit_requested = True


def ex_quit(ed: Any, cmd: ExCmd) -> None:
    """:q[uit][!], :qa[ll][!]: quit (! discards changes)."""
    if ed.doc.modified and not cmd.bang:
        raise ExError("E37: No write since last change (add ! to override)")
    _request_quit(ed)


def ex_wq(ed: Any, cmd: ExCmd) -> None:
    """:wq[!] [file]: write and quit."""
    _do_write(ed, cmd)
    _request_quit(ed)


def ex_xit(ed: Any, cmd: ExCmd) -> None:
    """:x[it][!] [file] / :exi[t]: write when modified, then quit."""
    if ed.doc.modified or cmd.arg.strip():
        _do_write(ed, cmd)
    _request_quit(ed)


def ex_wqall(ed: Any, cmd: ExCmd) -> None:
    """:wqa[ll] / :xa[ll]: write when modified and quit."""
    if ed.doc.modified:
        _do_write(ed, ExCmd("write", 1, ed.doc.line_count, 0, bang=cmd.bang))
    _request_quit(ed)


def ex_edit(ed: Any, cmd: ExCmd) -> None:
    """:e[dit][!] [file]: reload the file or open another one."""
    from .document import Document, DocumentError

    arg = cmd.arg.strip()
    doc = ed.doc
    if arg == "#":
        # the alternate file: the one edited before (also <C-^>)
        alt = getattr(ed, "alternate_file", None)
        if alt is None:
            raise ExError("E23: No alternate file")
        arg = str(alt)
    if arg and doc.path is not None and _path(arg).resolve() == Path(doc.path).resolve():
        arg = ""
    if doc.modified and not cmd.bang:
        raise ExError("E37: No write since last change (add ! to override)")
    path = _path(arg) if arg else doc.path
    if path is None:
        if cmd.bang:
            # ":e!" on an unnamed buffer: throw away the changes
            _replace_document(ed, Document(""), None)
            return
        raise ExError("E32: No file name")
    try:
        new = Document.load(path)
    except DocumentError as exc:
        raise ExError(f"E484: Can't open file {path}: {exc}") from None
    old_path, old_cursor = doc.path, tuple(ed.cursor)
    _replace_document(ed, new, path)
    _remember_alternate(ed, old_path, old_cursor, path)
    lines = new.line_count
    nchars = len(new)
    exists = path.exists()
    if exists:
        ed.set_message(f'"{path}" {lines}L, {nchars + (1 if nchars else 0)}B')
    else:
        ed.set_message(f'"{path}" [New]')


def _remember_alternate(
    ed: Any, old_path: Path | None, old_cursor: tuple[int, int], path: Path
) -> None:
    """After `:e` switched files: the old one becomes the alternate file (# and <C-^>), its
    cursor is kept, and a file edited before gets its cursor back (Vim's '" mark)."""
    cursors = getattr(ed, "file_cursors", None)
    if not isinstance(cursors, dict):
        cursors = {}
        ed.file_cursors = cursors
    if old_path is not None:
        old_key = str(Path(old_path).resolve())
        cursors[old_key] = old_cursor
        if old_key != str(Path(path).resolve()):
            ed.alternate_file = Path(old_path)
    back = cursors.get(str(Path(path).resolve()))
    if back is not None and old_path is not None and Path(old_path).resolve() != Path(path).resolve():
        ed.cursor = back


def ex_enew(ed: Any, cmd: ExCmd) -> None:
    """:ene[w][!]: an empty unnamed buffer."""
    from .document import Document

    if ed.doc.modified and not cmd.bang:
        raise ExError("E37: No write since last change (add ! to override)")
    _replace_document(ed, Document(""), None)


def _replace_document(ed: Any, new: Any, path: Path | None) -> None:
    """Switch the editor to another Document (the Editor's own hook when it has one)."""
    fn = getattr(ed, "set_document", None)
    if fn is not None:
        fn(new)
    else:
        old = ed.doc
        listeners = list(getattr(old, "_listeners", []))
        for lst in listeners:
            old.remove_listener(lst)
            new.add_listener(lst)
        ed.doc = new
    # marks a-z belong to the old buffer (A-Z are global in Vim and stay)
    store = getattr(ed, "marks", None)
    marks = getattr(store, "marks", None)
    if isinstance(marks, dict):
        for name in [k for k in marks if not k.isupper()]:
            del marks[name]
    ed.cursor = (0, 0)
    if hasattr(ed, "top_row"):
        ed.top_row = 0


# -- information ------------------------------------------------------------------------------


def _visible(text: str) -> str:
    """Registers/marks listing: control characters as ^X, newlines as ^J."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "\n":
            out.append("^J")
        elif o < 32:
            out.append("^" + chr(o + 64))
        elif o == 127:
            out.append("^?")
        else:
            out.append(ch)
    return "".join(out)


def ex_registers(ed: Any, cmd: ExCmd) -> None:
    """:reg[isters] / :di[splay] [names]: list the registers."""
    regs = ed.registers
    wanted = set(cmd.arg.replace(" ", "")) if cmd.arg.strip() else None
    lines = ["Type Name Content"]
    order = '"0123456789abcdefghijklmnopqrstuvwxyz-.:%/'
    for name in order:
        if wanted is not None and name not in wanted and name.upper() not in wanted:
            continue
        entry = regs.get_entry(name)
        if entry is None:
            continue
        kind = {"char": "c", "line": "l", "block": "b"}.get(entry.kind, "c")
        text = entry.as_vim() if hasattr(entry, "as_vim") else str(entry.text)
        lines.append(f'  {kind}  "{name}   {_visible(text)}')
    ed.set_message("\n".join(lines))


def ex_marks(ed: Any, cmd: ExCmd) -> None:
    """:marks [names]: list the marks."""
    wanted = set(cmd.arg.replace(" ", "")) if cmd.arg.strip() else None
    lines = ["mark line  col file/text"]
    names = "'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\"[]^.<>"
    shown = 0
    for name in names:
        if wanted is not None and name not in wanted:
            continue
        pos = ed.get_mark(name)
        if pos is None:
            continue
        row, col = int(pos[0]), int(pos[1])
        if row >= ed.doc.line_count:
            continue
        text = _visible(ed.doc.line(row))
        lines.append(f" {name} {row + 1:6d} {col:4d} {text}")
        shown += 1
    if wanted is not None and shown == 0:
        raise ExError(f'E283: No marks matching "{cmd.arg.strip()}"')
    ed.set_message("\n".join(lines))


def ex_set(ed: Any, cmd: ExCmd) -> None:
    """:se[t] {args}: show or change options."""
    try:
        msg = ed.options.set_command(cmd.arg)
    except OptionError as exc:
        raise ExError(exc.message) from None
    if msg:
        ed.set_message(msg.lstrip("\n"))


def ex_nohlsearch(ed: Any, cmd: ExCmd) -> None:
    """:noh[lsearch]: stop highlighting the last search for now."""
    from .search import search_state

    search_state(ed).no_highlight = True


def ex_undo(ed: Any, cmd: ExCmd) -> None:
    """:u[ndo] [N]: one step back; ":undo 0" undoes everything (other N: one step)."""
    arg = cmd.arg.strip()
    if arg and not arg.isdigit():
        raise ExError(f"E474: Invalid argument: {arg}")
    if arg and int(arg) == 0:
        # ":undo 0" goes back to before the first change
        while getattr(ed.doc, "can_undo", False):
            _undo(ed, redo=False)
        return
    _undo(ed, redo=False)


def ex_redo(ed: Any, cmd: ExCmd) -> None:
    """:red[o]: redo one undone change."""
    _undo(ed, redo=True)


def _undo(ed: Any, redo: bool) -> None:
    fn = getattr(ed, "undo", None)
    if fn is not None:
        fn(1, redo=redo)
        return
    pos = ed.doc.redo() if redo else ed.doc.undo()
    if pos is None:
        ed.set_error("Already at newest change" if redo else "Already at oldest change")
    else:
        ed.cursor = pos


def ex_equal(ed: Any, cmd: ExCmd) -> None:
    """:= prints the last line number (or the range's last line)."""
    n = cmd.line2 if cmd.addr_count > 0 else ed.doc.line_count
    ed.set_message(str(n))


def ex_startinsert(ed: Any, cmd: ExCmd) -> None:
    """:star[tinsert][!]: Insert mode at the cursor (or at the end of the line with !)."""
    ed.run_keys(["A" if cmd.bang else "i"], stop_on_error=False)


def ex_stopinsert(ed: Any, cmd: ExCmd) -> None:
    """:stopi[nsert]: back to Normal mode."""
    if getattr(ed, "mode", "normal") in ("insert", "replace"):
        ed.run_keys(["<Esc>"], stop_on_error=False)


def ex_bang(ed: Any, cmd: ExCmd) -> None:
    """:! filters are not available (no shell from the editor)."""
    raise ExError("E319: Sorry, the command is not available in this version: !")


def repeat_substitute(ed: Any, whole_file: bool = False) -> None:
    """Normal-mode `&` (":s" on this line) and `g&` (":%s//~/&" with the last pattern)."""
    execute(ed, "%s//~/&" if whole_file else "s")


# Re-exported so callers can complete names without importing ex_parse.
_ = (complete_command_names,)


def __getattr__(name: str) -> Any:
    """Built-in command handlers that live in ex_lines / ex_substitute, by name (the help
    page reads their docstrings); loaded on first use to keep start-up light."""
    if name.startswith("ex_"):
        from . import ex_lines, ex_substitute

        for mod in (ex_lines, ex_substitute):
            fn = getattr(mod, name, None)
            if fn is not None:
                return fn
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
