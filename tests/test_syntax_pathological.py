"""Pathological input finishes and returns spans (no time asserts: benchmarks measure)."""

from __future__ import annotations

from tinymorph_tui.core.document import Document
from tinymorph_tui.syntax import MarkdownHighlighter, highlight_text


def test_deeply_nested_quotes_one_line() -> None:
    rows = highlight_text("> " * 5000 + "deep\n")
    assert len(rows) == 2


def test_growing_nested_quotes_many_lines() -> None:
    text = "".join("> " * i + "x\n" for i in range(500))
    rows = highlight_text(text)
    assert len(rows) == 501


def test_ten_thousand_backticks() -> None:
    rows = highlight_text("`" * 10_000 + "\n\nafter\n")
    assert len(rows) == 4
    rows = highlight_text("a " + "`a " * 10_000 + "\n")
    assert len(rows) == 2


def test_emphasis_soup_inline_times_out_to_plain() -> None:
    rows = highlight_text("*a " * 30_000 + "\n" + "[" * 20_000 + "\n")
    assert len(rows) == 3


def test_fifty_megabyte_single_line_in_the_editor() -> None:
    doc = Document("# head\n\n" + "word " * 10_000_000 + "\n\nafter *em*\n")
    hl = MarkdownHighlighter(doc)
    try:
        assert hl.wait_idle(timeout=120)
        rows = hl.line_spans(0, doc.line_count)
        assert any(s.scope == "markup.heading.1" for s in rows[0])
        assert rows[2] == []  # too big to parse: shown plain
        assert any(s.scope == "markup.italic" for s in rows[4])
        doc.insert(doc.offset_of(2, 3), "x")  # editing the giant line still works
        assert hl.wait_idle(timeout=120)
        assert hl.line_spans(4, 5) == rows[4:5]
    finally:
        hl.close()


def test_giant_unclosed_fence_is_split_with_a_prefix() -> None:
    text = "```python\n" + "x = 1\n\nprint(x)\n" * 3_000 + "\n"
    rows = highlight_text(text, max_bytes=8 * 1024)
    last = rows[-3]
    assert any(s.scope.startswith("code.") for s in last)
