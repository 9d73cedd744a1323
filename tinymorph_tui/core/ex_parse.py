"""Parsing of ex command lines: ranges, addresses, command names and the registry.

Line numbers here are 1-based as in Vim (0 is "before the first line", valid for a few
commands such as `:m 0`); the command implementations convert to 0-based rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# search / vim_regex are imported inside the functions that use them: start-up should not
# pay for the regex translator until a pattern address (":/pat/") is typed.
from .ex_registry import ExRegistry, UserCommand  # noqa: F401  (part of this module's API)

# Command attribute flags (Vim's EX_* subset)
RANGE = 1  # accepts a range
BANG = 2  # accepts "!"
COUNT = 4  # accepts a trailing count
DFLALL = 8  # default range is the whole file
ZEROR = 16  # line 0 is allowed
REGSTR = 32  # accepts a register name argument
EXTRA = 64  # accepts arguments
TRLBAR = 128  # "|" ends the command (otherwise the command handles "|" itself)
WHOLE = 256  # the argument is the rest of the line, "|" included
NOSPC = 512  # the argument may follow the name without a space (":s/", ":>>")


class ExError(Exception):
    """An ex command failed; the message is Vim's error line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ExCmd:
    """One parsed ex command, ready to run."""

    name: str
    line1: int
    line2: int
    addr_count: int
    bang: bool = False
    arg: str = ""
    count: int | None = None
    reg: str | None = None
    #: the whole text of this command (for messages)
    text: str = ""
    #: text after a "|" to run next (None: nothing)
    nextcmd: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


ExHandler = Callable[[Any, ExCmd], None]


@dataclass
class CommandSpec:
    """A built-in ex command: full name, shortest abbreviation length and flags."""

    name: str
    min_len: int
    flags: int
    handler: str  # name of the handler function in ex_commands


# Order matters: like Vim's table, the first entry whose name starts with the typed
# text (and which is typed at least min_len long) wins.
BUILTINS: tuple[CommandSpec, ...] = (
    CommandSpec("delete", 1, RANGE | REGSTR | COUNT | TRLBAR, "ex_delete"),
    CommandSpec("delmarks", 4, BANG | EXTRA | TRLBAR, "ex_delmarks"),
    CommandSpec("display", 2, EXTRA | TRLBAR, "ex_registers"),
    CommandSpec("edit", 1, BANG | EXTRA | TRLBAR, "ex_edit"),
    CommandSpec("enew", 3, BANG | TRLBAR, "ex_enew"),
    CommandSpec("exit", 3, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_xit"),
    CommandSpec("global", 1, RANGE | BANG | EXTRA | DFLALL | WHOLE, "ex_global"),
    CommandSpec("join", 1, RANGE | BANG | COUNT | TRLBAR, "ex_join"),
    CommandSpec("k", 1, RANGE | EXTRA | TRLBAR, "ex_mark"),
    CommandSpec("list", 1, RANGE | COUNT | TRLBAR, "ex_print_list"),
    CommandSpec("left", 2, RANGE | EXTRA | TRLBAR, "ex_align"),
    CommandSpec("move", 1, RANGE | EXTRA | TRLBAR, "ex_move"),
    CommandSpec("mark", 2, RANGE | EXTRA | TRLBAR, "ex_mark"),
    CommandSpec("marks", 5, EXTRA | TRLBAR, "ex_marks"),
    CommandSpec("normal", 4, RANGE | BANG | EXTRA | WHOLE, "ex_normal"),
    CommandSpec("number", 2, RANGE | COUNT | TRLBAR, "ex_print_number"),
    CommandSpec("nohlsearch", 3, TRLBAR, "ex_nohlsearch"),
    CommandSpec("print", 1, RANGE | COUNT | TRLBAR, "ex_print"),
    CommandSpec("put", 2, RANGE | BANG | REGSTR | ZEROR | TRLBAR, "ex_put"),
    CommandSpec("Print", 1, RANGE | COUNT | TRLBAR, "ex_print"),
    CommandSpec("quit", 1, BANG | TRLBAR, "ex_quit"),
    CommandSpec("quitall", 5, BANG | TRLBAR, "ex_quit"),
    CommandSpec("qall", 2, BANG | TRLBAR, "ex_quit"),
    CommandSpec("redo", 3, TRLBAR, "ex_redo"),
    CommandSpec("registers", 3, EXTRA | TRLBAR, "ex_registers"),
    CommandSpec("retab", 3, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_retab"),
    CommandSpec("right", 2, RANGE | EXTRA | TRLBAR, "ex_align"),
    CommandSpec("substitute", 1, RANGE | EXTRA | NOSPC, "ex_substitute"),
    CommandSpec("set", 2, EXTRA | TRLBAR, "ex_set"),
    CommandSpec("saveas", 3, BANG | EXTRA | TRLBAR, "ex_saveas"),
    CommandSpec("smagic", 2, RANGE | EXTRA | NOSPC, "ex_substitute"),
    CommandSpec("snomagic", 3, RANGE | EXTRA | NOSPC, "ex_substitute"),
    CommandSpec("sort", 3, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_sort"),
    CommandSpec("startinsert", 4, BANG | TRLBAR, "ex_startinsert"),
    CommandSpec("stopinsert", 5, BANG | TRLBAR, "ex_stopinsert"),
    CommandSpec("t", 1, RANGE | EXTRA | TRLBAR, "ex_copy"),
    CommandSpec("undo", 1, EXTRA | TRLBAR, "ex_undo"),
    CommandSpec("update", 2, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_update"),
    CommandSpec("vglobal", 1, RANGE | EXTRA | DFLALL | WHOLE, "ex_global"),
    CommandSpec("write", 1, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_write"),
    CommandSpec("wq", 2, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_wq"),
    CommandSpec("wall", 2, BANG | TRLBAR, "ex_wall"),
    CommandSpec("wqall", 3, BANG | TRLBAR, "ex_wqall"),
    CommandSpec("xit", 1, RANGE | BANG | EXTRA | DFLALL | TRLBAR, "ex_xit"),
    CommandSpec("xall", 2, BANG | TRLBAR, "ex_wqall"),
    CommandSpec("yank", 1, RANGE | REGSTR | COUNT | TRLBAR, "ex_yank"),
    CommandSpec("center", 2, RANGE | EXTRA | TRLBAR, "ex_align"),
    CommandSpec("copy", 2, RANGE | EXTRA | TRLBAR, "ex_copy"),
    CommandSpec("&", 1, RANGE | EXTRA | NOSPC, "ex_substitute"),
    CommandSpec("~", 1, RANGE | EXTRA | NOSPC, "ex_substitute"),
    CommandSpec("<", 1, RANGE | COUNT | NOSPC | TRLBAR, "ex_shift"),
    CommandSpec(">", 1, RANGE | COUNT | NOSPC | TRLBAR, "ex_shift"),
    CommandSpec("=", 1, RANGE | TRLBAR | NOSPC, "ex_equal"),
    CommandSpec("#", 1, RANGE | COUNT | TRLBAR | NOSPC, "ex_print_number"),
    CommandSpec("!", 1, RANGE | BANG | EXTRA | WHOLE | NOSPC, "ex_bang"),
)

_BY_NAME = {c.name: c for c in BUILTINS}


def lookup_builtin(typed: str) -> CommandSpec | None:
    """The built-in command for a typed name (abbreviations as Vim allows them)."""
    if typed in _BY_NAME:
        return _BY_NAME[typed]
    for spec in BUILTINS:
        if spec.name.startswith(typed) and len(typed) >= spec.min_len:
            return spec
    return None


def complete_command_names(prefix: str, registry: ExRegistry | None = None) -> list[str]:
    """Full command names that start with `prefix` (for Tab completion), sorted."""
    names = {c.name for c in BUILTINS if c.name.isalpha()}
    if registry is not None:
        names |= set(registry.commands)
    return sorted(n for n in names if n.startswith(prefix))


# -- addresses ------------------------------------------------------------------------------


def _skipwhite(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


def _digits(s: str, i: int) -> tuple[int, int]:
    j = i
    while j < len(s) and s[j].isdigit():
        j += 1
    return int(s[i:j]), j


def _cur_lnum(ed: Any) -> int:
    return int(ed.cursor[0]) + 1


def _mark_lnum(ed: Any, name: str) -> int:
    if not (name.isalpha() or name in "<>[]'`.^\""):
        raise ExError("E78: Unknown mark")
    pos = ed.get_mark(name)
    if pos is None:
        raise ExError("E20: Mark not set")
    lnum = int(pos[0]) + 1
    if lnum > ed.doc.line_count:
        raise ExError("E19: Mark has invalid line number")
    return lnum


def _search_line(ed: Any, pattern: str, forward: bool, from_lnum: int, which: str) -> int:
    """Line (1-based) of the next match of `pattern` after/before line `from_lnum`."""
    from .search import compile_for, find, search_state
    from .vim_regex import VimRegexError

    st = search_state(ed)
    if pattern == "":
        if which == "subst":
            pattern = st.subst_pattern or ""
        elif which == "search":
            pattern = st.pattern or getattr(ed, "last_search", None) or ""
        else:
            pattern = getattr(ed, "last_search", None) or st.pattern or ""
        if not pattern:
            raise ExError("E35: No previous regular expression")
    else:
        # An address pattern becomes the last search pattern, as in Vim.
        st.pattern = pattern
        st.no_highlight = False
        st.last_used = "search"
        try:
            ed.last_search = pattern
        except AttributeError:
            pass
    try:
        compiled = compile_for(ed, pattern)
    except VimRegexError as exc:
        raise ExError(exc.message) from None
    doc = ed.doc
    n = doc.line_count
    row = max(0, min(from_lnum, n) - 1)
    if forward and from_lnum > 0:
        start = (row, len(doc.line(row)))
    elif forward:
        # before the first line: a match anywhere in line 1 counts
        res = find(
            doc,
            compiled,
            (0, 0),
            forward=True,
            wrapscan=bool(ed.options["wrapscan"]),
            accept_at_cursor=True,
            pattern_text=pattern,
        )
        if not res.found:
            raise ExError(res.message or f"E486: Pattern not found: {pattern}")
        return res.start[0] + 1
    else:
        start = (row, 0)
    res = find(
        doc,
        compiled,
        start,
        forward=forward,
        wrapscan=bool(ed.options["wrapscan"]),
        pattern_text=pattern,
    )
    if not res.found:
        raise ExError(res.message or f"E486: Pattern not found: {pattern}")
    return res.start[0] + 1


def get_address(ed: Any, s: str, i: int, cur: int) -> tuple[int | None, int]:
    """Parse one address at s[i:]; returns (lnum or None when absent, new index).

    `cur` is the line that "." means (the cursor line, or the previous address after ";").
    """
    i = _skipwhite(s, i)
    lnum: int | None = None
    while True:
        c = s[i] if i < len(s) else ""
        if c == ".":
            i += 1
            lnum = cur
        elif c == "$":
            i += 1
            lnum = ed.doc.line_count
        elif c == "'":
            if i + 1 >= len(s):
                raise ExError("E20: Mark not set")
            lnum = _mark_lnum(ed, s[i + 1])
            i += 2
        elif c in ("/", "?"):
            from .search import parse_search

            pat, rest = parse_search(s[i + 1 :], c)
            consumed = len(s) - i - 1 - len(rest)
            i = i + 1 + consumed
            base = lnum if lnum is not None else cur
            lnum = _search_line(ed, pat, c == "/", base, "new")
        elif c == "\\":
            d = s[i + 1] if i + 1 < len(s) else ""
            if d not in ("/", "?", "&"):
                raise ExError("E10: \\ should be followed by /, ? or &")
            base = lnum if lnum is not None else cur
            which = "subst" if d == "&" else "search"
            lnum = _search_line(ed, "", d != "?", base, which)
            i += 2
        elif c.isdigit():
            lnum, i = _digits(s, i)
        # offsets: +N -N + - and a bare number meaning +N
        while True:
            i = _skipwhite(s, i)
            c = s[i] if i < len(s) else ""
            if not (c in "+-" or c.isdigit()) or c == "":
                break
            if lnum is None:
                lnum = cur
            if c.isdigit():
                op = "+"
            else:
                op = c
                i += 1
            if i < len(s) and s[i].isdigit():
                n, i = _digits(s, i)
            else:
                n = 1
            lnum = lnum - n if op == "-" else lnum + n
        if i < len(s) and s[i] in "/?" and lnum is not None:
            continue  # "/pat1//pat2/": search again from the found line
        break
    return lnum, i


@dataclass
class Range:
    """Result of parsing a range."""

    line1: int
    line2: int
    addr_count: int
    end: int


def parse_range(ed: Any, s: str, i: int) -> Range:
    """Parse the range at s[i:] as Vim's parse_cmd_range()."""
    cur = _cur_lnum(ed)
    line1 = line2 = cur
    addr_count = 0
    lnum: int | None = None
    while True:
        line1 = line2
        line2 = cur
        i = _skipwhite(s, i)
        lnum, i = get_address(ed, s, i, cur)
        if lnum is None:
            if i < len(s) and s[i] == "%":
                i += 1
                line1 = 1
                line2 = ed.doc.line_count
                addr_count += 1
            elif i < len(s) and s[i] == "*":
                a = ed.get_mark("<")
                b = ed.get_mark(">")
                if a is None or b is None:
                    raise ExError("E20: Mark not set")
                line1, line2 = int(a[0]) + 1, int(b[0]) + 1
                i += 1
                addr_count += 1
        else:
            line2 = lnum
        addr_count += 1
        if i < len(s) and s[i] == ";":
            # ";" makes the address the current line for the next one
            cur = max(1, min(line2, ed.doc.line_count)) if line2 > 0 else 0
            if line2 > 0:
                try:
                    ed.cursor = (cur - 1, ed.cursor[1])
                except (AttributeError, TypeError):
                    pass
        elif i >= len(s) or s[i] != ",":
            break
        i += 1
    if addr_count == 1:
        line1 = line2
        if lnum is None:
            addr_count = 0
    return Range(line1, line2, addr_count, i)


def find_command_name(s: str, i: int) -> tuple[str, int]:
    """Isolate the command name at s[i:] (Vim's find_ex_command rules)."""
    if i >= len(s):
        return "", i
    c = s[i]
    # ":k" may be directly followed by the mark name (":ka"), but not ":keep...".
    if c == "k" and not s.startswith("ke", i):
        return "k", i + 1
    if c.isalpha():
        j = i
        while j < len(s) and s[j].isalpha():
            j += 1
        name = s[i:j]
        # ":s" directly followed by flags ("sg", "si", "sI", "sc", "sr")
        if name[0] == "s" and len(name) > 1 and lookup_builtin(name) is None:
            if all(ch in "cegiInp#lr" for ch in name[1:]):
                return "s", i + 1
        # ":dl" ":dp" etc: :delete with a flag
        if name[0] == "d" and len(name) > 1 and name[-1] in "lp":
            if "delete".startswith(name[:-1]):
                return name[:-1], j - 1
        return name, j
    if c in "&" and s.startswith("&&", i):
        return "&", i + 1
    if c in "@*!=><&~#":
        return c, i + 1
    return "", i


def split_bar(s: str) -> tuple[str, str | None]:
    """Split off a following command at an unescaped "|" ("\\|" gives a literal "|")."""
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\x16" and i + 1 < len(s):  # CTRL-V quotes the next character
            out.append(s[i + 1])
            i += 2
            continue
        if c == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            out.append("|")
            i += 2
            continue
        if c == "|":
            return "".join(out), s[i + 1 :]
        out.append(c)
        i += 1
    return "".join(out), None
