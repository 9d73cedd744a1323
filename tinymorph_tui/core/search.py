"""Vim search: `/` `?` `n` `N` with wrapscan, counts, offsets and Vim's messages.

The regex dialect itself lives in `vim_regex` (re-exported here: `translate`,
`VimRegexError`).  This module implements Vim's `searchit()` rules on a Document:

* Patterns that cannot match an end-of-line are run one line at a time (fast on huge
  documents; the whole text is never materialised).  Patterns with `\\n`, `\\_x`,
  `\\%^`... run on `doc.text()`.
* Forward: the first match that starts after the cursor ("/$" never sticks at the end of a
  line); backward: the last match starting before the cursor; both step one character past
  each candidate as Vim does, so overlapping matches are found.
* wrapscan gives "search hit BOTTOM, continuing at TOP" (or TOP/BOTTOM); without it,
  "E385: Search hit BOTTOM without match for: pat"; nothing at all gives "E486".

Editor integration (used by `core/editor.py`):

* `search_command(ed, text, forward=True, count=1)` runs what was typed after `/` or `?`
  (pattern, optional offset, `;` chains); `search_next(ed, reverse=False, count=1)` is `n`
  / `N`.  Both return a `SearchMotion` (target position, linewise/inclusive flags) or None
  after putting the error on `ed` via `ed.set_error`.  They never move the cursor: the
  caller applies the motion (it may be an operator target).
* `highlight_matches(ed, row_start, row_end)` gives hlsearch spans for the view.
* Per-editor search state (direction, offset, :noh, last substitute pattern/string) is kept
  in a `SearchState` found with `search_state(ed)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .vim_regex import (
    CompiledVimRegex,
    VimRegexError,
    compile_vim,
    match_span,
    pattern_has_uppercase,
    translate,
)

__all__ = [
    "FindResult",
    "Searcher",
    "search_word",
    "SearchMotion",
    "SearchOffset",
    "SearchState",
    "VimRegexError",
    "compile_for",
    "find",
    "gn_match",
    "highlight_matches",
    "matches_in_rows",
    "parse_offset",
    "parse_search",
    "pattern_has_uppercase",
    "search",
    "search_command",
    "search_next",
    "search_state",
    "translate",
    "visual_area",
]

Pos = tuple[int, int]

TOP_BOT_MSG = "search hit TOP, continuing at BOTTOM"
BOT_TOP_MSG = "search hit BOTTOM, continuing at TOP"


class _Doc(Protocol):
    @property
    def line_count(self) -> int: ...

    def line(self, i: int) -> str: ...

    def line_start(self, i: int) -> int: ...

    def text(self) -> str: ...


@dataclass(frozen=True)
class FindResult:
    """Outcome of `find`: a match (start, end exclusive) or an error message."""

    found: bool
    start: Pos = (0, 0)
    end: Pos = (0, 0)
    wrapped: bool = False
    message: str | None = None

    @property
    def position(self) -> Pos:
        """Alias of `start`."""
        return self.start


@dataclass(frozen=True)
class SearchOffset:
    """A parsed search offset (`e+1`, `s-2`, `b`, `+3`, ...)."""

    line: bool = False
    end: bool = False
    off: int = 0
    text: str = ""


@dataclass(frozen=True)
class SearchMotion:
    """Where a search moves the cursor and how an operator treats the motion."""

    position: Pos
    #: a line offset (`/pat/+1`) makes the motion linewise
    linewise: bool = False
    #: an `e` offset makes the motion inclusive
    inclusive: bool = False
    wrapped: bool = False
    #: the match itself (start, end exclusive) of the last search performed
    match_start: Pos = (0, 0)
    match_end: Pos = (0, 0)


@dataclass
class SearchState:
    """Per-editor search memory (what Vim keeps in `spats[]`)."""

    pattern: str | None = None
    forward: bool = True
    offset: SearchOffset = field(default_factory=SearchOffset)
    #: :nohlsearch suppresses highlighting until the next search
    no_highlight: bool = False
    #: the last pattern came from * or # ('smartcase' does not apply to it, also for n)
    no_smartcase: bool = False
    #: pattern of the last :s (for :&, &, :~) and its replacement string (for ~)
    subst_pattern: str | None = None
    subst_string: str | None = None
    #: flags of the last :s (for :&&)
    subst_flags: str = ""
    #: which pattern was used last ("search" or "subst") — :s with an empty pattern
    #: and `~` in :~ use the last one used
    last_used: str = "search"


def search_state(ed: Any) -> SearchState:
    """The SearchState of an editor (created on first use)."""
    st = getattr(ed, "_search_state", None)
    if st is None:
        st = SearchState()
        try:
            ed._search_state = st
        except AttributeError:  # editors with __slots__: keep it per call (no memory)
            pass
    return st


# -- compiling with an editor's options --------------------------------------------------


def compile_for(ed: Any, pattern: str, *, use_smartcase: bool = True) -> CompiledVimRegex:
    """Compile `pattern` with the editor's ignorecase/smartcase/iskeyword and last `~`."""
    opts = ed.options
    kw = _keyword_class(opts)
    st = search_state(ed)
    return compile_vim(
        pattern,
        bool(opts["ignorecase"]),
        bool(opts["smartcase"]) and use_smartcase,
        kw,
        st.subst_string,
        bool(opts.get("magic", True)),
    )


def _keyword_class(opts: Any) -> str | None:
    isk = opts.get("iskeyword", "@,48-57,_,192-255")
    if isk == "@,48-57,_,192-255":
        return None
    fn = getattr(opts, "keyword_chars_class", None)
    return fn() if fn else None


# -- parsing "/pat/offset" ---------------------------------------------------------------


def parse_search(text: str, sep: str) -> tuple[str, str]:
    """Split typed search text on the first unescaped `sep`: (pattern, rest).

    A backslash escapes the separator (kept escaped in the pattern, as Vim does, so
    "\\/" matches "/").  Characters inside [...] are not separators in Vim only when
    'cpo' has "l"... Vim skips over collections, so do we.
    """
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            i += 2
            continue
        if c == "[":
            j = _skip_collection(text, i)
            if j > i:
                i = j
                continue
        if c == sep:
            return text[:i], text[i + 1 :]
        i += 1
    return text, ""


def _skip_collection(text: str, i: int) -> int:
    """Index after a complete [...] starting at i, or i when it is not closed."""
    j = i + 1
    if j < len(text) and text[j] == "^":
        j += 1
    if j < len(text) and text[j] == "]":
        j += 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text):
            j += 2
            continue
        if c == "[" and j + 1 < len(text) and text[j + 1] == ":":
            end = text.find(":]", j + 2)
            if end != -1:
                j = end + 2
                continue
        if c == "]":
            return j + 1
        j += 1
    return i


def parse_offset(text: str) -> tuple[SearchOffset, str]:
    """Parse a search offset at the start of `text`; returns (offset, rest of text)."""
    p = 0
    line = end = False
    off = 0
    if p < len(text) and (text[p] in "+-" or text[p].isdigit()):
        line = True
    elif p < len(text) and text[p] in "esb":
        end = text[p] == "e"
        p += 1
    if p < len(text) and (text[p] in "+-" or text[p].isdigit()):
        m = re.match(r"[+-]?\d+", text[p:])
        if m:
            off = int(m.group(0))
            p += len(m.group(0))
        else:
            off = -1 if text[p] == "-" else 1
            p += 1
    return SearchOffset(line, end, off, text[:p]), text[p:]


# -- the matcher ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _M:
    real: int  # real start column of the match in its first line (ignoring \zs)
    zs: Pos
    ze: Pos


#: lines per slice when skipping over lines without a match
_CHUNK_LINES = 2048


class _Matcher:
    """Finds "the first match starting in row at column >= col", as Vim's regexec."""

    def __init__(
        self,
        doc: _Doc,
        regex: re.Pattern[str],
        multiline: bool,
        row_regex: Callable[[int], re.Pattern[str]] | None = None,
    ) -> None:
        self.doc = doc
        self.regex = regex
        self.multiline = multiline
        #: per-line patterns (\%V): no skipping over lines in big slices then
        self.row_regex = None if multiline else row_regex
        self.nlines = doc.line_count
        self._row = -1
        self._line = ""
        self._text: str | None = None
        self._memo: tuple[int, int, re.Match[str] | None] | None = None

    def line(self, row: int) -> str:
        if row != self._row:
            self._row = row
            self._line = self.doc.line(row)
        return self._line

    def _pos(self, offset: int) -> Pos:
        doc: Any = self.doc
        if offset > len(doc):
            # just past the virtual line break after the last line
            return (self.nlines, 0)
        r, c = doc.position_of(offset)
        return (r, c)

    def _chunk(self, lo: int, hi: int) -> str:
        doc = self.doc
        start = doc.line_start(lo)
        end = doc.line_start(hi) + len(doc.line(hi))
        sl: Any = getattr(doc, "slice", None)
        if sl is not None:
            return str(sl(start, end))
        return "\n".join(doc.line(r) for r in range(lo, hi + 1))

    def _text_ml(self) -> str:
        if self._text is None:
            self._text = self.doc.text() + "\n"
        return self._text

    def _row_of(self, offset: int) -> int:
        doc: Any = self.doc
        if offset >= len(doc):
            return self.nlines - 1
        return int(doc.position_of(offset)[0])

    def next_row_with_match(self, lo: int, hi: int) -> int | None:
        """First row in [lo, hi] where a match starts."""
        if lo > hi:
            return None
        if self.row_regex is not None:
            return next((r for r in range(lo, hi + 1) if self.match_at(r, 0)), None)
        if self.multiline:
            text = self._text_ml()
            m = self.regex.search(text, self.doc.line_start(lo))
            if m is None:
                return None
            row = self._row_of(m.start())
            return row if row <= hi else None
        row = lo
        while row <= hi:
            end = min(hi, row + _CHUNK_LINES - 1)
            chunk = self._chunk(row, end)
            m = self.regex.search(chunk)
            if m is not None:
                return row + chunk.count("\n", 0, m.start())
            row = end + 1
        return None

    def prev_row_with_match(self, hi: int, lo: int) -> int | None:
        """Last row in [lo, hi] where a match starts."""
        if lo > hi:
            return None
        if self.row_regex is not None:
            return next((r for r in range(hi, lo - 1, -1) if self.match_at(r, 0)), None)
        if self.multiline:
            text = self._text_ml()
            end = self.doc.line_start(hi) + len(self.line(hi))
            last = None
            pos = self.doc.line_start(lo)
            # the last match of a non-overlapping scan, then the few rows its span covers
            while True:
                m = self.regex.search(text, pos)
                if m is None or m.start() > end:
                    break
                last = m
                pos = max(m.end(), m.start() + 1)
            if last is None:
                return None
            first_row = self._row_of(last.start())
            for row in range(hi, first_row - 1, -1):
                if self.match_at(row, 0) is not None:
                    return row
            return first_row
        row = hi
        while row >= lo:
            start = max(lo, row - _CHUNK_LINES + 1)
            chunk = self._chunk(start, row)
            last = None
            for last in self.regex.finditer(chunk):  # noqa: B007 - the last one is wanted
                pass
            if last is not None:
                return start + chunk.count("\n", 0, last.start())
            row = start - 1
        return None

    def match_at(self, row: int, col: int) -> _M | None:
        line = self.line(row)
        if not self.multiline:
            if col > len(line):
                return None
            rx = self.row_regex(row) if self.row_regex is not None else self.regex
            m = rx.search(line, col)
            if m is None:
                return None
            s, e = match_span(m)
            return _M(m.start(), (row, s), (row, e))
        if self._text is None:
            # Vim's "\n" also matches after the last line: add that line break.
            self._text = self.doc.text() + "\n"
        text = self._text
        base = self.doc.line_start(row)
        pos = base + col
        memo = self._memo
        # A search from pos finds the leftmost match at >= pos; it stays valid for any
        # later pos up to that match's start, which keeps sparse matches O(n).
        if memo is not None and memo[0] <= pos and (memo[2] is None or memo[1] >= pos):
            m = memo[2]
        else:
            m = self.regex.search(text, pos)
            self._memo = (pos, m.start() if m else len(text) + 1, m)
        if m is None or m.start() > base + len(line):
            return None
        s, e = match_span(m)
        return _M(m.start() - base, self._pos(s), self._pos(e))


_HUGE = 1 << 30


def _row_regex(
    pattern: re.Pattern[str] | CompiledVimRegex,
    visual: Callable[[int], tuple[int, int] | None] | None,
) -> Callable[[int], re.Pattern[str]] | None:
    """Per-line patterns for \\%V (None when the pattern does not use it)."""
    if not isinstance(pattern, CompiledVimRegex) or not pattern.visual or visual is None:
        return None
    compiled = pattern
    area = visual
    return lambda row: compiled.for_visual(area(row))


def visual_area(ed: Any) -> Callable[[int], tuple[int, int] | None] | None:
    """For \\%V: a function row -> (first, last) column of the Visual area in that row (None
    outside it); the current selection, else the one `gv` would reselect."""
    rng = None
    fn = getattr(ed, "visual_range", None)
    if fn is not None and str(getattr(ed, "mode", "")).startswith("visual"):
        vr = fn()
        if vr is not None:
            kind, a, b = vr
            rng = ({"char": "visual", "line": "visual_line"}.get(kind, "visual_block"), a, b)
    if rng is None:
        lv = getattr(ed, "last_visual", None)
        if not lv:
            return None
        rng = (lv[0], tuple(lv[1]), tuple(lv[2]))
    kind, a, b = rng
    (r0, c0), (r1, c1) = sorted((tuple(a), tuple(b)))  # type: ignore[arg-type]
    if kind == "visual_block":
        left, right = sorted((int(a[1]), int(b[1])))
        lv = getattr(ed, "last_visual", None)
        if lv and len(lv) > 3 and isinstance(lv[3], int) and lv[3] >= 1 << 20:
            right = _HUGE  # a block made with "$" reaches every line's end

        def block(row: int) -> tuple[int, int] | None:
            return (left, right) if r0 <= row <= r1 else None

        return block
    if kind == "visual_line":
        return lambda row: (0, _HUGE) if r0 <= row <= r1 else None

    def chars(row: int) -> tuple[int, int] | None:
        if row < r0 or row > r1:
            return None
        return (c0 if row == r0 else 0, c1 if row == r1 else _HUGE)

    return chars


def _as_compiled(pattern: re.Pattern[str] | CompiledVimRegex) -> tuple[re.Pattern[str], bool]:
    if isinstance(pattern, CompiledVimRegex):
        return pattern.regex, pattern.multiline
    src = pattern.pattern
    multiline = "\n" in src or "\\n" in src or "\\A" in src or "\\Z" in src or "\\s\\S" in src
    return pattern, multiline


def find(
    doc: _Doc,
    pattern: re.Pattern[str] | CompiledVimRegex,
    start: Pos,
    *,
    forward: bool,
    wrapscan: bool,
    count: int = 1,
    accept_at_cursor: bool = False,
    match_end: bool = False,
    pattern_text: str = "",
    visual: Callable[[int], tuple[int, int] | None] | None = None,
) -> FindResult:
    """Search as Vim's searchit() from `start`; `count` times.

    `accept_at_cursor` is Vim's SEARCH_START (a match at `start` counts); `match_end` is
    SEARCH_END (positions compare against the match end, used for `e` offsets).
    `pattern_text` is quoted in the error messages.
    """
    regex, multiline = _as_compiled(pattern)
    mt = _Matcher(doc, regex, multiline, _row_regex(pattern, visual))
    pos = start
    wrapped = False
    last: _M | None = None
    for i in range(max(1, count)):
        # a match at `start` counts for the first match only: later ones start from the
        # match found (else a count would find the same match again)
        accept = accept_at_cursor and i == 0
        res, did_wrap = _search_once(mt, pos, forward, wrapscan, accept, match_end)
        wrapped = wrapped or did_wrap
        if res is None:
            if wrapscan:
                msg = f"E486: Pattern not found: {pattern_text}"
            elif forward:
                msg = f"E385: Search hit BOTTOM without match for: {pattern_text}"
            else:
                msg = f"E384: Search hit TOP without match for: {pattern_text}"
            return FindResult(False, wrapped=wrapped, message=msg)
        last = res
        # SEARCH_END moves to the last character, except for an empty match
        pos = _end_char(mt, res.ze) if match_end and res.ze != res.zs else res.zs
    assert last is not None
    return FindResult(True, last.zs, last.ze, wrapped)


def _end_char(mt: _Matcher, ze: Pos) -> Pos:
    """The position of the last character of a match ending (exclusive) at `ze`."""
    r, c = ze
    if c == 0:
        if r > 0:
            return (r - 1, len(mt.line(r - 1)))
        return (r, 0)
    return (r, c - 1)


def _search_once(
    mt: _Matcher,
    start: Pos,
    forward: bool,
    wrapscan: bool,
    accept: bool,
    match_end: bool,
) -> tuple[_M | None, bool]:
    nlines = mt.nlines
    srow, scol = start
    if forward:
        extra = 0 if accept else 1
    else:
        extra = 1 if accept else 0
    if srow < 0:
        # starting before the first line (after an offset moved past the start)
        srow, lnum, at_first = 0, 0, False
    elif not forward and scol == 0 and not accept:
        lnum = srow - 1
        at_first = False
    else:
        lnum = srow
        at_first = True
    wrapped = False
    for loop in (0, 1):
        while 0 <= lnum < nlines:
            if True:
                # Jump over lines without a match (slices of text, or one search of the
                # whole text for multi-line patterns); the line found is then searched
                # exactly as Vim does.
                if forward and not at_first:
                    hi = min(srow, nlines - 1) if loop else nlines - 1
                    nxt = mt.next_row_with_match(lnum, hi)
                    if nxt is None:
                        break
                    lnum = nxt
                elif not forward and (loop or lnum != srow):
                    lo = srow if loop else 0
                    prv = mt.prev_row_with_match(lnum, lo)
                    if prv is None:
                        break
                    lnum = prv
            if forward:
                if at_first:
                    r = _first_line_forward(mt, lnum, scol + extra, match_end)
                else:
                    r = mt.match_at(lnum, 0)
            else:
                r = _last_in_line(mt, lnum, start, extra, match_end, bool(loop))
            if r is not None:
                return r, wrapped
            if loop and lnum == srow:
                break
            lnum += 1 if forward else -1
            at_first = False
        if not wrapscan or loop:
            break
        lnum = 0 if forward else nlines - 1
        at_first = False
        wrapped = True
    return None, wrapped


def _first_line_forward(mt: _Matcher, row: int, limit: int, match_end: bool) -> _M | None:
    line = mt.line(row)
    r = mt.match_at(row, 0)
    while r is not None:
        if r.zs[0] != row:
            return r
        if match_end:
            skip = r.ze[0] == row and r.ze[1] - 1 < limit
        else:
            at_nul = 1 if r.zs[1] >= len(line) else 0
            skip = r.zs[1] - at_nul < limit
        if not skip:
            return r
        # Vim's default 'cpoptions' has "c": continue at the end of the match.
        if r.ze[0] != row:
            return None
        matchcol = r.ze[1]
        if matchcol == r.zs[1] and matchcol < len(line):
            matchcol += 1
        if matchcol >= len(line):
            return None
        r = mt.match_at(row, matchcol)
    return None


def _last_in_line(
    mt: _Matcher, row: int, start: Pos, extra: int, match_end: bool, looped: bool
) -> _M | None:
    line = mt.line(row)
    srow, scol = start
    best: _M | None = None
    r = mt.match_at(row, 0)
    while r is not None:
        p = r.ze if match_end else r.zs
        if match_end:
            ok = p[0] < srow or (p[0] == srow and p[1] - 1 < scol + extra)
        else:
            ok = p[0] < srow or (p[0] == srow and p[1] < scol + extra)
        if not (looped or ok):
            break
        best = r
        # 'cpoptions' "c": the next candidate starts at the end of this match.
        if r.ze[0] != row:
            break
        matchcol = r.ze[1]
        if matchcol == r.zs[1] and matchcol < len(line):
            matchcol += 1
        if matchcol >= len(line):
            break
        r = mt.match_at(row, matchcol)
    return best


# -- hlsearch -------------------------------------------------------------------------------


def matches_in_rows(
    doc: _Doc,
    pattern: re.Pattern[str] | CompiledVimRegex,
    row_start: int,
    row_end: int,
    visual: Callable[[int], tuple[int, int] | None] | None = None,
) -> list[tuple[int, int, int]]:
    """Match spans (row, col_start, col_end) in rows [row_start, row_end) for hlsearch.

    Multi-line matches are reported per row they cover (to the end of each line).
    Empty matches are reported with col_end = col_start + 1 (Vim shows one cell).
    """
    regex, multiline = _as_compiled(pattern)
    out: list[tuple[int, int, int]] = []
    row_end = min(row_end, doc.line_count)
    if row_start >= row_end:
        return out
    if not multiline:
        per_row = _row_regex(pattern, visual)
        for row in range(row_start, row_end):
            line = doc.line(row)
            rx = per_row(row) if per_row is not None else regex
            pos = 0
            while pos <= len(line):
                m = rx.search(line, pos)
                if m is None:
                    break
                s, e = match_span(m)
                out.append((row, s, max(e, s + 1) if e == s else e))
                pos = max(m.end(), m.start() + 1, e if e > s else s + 1)
        return out
    # Multi-line: search a window of text starting one line early (matches may begin
    # above the first visible row) and ending at the last visible row.
    first = max(0, row_start - 1)
    base = doc.line_start(first)
    stop_row = row_end - 1
    end_off = doc.line_start(stop_row) + len(doc.line(stop_row))
    text = doc.text()
    pos = base
    doc_any: Any = doc
    while pos <= end_off:
        m = regex.search(text, pos)
        if m is None or m.start() > end_off:
            break
        s, e = match_span(m)
        sr, sc = doc_any.position_of(s)
        er, ec = doc_any.position_of(e)
        if e == s:
            ec = sc + 1
        for row in range(sr, er + 1):
            if row < row_start or row >= row_end:
                continue
            c0 = sc if row == sr else 0
            c1 = ec if row == er else len(doc.line(row)) + 1
            out.append((row, c0, c1))
        pos = max(m.end(), m.start() + 1)
    return out


def highlight_matches(ed: Any, row_start: int, row_end: int) -> list[tuple[int, int, int]]:
    """hlsearch spans for the editor's last search (empty when off, after :noh or bad)."""
    st = search_state(ed)
    pat = getattr(ed, "last_search", None) or st.pattern
    if not pat or st.no_highlight or not ed.options["hlsearch"]:
        return []
    try:
        compiled = compile_for(ed, pat, use_smartcase=not st.no_smartcase)
    except VimRegexError:
        return []
    area = visual_area(ed) if compiled.visual else None
    return matches_in_rows(ed.doc, compiled, row_start, row_end, area)


# -- offsets ------------------------------------------------------------------------------


def _inc(doc: _Doc, pos: Pos) -> tuple[Pos, int]:
    """Vim's inc(): 0 moved within the line, 2 onto its end, 1 to the next line, -1 at EOF."""
    r, c = pos
    n = len(doc.line(r))
    if c < n:
        c += 1
        return (r, c), (0 if c < n else 2)
    if r + 1 < doc.line_count:
        return (r + 1, 0), 1
    return pos, -1


def _dec(doc: _Doc, pos: Pos) -> tuple[Pos, int]:
    """Vim's dec(): 0 moved within the line, 1 to the end of the previous line, -1 at BOF."""
    r, c = pos
    if c > 0:
        return (r, min(c, len(doc.line(r))) - 1 if min(c, len(doc.line(r))) > 0 else 0), 0
    if r > 0:
        return (r - 1, len(doc.line(r - 1))), 1
    return pos, -1


def _move_chars(doc: _Doc, pos: Pos, n: int) -> tuple[Pos, bool]:
    """Vim's incl()/decl() n times (negative: back), skipping line ends.

    Returns (position, stopped at the edge of the buffer)."""
    for _ in range(abs(n)):
        if n > 0:
            pos, r = _inc(doc, pos)
            if r >= 1 and pos[1]:
                pos, r = _inc(doc, pos)
        else:
            pos, r = _dec(doc, pos)
            if r == 1 and pos[1]:
                pos, r = _dec(doc, pos)
        if r == -1:
            return pos, True
    return pos, False


# -- the normal-mode commands ---------------------------------------------------------------


def search(
    ed: Any,
    pattern_text: str,
    *,
    forward: bool,
    count: int = 1,
    offset: str = "",
    start: Pos | None = None,
    remember: bool = True,
    keep_direction: bool = False,
) -> SearchMotion | None:
    """Run a `/` (forward) or `?` search for `pattern_text` with `offset` text.

    An empty pattern means the last search pattern (E35 when there is none).  The offset
    text may chain further searches (`e;/next/`).  Sets the search state, `ed.last_search`
    and the "/" register, and the message (wrap warning) or error.  Does not move the
    cursor; returns the motion or None on failure.
    """
    st = search_state(ed)
    if not pattern_text:
        prev = getattr(ed, "last_search", None) or st.pattern
        if not prev:
            ed.set_error("E35: No previous regular expression")
            return None
        pattern_text = prev
    off, rest = parse_offset(offset)
    if remember:
        # In a ";" chain n/N keep the direction of the first search (Vim does so).
        direction = st.forward if keep_direction else forward
        st.pattern = pattern_text
        st.forward = direction
        st.offset = off
        st.no_highlight = False
        st.no_smartcase = False
        st.last_used = "search"
        _remember_pattern(ed, pattern_text)
        _sync_editor(ed, direction, off)
    pos = start if start is not None else tuple(ed.cursor)
    motion = _do_search(ed, pattern_text, forward, count, off, pos)  # type: ignore[arg-type]
    if motion is None:
        return None
    rest = rest.lstrip()
    if rest.startswith(";") and len(rest) > 1 and rest[1] in "/?":
        sep = rest[1]
        pat2, off2 = parse_search(rest[2:], sep)
        return search(
            ed,
            pat2,
            forward=sep == "/",
            count=count,  # Vim applies the count to every search of the chain
            offset=off2,
            start=motion.position,
            remember=remember,
            keep_direction=True,
        )
    if rest.strip():
        ed.set_error(f"E488: Trailing characters: {rest.strip()}")
        return None
    return motion


def _sync_editor(ed: Any, forward: bool, off: SearchOffset) -> None:
    """Mirror direction and offset into the Editor's own fields when it has them."""
    if hasattr(ed, "search_forward"):
        ed.search_forward = forward
    if hasattr(ed, "search_offset"):
        ed.search_offset = off.text


def _remember_pattern(ed: Any, pattern: str) -> None:
    try:
        ed.last_search = pattern
    except AttributeError:
        pass
    regs = getattr(ed, "registers", None)
    if regs is not None and hasattr(regs, "set_special"):
        regs.set_special("/", pattern)




def _do_search(
    ed: Any,
    pattern_text: str,
    forward: bool,
    count: int,
    off: SearchOffset,
    pos: Pos,
    use_smartcase: bool = True,
) -> SearchMotion | None:
    doc = ed.doc
    try:
        compiled = compile_for(ed, pattern_text, use_smartcase=use_smartcase)
    except VimRegexError as exc:
        ed.set_error(exc.message)
        return None
    # Start the search before the character offset so "?pat?e+2" and "/pat/s-2" do not
    # find the same match again (Vim does this for character offsets only).
    accept = False
    if not off.line and off.off:
        pos, edge = _move_chars(doc, pos, -off.off)
        if edge and off.off > 0:
            pos = (-1, 0)  # Vim: "before the first line", any match in line 1 counts
        elif edge:
            pos = (doc.line_count, 0)  # "after the last line"
    res = find(
        doc,
        compiled,
        pos,
        forward=forward,
        wrapscan=bool(ed.options["wrapscan"]),
        count=count,
        accept_at_cursor=accept,
        match_end=off.end,
        pattern_text=pattern_text,
        visual=visual_area(ed) if compiled.visual else None,
    )
    if not res.found:
        ed.set_error(res.message or f"E486: Pattern not found: {pattern_text}")
        return None
    if res.wrapped:
        ed.set_message(BOT_TOP_MSG if forward else TOP_BOT_MSG)
    else:
        sep = "/" if forward else "?"
        ed.set_message(sep + pattern_text + (sep + off.text if off.text else ""))
    if off.line:
        row = max(0, min(doc.line_count - 1, res.start[0] + off.off))
        target: Pos = (row, 0)
    else:
        if off.end and res.end != res.start:
            target = _end_pos(doc, res.end)
        else:
            target = res.start
        if off.off:
            target, _edge = _move_chars(doc, target, off.off)
    return SearchMotion(
        target,
        linewise=off.line,
        inclusive=off.end and not off.line,
        wrapped=res.wrapped,
        match_start=res.start,
        match_end=res.end,
    )


def _end_pos(doc: _Doc, end: Pos) -> Pos:
    r, c = end
    if c == 0:
        if r > 0:
            return (r - 1, len(doc.line(r - 1)))
        return (0, 0)
    return (r, c - 1)


def search_command(
    ed: Any, text: str, *, forward: bool = True, count: int = 1
) -> SearchMotion | None:
    """Run the text typed after `/` (forward) or `?`: "pat", "pat/e+1", "pat/;/other/"."""
    pat, offset = parse_search(text, "/" if forward else "?")
    if not pat:
        # "//e" keeps the last pattern with a new offset; "/" alone keeps the old offset.
        st = search_state(ed)
        if not offset and text == "":
            offset = st.offset.text
    return search(ed, pat, forward=forward, count=count, offset=offset)


def search_next(ed: Any, *, reverse: bool = False, count: int = 1) -> SearchMotion | None:
    """`n` (reverse=False) and `N`: repeat the last search with its offset."""
    st = search_state(ed)
    pat = getattr(ed, "last_search", None) or st.pattern
    if not pat:
        ed.set_error("E35: No previous regular expression")
        return None
    base_forward = getattr(ed, "search_forward", st.forward)
    offset = st.offset
    ed_off = getattr(ed, "search_offset", None)
    if isinstance(ed_off, str) and ed_off != offset.text:
        offset = parse_offset(ed_off)[0]
    forward = bool(base_forward) != reverse
    st.no_highlight = False
    use_scs = not (st.no_smartcase and pat == st.pattern)
    motion = _do_search(
        ed,
        pat,
        forward,
        count,
        offset,
        tuple(ed.cursor),
        use_smartcase=use_scs,  # type: ignore[arg-type]
    )
    return motion


def search_word(
    ed: Any,
    word: str,
    *,
    forward: bool,
    whole: bool,
    count: int = 1,
    start: Pos | None = None,
) -> SearchMotion | None:
    """`*` `#` (whole=True) and `g*` `g#`: search for a word (smartcase is not used).

    Vim starts the search from the start of the word under the cursor: pass it as `start`.
    """
    esc = re.sub(r"([\\/.*$^~\[])", r"\\\1", word)
    if whole:
        esc = f"\\<{esc}\\>"
    st = search_state(ed)
    st.pattern = esc
    st.forward = forward
    st.offset = SearchOffset()
    st.no_highlight = False
    st.no_smartcase = True
    st.last_used = "search"
    _remember_pattern(ed, esc)
    _sync_editor(ed, forward, st.offset)
    doc = ed.doc
    opts = ed.options
    try:
        compiled = compile_vim(
            esc, bool(opts["ignorecase"]), False, _keyword_class(opts), st.subst_string
        )
    except VimRegexError as exc:
        ed.set_error(exc.message)
        return None
    res = find(
        doc,
        compiled,
        start if start is not None else tuple(ed.cursor),  # type: ignore[arg-type]
        forward=forward,
        wrapscan=bool(opts["wrapscan"]),
        count=count,
        pattern_text=esc,
    )
    if not res.found:
        ed.set_error(res.message or f"E486: Pattern not found: {esc}")
        return None
    ed.set_message(
        (BOT_TOP_MSG if forward else TOP_BOT_MSG)
        if res.wrapped
        else ("/" if forward else "?") + esc,
    )
    return SearchMotion(res.start, wrapped=res.wrapped, match_start=res.start, match_end=res.end)


def gn_match(ed: Any, *, forward: bool = True, count: int = 1) -> tuple[Pos, Pos] | None:
    """The match `gn` (forward) / `gN` selects: (start, end exclusive), or None with E486/E35.

    As Vim's current_search(): first search the other way without wrapping (so a match
    under the cursor is found), then `count` matches this way from there.
    """
    st = search_state(ed)
    pat = getattr(ed, "last_search", None) or st.pattern
    if not pat:
        ed.set_error("E35: No previous regular expression")
        return None
    try:
        compiled = compile_for(ed, pat, use_smartcase=not st.no_smartcase)
    except VimRegexError as exc:
        ed.set_error(exc.message)
        return None
    doc = ed.doc
    ws = bool(ed.options["wrapscan"])
    cur: Pos = (int(ed.cursor[0]), int(ed.cursor[1]))
    if forward:
        back = find(doc, compiled, cur, forward=False, wrapscan=False, match_end=True)
        if back.found:
            start: Pos = _end_pos(doc, back.end) if back.end != back.start else back.start
            res = find(
                doc, compiled, start, forward=True, wrapscan=ws, count=count, pattern_text=pat
            )
        else:
            res = find(
                doc,
                compiled,
                (0, 0),
                forward=True,
                wrapscan=ws,
                count=count,
                accept_at_cursor=True,
                pattern_text=pat,
            )
    else:
        fwd = find(doc, compiled, cur, forward=True, wrapscan=False)
        if fwd.found:
            start = fwd.start
        else:
            last = doc.line_count - 1
            start = (last, len(doc.line(last)))
        res = find(
            doc,
            compiled,
            start,
            forward=False,
            wrapscan=ws,
            count=count,
            accept_at_cursor=not fwd.found,
            match_end=True,
            pattern_text=pat,
        )
    if not res.found:
        ed.set_error(res.message or f"E486: Pattern not found: {pat}")
        return None
    return res.start, res.end


class Searcher:
    """Object form of this module for an Editor (`ed.searcher()`)."""

    def __init__(self, ed: Any) -> None:
        self.ed = ed

    @property
    def state(self) -> SearchState:
        """The editor's SearchState."""
        return search_state(self.ed)

    def command(self, text: str, *, forward: bool = True, count: int = 1) -> SearchMotion | None:
        """The text typed after `/` or `?` (see `search_command`)."""
        return search_command(self.ed, text, forward=forward, count=count)

    def search(
        self, pattern: str, *, forward: bool, count: int = 1, offset: str = ""
    ) -> SearchMotion | None:
        """A search for `pattern` with an `offset` (see `search`)."""
        return search(self.ed, pattern, forward=forward, count=count, offset=offset)

    def next(self, *, reverse: bool = False, count: int = 1) -> SearchMotion | None:
        """`n` / `N`."""
        return search_next(self.ed, reverse=reverse, count=count)

    def word(
        self,
        word: str,
        *,
        forward: bool,
        whole: bool,
        count: int = 1,
        start: Pos | None = None,
    ) -> SearchMotion | None:
        """`*` `#` `g*` `g#`."""
        return search_word(self.ed, word, forward=forward, whole=whole, count=count, start=start)

    def matches(self, row_start: int, row_end: int) -> list[tuple[int, int, int]]:
        """hlsearch spans (see `highlight_matches`)."""
        return highlight_matches(self.ed, row_start, row_end)

    def gn(self, *, forward: bool = True, count: int = 1) -> tuple[Pos, Pos] | None:
        """The match `gn` / `gN` selects (see `gn_match`)."""
        return gn_match(self.ed, forward=forward, count=count)

    def nohlsearch(self) -> None:
        """`:nohlsearch`: hide highlighting until the next search."""
        search_state(self.ed).no_highlight = True
