"""Inline content: the included ranges of one block node, parsed on demand.

tree-sitter-markdown parses block structure and inline content (emphasis, links, code
spans) with two grammars. The block tree's `inline` nodes (and table cells) are parsed
with the inline grammar one node at a time and only when they are visible: giving one
parser every inline range of a 10 MB file costs ~53 s.
"""

from __future__ import annotations

from typing import Any

from tinymorph_tui.syntax.parsing import make_range, parse_inline


def content_ranges(node: Any) -> list[Any]:
    """The node's range minus its named children (the `> ` / indentation continuation
    markers of a paragraph inside a quote or list item are not inline content)."""
    ranges = []
    pos_byte, pos_point = node.start_byte, node.start_point
    for child in node.named_children:
        if child.start_byte > pos_byte:
            ranges.append(make_range(pos_point, child.start_point, pos_byte, child.start_byte))
        if child.end_byte > pos_byte:
            pos_byte, pos_point = child.end_byte, child.end_point
    if node.end_byte > pos_byte:
        ranges.append(make_range(pos_point, node.end_point, pos_byte, node.end_byte))
    return ranges


def parse_inline_node(source: bytes, node: Any) -> Any | None:
    """The inline tree for one block node (positions are in the chunk's coordinates)."""
    return parse_inline(source, content_ranges(node))
