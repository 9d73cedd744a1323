"""Building the prompt for a hint: the text before the cursor within a budget, with the
document's title and heading path when the budget cuts them off.

The window's start moves in steps (`quantum` characters) rather than with every keystroke:
the model backend reuses its KV cache for the longest common token prefix, so a prompt that
starts at the same place as the last one costs only its new tail, while a window sliding one
character per key would have to be evaluated from scratch each time.

All scans here are backwards from the cut with `str.rfind`, so a 10 MB document costs
microseconds, never a pass over the whole text on the event loop.
"""

from __future__ import annotations

import re

#: Rough characters per token used to turn a token budget into characters. Conservative
#: (real tokenizers average ~4 characters per token on English prose), so the prompt
#: rarely overflows a small context and gets cut again by the backend.
CHARS_PER_TOKEN = 3.0

#: The text after the cursor sent for fill-in-the-middle, at most this many characters.
SUFFIX_CHARS = 1024

_HEADING = re.compile(r"(#{1,6})[ \t]+\S")
_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def budget_chars(context_tokens: int, chars_per_token: float = CHARS_PER_TOKEN) -> int:
    """Characters of text before the cursor to send for a budget of `context_tokens`."""
    return max(16, int(context_tokens * chars_per_token))


def heading_path(text: str, end: int) -> list[str]:
    """The Markdown headings in force at offset `end` of `text`, outermost first.

    Walks back from `end` to the nearest heading, then to the nearest one of a higher level,
    and so on up to level 1 (ATX headings only; a `#` line inside a code fence may be taken
    for one, an accepted imprecision for a prompt hint).
    """
    path: list[str] = []
    below = 7  # only headings of a level lower than this are still wanted
    pos = end
    while below > 1 and pos > 0:
        k = text.rfind("\n#", 0, pos)
        if k >= 0:
            start = k + 1
        elif text.startswith("#"):
            start = 0
        else:
            break
        stop = text.find("\n", start, end)
        line = text[start : stop if stop >= 0 else end].rstrip()
        m = _HEADING.match(line)
        if m and len(m.group(1)) < below:
            path.append(line)
            below = len(m.group(1))
        if start == 0:
            break
        pos = start - 1
    path.reverse()
    return path


def front_matter_title(text: str) -> str | None:
    """The `title:` of a YAML front-matter block at the top of `text`, if any."""
    if not text.startswith("---\n"):
        return None
    close = text.find("\n---", 4, 4096)
    if close < 0:
        return None
    m = _TITLE.search(text, 4, close)
    return m.group(1).strip("\"'") if m else None


def window_start(prefix: str, budget: int, quantum: int | None = None) -> int:
    """Where the prompt window starts in `prefix` (0 when it all fits).

    The start is a multiple of `quantum` (default budget // 8) moved forward to the next line
    or word start within one quantum, so it stays put while the writer types on.
    """
    n = len(prefix)
    if n <= budget:
        return 0
    q = max(1, quantum or budget // 8)
    start = ((n - budget) // q + 1) * q
    limit = min(n, start + q)
    nl = prefix.find("\n", start, limit)
    if nl >= 0:
        return nl + 1
    sp = prefix.find(" ", start, limit)
    return sp + 1 if sp >= 0 else start


def build_prompt(prefix: str, budget: int, quantum: int | None = None) -> str:
    """The prompt for a hint at the end of `prefix` (see the module docstring).

    When the window leaves out the start of the document, the title (front matter) and the
    heading path at the cut come first, one per paragraph, so the model still knows where
    in the document it is writing.
    """
    start = window_start(prefix, budget, quantum)
    if start == 0:
        return prefix
    header = heading_path(prefix, start)
    if not any(h.startswith("# ") for h in header):
        title = front_matter_title(prefix)
        if title:
            header.insert(0, f"# {title}")
    window = prefix[start:]
    if not header:
        return window
    return "\n\n".join(header) + "\n\n" + window


def suffix_for_request(suffix: str, limit: int = SUFFIX_CHARS) -> str | None:
    """The text after the cursor to send, or None when there is nothing but whitespace."""
    head = suffix[:limit]
    return head if head.strip() else None
