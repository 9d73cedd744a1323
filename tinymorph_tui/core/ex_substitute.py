"""`:s` (with `:&`, `:&&`, `:~`, `&`, `g&`) and `:g` / `:v`, following Vim's do_sub() and
ex_global().

The replacement string is compiled once per command into a small program (literal text,
groups, case changes, line breaks) and applied to each match.  Patterns that cannot match an
end-of-line are substituted line by line; those that can run on the whole text of the
range, so `:%s/\\n//` joins lines as in Vim.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from .ex_lines import note_change_cursor, set_cursor
from .ex_parse import ExCmd, ExError
from .search import SearchState, compile_for, parse_search, search_state, visual_area
from .vim_regex import CompiledVimRegex, VimRegexError, compile_vim, match_span

_BREAK = "\n"  # a line break in the result
_NUL = "\x00"  # what "\n" in the replacement inserts (Vim shows it as ^@)


# -- replacement strings --------------------------------------------------------------------


def regtilde(sub: str, prev: str | None, magic: bool = True) -> str:
    """Replace `~` (magic) or `\\~` (nomagic) by the previous substitute string."""
    out: list[str] = []
    i = 0
    while i < len(sub):
        c = sub[i]
        if (c == "~" and magic) or (c == "\\" and sub[i + 1 : i + 2] == "~" and not magic):
            if prev is not None:
                out.append(prev)
            i += 1 if c == "~" else 2
            continue
        if c == "\\" and i + 1 < len(sub):
            out.append(sub[i : i + 2])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


# Program ops: ("t", text) literal; ("g", n) group; ("1", "u"/"l") one-shot case;
# ("A", "U"/"L"/"") case for all following; ("b", "") line break (no case change).
Op = tuple[str, Any]


def compile_replacement(sub: str, magic: bool = True) -> list[Op]:
    """Compile a (tilde-expanded) replacement string into ops, as Vim's vim_regsub()."""
    if sub.startswith("\\="):
        raise ExError("E15: Invalid expression: \\= is not supported")
    ops: list[Op] = []
    i = 0
    n = len(sub)
    while i < n:
        c = sub[i]
        i += 1
        if c == "&" and magic:
            ops.append(("g", 0))
            continue
        if c == "\\" and i < n:
            d = sub[i]
            if d == "&" and not magic:
                ops.append(("g", 0))
                i += 1
                continue
            if d.isdigit():
                ops.append(("g", int(d)))
                i += 1
                continue
            if d in "uUlLeE":
                i += 1
                if d in "ul":
                    ops.append(("1", d))
                elif d in "UL":
                    ops.append(("A", d))
                else:
                    ops.append(("A", ""))
                    ops.append(("1", ""))
                continue
            i += 1
            if d == "r":
                ops.append(("b", ""))
            elif d == "n":
                ops.append(("t", _NUL))
            elif d == "t":
                ops.append(("t", "\t"))
            elif d == "b":
                ops.append(("t", "\x08"))
            else:
                # "\x" is "x"; "\\" is a backslash; "\<CR>" is a literal CR
                ops.append(("t", d))
            continue
        if c == "\r":
            ops.append(("b", ""))
            continue
        ops.append(("t", c))
    return ops


def _case(ch: str, one: str, all_: str) -> tuple[str, str]:
    """Apply the pending one-shot case (consumed) or the all-case to one character."""
    if one:
        return (ch.upper() if one == "u" else ch.lower()), ""
    if all_:
        return (ch.upper() if all_ == "U" else ch.lower()), one
    return ch, one


def expand(ops: list[Op], m: re.Match[str]) -> str:
    """The replacement text for one match (line breaks as "\\n")."""
    out: list[str] = []
    one = ""
    all_ = ""
    for kind, val in ops:
        if kind == "1":
            one = val
            continue
        if kind == "A":
            all_ = val
            continue
        if kind == "b":
            out.append(_BREAK)
            continue
        if kind == "g":
            if val == 0:
                s, e = match_span(m)
                text = m.string[s:e]
            else:
                try:
                    text = m.group(f"g{val}") or ""
                except IndexError:
                    text = ""
        else:
            text = val
        if not one and not all_:
            out.append(text)
            continue
        for ch in text:
            if ch == "\n":
                out.append(ch)
                continue
            conv, one = _case(ch, one, all_)
            out.append(conv)
    return "".join(out)


# -- :s --------------------------------------------------------------------------------------


@dataclass
class SubFlags:
    """The flags Vim keeps between :s commands (for "&")."""

    do_all: bool = False
    do_ask: bool = False
    do_count: bool = False
    do_error: bool = True
    do_print: bool = False
    do_number: bool = False
    do_list: bool = False
    do_ic: str = ""


@dataclass
class _SubMemory:
    raw_sub: str | None = None
    flags: SubFlags = field(default_factory=SubFlags)


def _memory(ed: Any) -> _SubMemory:
    mem = getattr(ed, "_sub_memory", None)
    if mem is None:
        mem = _SubMemory()
        try:
            ed._sub_memory = mem
        except AttributeError:
            pass
    return mem


@dataclass
class GlobalCtx:
    """State of a running :g (Vim's global_busy and friends)."""

    nsubs: int = 0
    nlines: int = 0
    need_beginline: bool = False
    printed: list[str] = field(default_factory=list)
    marked: _MarkedRows | None = None


def global_ctx(ed: Any) -> GlobalCtx | None:
    """The running :g of this editor, or None."""
    ctx: GlobalCtx | None = getattr(ed, "_ex_global", None)
    return ctx


def _skip_regexp(text: str, delim: str) -> tuple[str, str | None]:
    """(pattern, rest after the closing delimiter or None when there is none)."""
    pat, rest = parse_search(text, delim)
    close = len(pat)
    if close < len(text) and text[close] == delim:
        return pat, rest
    return pat, None


def _skip_substitute(text: str, delim: str) -> tuple[str, str]:
    """Split the replacement at the unescaped delimiter: (sub, rest)."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == delim:
            return text[:i], text[i + 1 :]
        if c == "\\" and i + 1 < len(text):
            i += 2
            continue
        i += 1
    return text, ""


def _resolve_pattern(ed: Any, st: SearchState, pat: str | None, which: str) -> str:
    """Vim's search_regcomp() pattern choice: an empty pattern uses a previous one."""
    if pat:
        return pat
    if which == "last":
        prev = getattr(ed, "last_search", None) or st.subst_pattern or st.pattern
    elif which == "search":
        prev = st.pattern or getattr(ed, "last_search", None)
    else:
        prev = st.subst_pattern
    if not prev:
        if which == "subst":
            raise ExError("E35: No previous regular expression")
        raise ExError("E35: No previous regular expression")
    return prev


def _remember_subst_pattern(ed: Any, st: SearchState, pat: str, both: bool = False) -> None:
    st.subst_pattern = pat
    if both:
        st.pattern = pat
    st.last_used = "subst"
    st.no_highlight = False
    try:
        ed.last_search = pat
    except AttributeError:
        pass


def ex_substitute(ed: Any, cmd: ExCmd) -> None:
    """:[range]s[ubstitute]/{pattern}/{string}/[flags] [count], :&[&], :~: replace matches."""
    st = search_state(ed)
    mem = _memory(ed)
    arg = cmd.arg
    magic = bool(ed.options["magic"])
    if cmd.name == "smagic":
        magic = True
    elif cmd.name == "snomagic":
        magic = False
    which = "last" if cmd.name == "~" else "subst"
    pat: str | None = None
    is_s = cmd.name in ("substitute", "smagic", "snomagic")
    if is_s and arg and arg[0] not in " \t" and arg[0] not in '0123456789cegriIp|"':
        delim = arg[0]
        if delim.isalnum():
            raise ExError("E146: Regular expressions can't be delimited by letters")
        if delim == "\\":
            d = arg[1:2]
            if d not in ("/", "?", "&"):
                raise ExError("E10: \\ should be followed by /, ? or &")
            which = "subst" if d == "&" else "search"
            pat = ""
            delim = d
            rest = arg[2:]
        else:
            which = "last"
            pat, after = _skip_regexp(arg[1:], delim)
            rest = after if after is not None else ""
        raw_sub, rest = _skip_substitute(rest, delim)
        mem.raw_sub = raw_sub
    else:
        if mem.raw_sub is None:
            raise ExError("E35: No previous regular expression")
        raw_sub = mem.raw_sub
        rest = arg
    # flags
    flag_text = rest
    flags = mem.flags
    if rest.startswith("&"):
        rest = rest[1:]
    else:
        flags = SubFlags(do_all=bool(ed.options["gdefault"]))
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == "g":
            flags.do_all = not flags.do_all
        elif c == "c":
            flags.do_ask = not flags.do_ask
        elif c == "n":
            flags.do_count = True
        elif c == "e":
            flags.do_error = not flags.do_error
        elif c == "r":
            which = "last"
        elif c == "p":
            flags.do_print = True
        elif c == "#":
            flags.do_print = flags.do_number = True
        elif c == "l":
            flags.do_print = flags.do_list = True
        elif c in "iI":
            flags.do_ic = c
        else:
            break
        i += 1
    if flags.do_count:
        flags.do_ask = False
    mem.flags = flags
    rest = rest[i:].lstrip(" \t")
    line1, line2 = cmd.line1, cmd.line2
    m = re.match(r"\d+", rest)
    if m:
        n = int(m.group(0))
        rest = rest[m.end() :].lstrip(" \t")
        if n <= 0 and flags.do_error:
            raise ExError("E939: Positive count required")
        line1 = line2
        line2 = min(line2 + n - 1, ed.doc.line_count)
    if rest and not rest.startswith('"'):
        if rest.startswith("|"):
            cmd.nextcmd = rest[1:]
        else:
            raise ExError(f"E488: Trailing characters: {rest}")
    pattern = _resolve_pattern(ed, st, pat, which)
    _remember_subst_pattern(ed, st, pattern)
    try:
        compiled = _compile(ed, pattern, flags.do_ic, magic, st.subst_string)
    except VimRegexError as exc:
        raise ExError(exc.message) from None
    sub = regtilde(raw_sub, st.subst_string, magic)
    st.subst_string = sub
    ops = compile_replacement(sub, magic)
    if flags.do_ask and not compiled.multiline and global_ctx(ed) is None:
        _start_confirm(ed, compiled, ops, line1, line2, flags, pattern, sub)
        return
    if pat == "\\n" and raw_sub == "" and flag_text in ("", "g", "l", "p", "#"):
        _join_substitute(ed, line1, line2)
        return
    _run_substitute(ed, compiled, ops, line1, line2, flags, pattern)


def _join_substitute(ed: Any, line1: int, line2: int) -> None:
    """ ":s/\\n//" is a join without spaces in Vim (the cursor stays at the last join)."""
    from .ex_lines import join_rows, set_change_marks

    doc = ed.doc
    count = line2 - line1 + 1
    if line2 < doc.line_count:
        count += 1
    if count <= 1:
        return
    set_cursor(ed, line1 - 1, ed.cursor[1])
    note_change_cursor(ed)
    col = join_rows(ed, line1 - 1, count, insert_space=False)
    set_change_marks(ed, (line1 - 1, 0), (line1 - 1, 0))
    set_cursor(ed, line1 - 1, col)
    if count - 1 > int(ed.options["report"]) and global_ctx(ed) is None:
        ed.set_message(_sub_message(count - 1, 1, False))


# -- :s///c ----------------------------------------------------------------------------------


@dataclass
class SubConfirm:
    """A `:s///c` waiting for answers; keys go to `confirm_key()` while it exists."""

    regex: re.Pattern[str]
    ops: list[Op]
    row: int
    line2: int
    do_all: bool
    sub_text: str
    pattern: str
    do_error: bool
    col: int = 0
    prev: int = -1
    match: tuple[int, int, re.Match[str]] | None = None
    nsubs: int = 0
    lines_hit: set[int] = field(default_factory=set)
    group_row: int | None = None
    last_sub_row: int | None = None
    subs_in_row: int = 0
    #: answered "a": the rest is substituted without asking, as one undo step
    all_rest: bool = False


def _confirm_state(ed: Any) -> SubConfirm | None:
    state: SubConfirm | None = getattr(ed, "_sub_confirm", None)
    return state


def _start_confirm(
    ed: Any,
    compiled: CompiledVimRegex,
    ops: list[Op],
    line1: int,
    line2: int,
    flags: SubFlags,
    pattern: str,
    sub: str,
) -> None:
    state = SubConfirm(
        compiled.regex, ops, line1 - 1, line2 - 1, flags.do_all, sub, pattern, flags.do_error
    )
    origin = ed.cursor
    if not _confirm_next(ed, state):
        if flags.do_error:
            raise ExError(f"E486: Pattern not found: {pattern}")
        return
    if global_ctx(ed) is None:
        ed.push_jump(origin)  # at the first match, as without the c flag
    ed._sub_confirm = state
    _confirm_prompt(ed, state)


def _confirm_next(ed: Any, st: SubConfirm) -> bool:
    """Find the next match to ask about (Vim's loop over lines and matches)."""
    doc = ed.doc
    while st.row <= st.line2 and st.row < doc.line_count:
        line = doc.line(st.row)
        if st.subs_in_row == 0 or st.do_all:
            pos = st.col
            while pos <= len(line):
                m = st.regex.search(line, pos)
                if m is None:
                    break
                s, e = match_span(m)
                if pos == st.prev and s == e == pos:
                    if pos >= len(line):
                        break
                    pos += 1
                    if pos >= len(line):
                        break
                    continue
                st.match = (s, e, m)
                return True
        st.row += 1
        st.col = 0
        st.prev = -1
        st.subs_in_row = 0
    st.match = None
    return False


def _confirm_prompt(ed: Any, st: SubConfirm) -> None:
    assert st.match is not None
    set_cursor(ed, st.row, st.match[0])
    ed.set_message(f"replace with {st.sub_text} (y/n/a/q/l/^E/^Y)?")


def _confirm_apply(ed: Any, st: SubConfirm) -> None:
    """Substitute the current match; each line is its own undo step, as in Vim."""
    assert st.match is not None
    s, e, m = st.match
    doc = ed.doc
    if st.group_row != st.row and not (st.all_rest and st.group_row is not None):
        _confirm_close_group(ed, st)
        set_cursor(ed, st.row, 0)
        begin = getattr(ed, "begin_change", None)
        if begin is not None:
            begin()
        st.group_row = st.row
    rep = expand(st.ops, m)
    base = doc.line_start(st.row)
    doc.replace(base + s, base + e, rep)
    st.nsubs += 1
    st.lines_hit.add(st.row)
    st.subs_in_row += 1
    breaks = rep.count(_BREAK)
    end = s + len(rep)
    if breaks:
        st.row += breaks
        st.line2 += breaks
        end = len(rep) - rep.rfind(_BREAK) - 1
        st.group_row = st.row
    st.col = st.prev = end
    st.last_sub_row = st.row
    if s == e and not rep:
        st.prev = s


def _confirm_skip(st: SubConfirm) -> None:
    assert st.match is not None
    _s, e, _m = st.match
    st.col = st.prev = e
    st.subs_in_row += 1  # without the g flag a line is done after its first match


def _confirm_close_group(ed: Any, st: SubConfirm) -> None:
    if st.group_row is not None:
        end = getattr(ed, "end_change", None)
        if end is not None:
            end()
        st.group_row = None


def _confirm_finish(ed: Any, st: SubConfirm, substituted_last: bool) -> None:
    from .ex_lines import set_change_marks

    _confirm_close_group(ed, st)
    ed._sub_confirm = None
    if substituted_last and st.last_sub_row is not None:
        set_cursor(ed, st.last_sub_row, 0)
    if st.last_sub_row is not None:
        set_change_marks(ed, (min(st.lines_hit), 0), (st.last_sub_row, 0))
    if st.nsubs > int(ed.options["report"]):
        ed.set_message(_sub_message(st.nsubs, len(st.lines_hit), False))
    else:
        ed.set_message("")
    if hasattr(ed, "scroll_to_cursor"):
        ed.scroll_to_cursor()


def confirm_pending(ed: Any) -> bool:
    """Whether a `:s///c` is waiting for an answer (keys must go to `confirm_key`)."""
    return _confirm_state(ed) is not None


def confirm_key(ed: Any, key: str) -> bool:
    """Answer the `:s///c` prompt with one key token; False when no prompt is pending.

    y: substitute, n: skip, a: substitute this and all the rest, l: substitute this and
    stop, q / <Esc> / <C-c>: stop; <C-e> / <C-y> (scrolling) and other keys are ignored.
    """
    st = _confirm_state(ed)
    if st is None:
        return False
    try:
        if key in ("q", "<Esc>", "<C-c>", "\x1b", "\x03"):
            _confirm_finish(ed, st, substituted_last=False)
        elif key == "y":
            _confirm_apply(ed, st)
            if _confirm_next(ed, st):
                _confirm_prompt(ed, st)
            else:
                _confirm_finish(ed, st, substituted_last=True)
        elif key == "l":
            _confirm_apply(ed, st)
            _confirm_finish(ed, st, substituted_last=True)
        elif key == "n":
            _confirm_skip(st)
            if _confirm_next(ed, st):
                _confirm_prompt(ed, st)
            else:
                _confirm_finish(ed, st, substituted_last=False)
        elif key == "a":
            # no key is waited for any more, so Vim never syncs undo: the line asked
            # about and all the lines after it are one undo step
            st.all_rest = True
            while True:
                _confirm_apply(ed, st)
                if not _confirm_next(ed, st):
                    break
            _confirm_finish(ed, st, substituted_last=True)
    except Exception as exc:  # never leave the editor stuck in the prompt
        ed._sub_confirm = None
        _confirm_close_group(ed, st)
        ed.set_error(f"E000: internal error in :s///c: {type(exc).__name__}: {exc}")
    return True


def _compile(
    ed: Any, pattern: str, do_ic: str, magic: bool, last_sub: str | None
) -> CompiledVimRegex:
    if not do_ic and magic:
        return compile_for(ed, pattern)
    opts = ed.options
    from .search import _keyword_class

    if do_ic:
        ic, scs = do_ic == "i", False
    else:
        ic, scs = bool(opts["ignorecase"]), bool(opts["smartcase"])
    return compile_vim(pattern, ic, scs, _keyword_class(opts), last_sub, magic)




def _sub_message(nsubs: int, nlines: int, count_only: bool) -> str:
    what = (
        ("match" if nsubs == 1 else "matches")
        if count_only
        else ("substitution" if nsubs == 1 else "substitutions")
    )
    on = "line" if nlines == 1 else "lines"
    return f"{nsubs} {what} on {nlines} {on}"


#: A mark name no command can type: where a substitution started, moved by its edits.
_ORIGIN_MARK = "\x00substitute-origin"


def _run_substitute(
    ed: Any,
    compiled: CompiledVimRegex,
    ops: list[Op],
    line1: int,
    line2: int,
    flags: SubFlags,
    pattern: str,
) -> None:
    doc = ed.doc
    # Vim's do_sub calls setpcmark() at its first match, with the cursor where the command
    # was given, and later edits move that mark like any other ('' goes back there): a
    # private mark follows the edits until we know there was a match.
    origin = ed.cursor
    version = doc.version
    ed.marks.set(_ORIGIN_MARK, origin)
    try:
        if compiled.multiline:
            nsubs, nlines, last_row, new_line2 = _sub_multiline(
                ed, compiled, ops, line1, line2, flags
            )
        else:
            nsubs, nlines, last_row, new_line2 = _sub_lines(ed, compiled, ops, line1, line2, flags)
    finally:
        moved = ed.marks.forget(_ORIGIN_MARK)
    gctx = global_ctx(ed)
    if nsubs == 0:
        if gctx is None and flags.do_error:
            raise ExError(f"E486: Pattern not found: {pattern}")
        return
    from .ex_lines import beginline, set_change_marks

    if flags.do_count:
        # (no jump: the cursor stays, and Vim's checkpcmark() drops a mark set where the
        # cursor still is)
        if gctx is not None:
            gctx.nsubs += nsubs
            gctx.nlines += nlines
        else:
            # the cursor stays on its line, moved to the first non-blank
            beginline(ed, ed.cursor[0], white=True)
            ed.set_message(_sub_message(nsubs, nlines, True))
        return
    if gctx is None:  # (under :g the mark was set once, by :g)
        ed.push_jump(moved or (min(origin[0], doc.line_count - 1), 0))
    if doc.version == version:
        # Vim saves each line for undo before substituting in it: replacing text by the
        # same text ("a" by "A" under 'ignorecase', when it already is "A") is still an
        # undo step, which `u` then undoes (not the change before it).
        from .normal_cmds import _empty_undo_step

        _empty_undo_step(ed, max(0, min(last_row, doc.line_count - 1)))

    set_change_marks(ed, (line1 - 1, 0), (max(new_line2, 1) - 1, 0))
    row = max(0, min(last_row, doc.line_count - 1))
    if gctx is not None:
        gctx.nsubs += nsubs
        gctx.nlines += nlines
        gctx.need_beginline = True
        set_cursor(ed, row, 0)
    else:
        beginline(ed, row, white=True)
        if nsubs > int(ed.options["report"]):
            ed.set_message(_sub_message(nsubs, nlines, False))
    if flags.do_print:
        line = doc.line(row)
        if flags.do_list:
            line = line.replace("\t", "^I") + "$"
        if flags.do_number:
            line = f"{row + 1:3d} {line}"
        if gctx is not None:
            gctx.printed.append(line)
        else:
            ed.set_message(line)


def _line_matches(
    regex: re.Pattern[str], line: str, do_all: bool
) -> list[tuple[int, int, re.Match[str]]]:
    """Matches substituted in one line, with Vim's rule for empty matches."""
    out: list[tuple[int, int, re.Match[str]]] = []
    pos = 0
    prev = -1
    n = len(line)
    while pos <= n:
        m = regex.search(line, pos)
        if m is None:
            break
        s, e = match_span(m)
        if pos == prev and s == e == pos:
            # an empty match right after the previous match does not count
            if pos >= n:
                break
            pos += 1
            if pos >= n:
                break  # Vim's "lastone": at the end of the line after skipping
            continue
        out.append((s, e, m))
        pos = prev = e
        if not do_all or pos >= n:
            break
    return out


_BULK_LINES = 64


def _sub_lines(
    ed: Any,
    compiled: CompiledVimRegex,
    ops: list[Op],
    line1: int,
    line2: int,
    flags: SubFlags,
) -> tuple[int, int, int, int]:
    """Single-line patterns: (substitutions, lines, cursor row, new line2).

    Without line breaks in the replacements the new lines are computed first and, when many
    lines change, written with one edit (a :%s on a large file stays fast); Vim's marks do
    not move for a substitution, so they are put back as they were.
    """
    doc = ed.doc
    regex = compiled.regex
    area = visual_area(ed) if compiled.visual else None
    nsubs = nlines = 0
    changes: list[tuple[int, str]] = []
    lines = doc.lines(line1 - 1, line2)
    for i, line in enumerate(lines):
        if area is not None:
            regex = compiled.for_visual(area(line1 - 1 + i))
        found = _line_matches(regex, line, flags.do_all)
        if not found:
            continue
        nsubs += len(found)
        nlines += 1
        if flags.do_count:
            changes.append((line1 - 1 + i, line))
            continue
        pieces: list[str] = []
        copy = 0
        for s, e, m in found:
            pieces.append(line[copy:s])
            pieces.append(expand(ops, m))
            copy = e
        pieces.append(line[copy:])
        new_line = "".join(pieces)
        if _BREAK in new_line and new_line.count(_BREAK) != line.count(_BREAK):
            set_cursor(ed, line1 - 1 + i, 0)
            note_change_cursor(ed)
            return _sub_lines_sequential(doc, compiled, ops, line1, line2, flags, area)
        changes.append((line1 - 1 + i, new_line))
    if not changes:
        return 0, 0, line1 - 1, line2
    last_row = changes[-1][0]
    if flags.do_count:
        return nsubs, nlines, last_row, line2
    if len(changes) <= _BULK_LINES:
        set_cursor(ed, changes[0][0], 0)  # Vim's undo cursor: the first substituted line
        note_change_cursor(ed)
        for row, new_line in changes:
            old = doc.line(row)
            if new_line != old:
                # replace only the part between the first and last difference
                a = 0
                while a < min(len(old), len(new_line)) and old[a] == new_line[a]:
                    a += 1
                b = 0
                while (
                    b < min(len(old), len(new_line)) - a
                    and old[len(old) - 1 - b] == new_line[len(new_line) - 1 - b]
                ):
                    b += 1
                base = doc.line_start(row)
                doc.replace(base + a, base + len(old) - b, new_line[a : len(new_line) - b])
        return nsubs, nlines, last_row, line2
    first_row = changes[0][0]
    set_cursor(ed, first_row, 0)  # Vim's undo cursor: the first substituted line
    note_change_cursor(ed)
    block = lines[first_row - (line1 - 1) : last_row - (line1 - 1) + 1]
    for row, new_line in changes:
        block[row - first_row] = new_line
    store = getattr(ed, "marks", None)
    saved = dict(store.marks) if store is not None and hasattr(store, "marks") else None
    start = doc.line_start(first_row)
    end = doc.line_start(last_row) + len(doc.line(last_row))
    doc.replace(start, end, "\n".join(block))
    if saved is not None:
        store.marks = saved
    return nsubs, nlines, last_row, line2


def _sub_lines_sequential(
    doc: Any,
    compiled: CompiledVimRegex,
    ops: list[Op],
    line1: int,
    line2: int,
    flags: SubFlags,
    area: Any = None,
) -> tuple[int, int, int, int]:
    """Single-line patterns whose replacement splits lines: one line at a time."""
    regex = compiled.regex
    nsubs = nlines = 0
    last_row = line1 - 1
    lnum = line1
    while lnum <= line2:
        row = lnum - 1
        line = doc.line(row)
        if area is not None:
            regex = compiled.for_visual(area(row))
        found = _line_matches(regex, line, flags.do_all)
        if not found:
            lnum += 1
            continue
        nsubs += len(found)
        nlines += 1
        last_row = row
        pieces: list[str] = []
        copy = found[0][0]
        for s, e, m in found:
            pieces.append(line[copy:s])
            pieces.append(expand(ops, m))
            copy = e
        new_mid = "".join(pieces)
        first = found[0][0]
        base = doc.line_start(row)
        if new_mid != line[first:copy]:
            doc.replace(base + first, base + copy, new_mid)
        breaks = new_mid.count(_BREAK)
        line2 += breaks
        last_row = row + breaks
        lnum += breaks + 1
    return nsubs, nlines, last_row, line2


def _sub_multiline(
    ed: Any,
    compiled: CompiledVimRegex,
    ops: list[Op],
    line1: int,
    line2: int,
    flags: SubFlags,
) -> tuple[int, int, int, int]:
    """Patterns that may match line breaks: one pass over the original text."""
    doc = ed.doc
    regex = compiled.regex
    text = doc.text() + "\n"  # Vim's "\n" also matches after the last line
    doc_len = len(text) - 1
    starts = [doc.line_start(r) for r in range(doc.line_count)]
    nrows = len(starts)

    def line_end(row: int) -> int:
        return starts[row + 1] - 1 if row + 1 < nrows else doc_len

    def row_of(off: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(starts, off) - 1)

    subs: list[tuple[int, int, str]] = []
    lines_hit: set[int] = set()
    row = line1 - 1
    last_allowed = line2 - 1
    resume = 0
    stop = False
    while row <= last_allowed and row < nrows and not stop:
        end = line_end(row)
        pos = max(starts[row], resume)
        prev = -1
        while True:
            m = regex.search(text, pos)
            if m is None or m.start() > end:
                break
            s, e = match_span(m)
            if pos == prev and s == e == pos:
                if pos >= end:
                    break
                pos += 1
                continue
            e_clamped = min(e, doc_len)
            subs.append((s, e_clamped, "" if flags.do_count else expand(ops, m)))
            lines_hit.add(row)
            pos = prev = e
            resume = e
            if e > end:
                # The match went on into a later line: continue there, as Vim does.
                erow = row_of(min(e, doc_len))
                if e > doc_len or erow > last_allowed:
                    stop = True
                    break
                row = erow
                end = line_end(row)
                continue
            if not flags.do_all:
                break
        row += 1
    nsubs = len(subs)
    nlines = len(lines_hit)
    if nsubs == 0 or flags.do_count:
        return nsubs, nlines, (line1 - 1), line2
    first = subs[0][0]
    last = subs[-1][1]
    pieces: list[str] = []
    copy = first
    last_rep_end = 0
    for s, e, rep in subs:
        pieces.append(text[copy:s])
        pieces.append(rep)
        copy = e
        last_rep_end = sum(len(p) for p in pieces)
    new_mid = "".join(pieces)
    old_mid = text[first:last]
    set_cursor(ed, doc.position_of(first)[0], 0)  # Vim's undo cursor
    note_change_cursor(ed)
    doc.replace(first, last, new_mid)
    removed = old_mid.count("\n")
    added = new_mid.count("\n")
    new_line2 = line2 - removed + added
    # the cursor goes to the line where the last replacement ends
    cur_off = first + last_rep_end
    cur_row = doc.position_of(min(cur_off, len(doc)))[0]
    return nsubs, nlines, cur_row, new_line2


# -- :g / :v ---------------------------------------------------------------------------------


class _MarkedRows:
    """Rows marked by :g, kept in step with edits (a deleted line loses its mark).

    The marks are a sorted list consumed from the front; a shift common to all remaining
    marks is kept apart so the usual edit (at or above the next mark) costs O(log n).
    """

    def __init__(self, rows: list[int]) -> None:
        self.rows = sorted(rows)
        self.i = 0
        self.shift = 0
        #: set by a command that knows what its next edit does to whole lines:
        #: (first removed row, last removed row, first row that moves, rows moved by)
        self.pending: tuple[int, int, int, int] | None = None

    def on_edit(self, ev: Any) -> None:
        if self.pending is not None:
            lo, hi, tail, delta = self.pending
            self.pending = None
        else:
            r0, c0 = ev.start_point
            r1, c1 = ev.old_end_point
            r2, c2 = ev.new_end_point
            if r0 == r1 == r2:
                return
            if c0 == 0 and c1 == 0 and c2 == 0:
                # whole lines [r0, r1) replaced by [r0, r2)
                lo, hi, tail = r0, r1 - 1, r1
            else:
                # the first line stays, the other old lines are merged into it
                lo, hi, tail = r0 + 1, r1, r1 + 1
            delta = r2 - r1
        self._apply(lo, hi, tail, delta)

    def _apply(self, lo: int, hi: int, tail: int, delta: int) -> None:
        rows = self.rows
        k = bisect.bisect_left(rows, lo - self.shift, self.i)
        j = bisect.bisect_left(rows, tail - self.shift, self.i)
        if hi >= lo and j > k:
            del rows[k:j]
        if not delta or k >= len(rows):
            return
        if k == self.i:
            self.shift += delta
        else:
            for idx in range(k, len(rows)):
                rows[idx] += delta

    def expect(self, lo: int, hi: int, tail: int, delta: int) -> None:
        """Describe the next edit (see `pending`)."""
        self.pending = (lo, hi, tail, delta)

    def pop_first(self) -> int | None:
        if self.i >= len(self.rows):
            return None
        r = self.rows[self.i] + self.shift
        self.i += 1
        return r


def ex_global(ed: Any, cmd: ExCmd) -> None:
    """:[range]g[lobal][!]/{pattern}/[cmd] and :v[global]: run cmd on matching (:v non-matching) lines."""
    from .ex_commands import run_one

    if global_ctx(ed) is not None:
        raise ExError("E147: Cannot do :global recursive")
    invert = cmd.name == "vglobal" or cmd.bang
    arg = cmd.arg
    st = search_state(ed)
    which = "last"
    if not arg:
        raise ExError("E148: Regular expression missing from :global")
    if arg[0] == "\\":
        d = arg[1:2]
        if d not in ("/", "?", "&"):
            raise ExError("E10: \\ should be followed by /, ? or &")
        which = "subst" if d == "&" else "search"
        pat = ""
        command = arg[2:]
    elif arg[0].isalnum():
        raise ExError("E146: Regular expressions can't be delimited by letters")
    else:
        delim = arg[0]
        pat, after = _skip_regexp(arg[1:], delim)
        command = after if after is not None else ""
    pattern = _resolve_pattern(ed, st, pat, which)
    _remember_subst_pattern(ed, st, pattern, both=True)
    st.pattern = pattern
    try:
        compiled = compile_for(ed, pattern)
    except VimRegexError as exc:
        raise ExError(exc.message) from None
    doc = ed.doc
    rows: list[int] = []
    if compiled.multiline:
        from .search import _Matcher

        mt = _Matcher(doc, compiled.regex, True)
        for row in range(cmd.line1 - 1, cmd.line2):
            hit = mt.match_at(row, 0) is not None
            if hit != invert:
                rows.append(row)
    else:
        regex = compiled.regex
        area = visual_area(ed) if compiled.visual else None
        for row in range(cmd.line1 - 1, cmd.line2):
            if area is not None:
                regex = compiled.for_visual(area(row))
            hit = regex.search(doc.line(row)) is not None
            if hit != invert:
                rows.append(row)
    if not rows:
        if invert:
            ed.set_message(f"Pattern found in every line: {pattern}")
        else:
            ed.set_message(f"Pattern not found: {pattern}")
        return
    command = command.strip(" \t") or "p"
    marked = _MarkedRows(rows)
    ctx = GlobalCtx(marked=marked)
    old_count = doc.line_count
    if hasattr(ed, "push_jump"):
        ed.push_jump()
    doc.add_listener(marked.on_edit)
    ed._ex_global = ctx
    try:
        while True:
            row = marked.pop_first()
            if row is None:
                break
            if row >= doc.line_count:
                continue
            set_cursor(ed, row, 0)
            text: str | None = command
            while text is not None:
                text = run_one(ed, text)
    finally:
        doc.remove_listener(marked.on_edit)
        ed._ex_global = None
    from .ex_lines import beginline, msgmore

    if ctx.need_beginline:
        beginline(ed, ed.cursor[0], white=True)
    else:
        set_cursor(ed, *ed.cursor)
    if ctx.printed:
        ed.set_message("\n".join(ctx.printed))
    elif doc.line_count == 1 and doc.line(0) == "" and old_count > 1:
        ed.set_message("--No lines in buffer--")
    elif ctx.nsubs > int(ed.options["report"]):
        ed.set_message(_sub_message(ctx.nsubs, ctx.nlines, False))
    else:
        msgmore(ed, doc.line_count - old_count)
