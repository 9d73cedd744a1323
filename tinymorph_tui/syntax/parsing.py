"""tree-sitter plumbing: languages, compiled queries, per-thread parsers, bounded parsing.

`tree_sitter` is imported only when the first highlighter is built, so `tinymorph FILE`
does not pay for it before the first paint.

Parsing always goes through a read callback with a progress callback: the progress callback
enforces a deadline (pathological input such as thousands of nested quotes cannot hang a
thread) and lets the highlighter abandon a parse the moment a key arrives (`cancel`), and
because both callbacks run Python code the interpreter can hand the GIL to the UI thread
while a worker parses a large chunk (a plain `parser.parse(bytes)` holds it throughout:
~0.4 s for 1 MB).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from tinymorph_tui.syntax.scopes import BLOCK_QUERY, INLINE_QUERY, capture_ranks

if TYPE_CHECKING:
    from tree_sitter import Language, Parser, Query, Range, Tree

#: A block chunk that takes longer than this to parse is shown as plain text.
BLOCK_PARSE_TIMEOUT_S = 2.0
#: Inline content of one paragraph/heading/cell; runs for visible nodes only.
INLINE_PARSE_TIMEOUT_S = 0.05
#: Chunks larger than this (only possible with gigantic single lines) are not parsed.
MAX_PARSE_BYTES = 8 * 1024 * 1024
#: Inline nodes larger than this are left plain (a 50 MB one-line paragraph, say).
MAX_INLINE_BYTES = 512 * 1024
_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class Grammar:
    """The two Markdown languages and our compiled highlight queries (shared by threads)."""

    block: Language
    inline: Language
    block_query: Query
    inline_query: Query
    block_ranks: dict[str, int]
    inline_ranks: dict[str, int]


@cache
def grammar() -> Grammar:
    """Load the languages and compile the queries once per process."""
    import tree_sitter  # deferred: ~10 ms import, and only needed once highlighting starts
    import tree_sitter_markdown

    block = tree_sitter.Language(tree_sitter_markdown.language())
    inline = tree_sitter.Language(tree_sitter_markdown.inline_language())
    return Grammar(
        block=block,
        inline=inline,
        block_query=tree_sitter.Query(block, BLOCK_QUERY),
        inline_query=tree_sitter.Query(inline, INLINE_QUERY),
        block_ranks=capture_ranks(BLOCK_QUERY),
        inline_ranks=capture_ranks(INLINE_QUERY),
    )


class _ThreadParsers(threading.local):
    """Parsers are not thread-safe: each thread (UI, worker) gets its own pair."""

    block: Parser | None = None
    inline: Parser | None = None


_local = _ThreadParsers()


def _parsers() -> tuple[Parser, Parser]:
    if _local.block is None or _local.inline is None:
        import tree_sitter  # deferred, see grammar()

        g = grammar()
        _local.block = tree_sitter.Parser(g.block)
        _local.inline = tree_sitter.Parser(g.inline)
    return _local.block, _local.inline


def _bounded_parse(
    parser: Parser,
    source: bytes,
    timeout_s: float,
    cancel: Callable[[], bool] | None = None,
) -> Tree | None:
    view = memoryview(source)
    deadline = time.monotonic() + timeout_s

    def read(offset: int, _point: Any) -> memoryview:
        return view[offset : offset + _READ_SIZE]

    if cancel is None:

        def progress(_offset: int, _has_error: bool) -> bool:
            return time.monotonic() > deadline  # True cancels the parse

    else:

        def progress(_offset: int, _has_error: bool) -> bool:
            return cancel() or time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=progress)
    except ValueError:  # "Parsing failed": cancelled by the deadline
        parser.reset()
        return None


def parse_block(
    source: bytes,
    timeout_s: float = BLOCK_PARSE_TIMEOUT_S,
    cancel: Callable[[], bool] | None = None,
) -> Tree | None:
    """Parse a chunk with the block grammar; None when too big, past the deadline, or when
    `cancel()` turned true while it ran (the caller asks `cancel()` again to tell)."""
    if len(source) > MAX_PARSE_BYTES:
        return None
    block, _ = _parsers()
    return _bounded_parse(block, source, timeout_s, cancel)


def parse_inline(
    source: bytes, ranges: list[Range], timeout_s: float = INLINE_PARSE_TIMEOUT_S
) -> Tree | None:
    """Parse the inline grammar over `ranges` of `source` (one inline node's content)."""
    if not ranges or sum(r.end_byte - r.start_byte for r in ranges) > MAX_INLINE_BYTES:
        return None
    _, inline = _parsers()
    inline.included_ranges = ranges
    return _bounded_parse(inline, source, timeout_s)


def make_range(start_point: Any, end_point: Any, start_byte: int, end_byte: int) -> Range:
    """A tree_sitter.Range (wrapped so callers need not import tree_sitter)."""
    import tree_sitter  # deferred, see grammar()

    return tree_sitter.Range(tuple(start_point), tuple(end_point), start_byte, end_byte)


def query_cursor(query: Query) -> Any:
    """A fresh QueryCursor (cursors hold per-run state; one per query run)."""
    import tree_sitter  # deferred, see grammar()

    return tree_sitter.QueryCursor(query)
