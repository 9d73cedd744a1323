"""Per-buffer recovery journals: every edit is kept until the buffer is saved or closed.

Each edit is written to the journal file at once (an `os.write` on an O_APPEND descriptor,
so a killed editor loses nothing the OS has seen) and fsynced at most `interval_s` after it
was made and whenever the writer leaves insert mode, so a power cut loses at most a second.
An fsync takes ~16 ms on an ordinary disk: with `background=True` (the editor's journals)
a syncer thread does them, so they never sit on the keystroke path (os.fsync releases the
GIL). Only the writer thread writes and replaces the descriptor; the syncer fsyncs it under
`_fd_lock`, which a replacement (restart, checkpoint, close) also takes.

Journal format (ASCII JSON lines): a header naming the file, the SHA-256 of the bytes it was
loaded from and the writer's pid and host (so a second editor on the same file leaves a live
journal alone), then one `[start, deleted_length, inserted_text]` array per edit. A journal
long enough to be slow to replay is rewritten as a checkpoint (the full text) plus the edits
after it. Recovery replays the edits on the file's loaded text when the file is still the
one the journal started from, or on the checkpoint when there is one.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinymorph_tui.state import paths

if TYPE_CHECKING:
    from tinymorph_tui.core.document import Document, EditEvent

JOURNAL_SUFFIX = ".journal"
#: After this many records a journal is rewritten as a checkpoint (if the text is small).
CHECKPOINT_EVERY = 20_000
CHECKPOINT_MAX_CHARS = 16_000_000


class RecoveryError(Exception):
    """A journal that cannot be replayed, with the reason."""


def _recovery_dir() -> Path:
    return paths.resolve().recovery_dir


def journal_path(file_path: Path | str, folder: Path | None = None) -> Path:
    """Where the journal for `file_path` lives (one per absolute path)."""
    key = str(Path(file_path).expanduser().resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return (folder or _recovery_dir()) / f"{digest}{JOURNAL_SUFFIX}"


def file_sha256(path: Path) -> str | None:
    """SHA-256 of the file's bytes, or None when it does not exist / cannot be read."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


class Journal:
    """The recovery journal of one open buffer."""

    def __init__(
        self,
        file_path: Path,
        *,
        base_sha256: str | None,
        folder: Path | None = None,
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        background: bool = False,
    ) -> None:
        self.file_path = Path(file_path).expanduser().resolve()
        self.path = journal_path(self.file_path, folder)
        self.interval_s = interval_s
        self._clock = clock
        #: Time of the oldest write no fsync has started to cover (None: none).
        self._dirty_since: float | None = None
        #: Records written, and written before the last fsync that completed.
        self._written = 0
        self._synced = 0
        self._records = 0
        #: Why the journal stopped (a full disk, a removed folder); None while it works.
        self.error: str | None = None
        self._doc: Document | None = None
        # `_cond` guards the counters above and wakes the syncer; `_fd_lock` is held while
        # the descriptor is fsynced or replaced (never while writing: only one thread writes).
        self._cond = threading.Condition()
        self._fd_lock = threading.Lock()
        self._background = background
        self._syncer: threading.Thread | None = None
        self._urgent = False
        self._stopping = False
        paths.ensure_dir(self.path.parent)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        self._write(
            {
                "tinymorph_journal": 1,
                "path": str(self.file_path),
                "base_sha256": base_sha256,
                "created": time.time(),
                **_owner(),
            }
        )
        # The header is fsynced by the first tick, like any edit: an fsync here would sit
        # on the path to the first paint, and an empty journal recovers nothing anyway.
        self._mark_written()

    @classmethod
    def attach(cls, doc: Document, **kwargs: Any) -> Journal:
        """Start a journal for `doc` (which must have a path) and follow its edits."""
        if doc.path is None:
            raise ValueError("a journal needs a document with a path")
        journal = cls(Path(doc.path), base_sha256=file_sha256(Path(doc.path)), **kwargs)
        journal._doc = doc
        doc.add_listener(journal.record)
        return journal

    def _write(self, obj: Any) -> None:
        # ASCII JSON: \u escapes carry any str losslessly, lone surrogates from undecodable
        # bytes included, and a record never contains a raw newline.
        data = (json.dumps(obj) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def record(self, event: EditEvent) -> None:
        """Append one edit (a Document listener). Written at once, fsynced within a second.

        Never raises: this runs inside every edit, and a full disk must not stop typing.
        On a write error the journal stops (a torn record would make replay wrong) and
        `error` says why; what was written before stays replayable.
        """
        if self.error is not None:
            return
        try:
            self._write([event.start, event.old_end - event.start, event.inserted])
            self._records += 1
            due = self._mark_written()
            if due and not self._background:
                self.sync()
            if self._records >= CHECKPOINT_EVERY:
                self._checkpoint()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def _mark_written(self) -> bool:
        """Count one written record; True when the oldest unsynced one is due for fsync."""
        now = self._clock()
        with self._cond:
            self._written += 1
            if self._dirty_since is None:
                self._dirty_since = now
                if self._background:
                    self._start_syncer()
                    self._cond.notify()  # the syncer now has a deadline to keep
                return False
            return now - self._dirty_since >= self.interval_s

    def _fail(self, exc: Exception) -> None:
        self.error = f"recovery journal stopped: {getattr(exc, 'strerror', None) or exc}"
        with self._cond:
            self._dirty_since = None
            self._cond.notify_all()  # wake wait_synced(): nothing more will be synced

    def tick(self) -> None:
        """Call periodically (the app does, twice a second): fsync edits older than interval_s.

        In the background mode the syncer keeps that deadline by itself; a tick only makes
        sure it runs.
        """
        dirty = self._dirty_since
        if dirty is not None and self._clock() - dirty >= self.interval_s:
            self.request_sync()

    def sync(self) -> None:
        """fsync now, on the calling thread. Errors stop the journal."""
        if self.error is not None:
            return
        with self._cond:
            target = self._written
            self._dirty_since = None
        self._fsync_upto(target)

    def request_sync(self) -> None:
        """fsync soon: at once on the syncer thread in the background mode (leaving insert
        mode calls this), else now on the calling thread."""
        if not self._background:
            self.sync()
            return
        if self.error is not None:
            return
        with self._cond:
            if self._synced >= self._written:
                return
            self._start_syncer()
            self._urgent = True
            self._cond.notify()

    def wait_synced(self, timeout: float = 5.0) -> bool:
        """Block until everything written so far is fsynced (True), the journal stopped on
        an error or `timeout` passed (False). For tests and shutdown."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._written
            while self._synced < target:
                left = deadline - time.monotonic()
                if self.error is not None or left <= 0:
                    return False
                if not self._background:
                    break
                self._urgent = True
                self._cond.notify_all()
                self._cond.wait(min(left, 0.05))
        if self._synced < target:
            self.sync()
        return self.error is None and self._synced >= target

    def _fsync_upto(self, target: int) -> None:
        """fsync the descriptor; on success records `target` writes as durable."""
        with self._fd_lock:
            if self._fd < 0 or self.error is not None:
                return
            try:
                os.fsync(self._fd)
            except OSError as exc:
                self._fail(exc)
                return
        with self._cond:
            self._synced = max(self._synced, target)
            self._cond.notify_all()

    def _start_syncer(self) -> None:
        """Start the syncer thread if it is not running (caller holds `_cond`)."""
        if self._syncer is None and not self._stopping:
            self._syncer = threading.Thread(
                target=self._sync_loop, name="tinymorph-journal-sync", daemon=True
            )
            self._syncer.start()

    def _sync_loop(self) -> None:
        """Syncer thread: fsync each write at most `interval_s` after it, or at once when
        asked (`request_sync`)."""
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    dirty = self._dirty_since
                    if self._urgent:
                        break
                    if dirty is not None:
                        left = dirty + self.interval_s - self._clock()
                        if left <= 0:
                            break
                        self._cond.wait(left)
                    else:
                        self._cond.wait()
                self._urgent = False
                target = self._written
                self._dirty_since = None
            self._fsync_upto(target)

    def _stop_syncer(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        syncer = self._syncer
        if syncer is not None and syncer is not threading.current_thread():
            syncer.join(timeout=5)
        with self._cond:
            self._syncer = None
            self._stopping = False

    @property
    def pending(self) -> bool:
        """Whether edits are written but not yet fsynced (False once the journal stopped)."""
        return self.error is None and self._synced < self._written

    def _checkpoint(self) -> None:
        doc = self._doc
        if doc is None or len(doc) > CHECKPOINT_MAX_CHARS:
            self._records = 0
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        header = {
            "tinymorph_journal": 1,
            "path": str(self.file_path),
            "base_sha256": None,
            "checkpoint": doc.text(),
            "created": time.time(),
            **_owner(),
        }
        data = (json.dumps(header) + "\n").encode("ascii")
        os.write(fd, data)
        os.fsync(fd)
        with self._fd_lock:
            os.replace(tmp, self.path)
            os.close(self._fd)
            self._fd = fd
        self._records = 0
        with self._cond:
            self._dirty_since = None
            self._synced = self._written  # the checkpoint holds everything, fsynced
            self._cond.notify_all()

    def close(self, *, clean: bool) -> None:
        """Stop journalling; a clean close (saved, or quit without changes) removes the file."""
        doc = self._doc
        if doc is not None:
            doc.remove_listener(self.record)
            self._doc = None
        self._stop_syncer()
        if self._fd < 0:
            return
        with self._fd_lock:
            try:
                if not clean:
                    os.fsync(self._fd)
                os.close(self._fd)
            except OSError:
                pass
            self._fd = -1
        if clean:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def restart(self) -> None:
        """After a save: the file on disk is the new base, older edits are not needed.

        Raises OSError when the journal cannot be rewritten (the caller reports it); a
        journal that had stopped on an error works again once this succeeds.
        """
        with self._fd_lock:
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = -1
            paths.ensure_dir(self.path.parent)
            self._fd = os.open(
                self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600
            )
        self._records = 0
        self.error = None
        self._write(
            {
                "tinymorph_journal": 1,
                "path": str(self.file_path),
                "base_sha256": file_sha256(self.file_path),
                "created": time.time(),
                **_owner(),
            }
        )
        self._mark_written()
        self.request_sync()


@dataclass(frozen=True)
class JournalInfo:
    """A journal found for a file: what recovery would do with it."""

    path: Path
    file_path: Path
    edits: int
    modified: float
    newer_than_file: bool
    replayable: bool
    reason: str
    #: The pid of a tinymorph still running with this journal open (None: nobody).
    live_pid: int | None = None


def _owner() -> dict[str, Any]:
    """Who writes a journal: a second editor on the same file must not take it over."""
    import socket

    return {"pid": os.getpid(), "host": socket.gethostname()}


def _live_owner(header: dict[str, Any]) -> int | None:
    """The pid in `header` when that process is another tinymorph running on this host."""
    import socket

    pid = header.get("pid")
    if not isinstance(pid, int) or pid == os.getpid() or header.get("host") != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, owned by someone else
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid  # no /proc (macOS): a live pid is taken at its word
    return pid if b"tinymorph" in cmdline else None  # a reused pid is not an editor


def _read(journal: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    try:
        raw = journal.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise RecoveryError(f"cannot read {journal}: {exc.strerror or exc}") from None
    lines = raw.split("\n")
    try:
        header = json.loads(lines[0])
    except (json.JSONDecodeError, IndexError):
        raise RecoveryError(f"{journal} is not a tinymorph journal") from None
    if not isinstance(header, dict) or header.get("tinymorph_journal") != 1:
        raise RecoveryError(f"{journal} is not a tinymorph journal")
    edits: list[list[Any]] = []
    for line in lines[1:]:
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # a torn last write: everything before it is good
        if not (isinstance(record, list) and len(record) == 3):
            break
        edits.append(record)
    return header, edits


def find_journal(file_path: Path | str, folder: Path | None = None) -> JournalInfo | None:
    """The journal left for `file_path` by an editor that did not close cleanly, if any."""
    file_path = Path(file_path).expanduser().resolve()
    journal = journal_path(file_path, folder)
    if not journal.exists():
        return None
    try:
        header, edits = _read(journal)
    except RecoveryError as exc:
        return JournalInfo(journal, file_path, 0, journal.stat().st_mtime, False, False, str(exc))
    mtime = journal.stat().st_mtime
    try:
        newer = mtime > file_path.stat().st_mtime
    except OSError:
        newer = True
    if "checkpoint" in header:
        replayable, reason = True, "replays on the journal's checkpoint"
    elif header.get("base_sha256") in (None, file_sha256(file_path)):
        replayable, reason = True, "the file is unchanged since the journal began"
    else:
        replayable, reason = False, "the file changed on disk since the journal began"
    return JournalInfo(
        journal, file_path, len(edits), mtime, newer, replayable, reason, _live_owner(header)
    )


def recover_text(file_path: Path | str, base_text: str, folder: Path | None = None) -> str:
    """The buffer's text as it was: the journal's edits replayed over `base_text` (the file
    as loaded) or over the journal's checkpoint."""
    info = find_journal(file_path, folder)
    if info is None:
        raise RecoveryError(f"no recovery journal for {file_path}")
    if not info.replayable:
        raise RecoveryError(f"cannot recover {file_path}: {info.reason}")
    header, edits = _read(info.path)
    parts = header.get("checkpoint", base_text)
    # Replay on a list-backed rope would be faster for huge journals; edits are bounded by
    # CHECKPOINT_EVERY, and str slicing at this count is well under a second.
    from tinymorph_tui.core.piece_table import PieceTable

    table = PieceTable(parts)
    for start, deleted, inserted in edits:
        if deleted:
            table.delete(int(start), int(deleted))
        if inserted:
            table.insert(int(start), str(inserted))
    return table.text()


def recovery_diff(file_path: Path | str, base_text: str, folder: Path | None = None) -> str:
    """A unified diff from the file on disk to the recovered text."""
    recovered = recover_text(file_path, base_text, folder)
    name = str(file_path)
    lines = difflib.unified_diff(
        base_text.splitlines(),
        recovered.splitlines(),
        fromfile=f"{name} (on disk)",
        tofile=f"{name} (recovered)",
        lineterm="",
    )
    return "".join(line + "\n" for line in lines)


def discard(file_path: Path | str, folder: Path | None = None) -> None:
    """Remove the journal for `file_path` (the writer chose the file as on disk)."""
    try:
        journal_path(file_path, folder).unlink()
    except FileNotFoundError:
        pass


def set_aside(file_path: Path | str, folder: Path | None = None) -> Path | None:
    """Rename a journal that cannot be replayed so a new one can start; nothing is deleted.

    Returns where it went (None when there was no journal)."""
    journal = journal_path(file_path, folder)
    aside = journal.with_name(f"{journal.stem}.{int(time.time())}.stale")
    try:
        os.replace(journal, aside)
    except FileNotFoundError:
        return None
    return aside
