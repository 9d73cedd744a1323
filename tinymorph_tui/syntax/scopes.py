"""Highlight spans, the tree-sitter queries that produce them, and scope names.

Capture names in the queries below *are* the theme scopes (see `themes/*.toml`), so adding
a construct is one query line. Captures starting with "_" are internal: they mark nodes the
highlighter processes further (inline content, fenced code, front matter).

The queries are our own rather than the package's nvim-flavoured `highlights.scm`, because
theme scopes need the heading level, task-list state, table header and so on.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """One highlighted run on one line: `[start, end)` in `str` columns, and its scope."""

    start: int
    end: int
    scope: str


#: Layers: spans are emitted per line ordered by layer, then outer node before inner node,
#: so a renderer that applies them in order gets nested styles right (bold inside a quote).
LAYER_BLOCK = 0
LAYER_INLINE = 1
LAYER_CODE = 2

BLOCK_QUERY = r"""
(minus_metadata) @meta.frontmatter
(plus_metadata) @meta.frontmatter
(minus_metadata) @_yaml
(plus_metadata) @_toml

(atx_heading (atx_h1_marker)) @markup.heading.1
(atx_heading (atx_h2_marker)) @markup.heading.2
(atx_heading (atx_h3_marker)) @markup.heading.3
(atx_heading (atx_h4_marker)) @markup.heading.4
(atx_heading (atx_h5_marker)) @markup.heading.5
(atx_heading (atx_h6_marker)) @markup.heading.6
(setext_heading (setext_h1_underline)) @markup.heading.1
(setext_heading (setext_h2_underline)) @markup.heading.2
[
  (atx_h1_marker) (atx_h2_marker) (atx_h3_marker)
  (atx_h4_marker) (atx_h5_marker) (atx_h6_marker)
  (setext_h1_underline) (setext_h2_underline)
] @markup.heading.marker

(block_quote) @markup.quote
(block_quote_marker) @markup.quote.marker
; continuation markers: "> " inside quotes (indentation only, inside list items)
(block_continuation) @markup.quote.marker

(fenced_code_block) @markup.raw.block
(indented_code_block) @markup.raw.block
(fenced_code_block_delimiter) @punctuation.delimiter
(info_string) @markup.raw.info
(code_fence_content) @_code

(html_block) @comment

(link_reference_definition (link_label) @markup.link.label)
(link_reference_definition (link_destination) @markup.link.url)
(link_reference_definition (link_title) @markup.link.title)

[
  (list_marker_plus) (list_marker_minus) (list_marker_star)
  (list_marker_dot) (list_marker_parenthesis)
] @markup.list
(task_list_marker_checked) @markup.list.checked
(task_list_marker_unchecked) @markup.list.unchecked

(thematic_break) @punctuation.special
(backslash_escape) @string.escape

(pipe_table) @markup.table
(pipe_table_header) @markup.table.header
(pipe_table_delimiter_row) @punctuation.delimiter
(pipe_table_header "|" @punctuation.delimiter)
(pipe_table_row "|" @punctuation.delimiter)

(inline) @_inline
(pipe_table_cell) @_inline
"""

INLINE_QUERY = r"""
(emphasis) @markup.italic
(strong_emphasis) @markup.bold
(strikethrough) @markup.strikethrough
(code_span) @markup.raw.inline
[(emphasis_delimiter) (code_span_delimiter)] @punctuation.delimiter

(inline_link (link_text) @markup.link.text)
(full_reference_link (link_text) @markup.link.text)
(collapsed_reference_link (link_text) @markup.link.text)
(shortcut_link (link_text) @markup.link.text)
(image (image_description) @markup.link.text)
(link_destination) @markup.link.url
(uri_autolink) @markup.link.url
(email_autolink) @markup.link.url
(link_label) @markup.link.label
(link_title) @markup.link.title

(image ["!" "[" "]" "(" ")"] @punctuation.delimiter)
(inline_link ["[" "]" "(" ")"] @punctuation.delimiter)
(shortcut_link ["[" "]"] @punctuation.delimiter)

(backslash_escape) @string.escape
(hard_line_break) @string.escape
[(entity_reference) (numeric_character_reference)] @constant.character
(html_tag) @comment
(latex_block) @markup.math
"""


def capture_ranks(query_text: str) -> dict[str, int]:
    """Capture name -> order of first appearance; ties between equal ranges go outer-first."""
    ranks: dict[str, int] = {}
    for token in query_text.split():
        if token.startswith("@"):
            name = token[1:].rstrip(")]")
            ranks.setdefault(name, len(ranks))
    return ranks


#: Pygments token path (first element) -> scope head; see `token_scope`.
_NAME_SCOPES = {
    "Function": "code.function",
    "Decorator": "code.function",
    "Class": "code.type",
    "Exception": "code.type",
    "Namespace": "code.type",
    "Builtin": "code.builtin",
    "Tag": "code.tag",
    "Attribute": "code.attribute",
    "Constant": "code.number",
    "Label": "code.name",
}
_GENERIC_SCOPES = {
    "Inserted": "code.inserted",
    "Deleted": "code.deleted",
    "Heading": "code.heading",
    "Subheading": "code.heading",
    "Error": "code.error",
    "Emph": "markup.italic",
    "Strong": "markup.bold",
}

_token_cache: dict[tuple[str, ...], str | None] = {}


def token_scope(ttype: tuple[str, ...]) -> str | None:
    """Scope for a pygments token type (a tuple path such as ("Keyword", "Constant")).

    Keyword.Constant -> "code.keyword.constant" (themes fall back to "code.keyword"),
    Literal.String.Double -> "code.string.double", Name.Function -> "code.function";
    plain text and whitespace get no scope (the block's `markup.raw.block` shows through).
    """
    path = tuple(ttype)
    if path in _token_cache:
        return _token_cache[path]
    scope: str | None
    if not path or path[0] in ("Text", "Whitespace", "Other"):
        scope = None
    elif path[0] == "Literal":
        rest = path[1:] or ("String",)
        head = {"String": "string", "Number": "number"}.get(rest[0], "number")
        scope = ".".join(["code", head, *(p.lower() for p in rest[1:])])
    elif path[0] == "Name":
        scope = _NAME_SCOPES.get(path[1], "code.name") if len(path) > 1 else "code.name"
    elif path[0] == "Generic":
        scope = _GENERIC_SCOPES.get(path[1]) if len(path) > 1 else None
    elif path[0] == "Error":
        scope = "code.error"
    elif path[0] in ("Keyword", "Comment", "Operator", "Punctuation"):
        scope = ".".join(["code", *(p.lower() for p in path)])
    else:
        scope = None
    _token_cache[path] = scope
    return scope
