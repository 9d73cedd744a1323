"""When the highlighter's worker parses: never while keys arrive, and what is shown meanwhile.

The worker competes with the UI thread for the GIL, so it waits for a quiet moment after the
last edit (`quiet_s`), drops a parse when a key comes in, and the UI carries the rows it
has shown through each edit (`_advance_rows`) instead of re-shifting every row through
every pending edit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.core.document import Document
from tinymorph_tui.syntax import MarkdownHighlighter, Span, highlight_text
from tinymorph_tui.syntax import markdown as markdown_module
from tinymorph_tui.syntax.parsed import encode
from tinymorph_tui.syntax.parsing import parse_block
from tinymorph_tui.syntax.shift import shifted
from tinymorph_tui.syntax.store import ChunkStore

TEXT = "# Title\n\nSome **bold** words and `code`.\n\n- item *one*\n- item two\n\n> quote\n"
FULL = 10**12


def full(doc: Document) -> list[list[Span]]:
    return highlight_text(doc.text(), min_bytes=FULL)


@pytest.fixture
def patient() -> Iterator[tuple[Document, MarkdownHighlighter]]:
    """A highlighter whose quiet period is a minute: it parses only when told to."""
    doc = Document(TEXT)
    hl = MarkdownHighlighter(doc, quiet_s=60.0)
    assert hl.wait_idle()
    yield doc, hl
    hl.close()


def test_no_reparse_while_keys_arrive_then_catch_up_when_asked(
    patient: tuple[Document, MarkdownHighlighter],
) -> None:
    doc, hl = patient
    published = hl.version
    row = 2
    bold = next(s for s in hl.line_spans(row, row + 1)[0] if s.scope == "markup.bold")
    for k, ch in enumerate("Very "):
        doc.insert(doc.offset_of(row, k), ch)
        hl.line_spans(0, doc.line_count)  # the UI draws after each key
    time.sleep(0.3)  # long enough for the old worker (8 ms settle) to have reparsed
    assert hl.version == published  # nothing parsed: the writer has not paused for 60 s
    moved = next(s for s in hl.line_spans(row, row + 1)[0] if s.scope == "markup.bold")
    assert (moved.start, moved.end) == (bold.start + 5, bold.end + 5)  # shifted, not plain
    assert hl.wait_idle()  # a caller that wants the highlights now gets them
    assert hl.version == doc.version
    assert hl.line_spans(0, doc.line_count) == full(doc)


def test_a_long_burst_of_edits_is_caught_up_without_a_pause() -> None:
    doc = Document(TEXT)
    hl = MarkdownHighlighter(doc, quiet_s=60.0)
    try:
        assert hl.wait_idle()
        for _ in range(markdown_module.FORCE_CATCH_UP_EDITS + 5):
            doc.insert(len(doc), "x")
        for _ in range(500):  # no wait_idle (it would kick the worker): it must go alone
            if hl.version >= doc.version - 5:
                break
            time.sleep(0.02)
        assert hl.version >= doc.version - 5
    finally:
        hl.close()


def test_quiet_period_follows_the_typing_rhythm(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document(TEXT)
    hl = MarkdownHighlighter(doc)
    try:
        assert hl.wait_idle()
        clock = {"now": 1000.0}
        real_monotonic = markdown_module.time.monotonic
        monkeypatch.setattr(markdown_module.time, "monotonic", lambda: clock["now"])

        def type_with_gap(gap: float, n: int = 40) -> float:
            for _ in range(n):
                clock["now"] += gap
                doc.insert(len(doc), "x")
            return hl.quiet_s

        assert type_with_gap(0.04) == markdown_module.QUIET_MIN_S  # fast: the floor
        slow = type_with_gap(0.12)
        assert markdown_module.QUIET_MIN_S < slow < markdown_module.QUIET_MAX_S
        assert slow == pytest.approx(0.24, abs=0.01)  # about twice the gap
        assert type_with_gap(0.5) == markdown_module.QUIET_MAX_S  # slow: the ceiling
        before = hl.quiet_s
        type_with_gap(5.0, n=3)  # pauses are not rhythm
        assert hl.quiet_s == before
    finally:
        monkeypatch.setattr(markdown_module.time, "monotonic", real_monotonic)
        hl.close()


def test_fixed_quiet_period_is_kept() -> None:
    doc = Document(TEXT)
    hl = MarkdownHighlighter(doc, quiet_s=0.5)
    try:
        for _ in range(5):
            doc.insert(0, "x")
        assert hl.quiet_s == 0.5
    finally:
        hl.close()


def test_a_cancelled_parse_leaves_the_chunk_as_it_was() -> None:
    store = ChunkStore(TEXT, 0)
    assert store.parse(0, cancel=lambda: True) is None
    assert store.chunks[0].result is None
    result = store.parse(0, cancel=lambda: False)
    assert result is not None and result.tree is not None
    assert store.chunks[0].result is result
    assert parse_block(encode(TEXT), cancel=lambda: True) is None
    assert parse_block(encode(TEXT), cancel=lambda: False) is not None


def test_a_key_during_a_parse_drops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker polls for new edits while tree-sitter works and gives the parse up."""
    doc = Document(TEXT)
    hl = MarkdownHighlighter(doc, quiet_s=0.0)
    seen: list[bool] = []
    real_parse = ChunkStore.parse

    def parse_then_key(self: ChunkStore, i: int, cancel: Any = None) -> Any:
        if cancel is not None and not seen:
            hl._edits += 1  # as if _on_edit ran on the UI thread during the parse
            seen.append(cancel())
            hl._edits -= 1
        return real_parse(self, i, cancel)

    try:
        assert hl.wait_idle()
        monkeypatch.setattr(ChunkStore, "parse", parse_then_key)
        doc.insert(0, "# ")
        for _ in range(500):
            if seen:
                break
            time.sleep(0.01)
        assert seen == [True]
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc)
    finally:
        hl.close()


SNIPPETS = ["x", " ", "\n", "\n\n", "# ", "*", "**", "`", "- ", "é", "ab\ncd"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(SNIPPETS),
            st.integers(0, 8),
            st.integers(0, 12),
            st.integers(1, 12),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_rows_carried_through_edits_equal_the_full_shift(
    edits: list[tuple[float, str, int, int, int]],
) -> None:
    """Whatever rows the UI asked for before, line_spans equals shifting the published
    highlights through every pending edit (`shift.shifted`, the reference)."""
    doc = Document(TEXT + TEXT)
    hl = MarkdownHighlighter(doc, quiet_s=60.0)
    try:
        assert hl.wait_idle()
        base = hl.line_spans(0, doc.line_count)
        events: list[Any] = []
        doc.add_listener(events.append)
        for where, snippet, delete, top, height in edits:
            offset = int(where * len(doc))
            if delete:
                doc.delete(offset, min(delete, len(doc) - offset))
            else:
                doc.insert(offset, snippet)
            reference = shifted(lambda r: base[r] if 0 <= r < len(base) else [], events)
            top = min(top, doc.line_count - 1)
            got = hl.line_spans(top, top + height)
            assert got == [reference(r) for r in range(top, top + height)]
        assert not events or hl.version < doc.version  # all carried, none reparsed
    finally:
        hl.close()
