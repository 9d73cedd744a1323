"""The engine's side of searching: n N * # g* g# and `/` `?` results as motions.

The regex dialect, wrapscan, offsets and messages are core/search.py's; this module finds
the word under the cursor for * and #, and turns a SearchMotion into a Motion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor


def word_under_cursor(ed: Editor) -> tuple[str, int, bool] | None:
    """Vim's find_ident_under_cursor(): (text, start col, is_keyword) or None."""
    r, c = ed.cursor_raw
    line = ed.doc.line(r)
    isk = ed.options.is_keyword_char
    n = len(line)
    # 1. a keyword under or after the cursor in the line
    i = c
    while i < n and not isk(line[i]):
        i += 1
    if i < n:
        # if the cursor is inside a keyword, go back to its start
        if i == c:
            while i > 0 and isk(line[i - 1]):
                i -= 1
        j = i
        while j < n and isk(line[j]):
            j += 1
        return (line[i:j], i, True)
    # 2. a non-blank string under or after the cursor
    i = c
    while i < n and line[i] in " \t":
        i += 1
    if i >= n:
        return None
    if i == c:
        while i > 0 and line[i - 1] not in " \t" and not isk(line[i - 1]):
            i -= 1
    j = i
    while j < n and line[j] not in " \t" and not isk(line[j]):
        j += 1
    return (line[i:j], i, False)


def search_motion(ed: Editor, what: str, count: int) -> tuple[int, int, bool] | None:
    """n N * # g* g#: (row, col, linewise) or None (error already set)."""
    s = ed.searcher()
    if what in ("n", "N"):
        m = s.next(reverse=what == "N", count=count)
        return _to_tuple(m)
    found = word_under_cursor(ed)
    if found is None:
        ed.set_error("E348: No string under cursor")
        return None
    word, col, is_kw = found
    forward = what in ("*", "g*")
    whole = what in ("*", "#") and is_kw
    r = ed.cursor_raw[0]
    m = s.word(word, forward=forward, whole=whole, count=count, start=(r, col))
    return _to_tuple(m)


def _to_tuple(m: Any) -> tuple[int, int, bool] | None:
    if m is None:
        return None
    return (m.position[0], m.position[1], bool(m.linewise))


def matches_in_rows(ed: Editor, row_start: int, row_end: int) -> list[tuple[int, int, int]]:
    """hlsearch spans for the view."""
    if not ed.last_search:
        return []
    try:
        return ed.searcher().matches(row_start, row_end)
    except Exception:  # a bad pattern must never break drawing
        return []
