"""The user's state, wired into the running app: what the editor remembers and protects.

`Session.start(app)` opens the state database and does all of the below (TinymorphApp
calls its two halves: `Session.begin` on mount, `finish_start` right after the first
paint):

* puts the cursor and scroll back where the file was left (Vim's '"), saved again on quit;
* loads command-line and search history into the engine and appends each new entry;
* restores registers from the last session (like Neovim's shada) and saves them on quit;
* logs hint events (shown / accepted / dismissed, with their steering) for `tinymorph stats`;
* keeps a recovery journal of the buffer: every edit written at once, fsynced within
  `journal_interval_s` and on leaving insert mode by the journal's own syncer thread (an
  fsync takes ~16 ms: never on the keystroke path), rebased after each save, removed on a
  clean quit; a journal left by a crash is offered back (recover / open as on disk / show
  the difference), or replayed at once with `tinymorph --recover FILE`.

The engine calls `on_editor_change` after nearly every key, so it does only what the key
can have changed: in insert mode nothing can save, rename or add history (`<C-o>:w` is
noticed by the next `tick`, twice a second), so only a journal error is looked at.

Nothing here may stop the editor: a broken database, a full disk or an unwritable data
folder costs the feature, never the text, and the message line says what happened.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinymorph_tui.state.store import Position, Store, open_store

if TYPE_CHECKING:
    # Imported where used: the journal is set up after the first paint (see `begin`), and
    # recovery's imports (json, hashlib) need not delay it.
    from tinymorph_tui.state import recovery

#: Seconds between journal ticks (the journal fsyncs edits older than its interval).
TICK_S = 0.5
#: Registers restored on start; ":" and "/" are the engine's own (last command, last search).
_RESTORED_SPECIAL = (":", "/")
#: Registers larger than this are not saved across sessions (Vim's 'viminfo' s10).
MAX_SAVED_REGISTER_BYTES = 10 * 1024


class Session:
    """State and safety for one TinymorphApp; see the module docstring."""

    def __init__(self, app: Any, store: Store | None) -> None:
        self.app = app
        self.store = store
        self.journal: recovery.Journal | None = None
        self.closed = False
        self._doc: Any = None
        self._doc_identity: tuple[Any, ...] = ()
        self._mode = getattr(app.ed, "mode", "normal")
        self._history_seen: dict[str, str | None] = {}
        self._controller: Any = None
        self._journal_error_shown: str | None = None
        self._store_failed = False
        self._main_thread = threading.get_ident()
        self._timer: Any = None
        #: A file another running tinymorph journals: never journalled from here.
        self._foreign: str | None = None
        #: "waiting" while the recovery question is open (no journal runs then).
        self.recovery_state = "none"
        #: Whether `finish_start` ran (history and registers loaded, the journal set up).
        self._started = False

    # -- start --------------------------------------------------------------------------
    @classmethod
    def start(cls, app: Any, *, recover: bool | None = None) -> Session:
        """Open the store, restore state, start the journal; never raises for bad state.

        The same as `begin` followed at once by `finish_start`."""
        session = cls.begin(app)
        session.finish_start(recover=recover)
        return session

    @classmethod
    def begin(cls, app: Any) -> Session:
        """What the first frame shows: open the store, say what is wrong with the state or
        the keymap, and put the cursor back where the file was left.

        The app calls `finish_start` right after the first paint, or before the first key
        or paste should one come earlier; until then nothing is journalled, and a `close`
        saves the position only."""
        store, warnings = open_store()
        session = cls(app, store)
        for warning in warnings:
            session.say(warning, error=True)
        ed = app.ed
        problems = list(getattr(ed, "keymap_errors", None) or [])
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            session.say(f"keymap: {problems[0]}{more}; the defaults stay", error=True)
        path = getattr(ed.doc, "path", None)
        if path is not None:
            session._restore_position(Path(path))
        return session

    def finish_start(self, *, recover: bool | None = None) -> None:
        """The rest of `start`: history, registers, the recovery journal (or the recovery
        question), the tick timer. Does nothing the second time or after `close`."""
        if self._started or self.closed:
            return
        self._started = True
        app = self.app
        ed = app.ed
        self._load_history()
        self._load_registers()
        want_recover = bool(getattr(app, "recover", False) if recover is None else recover)
        self._open_document(ed.doc, recover=want_recover, restore=False)
        ed.add_listener(self.on_editor_change)
        with contextlib.suppress(Exception):  # a test app without timers still works
            self._timer = app.set_interval(TICK_S, self.tick)
        self.attach_controller(getattr(app, "controller", None))

    def _config(self, section: str, key: str, default: Any) -> Any:
        config = getattr(self.app, "config", None)
        if config is None:
            return default
        try:
            return config.get(section, key)
        except Exception:
            return default

    def say(self, text: str, *, error: bool = False) -> None:
        """Show `text` in the message line (the app's, or the engine's when headless)."""
        fn = getattr(self.app, "_set_message", None)
        if callable(fn):
            fn(text, error)
            return
        ed = self.app.ed
        (ed.set_error if error else ed.set_message)(text)

    def _store_call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one store operation; a failing database is reported once, then left alone."""
        if self.store is None or self._store_failed:
            return None
        try:
            return fn(*args, **kwargs)
        except sqlite3.Error as exc:
            self._store_failed = True
            self.say(f"state is not saved from now on: {exc}", error=True)
            return None

    # -- documents: positions and journals ----------------------------------------------
    def _open_document(self, doc: Any, *, recover: bool, restore: bool) -> None:
        from tinymorph_tui.state import recovery

        self._doc = doc
        self._doc_identity = _identity(doc)
        path = getattr(doc, "path", None)
        if path is None:
            return  # an unnamed buffer has nowhere to recover to (Vim's swap does the same)
        if restore:
            self._restore_position(Path(path))
        info = None
        try:
            info = recovery.find_journal(path)
        except OSError as exc:
            self.say(f"recovery journal unreadable: {exc.strerror or exc}", error=True)
        if info is not None and info.live_pid is not None:
            # Another tinymorph has this file open and journals it: taking its journal over
            # would destroy its recovery data. Vim warns about a live swap file the same way.
            self._foreign = str(Path(path).resolve())
            self.say(
                f"{path} is open in another tinymorph (pid {info.live_pid}): no recovery "
                "journal here, and :w refuses if the other one saves first",
                error=True,
            )
            return
        if info is not None:
            if not info.replayable:
                aside = recovery.set_aside(path)
                self.say(
                    f"an old recovery journal for {path} cannot be replayed ({info.reason}); "
                    f"kept as {aside}",
                    error=True,
                )
            else:
                base = doc.text()
                try:
                    text = recovery.recover_text(path, base)
                except recovery.RecoveryError as exc:
                    self.say(str(exc), error=True)
                    recovery.set_aside(path)
                else:
                    if text != base:
                        if recover:
                            self._apply_recovery(doc, text)
                            return
                        self._ask(doc, info, base, text)
                        return
                    recovery.discard(path)  # nothing in it differs from the file
        elif recover:
            self.say(f"no recovery journal for {path}: opened as on disk", error=True)
        self._attach_journal(doc)

    def _ask(self, doc: Any, info: recovery.JournalInfo, base: str, text: str) -> None:
        """Push the recover / open as on disk / show difference question."""
        import difflib

        from tinymorph_tui.state import recovery
        from tinymorph_tui.ui.recovery_screen import RecoveryScreen

        name = str(doc.path)

        def diff() -> str:
            # Lines without their ends: the buffer's last line has none (the file's final
            # newline is not part of the text), which would glue diff lines together.
            return "\n".join(
                difflib.unified_diff(
                    base.splitlines(),
                    text.splitlines(),
                    fromfile=f"{name} (on disk)",
                    tofile=f"{name} (recovered)",
                    lineterm="",
                )
            )

        self.recovery_state = "waiting"

        def chosen(choice: str | None) -> None:
            if self.closed or self.app.ed.doc is not doc:
                return
            if choice == "recover":
                self._apply_recovery(doc, text)
            else:
                aside = recovery.set_aside(doc.path)
                self._attach_journal(doc)
                self.say(f"opened as on disk; the recovery journal is kept as {aside}")
            view = getattr(self.app, "view", None)
            if view is not None and hasattr(view, "invalidate"):
                # The dialog covered the view while the text was replaced: the partial
                # repaints asked for then were lost, so the whole view is drawn again.
                view.invalidate()
                with contextlib.suppress(Exception):
                    self.app.call_after_refresh(view.refresh)
            refresh = getattr(self.app, "refresh_chrome", None)
            if callable(refresh):
                refresh()

        screen = RecoveryScreen(name, info.edits, info.modified, diff)

        def push() -> None:
            if not self.closed and self.app.ed.doc is doc:
                self.app.push_screen(screen, chosen)

        # Asked after the first paint: a screen pushed during on_mount could take keys
        # before it was ever drawn.
        later = getattr(self.app, "call_after_refresh", None)
        if callable(later) and getattr(self.app, "is_running", False):
            later(push)
        else:
            push()

    def _apply_recovery(self, doc: Any, text: str) -> None:
        """Replace the buffer by the recovered text (one undo step; the buffer is modified)."""
        self.recovery_state = "recovered"
        # The new journal starts from the file on disk, and its first edit is the
        # recovery itself: a crash right now loses nothing either.
        self._attach_journal(doc)
        ed = self.app.ed
        cursor = tuple(ed.cursor)
        doc.begin_group(cursor)
        try:
            doc.replace(0, len(doc), text)
        finally:
            doc.end_group(cursor)
        if self.journal is not None:
            self.journal.request_sync()
        ed.cursor = cursor  # the setter clamps to the recovered text
        self.say(f"recovered unsaved changes of {doc.path}; :w to keep them")

    def _attach_journal(self, doc: Any) -> None:
        self.recovery_state = "none" if self.recovery_state == "waiting" else self.recovery_state
        if getattr(doc, "path", None) is None:
            return
        if self._foreign is not None and str(Path(doc.path).resolve()) == self._foreign:
            return
        from tinymorph_tui.state import recovery

        try:
            self.journal = recovery.Journal.attach(
                doc,
                interval_s=float(self._config("state", "journal_interval_s", 1.0)),
                background=True,  # fsyncs on the journal's thread, off the keystroke path
            )
        except OSError as exc:
            self.journal = None
            self.say(
                f"no recovery journal for this buffer: {exc.strerror or exc}", error=True
            )
        self._doc_identity = _identity(doc)

    def _restore_position(self, path: Path) -> None:
        if not self._config("state", "restore_cursor", True):
            return
        pos = self._store_call(self.store.position, path) if self.store else None
        if pos is None:
            return
        ed = self.app.ed
        count = ed.doc.line_count
        with contextlib.suppress(Exception):  # a stale position never stops the open
            ed.cursor = (min(pos.row, count - 1), pos.col)
            ed.top_row = max(0, min(pos.top_row, count - 1, ed.cursor[0]))

    def _save_position(self, doc: Any) -> None:
        path = getattr(doc, "path", None)
        if path is None or self.store is None:
            return
        ed = self.app.ed
        row, col = ed.cursor if ed.doc is doc else (0, 0)
        top = int(getattr(ed, "top_row", 0))
        self._store_call(self.store.save_position, Path(path), Position(row, col, top))

    def _close_journal(self, *, clean: bool) -> None:
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.close(clean=clean)
            self.journal = None

    def _follow_document(self) -> None:
        """`:e`, `:sav` and `:w` change the buffer or its file: follow with the journal."""
        ed = self.app.ed
        doc = ed.doc
        if doc is not self._doc:
            old = self._doc
            journal = self.journal
            if journal is not None:
                # The engine moves listeners to the new Document: take ours back.
                doc.remove_listener(journal.record)
            self._save_position(old)
            self._close_journal(clean=True)  # :e refuses a modified buffer unless !
            self._open_document(doc, recover=False, restore=True)
            return
        identity = _identity(doc)
        if identity == self._doc_identity:
            return
        old_path = self._doc_identity[0] if self._doc_identity else None
        self._doc_identity = identity
        if self.recovery_state == "waiting":
            return
        if identity[0] != old_path:
            self._close_journal(clean=True)
            self._attach_journal(doc)
        elif self.journal is not None and not doc.modified:
            try:
                self.journal.restart()
            except OSError as exc:
                self.say(f"recovery journal stopped: {exc.strerror or exc}", error=True)
        elif self.journal is None:
            self._attach_journal(doc)

    # -- events -------------------------------------------------------------------------
    def on_editor_change(self, ed: Any) -> None:
        """Engine listener: mode changes, saves, new history entries, new documents."""
        mode = getattr(ed, "mode", "normal")
        typing = mode in ("insert", "replace")
        if typing and self._mode == mode and ed.doc is self._doc:
            # A key typed in insert mode: nothing below can have changed (see the module
            # docstring); the journal's thread keeps its fsync deadline by itself. A write
            # error (a full disk) is said at once, though.
            self._report_journal_error()
            return
        if self._mode in ("insert", "replace") and not typing:
            if self.journal is not None:
                self.journal.request_sync()  # leaving insert mode: on disk in a moment
        self._mode = mode
        self._follow_document()
        if not typing:
            self._append_history()
        self._report_journal_error()

    def tick(self) -> None:
        """Timer: fsync pending journal edits, notice saves and the hint controller."""
        if self.closed:
            return
        if self.journal is not None:
            self.journal.tick()
        self._follow_document()
        self._report_journal_error()
        if self._controller is None:
            self.attach_controller(getattr(self.app, "controller", None))

    def _report_journal_error(self) -> None:
        journal = self.journal
        error = journal.error if journal is not None else None
        if error and error != self._journal_error_shown:
            self._journal_error_shown = error
            self.say(f"{error}; the buffer is safe until you quit", error=True)

    # -- history and registers ----------------------------------------------------------
    def _load_history(self) -> None:
        ed = self.app.ed
        history = getattr(ed, "cmdline_history", None)
        if not isinstance(history, dict) or self.store is None:
            return
        for kind in (":", "/"):
            stored = self._store_call(self.store.history, kind) or []
            current = history.setdefault(kind, [])
            merged = [e for e in stored if e not in current] + current
            current[:] = merged
            self._history_seen[kind] = current[-1] if current else None

    def _append_history(self) -> None:
        history = getattr(self.app.ed, "cmdline_history", None)
        if not isinstance(history, dict) or self.store is None:
            return
        keep = int(self._config("state", "history_size", 200))
        for kind in (":", "/"):
            entries = history.get(kind) or []
            last = entries[-1] if entries else None
            if last is not None and last != self._history_seen.get(kind):
                self._history_seen[kind] = last
                self._store_call(self.store.add_history, kind, last, keep=keep)
            if len(entries) > keep:
                del entries[: len(entries) - keep]

    def _load_registers(self) -> None:
        if self.store is None:
            return
        rows = self._store_call(self.store.registers) or []
        regs = self.app.ed.registers
        unnamed: tuple[str, str] | None = None
        for name, text, kind in rows:
            if kind not in ("char", "line", "block"):
                continue
            if name == '"':
                unnamed = (text, kind)
            elif name == "/":
                with contextlib.suppress(Exception):
                    self.app.ed.last_search = text  # `n` finds what it found last time
            elif name in _RESTORED_SPECIAL:
                regs.set_special(name, text)
            else:
                regs.put(name, text, kind, op="set")
        if unnamed is not None:
            _point_unnamed(regs, *unnamed)

    def _save_registers(self) -> None:
        if self.store is None:
            return
        regs = self.app.ed.registers
        rows = []
        for name in regs.names():
            entry = regs.get_entry(name)
            # Like Vim's 'viminfo' s10: a register over 10 KiB (a `dG` of a whole book) is
            # not written on every quit.
            if entry is not None and len(entry.text.encode("utf-8", "surrogatepass")) <= (
                MAX_SAVED_REGISTER_BYTES
            ):
                rows.append((name, entry.text, entry.kind))
        self._store_call(self.store.save_registers, rows)

    # -- hints ------------------------------------------------------------------------
    def attach_controller(self, controller: Any) -> None:
        """Log the hint controller's events (it is made after the first paint)."""
        if controller is None or not hasattr(controller, "on_event"):
            return
        self._controller = controller
        previous = controller.on_event
        if previous is self.on_hint_event:
            return

        def chained(kind: str, data: dict[str, Any]) -> None:
            self.on_hint_event(kind, data)
            if previous is not None:
                previous(kind, data)

        controller.on_event = self.on_hint_event if previous is None else chained

    def on_hint_event(self, kind: str, data: dict[str, Any]) -> None:
        """One hint log row: what was shown, accepted or dismissed, with its steering."""
        if threading.get_ident() != self._main_thread:
            with contextlib.suppress(RuntimeError):
                self.app.call_from_thread(self.on_hint_event, kind, data)
            return
        if self.store is None or kind not in ("shown", "accepted", "dismissed"):
            return
        backend = getattr(self._controller, "backend", None)
        path = getattr(self.app.ed.doc, "path", None)
        latency = data.get("latency_ms")
        self._store_call(
            self.store.log_hint,
            kind,
            path=str(path) if path is not None else None,
            chars=len(str(data.get("text") or "")),
            latency_ms=float(latency) if isinstance(latency, (int, float)) else None,
            steering={str(k): float(v) for k, v in (data.get("steering") or {}).items()},
            backend=getattr(backend, "name", None),
        )

    # -- end --------------------------------------------------------------------------
    def close(self, *, clean: bool = True) -> None:
        """Quit: save position and registers; a clean quit removes the journal."""
        if self.closed:
            return
        self.closed = True
        if self._timer is not None:
            with contextlib.suppress(Exception):
                self._timer.stop()
        with contextlib.suppress(Exception):
            self.app.ed.remove_listener(self.on_editor_change)
        self._save_position(self.app.ed.doc)
        if self._started:
            # Before `finish_start` the registers of the last session are not loaded yet:
            # saving the empty ones would lose them.
            self._save_registers()
        if self.store is not None:
            self._store_call(self.store.prune_hint_log)
        if self.recovery_state == "waiting":
            clean = False  # the writer never answered: keep the journal for next time
        self._close_journal(clean=clean)
        if self.store is not None:
            with contextlib.suppress(sqlite3.Error):
                self.store.close()


def _identity(doc: Any) -> tuple[Any, ...]:
    """What changes when the document is saved or renamed."""
    path = getattr(doc, "path", None)
    return (
        str(path) if path is not None else None,
        getattr(doc, "saved_mtime_ns", None),
        getattr(doc, "saved_size", None),
    )


def _point_unnamed(regs: Any, text: str, kind: str) -> None:
    """Make the unnamed register point where it pointed last session."""
    for name in "0123456789abcdefghijklmnopqrstuvwxyz-":
        entry = regs.get_entry(name)
        if entry is not None and entry.text == text and entry.kind == kind:
            if hasattr(regs, "_unnamed"):
                # Registers keeps the pointer private; the engine has no setter for it.
                regs._unnamed = name
            return
    regs.put(None, text, kind, op="set")
