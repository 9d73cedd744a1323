"""Pure parts of inference: UTF-8 and stop-sequence streaming, SSE parsing, prompt building."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.inference.prompt import (
    build_context,
    document_title,
    heading_path,
)
from tinymorph_tui.inference.sse import SSEError, iter_sse_data
from tinymorph_tui.inference.textstream import StopFilter, Utf8Stream

# -- UTF-8 ---------------------------------------------------------------------------------


def test_multibyte_character_split_across_tokens_is_never_emitted_half() -> None:
    data = "é—🙂".encode()
    stream = Utf8Stream()
    out = [stream.feed(data[i : i + 1]) for i in range(len(data))]
    assert "".join(out) + stream.flush() == "é—🙂"
    assert all("\ufffd" not in part for part in out)
    assert out[0] == ""  # the first byte of "é" alone is held back


@settings(max_examples=150, deadline=None)
@given(st.text(), st.lists(st.integers(min_value=0, max_value=12), max_size=20))
def test_utf8_any_split_round_trips(text: str, cuts: list[int]) -> None:
    data = text.encode()
    stream, out, pos = Utf8Stream(), [], 0
    for cut in cuts:
        out.append(stream.feed(data[pos : pos + cut]))
        pos += cut
    out.append(stream.feed(data[pos:]))
    assert "".join(out) + stream.flush() == text


# -- stop sequences --------------------------------------------------------------------------


def run_filter(pieces: list[str], stops: tuple[str, ...]) -> tuple[str, bool]:
    f = StopFilter(stops)
    out = "".join(f.feed(p) for p in pieces) + f.flush()
    return out, f.stopped


def test_stop_split_across_pieces_is_cut() -> None:
    assert run_filter(["Hello wo", "rld. Bye", " now"], ("world",)) == ("Hello ", True)


def test_partial_stop_that_does_not_complete_is_released() -> None:
    f = StopFilter(("\n\n",))
    assert f.feed("one\n") == "one"  # "\n" could start the stop: held back
    assert f.feed("two") == "\ntwo"
    assert f.flush() == ""


def test_earliest_of_several_stops_wins() -> None:
    assert run_filter(["a. b! c"], ("!", ".")) == ("a", True)


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="ab\n.", max_size=40),
    st.lists(st.integers(min_value=1, max_value=5), max_size=15),
    st.sampled_from(["\n\n", "ab", "a.b", "."]),
)
def test_stop_filter_matches_str_find(text: str, cuts: list[int], stop: str) -> None:
    pieces, pos = [], 0
    for cut in cuts:
        pieces.append(text[pos : pos + cut])
        pos += cut
    pieces.append(text[pos:])
    out, stopped = run_filter(pieces, (stop,))
    where = text.find(stop)
    assert out == (text[:where] if where >= 0 else text)
    assert stopped == (where >= 0)


# -- SSE ---------------------------------------------------------------------------------------


async def lines(*items: str) -> AsyncIterator[str]:
    for item in items:
        yield item


async def events(*items: str) -> list[str]:
    return [e async for e in iter_sse_data(lines(*items))]


async def test_sse_events_comments_and_multiline_data() -> None:
    got = await events(
        ": keep-alive",
        "event: message",
        'data: {"a":1}',
        "",
        "data:x",
        "data: y",
        "",
        "data: [DONE]",
        "",
    )
    assert got == ['{"a":1}', "x\ny", "[DONE]"]


async def test_sse_last_event_without_blank_line_is_kept() -> None:
    assert await events("data: tail") == ["tail"]


async def test_sse_rejects_non_event_lines() -> None:
    with pytest.raises(SSEError, match="not an event stream line"):
        await events("<html>")


# -- prompt -------------------------------------------------------------------------------------

DOC = """# The Sea

Intro paragraph.

## Ships

### Sails

```
# not a heading
```

The wind rose over the water and"""


def test_heading_path_ignores_code_fences() -> None:
    assert heading_path(DOC, len(DOC)) == [(1, "The Sea"), (2, "Ships"), (3, "Sails")]
    assert document_title(DOC) == "The Sea"
    assert document_title("plain", "notes/draft.md") == "draft"
    assert document_title("plain") is None


def test_small_document_is_sent_whole_without_duplicate_title() -> None:
    ctx = build_context(DOC, len(DOC), title="The Sea")
    assert ctx.prompt == DOC and ctx.start == 0 and ctx.suffix is None


def test_budget_cuts_at_a_paragraph_and_keeps_the_heading_path() -> None:
    body = "\n\n".join(f"Paragraph {i} " + "word " * 30 for i in range(40))
    text = "# Title\n\n## Part\n\n" + body
    ctx = build_context(text, len(text), title="Title", budget_tokens=100)
    assert ctx.start > 0 and text[ctx.start - 2 : ctx.start] == "\n\n"
    assert ctx.header == "# Title\n## Part\n\n"
    assert ctx.prompt == ctx.header + text[ctx.start :]
    assert len(text) - ctx.start <= 400


def test_excerpt_start_is_stable_while_typing() -> None:
    text = "\n\n".join("Paragraph " + "word " * 30 for _ in range(30))
    starts = set()
    for typed in range(60):
        doc = text + "x" * typed
        starts.add(build_context(doc, len(doc), budget_tokens=120).start)
    assert len(starts) <= 2, "the prompt's beginning moves by whole paragraphs, rarely"


def test_exact_token_budget_with_a_counter() -> None:
    text = "\n\n".join("alpha beta gamma delta" for _ in range(50))
    ctx = build_context(text, len(text), budget_tokens=20, count_tokens=lambda s: len(s.split()))
    assert len(text[ctx.start :].split()) <= 20


def test_fim_suffix_only_when_the_model_has_fim() -> None:
    text = "Before the cursor. After the cursor."
    cur = text.index("After")
    assert build_context(text, cur).suffix is None
    ctx = build_context(text, cur, fim=True)
    assert ctx.prompt == "Before the cursor. " and ctx.suffix == "After the cursor."
    assert build_context(text + "\n", len(text) + 1, fim=True).suffix is None


def test_untitled_heading_free_text_gets_title_header() -> None:
    ctx = build_context("It was a dark night.", 20, title="draft")
    assert ctx.prompt == "# draft\n\nIt was a dark night."
