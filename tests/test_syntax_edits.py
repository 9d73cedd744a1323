"""The worker-backed highlighter: edits, shifting before the worker catches up, threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.core.document import Document
from tinymorph_tui.syntax import MarkdownHighlighter, Span, highlight_text
from tinymorph_tui.syntax.shift import shifted
from tinymorph_tui.syntax.store import ChunkStore

FULL = 10**12


class GatedHighlighter(MarkdownHighlighter):
    """A highlighter whose worker applies no edit while `gate` is closed."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.gate = threading.Event()
        self.gate.set()
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _drain(self, state: Any) -> None:
        self.gate.wait()
        super()._drain(state)


@pytest.fixture
def gated() -> Iterator[tuple[Document, GatedHighlighter]]:
    doc = Document("# Title\n\nSome **bold** words.\n\n- item\n")
    hl = GatedHighlighter(doc)
    assert hl.wait_idle()
    yield doc, hl
    hl.gate.set()
    hl.close()


def full(doc: Document) -> list[list[Span]]:
    return highlight_text(doc.text(), min_bytes=FULL)


def test_initial_highlights_and_on_update() -> None:
    calls: list[int] = []
    doc = Document("## Hello\n\ntext *em*\n")
    hl = MarkdownHighlighter(doc, on_update=lambda: calls.append(1))
    try:
        assert hl.wait_idle()
        assert calls
        assert hl.line_spans(0, doc.line_count) == full(doc)
        assert hl.version == doc.version
    finally:
        hl.close()


def test_spans_shift_with_typing_before_worker_catches_up(
    gated: tuple[Document, GatedHighlighter],
) -> None:
    doc, hl = gated
    hl.gate.clear()
    row = 2
    before = hl.line_spans(row, row + 1)[0]
    bold = next(s for s in before if s.scope == "markup.bold")
    doc.insert(doc.offset_of(row, 0), "Very ")  # text moves right by 5 columns
    doc.insert(doc.offset_of(row, bold.start + 5 + 3), "XY")  # typing inside the bold word
    after = hl.line_spans(row, row + 1)[0]
    moved = next(s for s in after if s.scope == "markup.bold")
    assert (moved.start, moved.end) == (bold.start + 5, bold.end + 7)
    hl.gate.set()
    assert hl.wait_idle()
    assert hl.line_spans(0, doc.line_count) == full(doc)


def test_rows_shift_when_lines_are_inserted(gated: tuple[Document, GatedHighlighter]) -> None:
    doc, hl = gated
    hl.gate.clear()
    heading = hl.line_spans(0, 1)[0]
    doc.insert(0, "new line\n\n")
    rows = hl.line_spans(0, 3)
    assert rows[0] == [] and rows[1] == []
    assert rows[2] == heading  # the heading moved down two rows, still highlighted
    doc.delete(0, len("new line\n\n"))
    assert hl.line_spans(0, 1)[0] == heading
    hl.gate.set()
    assert hl.wait_idle()
    assert hl.line_spans(0, doc.line_count) == full(doc)


def test_edit_that_opens_a_fence_rehighlights_below() -> None:
    doc = Document("\n\n".join(f"para {i} *em*" for i in range(50)) + "\n")
    hl = MarkdownHighlighter(doc, min_bytes=16)
    try:
        assert hl.wait_idle()
        doc.insert(doc.offset_of(10, 0), "```\n")
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc)
        assert all(s.scope == "markup.raw.block" for s in hl.line_spans(30, 31)[0])
        doc.insert(doc.offset_of(20, 0), "```\n")
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc)
    finally:
        hl.close()


def test_close_stops_worker_and_listener() -> None:
    doc = Document("text\n")
    hl = MarkdownHighlighter(doc)
    assert hl.wait_idle()
    hl.close()
    assert not hl._thread.is_alive()
    doc.insert(0, "# ")  # no listener left: nothing raises, nothing queued
    assert hl._queue.empty()


def test_shift_mapping_unit() -> None:
    base = {0: [Span(0, 4, "a"), Span(6, 9, "b")], 1: [Span(0, 3, "c")]}
    ev = SimpleNamespace(start_point=(0, 5), old_end_point=(1, 1), new_end_point=(0, 7))
    fn = shifted(lambda r: base.get(r, []), [ev])
    # rows 0 and 1 joined: row 0 keeps spans before col 5, then row 1's spans after col 1
    assert fn(0) == [Span(0, 4, "a"), Span(7, 9, "c")]
    assert fn(1) == []


SNIPPETS = [
    "x",
    " ",
    "\n",
    "\n\n",
    "# ",
    "*",
    "**",
    "`",
    "```\n",
    "> ",
    "- ",
    "[a](b)",
    "é",
    "|",
    "---\n",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(SNIPPETS), st.integers(0, 6)),
        min_size=1,
        max_size=25,
    )
)
def test_random_edits_match_a_full_parse(edits: list[tuple[float, str, int]]) -> None:
    doc = Document("# Top\n\npara *one*\n\n```py\nx = 1\n```\n\n- a\n- b\n\n> q\n\nend\n")
    hl = MarkdownHighlighter(doc, min_bytes=8)
    try:
        for where, snippet, delete in edits:
            offset = int(where * len(doc))
            if delete:
                doc.delete(offset, min(delete, len(doc) - offset))
            else:
                doc.insert(offset, snippet)
            hl.line_spans(0, 5)  # the UI reading while the worker works must be safe
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc)
    finally:
        hl.close()


def test_undo_redo_keep_highlights_right() -> None:
    doc = Document("plain\n\ntext\n")
    hl = MarkdownHighlighter(doc)
    try:
        doc.begin_group((0, 0))
        doc.insert(0, "# ")
        doc.insert(len("# plain\n\n"), "**")
        doc.end_group((0, 0))
        assert hl.wait_idle()
        highlighted = hl.line_spans(0, doc.line_count)
        assert highlighted == full(doc)
        assert any(s.scope == "markup.heading.1" for s in highlighted[0])
        doc.undo()
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc) == [[], [], [], []]
        doc.redo()
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == highlighted
    finally:
        hl.close()


def test_worker_error_resynchronises_from_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document("# one\n\ntext\n")
    hl = MarkdownHighlighter(doc)
    try:
        assert hl.wait_idle()
        real_apply = ChunkStore.apply
        calls = {"n": 0}

        def flaky(self: ChunkStore, event: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("simulated bug")
            real_apply(self, event)

        monkeypatch.setattr(ChunkStore, "apply", flaky)
        doc.insert(0, "#")  # the worker fails on this edit
        for _ in range(200):  # the UI keeps drawing; it hands over a fresh copy
            hl.line_spans(0, 3)
            if hl.wait_idle(0.05):
                break
        doc.insert(len(doc), "*em*\n")
        assert hl.wait_idle()
        assert hl.line_spans(0, doc.line_count) == full(doc)
        assert any(s.scope == "markup.heading.2" for s in hl.line_spans(0, 1)[0])
    finally:
        hl.close()


def test_only_the_region_around_the_view_stays_parsed() -> None:
    doc = Document("\n\n".join(f"# heading {i}" for i in range(3000)) + "\n")
    hl = MarkdownHighlighter(doc, min_bytes=64, tree_budget=4000)
    try:
        assert hl.line_spans(0, 20) is not None
        assert hl.wait_idle()
        assert any(s.scope == "markup.heading.1" for s in hl.line_spans(0, 1)[0])
        far = doc.line_count - 10
        assert hl.line_spans(far, far + 1) == [[]]  # far away: not parsed yet, plain
        assert hl.wait_idle()
        assert any(s.scope == "markup.heading.1" for s in hl.line_spans(far, far + 1)[0])
        assert hl.line_spans(0, 1) == [[]]  # the top was dropped to bound memory
        assert hl.wait_idle()
        assert hl.line_spans(0, 1) == full(doc)[0:1]
    finally:
        hl.close()
