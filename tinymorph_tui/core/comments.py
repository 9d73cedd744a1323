"""Comment leaders ('comments' option) as Vim's formatting uses them.

With Vim's default 'comments' ("s1:/*,mb:*,ex:*/,://,b:#,:%,:XCOMM,n:>,fb:-"), Markdown
headings ("# "), quotes ("> ") and list items ("- ", "* ") have leaders: gq / gw and
auto-wrap keep lines with different leaders in separate paragraphs, drop the leader of
joined lines and repeat it on wrapped lines ("- " only marks the first line: continuation
lines are indented to the text instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEFAULT_COMMENTS = "s1:/*,mb:*,ex:*/,://,b:#,:%,:XCOMM,n:>,fb:-"


@dataclass(frozen=True)
class Leader:
    """A matched comment leader: its text (with indent and the blanks after it), flags."""

    text: str
    flags: str
    string: str

    def continuation(self) -> str:
        """What a wrapped continuation line starts with."""
        if "f" in self.flags:
            return " " * len(self.text)
        if "s" in self.flags:
            # a three-piece start ("/*") continues with the middle part (" * ")
            ind = self.text[: len(self.text) - len(self.text.lstrip(" \t"))]
            return ind + " * "
        return self.text


@lru_cache(maxsize=8)
def _parts(option: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in option.split(","):
        if ":" not in item:
            continue
        flags, _, string = item.partition(":")
        if string:
            out.append((flags, string))
    return tuple(out)


def comments_of(options: Any) -> str:
    """The 'comments' value of an options object (Vim's default when it has none)."""
    try:
        return str(options["comments"])
    except (KeyError, TypeError):
        return DEFAULT_COMMENTS


def get_leader(line: str, comments: str = DEFAULT_COMMENTS) -> Leader | None:
    """Vim's get_leader_len(): the comment leader at the start of `line`, or None."""
    i = len(line) - len(line.lstrip(" \t"))
    matched: Leader | None = None
    pos = i
    while True:
        found = None
        for flags, string in _parts(comments):
            if not line.startswith(string, pos):
                continue
            after = pos + len(string)
            if "b" in flags and after < len(line) and line[after] not in " \t":
                continue
            if "e" in flags and matched is None:
                # an end part alone ("*/") is not a leader for formatting
                continue
            found = (flags, string, after)
            break
        if found is None:
            break
        flags, string, after = found
        j = after
        while j < len(line) and line[j] in " \t":
            j += 1
        matched = Leader(line[:j], flags, string)
        pos = j
        if "n" not in flags:
            break
    return matched


def same_leader(l1: Leader | None, l2: Leader | None) -> bool:
    """Vim's same_leader(): may a line with leader l2 join one with leader l1?"""
    if l1 is None:
        return l2 is None
    if "f" in l1.flags:
        return l2 is None
    if "e" in l1.flags:
        return False
    if "s" in l1.flags:
        return l2 is not None and "m" in l2.flags
    if l2 is None:
        return False
    return l1.text.strip() == l2.text.strip()
