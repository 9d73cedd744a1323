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

Everything here is pure and works on lists of line strings (no trailing "\\n").
"""

from __future__ import annotations

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
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$"
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
    state and forced flag: scanning stops at the first such row (after the first line) whose boundary is
    still valid with the same state, so an edit only re-chunks until the chunking is back
    in step. `front` is `front_matter_state(...)` of the whole document when `start_row`
    is 0 (it needs to look ahead). Returns the chunks and the row where scanning stopped.
    """
    specs: list[ChunkSpec] = []
    cur_start = start_row
    cur_state = state
    cur_forced = forced
    cur_bytes = 0
    prev = ""
    prev_blank = True
    st = state
    st_front = front if start_row == 0 else None
    row = start_row - 1
    for i, line in enumerate(lines):
        row = start_row + i
        if i > 0:
            if stop_at is not None and row in stop_at:
                old_state, old_forced = stop_at[row]
                if old_state == st and (old_forced or natural_boundary(prev, line)):
                    specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                    return specs, row
            if st is None and cur_bytes >= min_bytes and natural_boundary(prev, line):
                specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                cur_start, cur_state, cur_forced, cur_bytes = row, None, False, 0
            elif cur_bytes >= max_bytes and not front_like(line):
                specs.append(ChunkSpec(cur_start, row, cur_state, cur_forced))
                cur_start, cur_state, cur_forced, cur_bytes = row, st, True, 0
        cur_bytes += len(line) + 1
        if row == 0 and st_front is not None:
            st = st_front
        else:
            st = step(st, line, prev_blank)
        prev = line
        prev_blank = is_blank(line)
    end = row + 1
    if end > cur_start:
        specs.append(ChunkSpec(cur_start, end, cur_state, cur_forced))
    return specs, end
