"""Document: file round trips, atomic saves, undo groups, listeners and marks."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinymorph_tui.core import document as document_module
from tinymorph_tui.core.document import Document, DocumentError, EditEvent

# ---------------------------------------------------------------- load and save


def roundtrip(tmp_path: Path, data: bytes) -> tuple[Document, bytes]:
    """Load ``data`` from a file, save it unchanged, return the doc and the new bytes."""
    f = tmp_path / "f.md"
    f.write_bytes(data)
    doc = Document.load(f)
    doc.save()
    return doc, f.read_bytes()


def test_lf_file_round_trips(tmp_path: Path) -> None:
    doc, out = roundtrip(tmp_path, b"# Title\n\nSome text.\n")
    assert out == b"# Title\n\nSome text.\n"
    assert doc.newline == "\n" and not doc.has_bom and not doc.encoding_errors
    # As in Vim, the final newline ends the last line: three lines, not four.
    assert doc.line_count == 3 and doc.line(0) == "# Title" and doc.eol


def test_crlf_file_is_converted_and_written_back(tmp_path: Path) -> None:
    f = tmp_path / "dos.txt"
    f.write_bytes(b"one\r\ntwo\r\n")
    doc = Document.load(f)
    assert doc.text() == "one\ntwo" and doc.eol
    assert doc.newline == "\r\n"
    doc.insert(len(doc), "\nthree")
    doc.save()
    assert f.read_bytes() == b"one\r\ntwo\r\nthree\r\n"


def test_mixed_newlines_take_the_majority(tmp_path: Path) -> None:
    doc, out = roundtrip(tmp_path, b"a\r\nb\r\nc\n")
    assert doc.newline == "\r\n"
    assert out == b"a\r\nb\r\nc\r\n"  # the lone LF is normalised
    doc, out = roundtrip(tmp_path, b"a\nb\nc\r\n")
    assert doc.newline == "\n"
    assert doc.line(2) == "c\r"  # kept as a visible character: byte-exact
    assert out == b"a\nb\nc\r\n"


def test_bom_is_kept(tmp_path: Path) -> None:
    doc, out = roundtrip(tmp_path, b"\xef\xbb\xbfhello\n")
    assert doc.has_bom and doc.text() == "hello"
    assert out == b"\xef\xbb\xbfhello\n"


def test_invalid_utf8_round_trips_byte_exact(tmp_path: Path) -> None:
    data = b"caf\xe9 \xff\xfe ok \xc3\xa9 \xed\xa0\x80\n"
    doc, out = roundtrip(tmp_path, data)
    assert doc.encoding_errors
    assert out == data


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200).filter(lambda b: b"\0" not in b))
def test_any_text_bytes_round_trip(tmp_path: Path, data: bytes) -> None:
    doc, out = roundtrip(tmp_path, data)
    if doc.newline == "\n":
        assert out == data
    else:
        body = data[3:] if doc.has_bom else data
        expected = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        assert out == (b"\xef\xbb\xbf" if doc.has_bom else b"") + expected


def test_large_utf8_file_indexes_lines_from_bytes(tmp_path: Path) -> None:
    # Over 1 MiB and non-ASCII: line starts come from the byte scan.
    line = "héllo wörld 😀 and more\n"
    f = tmp_path / "big.md"
    f.write_text(line * 50_000, encoding="utf-8")
    doc = Document.load(f)
    assert doc.line_count == 50_000
    assert doc.line(49_999) == line[:-1]
    assert doc.line_start(12_345) == 12_345 * len(line)
    assert doc.line_of(len(line) * 777 + 3) == 777


def test_binary_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.bin"
    f.write_bytes(b"ELF\x00\x01\x02")
    with pytest.raises(DocumentError, match="binary"):
        Document.load(f)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a directory") as info:
        Document.load(tmp_path)
    assert "\n" not in str(info.value)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="not a regular file"):
        Document.load(fifo)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a mode 000 file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "secret.md"
    f.write_text("x")
    f.chmod(0)
    with pytest.raises(DocumentError, match="cannot read"):
        Document.load(f)


def test_unreadable_path_component_is_refused(tmp_path: Path) -> None:
    # A file used as a folder fails for root too (ENOTDIR).
    f = tmp_path / "plain"
    f.write_text("x")
    with pytest.raises(DocumentError, match="cannot open"):
        Document.load(f / "child.md")


def test_missing_file_is_an_empty_document_created_on_save(tmp_path: Path) -> None:
    f = tmp_path / "new.md"
    doc = Document.load(f)
    assert doc.path == f and doc.text() == "" and not doc.modified
    assert not doc.disk_changed()
    doc.insert(0, "hi\n")
    assert doc.modified
    doc.save()
    # As in Vim: the buffer "hi\n" is two lines, "hi" and "", each written with its newline.
    assert f.read_text() == "hi\n\n" and not doc.modified
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~umask


def test_save_keeps_permission_bits(tmp_path: Path) -> None:
    f = tmp_path / "script.sh"
    f.write_text("echo hi\n")
    f.chmod(0o751)
    doc = Document.load(f)
    doc.insert(0, "#!/bin/sh\n")
    doc.save()
    assert stat.S_IMODE(f.stat().st_mode) == 0o751
    assert f.read_text() == "#!/bin/sh\necho hi\n"


def test_save_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    doc = Document.load(link)
    doc.replace(0, 3, "new")
    doc.save()
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert doc.path == link


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    doc = Document("x", path=f)
    doc.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_failed_rename_leaves_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.md"
    f.write_text("original\n")
    doc = Document.load(f)
    doc.insert(0, "changed ")

    def refuse(src: object, dst: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(document_module.os, "replace", refuse)
    with pytest.raises(DocumentError, match="cannot write .*Permission denied"):
        doc.save()
    assert f.read_text() == "original\n"
    assert doc.modified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_failed_write_reports_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.md"
    f.write_text("original\n")
    doc = Document.load(f)
    doc.insert(0, "x")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(document_module.os, "fsync", full)
    with pytest.raises(DocumentError, match="No space left"):
        doc.save()
    assert f.read_text() == "original\n" and doc.modified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_save_into_vanished_folder_fails_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    doc = Document.load(folder / "a.md")
    doc.insert(0, "text")
    folder.rmdir()
    with pytest.raises(DocumentError, match="cannot write"):
        doc.save()
    assert doc.modified and doc.text() == "text"


def test_save_without_a_path_or_onto_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no file name"):
        Document("x").save()
    with pytest.raises(DocumentError, match="directory"):
        Document("x").save(tmp_path)


def test_save_as_takes_the_new_path(tmp_path: Path) -> None:
    doc = Document("abc")
    assert doc.modified is False
    doc.insert(3, "d")
    doc.save(tmp_path / "b.md")
    assert doc.path == tmp_path / "b.md" and not doc.modified
    assert (tmp_path / "b.md").read_text() == "abcd"


def test_unencodable_character_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("keep\n")
    doc = Document.load(f)
    doc.insert(0, "\ud800")
    with pytest.raises(DocumentError, match="U\\+D800"):
        doc.save()
    assert f.read_text() == "keep\n"


def test_disk_changed_notices_outside_writes(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("one\n")
    doc = Document.load(f)
    assert not doc.disk_changed()
    f.write_text("one two\n")
    assert doc.disk_changed()
    doc.save()
    assert not doc.disk_changed()
    f.unlink()
    assert doc.disk_changed()


# ----------------------------------------------------------------- text queries


def test_positions_and_offsets() -> None:
    doc = Document("ab\ncde\n\nf")
    assert doc.position_of(0) == (0, 0)
    assert doc.position_of(3) == (1, 0)
    assert doc.position_of(6) == (1, 3)
    assert doc.position_of(7) == (2, 0)
    assert doc.position_of(9) == (3, 1)
    assert doc.offset_of(1, 2) == 5
    assert doc.offset_of(1, 99) == 6  # clamped to the end of the line
    assert doc.offset_of(3, 1) == 9
    assert doc.line_length(1) == 3
    assert doc.lines(1, 10) == ["cde", "", "f"]
    for off in range(len(doc) + 1):
        assert doc.offset_of(*doc.position_of(off)) == off


# ------------------------------------------------------------------------- undo


def test_each_edit_outside_a_group_is_one_step() -> None:
    doc = Document("hello")
    doc.insert(5, "!")
    doc.delete(0, 1)
    assert doc.text() == "ello!" and doc.version == 2
    assert doc.undo() == (0, 0)
    assert doc.text() == "hello!"
    assert doc.undo() == (0, 5)
    assert doc.text() == "hello" and not doc.can_undo and not doc.modified
    assert doc.undo() is None
    assert doc.redo() == (0, 6)
    assert doc.text() == "hello!"
    assert doc.version == 5


def test_group_undoes_as_one_and_restores_cursor() -> None:
    doc = Document("abc")
    doc.begin_group((0, 1))
    doc.insert(1, "X")
    doc.begin_group((9, 9))  # nested: joins the outer group
    doc.insert(2, "Y")
    doc.end_group((8, 8))
    doc.delete(0, 1)
    doc.end_group((0, 2))
    assert doc.text() == "XYbc"
    assert doc.undo() == (0, 1)
    assert doc.text() == "abc"
    assert doc.redo() == (0, 2)
    assert doc.text() == "XYbc"


def test_empty_group_is_not_a_step() -> None:
    doc = Document("abc")
    doc.begin_group((0, 0))
    doc.end_group((0, 0))
    assert not doc.can_undo


def test_new_edit_clears_redo() -> None:
    doc = Document("a")
    doc.insert(1, "b")
    doc.undo()
    assert doc.can_redo
    doc.insert(0, "z")
    assert not doc.can_redo and doc.redo() is None


def test_modified_follows_the_saved_state(tmp_path: Path) -> None:
    doc = Document("a", path=tmp_path / "a.md")
    doc.insert(1, "b")
    doc.save()
    assert not doc.modified
    doc.insert(2, "c")
    assert doc.modified
    doc.undo()
    assert not doc.modified  # back at the saved text
    doc.undo()
    assert doc.modified  # before the saved text
    doc.redo()
    assert not doc.modified


def test_save_inside_an_open_group(tmp_path: Path) -> None:
    doc = Document("", path=tmp_path / "a.md")
    doc.begin_group((0, 0))
    doc.insert(0, "a")
    doc.save()
    assert not doc.modified
    doc.insert(1, "b")
    assert doc.modified
    doc.end_group((0, 2))
    doc.undo()
    assert doc.text() == "" and doc.modified


def test_undo_inside_an_open_group_closes_it() -> None:
    doc = Document("")
    doc.begin_group((0, 0))
    doc.insert(0, "a")
    assert doc.undo() == (0, 0)
    doc.insert(0, "b")
    doc.end_group((0, 1))
    assert doc.text() == "b"
    doc.undo()
    assert doc.text() == ""


def test_undo_levels_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "UNDO_LEVELS", 3)
    doc = Document("")
    for ch in "abcde":
        doc.insert(len(doc), ch)
    while doc.undo() is not None:
        pass
    assert doc.text() == "ab"


# -------------------------------------------------------------------- listeners

edit_ops = st.lists(
    st.one_of(
        st.tuples(st.just("ins"), st.floats(0, 1), st.text(alphabet="ab\né", max_size=5)),
        st.tuples(st.just("del"), st.floats(0, 1), st.integers(0, 6)),
        st.tuples(st.just("rep"), st.floats(0, 1), st.text(alphabet="x\n", max_size=3)),
        st.tuples(st.just("undo"), st.just(0.0), st.just("")),
        st.tuples(st.just("redo"), st.just(0.0), st.just("")),
    ),
    max_size=30,
)


def point_of(text: str, offset: int) -> tuple[int, int]:
    """(row, col) of ``offset`` in ``text`` computed the slow, obvious way."""
    before = text[:offset]
    return (before.count("\n"), len(before) - (before.rfind("\n") + 1))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab\né", max_size=30), edit_ops)
def test_events_rebuild_the_text(initial: str, ops: list) -> None:
    doc = Document(initial)
    shadow = [initial]
    events: list[EditEvent] = []

    def follow(ev: EditEvent) -> None:
        old = shadow[0]
        assert old[ev.start:ev.old_end] == ev.deleted
        assert ev.start_point == point_of(old, ev.start)
        assert ev.old_end_point == point_of(old, ev.old_end)
        new = old[:ev.start] + ev.inserted + old[ev.old_end:]
        assert ev.new_end == ev.start + len(ev.inserted)
        assert ev.new_end_point == point_of(new, ev.new_end)
        assert ev.version == doc.version
        shadow[0] = new
        events.append(ev)

    doc.add_listener(follow)
    for kind, where, arg in ops:
        n = len(doc)
        at = round(where * n)
        if kind == "ins":
            doc.insert(at, arg)
        elif kind == "del":
            doc.delete(at, min(int(arg), n - at))
        elif kind == "rep":
            doc.replace(at, min(at + 2, n), arg)
        elif kind == "undo":
            doc.undo()
        else:
            doc.redo()
        assert shadow[0] == doc.text()
    # Undoing everything gets back to the start, still in step with the events.
    while doc.undo() is not None:
        pass
    assert doc.text() == initial == shadow[0]
    assert not doc.modified


def test_remove_listener() -> None:
    doc = Document("")
    seen: list[EditEvent] = []
    doc.add_listener(seen.append)
    doc.insert(0, "a")
    doc.remove_listener(seen.append)
    doc.remove_listener(seen.append)  # twice is harmless
    doc.insert(0, "b")
    assert len(seen) == 1


def test_no_op_edits_change_nothing() -> None:
    doc = Document("abc")
    doc.replace(1, 2, "b")
    doc.insert(1, "")
    doc.delete(1, 0)
    assert doc.version == 0 and not doc.can_undo
    with pytest.raises(IndexError):
        doc.replace(2, 1, "x")
    with pytest.raises(IndexError):
        doc.delete(2, 5)


# ------------------------------------------------------------------------ marks


def test_marks_move_with_edits() -> None:
    doc = Document("0123456789")
    doc.set_mark("a", 5)
    doc.insert(2, "xx")  # before: shifts
    assert doc.get_mark("a") == 7
    doc.insert(7, "!")  # exactly at the mark: stays on its character
    assert doc.get_mark("a") == 8
    doc.insert(9, "after")  # after: stays
    assert doc.get_mark("a") == 8
    doc.delete(0, 3)  # before: shifts back
    assert doc.get_mark("a") == 5
    doc.delete(3, 4)  # covers the mark: moves to the start of the deletion
    assert doc.get_mark("a") == 3
    assert doc.get_mark("zz") is None
    doc.delete_mark("a")
    assert doc.get_mark("a") is None
    with pytest.raises(IndexError):
        doc.set_mark("b", 999)


def test_undo_puts_squashed_marks_back() -> None:
    doc = Document("0123456789")
    doc.set_mark("a", 5)
    doc.delete(3, 4)
    assert doc.get_mark("a") == 3
    doc.undo()
    assert doc.get_mark("a") == 5
    doc.redo()
    assert doc.get_mark("a") == 3
    doc.undo()
    doc.delete_mark("a")
    doc.redo()
    assert doc.get_mark("a") is None


def test_modified_is_true_after_dropped_undo_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "UNDO_LEVELS", 2)
    doc = Document("")
    for ch in "abc":
        doc.insert(len(doc), ch)
    while doc.undo() is not None:
        pass
    assert doc.text() == "a" and doc.modified


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab\n", min_size=1, max_size=30), edit_ops)
def test_marks_stay_on_their_character(initial: str, ops: list) -> None:
    # Tag one character with a unique symbol; the mark must follow it while it lives.
    tagged = initial[:len(initial) // 2] + "@" + initial[len(initial) // 2:]
    doc = Document(tagged)
    doc.set_mark("m", tagged.index("@"))
    for kind, where, arg in ops:
        if kind not in ("ins", "del"):
            continue
        n = len(doc)
        at = round(where * n)
        if kind == "ins":
            doc.insert(at, arg)
        else:
            doc.delete(at, min(int(arg), n - at))
        mark = doc.get_mark("m")
        assert mark is not None and 0 <= mark <= len(doc)
        text = doc.text()
        if "@" in text:
            assert text.index("@") == mark
    # Undoing everything puts the mark back where it was set.
    while doc.undo() is not None:
        pass
    assert doc.get_mark("m") == tagged.index("@")


def test_final_newline_is_a_terminator_like_vim(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"hello\nworld\n")
    doc = Document.load(path)
    assert doc.text() == "hello\nworld" and doc.line_count == 2 and doc.eol
    doc.insert(len(doc), " more")
    doc.save()
    assert path.read_bytes() == b"hello\nworld more\n"


def test_missing_final_newline_is_kept_missing(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"no newline")
    doc = Document.load(path)
    assert not doc.eol
    doc.save()
    assert path.read_bytes() == b"no newline"


def test_new_file_gets_a_final_newline_but_empty_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    doc = Document.load(path)
    doc.save()
    assert path.read_bytes() == b""
    doc.insert(0, "text")
    doc.save()
    assert path.read_bytes() == b"text\n"


def test_single_empty_line_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\n")
    doc = Document.load(path)
    assert doc.text() == "" and doc.eol
    doc.save()
    assert path.read_bytes() == b"\n"
