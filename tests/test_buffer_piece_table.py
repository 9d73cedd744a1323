"""PieceTable against a plain ``str`` model: every query after every edit."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.core import piece_table
from tinymorph_tui.core.piece_table import PieceTable, line_starts_from_utf8, scan_line_starts

# Newlines, ASCII, two-byte and astral characters (one code point each in str).
ALPHABET = "ab \n\né\U0001f600"
texts = st.text(alphabet=ALPHABET, max_size=40)
# An edit: ("ins", where in [0, 1], text) or ("del", where, how many).
edits = st.lists(
    st.one_of(
        st.tuples(st.just("ins"), st.floats(0, 1), st.text(alphabet=ALPHABET, max_size=6)),
        st.tuples(st.just("del"), st.floats(0, 1), st.integers(0, 8)),
    ),
    max_size=60,
)


def assert_same(pt: PieceTable, model: str) -> None:
    """Compare every query of ``pt`` with the same question asked of ``model``."""
    assert pt.text() == model
    assert len(pt) == len(model)
    lines = model.split("\n")
    assert pt.line_count == len(lines)
    start = 0
    for i, line in enumerate(lines):
        assert pt.line(i) == line
        assert pt.line_start(i) == start
        assert pt.line_length(i) == len(line)
        start += len(line) + 1
    # Sequential reads go through the line cache; random ones walk the tree.
    assert pt.lines(0, len(lines)) == lines
    for i in reversed(range(len(lines))):
        assert pt.line(i) == lines[i]
    for offset in range(len(model) + 1):
        assert pt.line_of(offset) == model.count("\n", 0, offset)
    for a in range(0, len(model) + 1, 3):
        for b in range(a, len(model) + 2, 4):
            assert pt.slice(a, b) == model[a:b]
    for offset, ch in enumerate(model):
        assert pt.char_at(offset) == ch
    pt.check()


def apply(pt: PieceTable, model: str, edit: tuple[str, float, object]) -> str:
    """Apply one generated edit to both and return the new model."""
    kind, where, arg = edit
    if kind == "ins":
        assert isinstance(arg, str)
        offset = round(where * len(model))
        pt.insert(offset, arg)
        return model[:offset] + arg + model[offset:]
    assert isinstance(arg, int)
    offset = round(where * len(model))
    n = min(arg, len(model) - offset)
    pt.delete(offset, n)
    return model[:offset] + model[offset + n:]


@contextmanager
def tiny_buffers() -> Iterator[None]:
    """Shrink the add-buffer limits so every buffer roll-over path is exercised."""
    old = piece_table._CHUNK, piece_table._OWN_BUFFER
    piece_table._CHUNK, piece_table._OWN_BUFFER = 8, 4
    try:
        yield
    finally:
        piece_table._CHUNK, piece_table._OWN_BUFFER = old


@settings(max_examples=300, deadline=None)
@given(texts, edits)
def test_random_edits_match_str_model(initial: str, ops: list) -> None:
    pt = PieceTable(initial)
    model = initial
    assert_same(pt, model)
    for op in ops:
        model = apply(pt, model, op)
        assert_same(pt, model)


@settings(max_examples=100, deadline=None)
@given(texts, edits)
def test_random_edits_with_tiny_add_buffers(initial: str, ops: list) -> None:
    with tiny_buffers():
        pt = PieceTable(initial)
        model = initial
        for op in ops:
            model = apply(pt, model, op)
            assert_same(pt, model)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_replace_is_delete_then_insert(initial: str, a: int, b: int) -> None:
    a, b = sorted((min(a, len(initial)), min(b, len(initial))))
    pt = PieceTable(initial)
    pt.replace(a, b, "XY\nZ")
    assert_same(pt, initial[:a] + "XY\nZ" + initial[b:])


def test_typing_extends_one_piece() -> None:
    pt = PieceTable("abc\ndef")
    for i, ch in enumerate("hello\nworld"):
        pt.insert(3 + i, ch)
    assert pt.text() == "abchello\nworld\ndef"
    # The original split in two plus one piece holding everything typed.
    assert pt.check()["pieces"] == 3


def test_large_insert_gets_its_own_buffer() -> None:
    big = "li\n" * 1400  # longer than _OWN_BUFFER
    pt = PieceTable("ab")
    pt.insert(1, big)
    pt.insert(2, "\n")
    model = "a" + big[:1] + "\n" + big[1:] + "b"
    assert pt.text() == model
    assert pt.lines(0, pt.line_count) == model.split("\n")
    for offset in range(0, len(model) + 1, 7):
        assert pt.line_of(offset) == model.count("\n", 0, offset)
    assert pt.check()["pieces"] == 5


def test_empty_table() -> None:
    pt = PieceTable()
    assert pt.text() == "" and len(pt) == 0 and pt.line_count == 1
    assert pt.line(0) == "" and pt.line_start(0) == 0 and pt.line_of(0) == 0
    assert pt.slice(0, 5) == ""
    pt.delete(0, 0)
    pt.insert(0, "")
    assert pt.check()["pieces"] == 0


def test_out_of_range_arguments_raise() -> None:
    pt = PieceTable("ab\ncd")
    with pytest.raises(IndexError):
        pt.insert(6, "x")
    with pytest.raises(IndexError):
        pt.insert(-1, "x")
    with pytest.raises(IndexError):
        pt.delete(4, 2)
    with pytest.raises(IndexError):
        pt.delete(0, -1)
    with pytest.raises(IndexError):
        pt.line(2)
    pt.line(1)  # the last line: no sequential-read state is left to misuse
    with pytest.raises(IndexError):
        pt.line(-1)
    with pytest.raises(IndexError):
        pt.position_of(-1)
    with pytest.raises(IndexError):
        pt.line_start(2)
    with pytest.raises(IndexError):
        pt.line_of(6)
    with pytest.raises(IndexError):
        pt.char_at(5)
    assert pt.text() == "ab\ncd"


def test_original_text_is_not_copied() -> None:
    text = "x" * 1000 + "\n" + "y" * 1000
    pt = PieceTable(text)
    assert pt.text() is text


def test_stress_thousands_of_edits_keep_tree_balanced() -> None:
    rng = random.Random(2024)
    model = "".join(rng.choice("abc\n") for _ in range(3000))
    pt = PieceTable(model)
    for step in range(6000):
        if rng.random() < 0.6 or not model:
            offset = rng.randint(0, len(model))
            s = rng.choice(["x", "\n", "yz", "é\n"])
            pt.insert(offset, s)
            model = model[:offset] + s + model[offset:]
        else:
            offset = rng.randrange(len(model))
            n = min(rng.randint(1, 3), len(model) - offset)
            pt.delete(offset, n)
            model = model[:offset] + model[offset + n:]
        if step % 500 == 0:
            shape = pt.check()
            # A red-black tree of n nodes is at most 2*log2(n+1) high.
            assert shape["height"] <= 2 * math.log2(shape["pieces"] + 1)
    shape = pt.check()
    assert shape["pieces"] > 1000
    assert shape["height"] <= 2 * math.log2(shape["pieces"] + 1)
    assert pt.text() == model
    lines = model.split("\n")
    for i in rng.sample(range(len(lines)), 200):
        assert pt.line(i) == lines[i]


def test_deleting_everything_piece_by_piece() -> None:
    pt = PieceTable("0123456789")
    for i in range(10):
        pt.insert(2 * i + 1, "-")
    while len(pt):
        pt.delete(len(pt) // 2, 1)
        pt.check()
    assert pt.text() == "" and pt.line_count == 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="a\né€\U0001f600\n", max_size=80), st.integers(1, 9))
def test_byte_scan_matches_str_scan(text: str, chunk: int) -> None:
    fast = line_starts_from_utf8(text.encode("utf-8"), chunk=chunk)
    assert fast is not None
    assert list(fast) == list(scan_line_starts(text))


@settings(max_examples=100, deadline=None)
@given(texts, edits)
def test_position_of_matches_str_model(initial: str, ops: list) -> None:
    with tiny_buffers():
        pt = PieceTable(initial)
        model = initial
        for op in ops:
            model = apply(pt, model, op)
        for offset in range(len(model) + 1):
            before = model[:offset]
            expected = (before.count("\n"), offset - (before.rfind("\n") + 1))
            assert pt.position_of(offset) == expected
        with pytest.raises(IndexError):
            pt.position_of(len(model) + 1)


def test_ascii_byte_scan_matches_str_scan() -> None:
    text = "ab\n\ncd\n" * 50
    fast = line_starts_from_utf8(text.encode("ascii"), ascii_only=True, chunk=5)
    assert fast is not None and list(fast) == list(scan_line_starts(text))


@settings(max_examples=60, deadline=None)
@given(texts, edits)
def test_automatic_compaction_keeps_the_text(initial: str, ops: list) -> None:
    old = piece_table._COMPACT_BASE, piece_table._COMPACT_CHARS_PER_PIECE
    piece_table._COMPACT_BASE, piece_table._COMPACT_CHARS_PER_PIECE = 3, 1000
    try:
        pt = PieceTable(initial)
        model = initial
        for op in ops:
            model = apply(pt, model, op)
            assert pt.check()["pieces"] <= 4
            assert_same(pt, model)
    finally:
        piece_table._COMPACT_BASE, piece_table._COMPACT_CHARS_PER_PIECE = old


def test_compact_rebuilds_one_piece() -> None:
    pt = PieceTable("abc\ndef")
    pt.insert(2, "X\n")
    pt.delete(0, 1)
    pt.compact()
    assert pt.check()["pieces"] == 1
    assert_same(pt, "bX\nc\ndef")
