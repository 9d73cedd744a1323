"""Insert-mode keyword completion, <C-n> / <C-p> (Vim's i_CTRL-N / i_CTRL-P without the
popup menu): the keyword before the cursor is completed with the words of the buffer that
start with it, nearest first (<C-n> scans forward from the cursor and wraps, <C-p>
backward); pressing the key again cycles, and past the last match the typed prefix comes
back, as in Vim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor
    from tinymorph_tui.core.insert import Session

#: lines scanned each way: completion must stay instant on huge files
SCAN_LINES = 20_000
#: matches collected at most
MAX_MATCHES = 200


@dataclass
class Completion:
    """A completion in progress (lives in the insert Session until another key)."""

    row: int
    col: int  # where the completed keyword starts
    prefix: str
    matches: list[str] = field(default_factory=list)
    index: int = -1  # -1: the prefix as typed is shown
    shown: str = ""  # the text now in the buffer after `col`
    forward: bool = True
    dot_tokens: int = 0  # tokens of `shown` placed in the "." record


def _word_re(ed: Editor) -> re.Pattern[str]:
    # 'iskeyword' below 256, plus every other letter/digit (as Vim treats them)
    body = ed.options.keyword_chars_class()
    return re.compile(f"(?:[{body}]|[^\\W\\x00-\\xff])+")


def _prefix(ed: Editor, line: str, col: int) -> int:
    isk = ed.options.is_keyword_char
    j = col
    while j > 0 and isk(line[j - 1]):
        j -= 1
    return j


def _collect(ed: Editor, c: Completion) -> list[str]:
    """Words starting with the prefix, nearest first in the scan direction."""
    doc = ed.doc
    n = doc.line_count
    word = _word_re(ed)
    ic = bool(ed.options["ignorecase"]) and not (
        bool(ed.options["smartcase"]) and any(ch.isupper() for ch in c.prefix)
    )
    pre = c.prefix.lower() if ic else c.prefix
    seen = {c.prefix}
    out: list[str] = []

    def take(words: list[str]) -> bool:
        for w in words:
            key = w.lower() if ic else w
            if key.startswith(pre) and w not in seen and len(w) > len(c.prefix):
                seen.add(w)
                out.append(w)
                if len(out) >= MAX_MATCHES:
                    return True
        return False

    row = c.row
    line = doc.line(row)
    end = c.col + len(c.shown)
    after = [m.group() for m in word.finditer(line, end) if m.start() >= end]
    before = [m.group() for m in word.finditer(line[: c.col])]
    if c.forward:
        if take(after):
            return out
        rows = [(row + k) % n for k in range(1, min(n, SCAN_LINES))]
    else:
        if take(list(reversed(before))):
            return out
        rows = [(row - k) % n for k in range(1, min(n, SCAN_LINES))]
    for r in rows:
        words = word.findall(doc.line(r))
        if take(words if c.forward else list(reversed(words))):
            return out
    take(before if c.forward else list(reversed(after)))
    return out


def complete(ed: Editor, s: Session, tok: str) -> bool:
    """<C-n> / <C-p>: complete the keyword before the cursor, or cycle the matches."""
    from tinymorph_tui.core.insert import stop_arrow

    forward = tok == "<C-n>"
    r, col = ed.cursor_raw
    c: Completion | None = s.completion
    if c is None or c.row != r or c.col + len(c.shown) != col:
        stop_arrow(ed, s, tok)
        line = ed.line(r)
        start = _prefix(ed, line, col)
        c = Completion(r, start, line[start:col], shown=line[start:col], forward=forward)
        c.matches = _collect(ed, c)
        if not c.matches:
            ed.set_message("-- Keyword completion (^N^P) Pattern not found")
            ed.message_is_error = True
            ed.beep()
            _drop_key_from_dot(ed, tok)
            return False
        s.completion = c
        step = 1
    else:
        step = 1 if forward == c.forward else -1
    # cycle: match 0..n-1 then the typed prefix (index -1)
    total = len(c.matches) + 1
    c.index = (c.index + 1 + step) % total - 1
    new = c.prefix if c.index < 0 else c.matches[c.index]
    _show(ed, s, c, new, tok)
    return True


def _show(ed: Editor, s: Session, c: Completion, new: str, tok: str) -> None:
    doc = ed.doc
    a = doc.offset_of(c.row, c.col)
    old = c.shown
    doc.replace(a, a + len(old), new)
    if s.text.endswith(old):
        s.text = s.text[: len(s.text) - len(old)]
    s.text += new
    c.shown = new
    ed.move_cursor_raw(c.row, c.col + len(new))
    ed.update_curswant()
    rec = ed._dot_building
    if rec is not None and not ed._replaying:
        # "." repeats the completed text, not the key (which could complete differently)
        _drop_key_from_dot(ed, tok)
        keep = len(rec.tail) - c.dot_tokens
        del rec.tail[keep:]
        suffix = new[len(c.prefix) :]
        rec.tail.extend(list(suffix))
        c.dot_tokens = len(suffix)


def _drop_key_from_dot(ed: Editor, tok: str) -> None:
    rec = ed._dot_building
    if rec is not None and not ed._replaying and rec.tail and rec.tail[-1] == tok:
        rec.tail.pop()
