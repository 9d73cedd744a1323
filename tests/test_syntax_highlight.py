"""Highlight scopes for each Markdown construct (synchronous `highlight_text`)."""

from __future__ import annotations

import pytest

from tinymorph_tui.syntax import Span, highlight_text
from tinymorph_tui.syntax.scopes import token_scope


def scoped(text: str, row: int = 0) -> set[tuple[str, str]]:
    """(covered substring, scope) pairs on `row`."""
    lines = text.split("\n")
    return {(lines[row][s.start : s.end], s.scope) for s in highlight_text(text)[row]}


@pytest.mark.parametrize("level", range(1, 7))
def test_atx_heading_levels(level: int) -> None:
    marker = "#" * level
    got = scoped(f"{marker} Title here\n")
    assert (f"{marker} Title here", f"markup.heading.{level}") in got
    assert (marker, "markup.heading.marker") in got


def test_setext_headings() -> None:
    text = "Big\n===\n\nSmall\n---\n"
    assert ("Big", "markup.heading.1") in scoped(text, 0)
    assert ("===", "markup.heading.marker") in scoped(text, 1)
    assert ("Small", "markup.heading.2") in scoped(text, 3)


def test_emphasis_strong_strike_code() -> None:
    got = scoped("a *it* b **bold** c ~~gone~~ d `code` e\n")
    assert ("*it*", "markup.italic") in got
    assert ("**bold**", "markup.bold") in got
    assert ("~~gone~~", "markup.strikethrough") in got
    assert ("`code`", "markup.raw.inline") in got
    assert ("*", "punctuation.delimiter") in got


def test_links_urls_images() -> None:
    got = scoped(
        'see [the site](https://example.org "T") and <https://a.b> ![pic](p.png) [ref][r]\n'
    )
    assert ("the site", "markup.link.text") in got
    assert ("https://example.org", "markup.link.url") in got
    assert ('"T"', "markup.link.title") in got
    assert ("<https://a.b>", "markup.link.url") in got
    assert ("pic", "markup.link.text") in got
    assert ("[r]", "markup.link.label") in got


def test_reference_definition() -> None:
    got = scoped("[r]: https://example.org\n")
    assert ("[r]", "markup.link.label") in got
    assert ("https://example.org", "markup.link.url") in got


def test_lists_and_tasks() -> None:
    text = "- one\n* two\n1. three\n- [ ] todo\n- [x] done\n"
    assert ("- ", "markup.list") in scoped(text, 0)
    assert ("1. ", "markup.list") in scoped(text, 2)
    assert ("[ ]", "markup.list.unchecked") in scoped(text, 3)
    assert ("[x]", "markup.list.checked") in scoped(text, 4)


def test_block_quote_with_inline() -> None:
    text = "> quoted *words*\n> second line\n"
    first, second = scoped(text, 0), scoped(text, 1)
    assert ("> quoted *words*", "markup.quote") in first
    assert ("> ", "markup.quote.marker") in first
    assert ("*words*", "markup.italic") in first
    assert ("> ", "markup.quote.marker") in second


def test_table() -> None:
    text = "| a | b |\n|---|---|\n| 1 | **2** |\n"
    assert ("| a | b |", "markup.table.header") in scoped(text, 0)
    assert ("|---|---|", "punctuation.delimiter") in scoped(text, 1)
    row = scoped(text, 2)
    assert ("| 1 | **2** |", "markup.table") in row
    assert ("**2**", "markup.bold") in row


def test_front_matter_yaml() -> None:
    text = "---\ntitle: Notes\ntags: [a, b]\n---\n\n# H\n"
    rows = highlight_text(text)
    assert any(s.scope == "meta.frontmatter" for s in rows[0])
    assert any(s.scope.startswith("code.") for s in rows[1])  # YAML keys via pygments
    assert any(s.scope == "markup.heading.1" for s in rows[5])


def test_fenced_code_by_info_string() -> None:
    text = "```python\ndef f(x):\n    return 'hi'  # note\n```\n"
    assert ("python", "markup.raw.info") in scoped(text, 0)
    body = scoped(text, 1)
    assert ("def f(x):", "markup.raw.block") in body
    assert ("def", "code.keyword") in body
    assert ("f", "code.function") in body
    line = scoped(text, 2)
    assert ("return", "code.keyword") in line
    assert ("'hi'", "code.string.single") in line
    assert ("# note", "code.comment.single") in line


def test_fenced_code_unknown_language_is_plain_raw() -> None:
    text = "```nosuchlanguage\nwhatever here\n```\n"
    assert scoped(text, 1) == {("whatever here", "markup.raw.block")}


def test_fenced_code_in_quote_skips_markers() -> None:
    text = "> ```python\n> import os\n> ```\n"
    got = scoped(text, 1)
    assert ("import", "code.keyword.namespace") in got
    assert ("> ", "markup.quote.marker") in got


def test_html_comment_escape_and_rule() -> None:
    text = "<!-- note\nmore -->\n\n\\*not em\\*\n\n---\n"
    assert ("<!-- note", "comment") in scoped(text, 0)
    assert ("more -->", "comment") in scoped(text, 1)
    assert ("\\*", "string.escape") in scoped(text, 3)
    assert ("---", "punctuation.special") in scoped(text, 5)


def test_columns_are_str_indices_not_bytes() -> None:
    text = "héllo 🌍 *wörld* `çode`\n"
    got = scoped(text)
    assert ("*wörld*", "markup.italic") in got
    assert ("`çode`", "markup.raw.inline") in got


def test_nested_spans_are_ordered_outer_first() -> None:
    spans = highlight_text("> a **b** c\n")[0]
    scopes = [s.scope for s in spans]
    assert scopes.index("markup.quote") < scopes.index("markup.bold")


def test_plain_and_empty_text() -> None:
    assert highlight_text("") == [[]]
    assert highlight_text("just words\n") == [[], []]


def test_span_is_a_triple() -> None:
    start, end, scope = Span(1, 2, "markup.bold")
    assert (start, end, scope) == (1, 2, "markup.bold")


def test_token_scope_mapping() -> None:
    assert token_scope(("Keyword", "Constant")) == "code.keyword.constant"
    assert token_scope(("Literal", "String", "Double")) == "code.string.double"
    assert token_scope(("Literal", "Number", "Integer")) == "code.number.integer"
    assert token_scope(("Name", "Function")) == "code.function"
    assert token_scope(("Name",)) == "code.name"
    assert token_scope(("Text",)) is None
    assert token_scope(()) is None
