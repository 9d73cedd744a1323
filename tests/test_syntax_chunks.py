"""Chunking at top-level block boundaries gives the same highlights as one full parse."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.syntax import highlight_text
from tinymorph_tui.syntax.chunks import front_matter_state, split_lines, split_text

FULL = 10**12  # min_bytes so large that the text is one chunk

LINES = [
    "",
    "",
    "",
    " ",
    "# Heading *em*",
    "## Second",
    "###### six",
    "Setext",
    "===",
    "---",
    "plain words and more",
    "*em* **strong** `code` ~~del~~",
    "[link](http://x.y) <http://a.b>",
    "- item",
    "- [ ] task",
    "  - nested item",
    "1. first",
    "2) second",
    "    indented code",
    "> quote",
    "> > deep",
    ">",
    "lazy continuation",
    "```",
    "```python",
    "def f(): return 1",
    "~~~",
    "~~~ruby",
    "````",
    "<!-- comment",
    "-->",
    "<div>",
    "</div>",
    "<script>",
    "</script>",
    "<?php",
    "?>",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "[r]: http://example.org 'title'",
    "+++",
    "title: x",
    "\tTabbed",
    "  two spaces",
    "\\* escaped",
    "***",
    "<br/>",
    "&amp; &#35;",
]


def split(text: str, **kw: int) -> list[tuple[int, int]]:
    lines = text.split("\n")
    specs, _ = split_lines(lines, front=front_matter_state(lines), **kw)
    return [(s.start, s.end) for s in specs]


def test_splits_only_at_blank_line_then_column_zero() -> None:
    text = "para one\n\n- list\n\n  continued\n\nnext para\n"
    assert split(text, min_bytes=1) == [(0, 2), (2, 6), (6, 8)]


def test_never_splits_inside_fence_or_html_comment() -> None:
    text = "```\ncode\n\nmore code\n```\n\n<!--\n\nhidden\n-->\n\nafter\n"
    assert split(text, min_bytes=1) == [(0, 6), (6, 11), (11, 13)]


def test_front_matter_is_one_chunk() -> None:
    text = "---\na: 1\n\nb: 2\n---\n\nbody\n"
    assert split(text, min_bytes=1) == [(0, 6), (6, 8)]


def test_min_bytes_groups_small_blocks() -> None:
    text = "\n\n".join(f"para {i}" for i in range(100))
    chunks = split(text, min_bytes=200)
    assert 1 < len(chunks) < 100
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text.split("\n"))
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:], strict=False))


def test_forced_split_inside_a_fence_keeps_code_highlighting() -> None:
    body = "\n".join(f"x = {i}" for i in range(400))
    text = f"```python\n{body}\n```\n\nafter *em*\n"
    assert len(split(text, min_bytes=1, max_bytes=500)) > 3
    chunked = highlight_text(text, min_bytes=1, max_bytes=500)
    assert chunked == highlight_text(text, min_bytes=FULL, max_bytes=FULL)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=40))
def test_chunked_highlights_equal_full_parse(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    assert highlight_text(text, min_bytes=1) == highlight_text(text, min_bytes=FULL)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*LINES, "x" * 50, "y" * 120]), max_size=50),
    st.integers(1, 200),
    st.integers(1, 400),
    st.booleans(),
)
def test_fast_text_splitter_matches_line_splitter(
    lines: list[str], min_bytes: int, max_bytes: int, final_newline: bool
) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    all_lines = text.split("\n")
    front = front_matter_state(all_lines)
    by_line, _ = split_lines(all_lines, min_bytes=min_bytes, max_bytes=max_bytes, front=front)
    assert split_text(text, min_bytes=min_bytes, max_bytes=max_bytes, front=front) == by_line
