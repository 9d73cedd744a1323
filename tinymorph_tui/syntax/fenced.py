"""Pygments highlighting for fenced code blocks (by info string) and front matter.

The code's text is assembled from per-row pieces (a fenced block inside a quote or a list
has `> ` / indentation continuation markers that are not code), lexed once, and the tokens
are mapped back to (row, column) spans.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from tinymorph_tui.syntax.scopes import token_scope

#: Code blocks larger than this are shown as plain raw blocks (lexing is not bounded).
MAX_CODE_BYTES = 256 * 1024


class Piece(NamedTuple):
    """Columns `[start, end)` of row `row` are part of the code text, then `newline`."""

    row: int
    start: int
    end: int
    newline: bool


@cache
def lexer_for(language: str) -> Any | None:
    """A pygments lexer for a fence info string's language word, or None if unknown."""
    name = language.strip().strip("{}.").lower()
    if not name:
        return None
    # deferred: pygments and its lexer tables are only needed once a fence is on screen
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def lex_pieces(
    language: str, rows: Sequence[str] | Any, pieces: Sequence[Piece]
) -> dict[int, list[tuple[int, int, str]]]:
    """Row -> [(start_col, end_col, scope)] for `pieces` of `rows` lexed as `language`.

    `rows` is indexable by the pieces' row numbers and yields the line strings.
    Unknown languages and oversized blocks give {} (the block stays a plain raw block).
    """
    lexer = lexer_for(language)
    if lexer is None or not pieces:
        return {}
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for piece in pieces:
        text = rows[piece.row][piece.start : piece.end]
        starts.append(pos)
        parts.append(text)
        pos += len(text)
        if piece.newline:
            parts.append("\n")
            pos += 1
    if pos > MAX_CODE_BYTES:
        return {}
    code = "".join(parts)
    out: dict[int, list[tuple[int, int, str]]] = {}
    for index, ttype, value in lexer.get_tokens_unprocessed(code):
        scope = token_scope(ttype)
        if scope is None or not value:
            continue
        end = index + len(value)
        k = max(bisect_right(starts, index) - 1, 0)
        while k < len(pieces) and starts[k] < end:
            piece = pieces[k]
            base = starts[k]
            width = piece.end - piece.start
            a = max(index, base) - base
            b = min(end, base + width) - base
            if b > a:
                row = out.setdefault(piece.row, [])
                if row and row[-1][1] == piece.start + a and row[-1][2] == scope:
                    row[-1] = (row[-1][0], piece.start + b, scope)  # merge split tokens
                else:
                    row.append((piece.start + a, piece.start + b, scope))
            k += 1
    return out
