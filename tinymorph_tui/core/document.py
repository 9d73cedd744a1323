"""The text of one file: a piece table plus loading, saving, undo, marks and listeners.

Load and save keep a file byte-exact where the editor did not change it:

* UTF-8 is decoded strictly when possible; otherwise with ``surrogateescape``,
  so every undecodable byte becomes one lone surrogate (U+DC80..U+DCFF) and is
  written back as the same byte (``encoding_errors`` is then True).
* A UTF-8 byte order mark is removed from the text and written back.
* Final newline: as in Vim, the newline at the end of a file ends its last line
  instead of starting an empty one, so "a\nb\n" loads as the text "a\nb" with
  ``eol = True`` and saves back as "a\nb\n"; a file without one is written without one.
* Newlines: when CRLF line ends outnumber bare LF ones the file is "dos": every
  CRLF becomes "\\n" in the text and every "\\n" is written back as CRLF (a
  mixed file thus comes back uniformly CRLF). Otherwise the file is "unix"
  and the text is taken as is: a stray "\\r" stays a visible character and
  the file round-trips exactly, as in Vim with fileformat=unix.
* Binary files (a NUL byte in the first 8 KiB), directories and other
  non-regular files are refused with a one-line ``DocumentError``.

Saving is atomic: the bytes go to a temporary file in the target's folder,
which is flushed, fsynced and renamed over the target; a symlink is followed so
its target is replaced and the link stays. Permission bits are kept.
(A file with several hard links is therefore replaced, not rewritten in place.)

Undo works on groups of edits: ``begin_group(cursor)``/``end_group(cursor)``
bracket one step (nested brackets join the outermost); an edit outside any
group is a step by itself. Undo returns the cursor given to ``begin_group``
(for a lone edit, the position where it happened); redo returns the cursor
given to ``end_group``.

Marks are offsets that follow the text: an edit before a mark shifts it, an
insertion exactly at a mark pushes it right (it stays on its character), and
a deletion covering a mark moves it to the start of the deletion (Vim keeps
such a mark on the line where the deleted text was). Undo puts marks back
where they were before the step and redo where they were after it, as Vim's
undo does for named marks.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from tinymorph_tui.core.piece_table import PieceTable, line_starts_from_utf8

Point = tuple[int, int]
Cursor = Any  # whatever the editor hands to begin_group(): usually a (row, col) Point
Listener = Callable[["EditEvent"], None]

BOM = b"\xef\xbb\xbf"
_BINARY_PROBE = 8192
# Undo steps kept (Vim's default 'undolevels').
UNDO_LEVELS = 1000


class DocumentError(Exception):
    """A load or save failed; ``str(err)`` is one line fit for the status line."""


# The records below are NamedTuples and plain slotted classes rather than dataclasses:
# a dataclass costs ~1 ms to create on Python 3.11 (it compiles its methods from
# source), and every module on the way to the first screen pays that at start-up.
class EditEvent(NamedTuple):
    """One change of the text, as seen by listeners.

    Offsets ``start``/``old_end`` and points ``start_point``/``old_end_point``
    are in the text before the edit; ``new_end``/``new_end_point`` in the text
    after it. Points are (row, col) with col counted in characters.
    ``version`` is the document version after the edit.
    """

    start: int
    old_end: int
    new_end: int
    start_point: Point
    old_end_point: Point
    new_end_point: Point
    inserted: str
    deleted: str
    version: int


class _Edit(NamedTuple):
    """One recorded replacement: text[start:start+len(deleted)] became inserted."""

    start: int
    deleted: str
    inserted: str


class _Group:
    """One undo step.

    A cursor the editor gave (begin_group/end_group) wins; otherwise the
    offset is turned into (row, col) when undo/redo needs it, which is when
    the text is again the one the offset was taken in.
    """

    __slots__ = (
        "edits", "cursor_before", "before_offset", "cursor_after", "after_offset", "seq",
        "marks_before", "marks_after",
    )

    def __init__(
        self,
        edits: list[_Edit],
        cursor_before: Cursor,
        before_offset: int,
        cursor_after: Cursor,
        after_offset: int,
        seq: int,
        marks_before: dict[str, int] | None = None,
        marks_after: dict[str, int] | None = None,
    ) -> None:
        self.edits = edits
        self.cursor_before = cursor_before
        self.before_offset = before_offset
        self.cursor_after = cursor_after
        self.after_offset = after_offset
        # Identifies the text state after this group (see Document._state).
        self.seq = seq
        # Marks as they were before the group and after it (filled by undo), which
        # undo/redo put back as Vim does: a mark a deletion squashed returns.
        self.marks_before = marks_before
        self.marks_after = marks_after


def _advance(point: Point, text: str) -> Point:
    """The point reached after writing ``text`` at ``point``."""
    nl = text.count("\n")
    if not nl:
        return (point[0], point[1] + len(text))
    return (point[0] + nl, len(text) - text.rfind("\n") - 1)


class Document:
    """Editable text with a file behind it; see the module docstring for the rules."""

    def __init__(self, text: str = "", *, path: Path | None = None,
                 _table: PieceTable | None = None) -> None:
        self._pt = _table if _table is not None else PieceTable(text)
        self.path: Path | None = Path(path) if path is not None else None
        self.newline: str = "\n"
        self.has_bom = False
        #: Whether the file ends with a newline (written back on save; Vim's 'eol').
        self.eol = False
        self.encoding_errors = False
        self.version = 0
        # File identity recorded at load/save, for disk_changed().
        self.saved_mtime_ns: int | None = None
        self.saved_size: int | None = None
        self._listeners: list[Listener] = []
        self._marks: dict[str, int] = {}
        self._undo: list[_Group] = []
        self._redo: list[_Group] = []
        # The group that edits join while begin_group() brackets are open.
        self._open: _Group | None = None
        self._open_cursor: Cursor = None
        self._depth = 0
        self._seq = 0
        self._saved_state = 0
        # The state under the oldest kept undo step (not 0 once steps were dropped).
        self._base_state = 0

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: Path | str) -> Document:
        """Read ``path``; a missing file gives an empty document with that path."""
        path = Path(path)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            doc = cls(path=path)
            doc.eol = True  # a new file gets a final newline, as Vim writes one
            return doc
        except OSError as err:
            raise DocumentError(f"cannot open {path}: {err.strerror or err}") from None
        if stat.S_ISDIR(st.st_mode):
            raise DocumentError(f"{path} is a directory")
        if not stat.S_ISREG(st.st_mode):
            # Opening a FIFO or a device could block forever or never end.
            raise DocumentError(f"{path} is not a regular file")
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
        except OSError as err:
            raise DocumentError(f"cannot read {path}: {err.strerror or err}") from None
        nul = data.find(b"\0", 0, _BINARY_PROBE)
        if nul >= 0:
            raise DocumentError(f"{path} looks like a binary file (NUL byte at offset {nul})")
        doc = cls._from_bytes(data, path)
        doc.saved_mtime_ns = st.st_mtime_ns
        doc.saved_size = st.st_size
        return doc

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> Document:
        """A document from a file's bytes, with the same decoding rules as ``load``."""
        return cls._from_bytes(data, path)

    @classmethod
    def _from_bytes(cls, data: bytes, path: Path | None) -> Document:
        has_bom = data.startswith(BOM)
        if has_bom:
            data = data[len(BOM):]
        crlf = data.count(b"\r\n")
        newline = "\n"
        # Only a file with CRLFs needs its bare LFs counted.
        if crlf and crlf > data.count(b"\n") - crlf:
            newline = "\r\n"
            data = data.replace(b"\r\n", b"\n")
        # Like Vim, the final newline ends the last line rather than starting an empty one:
        # "a\nb\n" is two lines. `eol` remembers it so saving writes the bytes back as found.
        eol = data.endswith(b"\n")
        if eol:
            data = data[:-1]
        starts = None
        try:
            text = data.decode("utf-8")
            errors = False
            if len(data) >= (1 << 20):
                # Index the lines from the bytes: much faster than scanning the str.
                starts = line_starts_from_utf8(data, ascii_only=text.isascii())
        except UnicodeDecodeError:
            text = data.decode("utf-8", "surrogateescape")
            errors = True
        del data
        doc = cls(path=path, _table=PieceTable(text, line_starts=starts))
        doc.newline = newline
        doc.eol = eol
        doc.has_bom = has_bom
        doc.encoding_errors = errors
        return doc

    # ------------------------------------------------------------------- saving

    def encode(self) -> bytes:
        """The bytes ``save`` writes: newline style, BOM and escaped bytes restored."""
        text = self._pt.text()
        # An empty buffer that was never a one-empty-line file writes 0 bytes, as Vim does.
        if self.eol and (text or self.saved_size):
            text += "\n"
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        try:
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as err:
            bad = err.object[err.start]
            where = self._pt.position_of(self._pt.text().find(bad))
            raise DocumentError(
                f"cannot encode character U+{ord(bad):04X} (line {where[0] + 1}, "
                f"column {where[1] + 1}) as UTF-8"
            ) from None
        return BOM + data if self.has_bom else data

    def save(self, path: Path | str | None = None) -> None:
        """Write the text to ``path`` (default: ``self.path``) atomically.

        On success the document is unmodified and, when ``path`` was given,
        takes that path. On failure the file on disk is untouched, the
        document stays as it was, and ``DocumentError`` says why.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise DocumentError("no file name")
        data = self.encode()
        # Follow a symlink so that its target is replaced and the link stays.
        real = Path(os.path.realpath(target))
        if real.is_dir():
            raise DocumentError(f"cannot write {target}: it is a directory")
        try:
            old: os.stat_result | None = os.stat(real)
        except FileNotFoundError:
            old = None
        except OSError as err:
            raise DocumentError(f"cannot write {target}: {err.strerror or err}") from None
        tmp: Path | None = None
        try:
            tmp, fd = _create_temp(real)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if old is not None:
                os.chmod(tmp, stat.S_IMODE(old.st_mode))
                if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                    # Keep the owner when we may (root editing a user's file).
                    with contextlib.suppress(OSError):
                        os.chown(tmp, old.st_uid, old.st_gid)
            os.replace(tmp, real)
            tmp = None
        except OSError as err:
            raise DocumentError(f"cannot write {target}: {err.strerror or err}") from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        _fsync_dir(real.parent)
        try:
            st = os.stat(real)
            self.saved_mtime_ns, self.saved_size = st.st_mtime_ns, st.st_size
        except OSError:
            self.saved_mtime_ns, self.saved_size = None, None
        self.path = target
        self._saved_state = self._state()

    def disk_changed(self) -> bool:
        """True when the file on disk differs (mtime or size) from the one loaded/saved."""
        if self.path is None:
            return False
        try:
            st = os.stat(self.path)
        except OSError:
            return self.saved_mtime_ns is not None
        return (st.st_mtime_ns, st.st_size) != (self.saved_mtime_ns, self.saved_size)

    # ------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self._pt)

    def text(self) -> str:
        """The whole text (with "\\n" line ends)."""
        return self._pt.text()

    def slice(self, start: int, end: int) -> str:
        """``text()[start:end]``, clamped like a str slice."""
        return self._pt.slice(start, end)

    @property
    def line_count(self) -> int:
        """Number of lines; a text ending in "\\n" has an empty last line."""
        return self._pt.line_count

    def line(self, i: int) -> str:
        """Line ``i`` without its line end."""
        return self._pt.line(i)

    def lines(self, start: int, end: int) -> list[str]:
        """Lines ``start`` .. ``end - 1``, clamped to the document."""
        return self._pt.lines(start, end)

    def line_start(self, i: int) -> int:
        """Offset of the first character of line ``i``."""
        return self._pt.line_start(i)

    def line_length(self, i: int) -> int:
        """Length of line ``i`` without its line end."""
        return self._pt.line_length(i)

    def line_of(self, offset: int) -> int:
        """The line that ``offset`` is on."""
        return self._pt.line_of(offset)

    def offset_of(self, row: int, col: int) -> int:
        """Offset of (row, col); col is clamped to the line (its end is allowed)."""
        start = self._pt.line_start(row)
        if col <= 0:
            return start
        return start + min(col, self._pt.line_length(row))

    def position_of(self, offset: int) -> Point:
        """(row, col) of ``offset``."""
        return self._pt.position_of(offset)

    # -------------------------------------------------------------------- edits

    def insert(self, offset: int, s: str) -> None:
        """Insert ``s`` at ``offset``."""
        self.replace(offset, offset, s)

    def delete(self, offset: int, n: int) -> None:
        """Delete ``n`` characters at ``offset``."""
        self.replace(offset, offset + n, "")

    def replace(self, start: int, end: int, s: str) -> None:
        """Replace ``text()[start:end]`` by ``s`` (one edit, one event)."""
        size = len(self._pt)
        if not 0 <= start <= end <= size:
            raise IndexError(f"range {start}..{end} out of range 0..{size}")
        if start == end and not s:
            return
        deleted = self._pt.slice(start, end) if end > start else ""
        if deleted == s:
            return
        self._record(_Edit(start, deleted, s))
        self._apply(start, deleted, s)

    def _apply(self, start: int, deleted: str, inserted: str) -> None:
        """Change the text, move marks, bump the version and tell the listeners."""
        pt = self._pt
        start_point = pt.position_of(start) if self._listeners else (0, 0)
        old_end = start + len(deleted)
        if deleted:
            pt.delete(start, len(deleted))
        if inserted:
            pt.insert(start, inserted)
        new_end = start + len(inserted)
        if self._marks:
            delta = new_end - old_end
            marks = self._marks
            for name, m in marks.items():
                if m >= old_end:
                    if delta:
                        marks[name] = m + delta
                elif m > start:
                    marks[name] = start
        self.version += 1
        if self._listeners:
            event = EditEvent(
                start, old_end, new_end,
                start_point, _advance(start_point, deleted), _advance(start_point, inserted),
                inserted, deleted, self.version,
            )
            for fn in list(self._listeners):
                fn(event)

    # --------------------------------------------------------------------- undo

    def _state(self) -> int:
        """A number naming the current text among the undo history's states."""
        return self._undo[-1].seq if self._undo else self._base_state

    def _record(self, edit: _Edit) -> None:
        """Add ``edit`` (about to be applied) to the undo history."""
        if self._redo:
            self._redo.clear()
        self._seq += 1
        group = self._open
        if group is None:
            before = self._open_cursor if self._depth else None
            group = _Group([], before, edit.start, None, 0, self._seq,
                           dict(self._marks) if self._marks else None)
            self._undo.append(group)
            if len(self._undo) > UNDO_LEVELS:
                self._base_state = self._undo.pop(0).seq
            if self._depth:
                self._open = group
        group.edits.append(edit)
        group.after_offset = edit.start + len(edit.inserted)
        group.seq = self._seq

    def begin_group(self, cursor: Cursor = None) -> None:
        """Start an undo step; ``cursor`` is what ``undo()`` will return for it."""
        if self._depth == 0:
            self._open = None
            self._open_cursor = cursor
        self._depth += 1

    def end_group(self, cursor: Cursor = None) -> None:
        """End an undo step; ``cursor`` is what ``redo()`` will return for it."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            if self._open is not None and cursor is not None:
                self._open.cursor_after = cursor
            self._open = None
            self._open_cursor = None

    @property
    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone step to redo."""
        return bool(self._redo)

    @property
    def modified(self) -> bool:
        """True when the text differs from the last load or save (by undo history)."""
        return self._state() != self._saved_state

    def undo(self) -> Cursor | None:
        """Undo the last step; return the cursor to restore, or None if none."""
        self._close_open_group()
        if not self._undo:
            return None
        group = self._undo.pop()
        if group.marks_before is not None:
            group.marks_after = {k: self._marks[k] for k in group.marks_before
                                 if k in self._marks}
        for e in reversed(group.edits):
            self._apply(e.start, e.inserted, e.deleted)
        self._redo.append(group)
        if group.marks_before is not None:
            self._restore_marks(group.marks_before)
        if group.cursor_before is not None:
            return group.cursor_before
        return self._pt.position_of(min(group.before_offset, len(self._pt)))

    def redo(self) -> Cursor | None:
        """Redo the last undone step; return the cursor to restore, or None if none."""
        self._close_open_group()
        if not self._redo:
            return None
        group = self._redo.pop()
        for e in group.edits:
            self._apply(e.start, e.deleted, e.inserted)
        self._undo.append(group)
        if group.marks_after is not None:
            self._restore_marks(group.marks_after)
        if group.cursor_after is not None:
            return group.cursor_after
        return self._pt.position_of(min(group.after_offset, len(self._pt)))

    def _restore_marks(self, saved: dict[str, int]) -> None:
        """Put back saved marks that still exist (a mark deleted since stays deleted)."""
        size = len(self._pt)
        for name, offset in saved.items():
            if name in self._marks:
                self._marks[name] = min(offset, size)

    def _close_open_group(self) -> None:
        # Undo inside an open group ends that group: later edits start a new one.
        if self._depth:
            self._open = None

    # ------------------------------------------------------------ marks, events

    def set_mark(self, name: str, offset: int) -> None:
        """Put mark ``name`` at ``offset``; it then moves with the text."""
        if not 0 <= offset <= len(self._pt):
            raise IndexError(f"offset {offset} out of range 0..{len(self._pt)}")
        self._marks[name] = offset

    def get_mark(self, name: str) -> int | None:
        """The offset of mark ``name``, or None when it is not set."""
        return self._marks.get(name)

    def delete_mark(self, name: str) -> None:
        """Forget mark ``name`` (no error when it is not set)."""
        self._marks.pop(name, None)

    def marks(self) -> dict[str, int]:
        """A copy of all marks."""
        return dict(self._marks)

    def add_listener(self, fn: Listener) -> None:
        """Call ``fn(event)`` after every edit (including undo and redo)."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling ``fn``; no error when it was not registered."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(fn)


def _create_temp(real: Path) -> tuple[Path, int]:
    """Create an empty, exclusive temporary file next to ``real``; return (path, fd).

    Created with mode 0666 so the umask applies, as for any new file; the
    caller copies an existing file's bits over it.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        # Cut the name so the temporary one stays within NAME_MAX (255 bytes) even when
        # the file's own name is near it; otherwise such a file could never be saved.
        stem = os.fsencode(real.name)[:200].decode(errors="ignore")
        tmp = real.parent / f".{stem}.{os.urandom(4).hex()}.tmp"
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(real.parent))


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; best effort (some filesystems refuse it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
