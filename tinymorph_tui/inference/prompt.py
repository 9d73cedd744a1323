"""Building a model's context from a document and a cursor.

The prompt is the text before the cursor within a token budget, preceded by a short header
(the document's title and the path of Markdown headings that enclose the excerpt, so the
model knows what it is writing even when the heading scrolled out of the budget). The text
after the cursor becomes the fill-in-the-middle suffix when the model has FIM tokens.

The excerpt starts at a paragraph (or line) boundary and only moves when it must, by a whole
paragraph: as the writer types, the prompt grows at its end and keeps its beginning, so the
backend's KV prefix cache stays valid and only the new tail is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Characters per token assumed when no tokenizer is at hand (English prose is ~4).
CHARS_PER_TOKEN = 4

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class PromptContext:
    """What to send: `prompt` (header + excerpt), `suffix` (FIM, or None), and where the
    excerpt starts in the document (`start`, a str offset)."""

    prompt: str
    suffix: str | None
    header: str
    start: int


def headings(text: str) -> list[tuple[int, int, str]]:
    """ATX headings outside fenced code: (offset of the line, level, title)."""
    out: list[tuple[int, int, str]] = []
    fence: str | None = None
    offset = 0
    for line in text.split("\n"):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        elif fence is None:
            match = _HEADING.match(line)
            if match:
                out.append((offset, len(match.group(1)), match.group(2)))
        offset += len(line) + 1
    return out


def heading_path(text: str, offset: int) -> list[tuple[int, str]]:
    """The headings whose sections enclose `offset`, outermost first: (level, title)."""
    path: list[tuple[int, str]] = []
    for start, level, title in headings(text[:offset]):
        if start >= offset:
            break
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, title))
    return path


def document_title(text: str, path: Path | str | None = None) -> str | None:
    """The first level-1 heading, else the file name without its extension, else None."""
    for _start, level, title in headings(text):
        if level == 1:
            return title
    if path is not None:
        return Path(path).stem or None
    return None


def _excerpt_start(text: str, cursor: int, budget_chars: int) -> int:
    """The first paragraph start (else line start, else any char) leaving <= budget chars."""
    earliest = max(0, cursor - budget_chars)
    if earliest == 0:
        return 0
    # Any paragraph start at or after `earliest`: the first one keeps the most context.
    for m in re.finditer(r"\n[ \t]*\n", text[earliest:cursor]):
        return earliest + m.end()
    newline = text.find("\n", earliest, cursor)
    if newline >= 0:
        return newline + 1
    # One huge paragraph without newlines: cut at a quantised offset so the start only
    # moves once per budget/4 characters typed (the cache stays valid in between).
    step = max(1, budget_chars // 4)
    start = -(-earliest // step) * step
    space = text.find(" ", start, cursor)
    return space + 1 if 0 <= space < start + step else min(start, cursor)


def build_context(
    text: str,
    cursor: int,
    *,
    title: str | None = None,
    budget_tokens: int = 512,
    suffix_tokens: int = 128,
    fim: bool = False,
    count_tokens: Callable[[str], int] | None = None,
) -> PromptContext:
    """The context for a completion at `cursor` (a str offset into `text`).

    `title` is the document's title (see `document_title`); `fim` says the model can use a
    suffix; `count_tokens` (e.g. `LocalBackend.count_tokens`) makes the budget exact,
    otherwise ~4 characters per token are assumed.
    """
    cursor = max(0, min(cursor, len(text)))
    budget_chars = max(16, budget_tokens * CHARS_PER_TOKEN)
    start = _excerpt_start(text, cursor, budget_chars)
    if count_tokens is not None:
        # The estimate was too generous for this text: drop paragraphs until it fits.
        while start < cursor and count_tokens(text[start:cursor]) > budget_tokens:
            nxt = _excerpt_start(text, cursor, max(1, cursor - start - 1))
            if nxt <= start:
                break
            start = nxt
    excerpt = text[start:cursor]
    header_lines: list[str] = []
    path = heading_path(text, start) if start > 0 else []
    if title and not (path and path[0][0] == 1 and path[0][1] == title):
        if not excerpt.lstrip().startswith("# " + title):
            header_lines.append(f"# {title}")
    header_lines += ["#" * level + " " + name for level, name in path]
    header = "\n".join(header_lines) + "\n\n" if header_lines else ""
    suffix: str | None = None
    if fim:
        after = text[cursor : cursor + max(16, suffix_tokens * CHARS_PER_TOKEN)]
        suffix = after if after.strip() else None
    return PromptContext(prompt=header + excerpt, suffix=suffix, header=header, start=start)
