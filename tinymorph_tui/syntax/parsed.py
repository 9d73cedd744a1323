"""One parsed chunk and the per-row spans computed from it on demand.

A `ParsedChunk` is immutable text (its lines, an optional prefix, the UTF-8 source) and
its block tree. Spans are computed only for the rows asked for (a range-limited query on
the chunk tree, inline parses of the inline nodes in range, pygments for code in range)
and cached per row. tree-sitter positions are bytes; they are converted to `str` columns
line by line, only for the rows computed.

Threading: the worker builds a chunk and may pre-compute its visible rows *before*
publishing it; after that only the UI thread touches it (the caches are not locked).
"""

from __future__ import annotations

from typing import Any

from tinymorph_tui.syntax.fenced import Piece, lex_pieces
from tinymorph_tui.syntax.inline import content_ranges, parse_inline_node
from tinymorph_tui.syntax.parsing import grammar, parse_block, query_cursor
from tinymorph_tui.syntax.scopes import LAYER_BLOCK, LAYER_CODE, LAYER_INLINE, Span

#: Rows computed together when a row is missing from the cache.
ROW_BATCH = 64

_SortItem = tuple[tuple[int, int, int, int], Span]


def encode(text: str) -> bytes:
    """UTF-8 as tree-sitter sees it (lone surrogates from odd files pass through)."""
    return text.encode("utf-8", "surrogatepass")


def byte_to_col(line: str, encoded: bytes | None, byte_col: int) -> int:
    """`str` column of UTF-8 byte column `byte_col` in `line` (`encoded` is None if ASCII)."""
    if encoded is None:
        return min(byte_col, len(line))
    if byte_col >= len(encoded):
        return len(line)
    while byte_col > 0 and (encoded[byte_col] & 0xC0) == 0x80:
        byte_col -= 1  # inside a multi-byte character: round down to its start
    return len(encoded[:byte_col].decode("utf-8", "surrogatepass"))


class ParsedChunk:
    """A chunk's text, its block tree (None: shown plain) and cached row spans."""

    __slots__ = (
        "lines",
        "prefix_rows",
        "_rows_text",
        "source",
        "tree",
        "_spans",
        "_inline",
        "_code",
        "_enc",
    )

    def __init__(
        self, lines: tuple[str, ...], prefix: str = "", tree: Any | None = None, source: bytes = b""
    ) -> None:
        self.lines = lines
        prefix_lines = tuple(prefix.split("\n")[:-1]) if prefix else ()
        self.prefix_rows = len(prefix_lines)
        self._rows_text = prefix_lines + lines
        self.source = source
        self.tree = tree
        self._spans: dict[int, list[Span]] = {}
        self._inline: dict[int, Any | None] = {}
        self._code: dict[int, dict[int, list[tuple[int, int, str]]]] = {}
        self._enc: dict[int, bytes | None] = {}

    @classmethod
    def parse(cls, text: str, prefix: str = "") -> ParsedChunk:
        """Parse a chunk's `text` (lines joined by "\\n", `prefix` before them); a failed
        parse gives a plain chunk."""
        source = encode(prefix + text + "\n")
        tree = parse_block(source)
        return cls(tuple(text.split("\n")), prefix, tree, source)

    @property
    def failed(self) -> bool:
        """Whether this chunk could not be parsed (too big or timed out): shown plain."""
        return self.tree is None

    def row_spans(self, row: int) -> list[Span]:
        """Spans of local row `row` (0 = the chunk's first line)."""
        spans = self._spans.get(row)
        if spans is None:
            self.prepare(row, min(row + ROW_BATCH, len(self.lines)))
            spans = self._spans.get(row, [])
        return spans

    def prepare(self, start: int, end: int) -> None:
        """Compute and cache the spans of local rows `[start, end)` not cached yet."""
        while start < end and start in self._spans:
            start += 1
        while end > start and (end - 1) in self._spans:
            end -= 1
        if start >= end:
            return
        if self.tree is None:
            for row in range(start, end):
                self._spans[row] = []
            return
        pr = self.prefix_rows
        t0, t1 = start + pr, end + pr
        g = grammar()
        cursor = query_cursor(g.block_query)
        cursor.set_point_range((t0, 0), (t1, 0))
        captures = cursor.captures(self.tree.root_node)
        acc: dict[int, list[_SortItem]] = {t: [] for t in range(t0, t1)}
        for name, nodes in captures.items():
            if name == "_inline":
                for node in nodes:
                    self._inline_into(node, t0, t1, acc)
            elif name == "_code":
                for node in nodes:
                    self._code_into(node, t0, t1, acc)
            elif name in ("_yaml", "_toml"):
                for node in nodes:
                    self._frontmatter_into(node, name[1:], t0, t1, acc)
            else:
                rank = g.block_ranks[name]
                for node in nodes:
                    self._node_into(node, name, LAYER_BLOCK, rank, t0, t1, acc)
        for t, items in acc.items():
            items.sort(key=_key)
            self._spans[t - pr] = [span for _, span in items]

    # -- helpers ---------------------------------------------------------------------

    def _line(self, t: int) -> tuple[str, bytes | None]:
        rows = self._rows_text
        line = rows[t] if t < len(rows) else ""
        if t not in self._enc:
            self._enc[t] = None if line.isascii() else encode(line)
        return line, self._enc[t]

    def _node_into(
        self,
        node: Any,
        scope: str,
        layer: int,
        rank: int,
        t0: int,
        t1: int,
        acc: dict[int, list[_SortItem]],
    ) -> None:
        (sr, sc), (er, ec) = node.start_point, node.end_point
        key = (layer, node.start_byte, -node.end_byte, rank)
        for t in range(max(sr, t0), min(er, t1 - 1) + 1):
            line, enc = self._line(t)
            cs = byte_to_col(line, enc, sc) if t == sr else 0
            ce = byte_to_col(line, enc, ec) if t == er else len(line)
            if ce > cs:
                acc[t].append((key, Span(cs, ce, scope)))

    def _inline_into(self, node: Any, t0: int, t1: int, acc: dict[int, list[_SortItem]]) -> None:
        key = node.start_byte
        if key not in self._inline:
            self._inline[key] = parse_inline_node(self.source, node)
        tree = self._inline[key]
        if tree is None:
            return
        g = grammar()
        cursor = query_cursor(g.inline_query)
        cursor.set_point_range((t0, 0), (t1, 0))
        for name, nodes in cursor.captures(tree.root_node).items():
            rank = g.inline_ranks[name]
            for inner in nodes:
                self._node_into(inner, name, LAYER_INLINE, rank, t0, t1, acc)

    def _pieces(self, ranges: list[Any]) -> list[Piece]:
        pieces: list[Piece] = []
        for r in ranges:
            (sr, sc), (er, ec) = r.start_point, r.end_point
            for t in range(sr, er + 1):
                line, enc = self._line(t)
                cs = byte_to_col(line, enc, sc) if t == sr else 0
                ce = byte_to_col(line, enc, ec) if t == er else len(line)
                if ce > cs or t < er:
                    pieces.append(Piece(t, cs, ce, t < er))
        return pieces

    def _lexed_into(
        self,
        key: int,
        lexed: dict[int, list[tuple[int, int, str]]],
        t0: int,
        t1: int,
        acc: dict[int, list[_SortItem]],
    ) -> None:
        self._code[key] = lexed
        for t in range(t0, t1):
            for start, end, scope in lexed.get(t, ()):
                acc[t].append(((LAYER_CODE, 0, 0, start), Span(start, end, scope)))

    def _code_into(self, node: Any, t0: int, t1: int, acc: dict[int, list[_SortItem]]) -> None:
        key = node.start_byte
        lexed = self._code.get(key)
        if lexed is None:
            language = ""
            block = node.parent
            for child in block.named_children if block is not None else ():
                if child.type == "info_string":
                    for part in child.named_children:
                        if part.type == "language":
                            language = self.source[part.start_byte : part.end_byte].decode(
                                "utf-8", "replace"
                            )
            lexed = (
                lex_pieces(language, self._rows_text, self._pieces(content_ranges(node)))
                if language
                else {}
            )
        self._lexed_into(key, lexed, t0, t1, acc)

    def _frontmatter_into(
        self, node: Any, language: str, t0: int, t1: int, acc: dict[int, list[_SortItem]]
    ) -> None:
        key = node.start_byte
        lexed = self._code.get(key)
        if lexed is None:
            (sr, _), (er, ec) = node.start_point, node.end_point
            close = er - 1 if ec == 0 else er
            pieces = []
            for t in range(sr + 1, close):
                line, _ = self._line(t)
                pieces.append(Piece(t, 0, len(line), True))
            lexed = lex_pieces(language, self._rows_text, pieces)
        self._lexed_into(key, lexed, t0, t1, acc)


def _key(item: _SortItem) -> tuple[int, int, int, int]:
    return item[0]
