"""Split a Markdown document into independently parseable chunks at top-level block boundaries.

The Markdown grammar is not local (an incremental reparse after a one-character edit still
costs ~0.5 s at 10 MB), so the highlighter parses the document in chunks and reparses only
the chunk an edit touches. A chunk may start before line `i` when

* line `i - 1` is blank and line `i` starts in column 0 with a non-blank character: a blank
  line ends paragraphs, quotes, tables and lazy continuations, and a list item or indented
  code block can only continue on an *indented* line; and
* line `i` is not `---` / `+++` (a chunk starting so would parse it as front matter); and
* no multi-line construct that survives blank lines is open: a fenced code block, an HTML
  block of CommonMark types 1-5 (`<script>`, `<pre>`, `<style>`, `<textarea>`, comments,
  `<?...?>`, `<!X...>`, CDATA), or front matter at the top of the file.

Chunks grow to at least `min_bytes` before splitting at such a boundary (fewer, larger
chunks parse faster in total). A chunk that reaches `max_bytes` without one is split anyway
at the next line (a *forced* split). If that happens inside an open construct, the next chunk
is parsed with the construct's opening line as a prefix (`ScanState.opener`), so a giant
fenced block is still highlighted as code on both sides of the split.

HTML blocks of types 6-7 (`<div>` and other lone tags) end at a blank line, so they never
block a boundary; they are tracked only so that a "```" line inside one is not taken for a
fence.

Two scanners give identical chunks (a property test checks): `split_lines` walks a list
of lines and re-chunks the region around an edit; `split_text` finds the same boundaries
in a whole text with regular expressions, to chunk a 10 MB file as it opens. Everything here
is pure: lines are strings without their "\\n".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

MIN_CHUNK_BYTES = 32 * 1024
MAX_CHUNK_BYTES = 1024 * 1024
#: Front matter must close within this many lines, or `---` is a thematic break to us.
FRONT_MATTER_MAX_LINES = 2000

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_HTML_1 = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)", re.IGNORECASE)
_HTML_END_1 = re.compile(r"</(script|pre|style|textarea)>", re.IGNORECASE)
_HTML_6 = re.compile(
    r"^ {0,3}</?(address|article|aside|base|basefont|blockquote|body|caption|center|col|"
    r"colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|"
    r"frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|"
    r"menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|"
    r"td|tfoot|th|thead|title|tr|track|ul)(?=[\s>]|/>|$)",
    re.IGNORECASE,
)
_HTML_7 = re.compile(
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*"  # an open tag ...
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"  # attributes
    r"\s*/?>"
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$"  # ... or a closing tag, alone on its line
)


@dataclass(frozen=True)
class ScanState:
    """An open multi-line construct at a line boundary (None means "top level").

    `kind` is "fence", "html" (ends at `end`), "html_blank" (HTML types 6-7, ends at a
    blank line) or "front" (front matter). `opener` is the construct's first line: it is
    prefixed to a chunk that starts inside the construct after a forced split.
    """

    kind: Literal["fence", "html", "html_blank", "front"]
    opener: str
    end: str = ""
    fence_len: int = 0


State = ScanState | None


def is_blank(line: str) -> bool:
    """Blank in the CommonMark sense: only spaces and tabs."""
    return not line.strip(" \t")


def natural_boundary(prev_line: str, line: str) -> bool:
    """Whether a chunk may start at `line` given the line before it (outside constructs)."""
    return (
        is_blank(prev_line)
        and bool(line)
        and line[0] not in " \t"
        and not is_blank(line)
        and not front_like(line)
    )


def front_like(line: str) -> bool:
    """A chunk must not start with "---"/"+++": its parse would take it for front matter."""
    return line.rstrip() in ("---", "+++")


def step(state: State, line: str, prev_blank: bool) -> State:
    """The scan state after `line`, given the state before it."""
    if state is None:
        return _open(line, prev_blank)
    kind = state.kind
    if kind == "fence":
        m = _FENCE_CLOSE.match(line)
        if m and m.group(1)[0] == state.end and len(m.group(1)) >= state.fence_len:
            return None
        return state
    if kind == "html":
        if state.end == "1":
            return None if _HTML_END_1.search(line) else state
        return None if state.end in line else state
    if kind == "html_blank":
        return None if is_blank(line) else state
    # front matter: closes on "---" / "..." (or "+++" for TOML front matter)
    stripped = line.rstrip()
    if stripped == state.end or (state.end == "---" and stripped == "..."):
        return None
    return state


def _open(line: str, prev_blank: bool) -> State:
    if not line or line[0] not in " \t<`~" or (line[0] in " \t" and not line.startswith(" ")):
        return None
    m = _FENCE_OPEN.match(line)
    if m:
        marker, info = m.group(1), m.group(2)
        if marker[0] == "`" and "`" in info:
            return None  # a code span, not a fence
        return ScanState("fence", line, end=marker[0], fence_len=len(marker))
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("<"):
        return None
    if _HTML_1.match(line):
        return None if _HTML_END_1.search(line) else ScanState("html", line, end="1")
    for opener, end in (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>")):
        if stripped.startswith(opener):
            return None if end in stripped[len(opener) :] else ScanState("html", line, end=end)
    if len(stripped) > 2 and stripped[1] == "!" and stripped[2].isalpha():
        return None if ">" in stripped[2:] else ScanState("html", line, end=">")
    if _HTML_6.match(line) or (prev_blank and _HTML_7.match(line)):
        return ScanState("html_blank", line)
    return None


def front_matter_state(lines: Iterable[str]) -> State:
    """The state after line 0 when it opens front matter that closes in time, else None."""
    it = iter(lines)
    first = next(it, None)
    if first is None or first.rstrip() not in ("---", "+++"):
        return None
    closer = first.rstrip()
    for count, line in enumerate(it):
        if count >= FRONT_MATTER_MAX_LINES:
            break
        stripped = line.rstrip()
        if stripped == closer or (closer == "---" and stripped == "..."):
            return ScanState("front", first, end=closer)
    return None


@dataclass(frozen=True)
class ChunkSpec:
    """Rows `[start, end)` of the document form one chunk, scanned from `state`."""

    start: int
    end: int
    state: State
    forced: bool


def prefix_for(state: State) -> str:
    """Text to parse before a chunk that starts in `state` (after a forced split)."""
    if state is None or state.kind == "front":
        # front matter only exists at the top of the file; a forced split inside it (an
        # enormous YAML header) parses the rest as plain Markdown.
        return ""
    return state.opener + "\n"


def split_lines(
    lines: Iterable[str],
    *,
    min_bytes: int = MIN_CHUNK_BYTES,
    max_bytes: int = MAX_CHUNK_BYTES,
    start_row: int = 0,
    state: State = None,
    forced: bool = False,
    stop_at: dict[int, tuple[State, bool]] | None = None,
    front: State = None,
) -> tuple[list[ChunkSpec], int]:
    """Chunk `lines` (document rows `start_row`...) starting in scan `state`.

    `stop_at` maps document rows where an existing chunk starts to that chunk's start
    state and forced flag: scanning stops at the first such row (after the first line)
    whose boundary is still valid with the same state, so an edit only re-chunks until the
    chunking is back in step. `front` is `front_matter_state(...)` of the whole document
    when `start_row` is 0 (it needs to look ahead). Returns the chunks and the row where
    scanning stopped.
    """
    # This loop runs over every line of a file when it is opened (490k lines at 10 MB), so
    # the common case (top level, ordinary line) is kept to a few cheap operations.
    specs: list[ChunkSpec] = []
    cur_start = start_row
    cur_state = state
    cur_forced = forced
    cur_bytes = 0
    prev_blank = True
    st = state
    st_front = front if start_row == 0 else None
    row = start_row - 1
    for row, line in enumerate(lines, start_row):
        if row > start_row:
            # natural boundary: after a blank line, at a column-0 line that is not "---"
            natural = prev_blank and line[:1] not in _NOT_AT_COL0 and line.rstrip() not in _FRONT
            if stop_at and row in stop_at:
                old_state, old_forced = stop_at[row]
                if old_state == st and (old_forced or natural):
                    specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                    return specs, row
            # a line that would overflow the chunk starts a new one (a 50 MB line must
            # not drag its neighbours into a chunk too big to parse)
            big = cur_bytes + len(line) >= max_bytes
            if natural and st is None and (cur_bytes >= min_bytes or big):
                specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                cur_start, cur_state, cur_forced, cur_bytes = row, None, False, 0
            elif big and line.rstrip() not in _FRONT:
                specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                cur_start, cur_state, cur_forced, cur_bytes = row, st, True, 0
        cur_bytes += len(line) + 1
        if st is None:
            if line[:1] in _MAY_OPEN:
                st = st_front if row == 0 and st_front is not None else _open(line, prev_blank)
        else:
            st = step(st, line, prev_blank)
        # blank = only spaces/tabs; strip() copies the line, so only when it starts blank
        prev_blank = not line or (line[0] in " \t" and not line.strip(" \t"))
    end = row + 1
    if end > cur_start:
        specs.append(ChunkSpec(cur_start, end, cur_state, cur_forced))
    return specs, end


_NOT_AT_COL0 = {"", " ", "\t"}
_FRONT = {"---", "+++"}
#: First characters of lines that can open a construct (fence, HTML block, front matter).
_MAY_OPEN = {" ", "<", "`", "~", "-", "+"}


# A line that may open a construct (a fence, an HTML block) at top level. The patterns
# start with a literal "\n" (the end of the line before) because the regex engine scans
# for a literal prefix far faster than it tries "^" in MULTILINE mode at every position.
_SPECIAL_LINE = re.compile(r"\n {0,3}[`~<]")
_SPECIAL_FIRST = re.compile(r" {0,3}[`~<]")
# A blank line followed by a column-0 line (m.end() is a candidate natural boundary).
_AFTER_BLANK = re.compile(r"\n[ \t]*\n(?=[^ \t\n])")
_AFTER_BLANK_FIRST = re.compile(r"[ \t]*\n(?=[^ \t\n])")
#: Regex searches are C calls that hold the GIL; searching at most this far at a time keeps
#: the UI thread's waits short while the worker chunks a big file.
_SEARCH_WINDOW = 512 * 1024


def split_text(
    text: str,
    *,
    min_bytes: int = MIN_CHUNK_BYTES,
    max_bytes: int = MAX_CHUNK_BYTES,
    front: State = None,
) -> list[ChunkSpec]:
    """Chunk a whole text; see `split_text_at`."""
    return split_text_at(text, min_bytes=min_bytes, max_bytes=max_bytes, front=front)[0]


def split_text_at(
    text: str,
    *,
    min_bytes: int = MIN_CHUNK_BYTES,
    max_bytes: int = MAX_CHUNK_BYTES,
    front: State = None,
) -> tuple[list[ChunkSpec], list[int]]:
    """`split_lines(text.split("\\n"))`, found with regular expressions instead of a Python
    loop over every line: opening a 10 MB file chunks it in tens of milliseconds.

    Only lines that can open a construct, candidate boundaries past `min_bytes`, lines that
    would overflow `max_bytes`, and the lines inside open constructs are visited in Python.
    Also returns each chunk's start offset in `text`.
    """
    specs: list[ChunkSpec] = []
    offsets: list[int] = [0]
    n = len(text)
    pos, row = 0, 0  # start of the next line to look at, and its row
    st: State = None
    prev_blank = True
    cur_pos, cur_row, cur_state, cur_forced = 0, 0, None, False

    def line_end(p: int) -> int:
        e = text.find("\n", p)
        return n if e < 0 else e

    def advance(to: int) -> None:
        nonlocal pos, row
        row += text.count("\n", pos, to)
        pos = to

    def start_chunk(state: State, forced: bool) -> None:
        nonlocal cur_pos, cur_row, cur_state, cur_forced
        specs.append(ChunkSpec(cur_row, row, cur_state, cur_forced))
        offsets.append(pos)
        cur_pos, cur_row, cur_state, cur_forced = pos, row, state, forced

    if front is not None:
        advance(line_end(0) + 1)
        st, prev_blank = front, False
    sp = -1  # next special line start (cached while still ahead)
    close_for: State = None  # the construct `close` was searched for
    close: int | None = None
    nb, nb_for = -1, -1  # next boundary candidate, and the chunk start it was found for
    while pos <= n:
        if st is not None:
            # searched once per construct (not once per line: an unclosed 10 MB fence
            # would make that quadratic)
            if close_for is not st:
                close_for, close = st, _closing_line(text, pos, st)
            if close is not None and line_end(close) - cur_pos < max_bytes:
                # the construct closes inside this chunk: jump over its lines
                end = line_end(close)
                line = text[close:end]
                st = None
                prev_blank = not line.strip(" \t")
                if end >= n:
                    advance(close)
                    break
                advance(end + 1)
                continue
            # unclosed or overflowing: line by line, with forced splits inside it
            end = line_end(pos)
            line = text[pos:end]
            if (
                row > cur_row
                and (pos - cur_pos) + len(line) >= max_bytes
                and line.rstrip() not in _FRONT
            ):
                start_chunk(st, True)
            st = step(st, line, prev_blank)
            prev_blank = not line.strip(" \t")
            if end >= n:
                break
            advance(end + 1)
            continue
        # top level: jump to the next line that matters
        if sp < pos:
            if pos == 0 and _SPECIAL_FIRST.match(text):
                sp = 0
            else:
                window = pos + _SEARCH_WINDOW
                special = _SPECIAL_LINE.search(text, max(pos - 1, 0), window)
                if special is not None:
                    sp = special.start() + 1
                elif window < n:
                    sp = max(text.rfind("\n", 0, window) + 1, pos)  # look again from there
                else:
                    sp = n + 1
        limit = cur_pos + max_bytes
        big = n + 1
        if limit <= n:
            big = max(text.rfind("\n", 0, limit) + 1, pos)  # the line that would overflow
        target = max(pos, cur_pos + min_bytes)
        if nb_for != cur_pos or nb < target:
            nb, nb_for = n + 1, cur_pos
            if target <= n:
                # the blank line before a boundary at `target` starts on the line of target-1
                probe = text.rfind("\n", 0, target - 1) + 1 if target > 1 else 0
                while True:
                    window = probe + _SEARCH_WINDOW
                    if probe == 0:
                        m = _AFTER_BLANK_FIRST.match(text) or _AFTER_BLANK.search(text, 0, window)
                    else:
                        m = _AFTER_BLANK.search(text, probe - 1, window)
                    if m is None:
                        if window < n:  # not in this window: stop there and look again
                            nb = max(text.rfind("\n", 0, window) + 1, pos)
                        break
                    cand = m.end()
                    if cand >= target and text[cand : line_end(cand)].rstrip() not in _FRONT:
                        nb = cand
                        break
                    probe = cand
        event = min(sp, big, nb)
        if event > n:
            break
        if event > pos:
            # the line before the event tells whether the event line follows a blank line
            prev_start = text.rfind("\n", 0, event - 1) + 1
            prev_blank = not text[prev_start : event - 1].strip(" \t")
            advance(event)
        end = line_end(pos)
        line = text[pos:end]
        if row > cur_row:
            natural = prev_blank and line[:1] not in _NOT_AT_COL0 and line.rstrip() not in _FRONT
            overflow = (pos - cur_pos) + len(line) >= max_bytes
            if natural and ((pos - cur_pos) >= min_bytes or overflow):
                start_chunk(None, False)
            elif overflow and line.rstrip() not in _FRONT:
                start_chunk(None, True)
        if line[:1] in _MAY_OPEN:
            st = _open(line, prev_blank)
        prev_blank = not line.strip(" \t")
        if end >= n:
            break
        advance(end + 1)
    specs.append(ChunkSpec(cur_row, row + text.count("\n", pos) + 1, cur_state, cur_forced))
    return specs, offsets


_BLANK_LINE = re.compile(r"^[ \t]*$", re.M)


@functools.cache
def _fence_closer(char: str, length: int) -> re.Pattern[str]:
    return re.compile(r"^ {0,3}" + re.escape(char) + "{" + str(length) + r",}[ \t]*$", re.M)


def _closing_line(text: str, pos: int, state: ScanState) -> int | None:
    """Start of the line at or after `pos` that closes `state` (as `step` would), or None."""
    if state.kind == "fence":
        m = _fence_closer(state.end, state.fence_len).search(text, pos)
        return m.start() if m else None
    if state.kind == "html_blank":
        m = _BLANK_LINE.search(text, pos)
        return m.start() if m else None
    if state.kind == "html":
        if state.end == "1":
            m = _HTML_END_1.search(text, pos)
            at = m.start() if m else -1
        else:
            at = text.find(state.end, pos)
        return text.rfind("\n", 0, at) + 1 if at >= 0 else None
    return None  # front matter: rare and short, scanned line by line
