"""TinymorphApp: the Textual shell around the core Editor.

Every key the editor view receives becomes one Vim token fed to the engine
(`ed.feed_key`); after each key the app brings the view, the status line, the command line,
the key popup and the hint controller in line with the engine's state.  Nothing heavy runs
before the first paint: syntax highlighting and the model backend are set up just after it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold CPython's cyclic garbage collector while the start-up imports run (once each).

    Importing asyncio and Textual creates ~60 000 objects that live as long as the
    process (classes, functions, dataclass methods); they set off ~80 collections that
    find nothing to free, ~15 ms of a ~300 ms start (measured with gc.callbacks). At the
    end they are moved out of the collector's sight (`gc.freeze`, CPython's own advice for
    objects made at start-up), else the first collection after would scan them all at
    once; then collection resumes as it was, also when an import raises.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


#: Textual paces repaints to TEXTUAL_FPS frames a second (read when Textual is imported):
#: a repaint asked for within 1/FPS of the previous one waits for the next frame slot. Its
#: default of 60 made a hint that lands just after the key's own frame wait up to 16.7 ms
#: (bench_hints: 23 ms median at a 5 ms debounce, 6 ms at 240). An editor repaints for keys
#: and hint chunks (merged, see HINT_REPAINT_S), not for animations, so a faster slot costs
#: nothing while idle. A TEXTUAL_FPS set by the user (or a benchmark) wins.
os.environ.setdefault("TEXTUAL_FPS", "240")

with _gc_paused():
    import asyncio  # (~10 ms: ssl, logging, concurrent.futures; Textual needs it anyway)

    from textual.app import App, ComposeResult  # after TEXTUAL_FPS, see above
    from textual.containers import Horizontal
    from textual.geometry import Offset

    from tinymorph_tui.ui import chrome
    from tinymorph_tui.ui.command_line import CmdlineInfo, CommandLine
    from tinymorph_tui.ui.editor_view import EditorView, Ghost
    from tinymorph_tui.ui.key_popup import KeyPopup, continuation_rows
    from tinymorph_tui.ui.status_line import StatusInfo, StatusLine
    from tinymorph_tui.ui.terminal_cursor import HIDE as HIDE_CURSOR
    from tinymorph_tui.ui.terminal_cursor import TerminalCursor, shapes_supported
    from tinymorph_tui.ui.textual_keys import split_meta

#: Characters of context before the cursor handed to the hint controller.  The slice starts
#: at a multiple of PREFIX_QUANTUM so it does not slide with every key (the controller's
#: prompt window, and so the model's KV cache, stay put while the writer types on).
PREFIX_WINDOW = 16_384
PREFIX_QUANTUM = 4_096
SUFFIX_WINDOW = 2_048

#: Seconds between status-line updates while a model loads.
LOAD_PROGRESS_S = 0.1

#: CPython's GIL switch interval while the app runs (see on_mount).
GIL_SWITCH_INTERVAL_S = 0.0002

#: Hint repaints are at least this far apart: a new ghost text, or the first change after a
#: quiet spell, is drawn at once (leading edge); later chunks within this time are merged
#: into one repaint at its end (a stream sends chunks every few milliseconds).
HINT_REPAINT_S = 0.012

#: Longest wait before new syntax colours are drawn (coalesces the highlighter's updates).
HIGHLIGHT_REPAINT_S = 0.03

#: Seconds a multi-key sequence waits before the "which key" popup shows.
KEY_POPUP_DELAY = 0.4

#: tinymorph's option defaults for prose, used when no config is given.
PROSE_OPTIONS: dict[str, Any] = {
    "wrap": True,
    "linebreak": True,
    "scrolloff": 3,
    # <BS> over autoindent, line breaks and the insert start, as writers expect.
    "backspace": "indent,eol,start",
}


def _load_editor_class() -> Any:
    from tinymorph_tui.core.editor import Editor

    return Editor


class TinymorphApp(App[int], inherit_bindings=False):
    """The editor application: `TinymorphApp(path)` opens `path` in normal mode.

    `editor`: an existing core Editor (tests); `theme`: a theme name or theme object;
    `backend`: a hint Backend (tests pass a scripted one; otherwise it is made from the
    config after the first paint); `config`: a `state.config.Config`.
    """

    CSS = """
    Screen {
        layers: base overlay;
        layout: vertical;
    }
    #body {
        height: 1fr;
    }
    """
    ENABLE_COMMAND_PALETTE = False
    TITLE = "tinymorph"

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        editor: Any = None,
        theme: Any = None,
        backend: Any = None,
        config: Any = None,
        hint_controller: Any = None,
        recover: bool = False,
        state: bool = True,
    ) -> None:
        super().__init__()
        self.path = Path(path) if path is not None else None
        # State and safety (ui/session.py): `recover` replays the file's recovery journal
        # without asking (`tinymorph --recover FILE`); `state=False` runs without the store
        # and the journal (benchmarks).
        self.recover = recover
        self._state_enabled = state
        self.session: Any = None
        self.config = config
        self.startup_messages: list[tuple[str, bool]] = []
        # The first app in a process imports the engine and builds its tables (keymap, ex
        # commands), all kept for the process's life: the same pause as for the imports.
        first = "tinymorph_tui.core.editor" not in sys.modules
        with _gc_paused() if first else contextlib.nullcontext():
            self.ed = editor if editor is not None else self._open_editor()
            self.theme_obj = self._initial_theme(theme)
        self._textual_theme_name: str | None = None
        # Before the app runs: its stylesheet is then parsed once, with these colours.
        self._apply_textual_theme(before_start=True)
        self._backend = backend
        self.controller: Any = hint_controller
        self.show_stats = bool(self._config("hints", "show_stats", False))
        self.steering: dict[str, float] = {}
        self.feature_panel: Any = None
        self.highlighter: Any = None
        self._highlighted_doc: Any = None
        self.first_paint_at: float | None = None
        self._painted = False  # _after_first_paint has run
        self.created_at = time.perf_counter()
        self._main_thread = threading.get_ident()
        self._popup_timer: Any = None
        # Enabled on mount when there is a real terminal (see ui/terminal_cursor.py).
        self.terminal_cursor = TerminalCursor(enabled=False)
        self._hint_flush: Any = None
        self._hint_painted_at = 0.0  # perf_counter() of the last hint repaint
        self._load_progress_at = 0.0  # perf_counter() of the last load progress shown
        self._ghost_drawn: Ghost | None = None  # the ghost the view was last given
        self._highlight_flush: Any = None
        self._handling_key = False
        self._last_version = -1
        self._last_cursor: tuple[int, int] | None = None
        self._last_mode = ""
        self.view = EditorView(self.ed, self.theme_obj, ghost=self._ghost, id="editor")
        self.status = StatusLine(self.theme_obj, id="status")
        self.cmdline = CommandLine(self.theme_obj, id="cmdline")
        self.popup = KeyPopup(self.theme_obj, id="keypopup")
        self._register_commands()

    # -- construction -----------------------------------------------------------------
    def _config(self, section: str, key: str, default: Any) -> Any:
        if self.config is None:
            return default
        try:
            return self.config.get(section, key)
        except Exception:
            return default

    def _options(self) -> dict[str, Any]:
        options = dict(PROSE_OPTIONS)
        editor_opts = getattr(self.config, "editor", None)
        if isinstance(editor_opts, dict):
            options.update(editor_opts)
        return options

    def _open_editor(self) -> Any:
        editor_cls = _load_editor_class()
        options = self._options()
        try:
            if self.path is not None:
                return editor_cls.open(self.path, options=options)
            return editor_cls.from_text("", options=options)
        except (KeyError, ValueError) as exc:
            # A bad option in config.toml: start with the prose defaults and say so.
            self.startup_messages.append((f"config: {exc}", True))
            if self.path is not None:
                return editor_cls.open(self.path, options=dict(PROSE_OPTIONS))
            return editor_cls.from_text("", options=dict(PROSE_OPTIONS))

    def _initial_theme(self, theme: Any) -> Any:
        if theme is not None and not isinstance(theme, str):
            return theme
        name = theme or self._config("ui", "theme", "default")
        try:
            from tinymorph_tui.theme.loader import load_theme_or_default
        except ImportError:
            return chrome.FallbackTheme()
        try:
            loaded, warning = load_theme_or_default(str(name))
        except Exception as exc:  # a broken theme never stops the editor
            self.startup_messages.append((f"theme: {exc}", True))
            return chrome.FallbackTheme()
        if warning:
            self.startup_messages.append((warning, True))
        return loaded

    def compose(self) -> ComposeResult:
        """Editor view (with the steering panel beside it), status line, command line.

        The key popup is mounted when first needed: every widget costs Textual a few
        milliseconds of start-up, and the first frame never shows it."""
        with Horizontal(id="body"):
            yield self.view
        yield self.status
        yield self.cmdline

    def on_mount(self) -> None:
        """Apply the theme, focus the text, then finish start-up after the first paint."""
        # Background threads (the highlighter's parser, the model) hand the GIL back to the
        # UI thread after at most this long, instead of CPython's 5 ms default: a key then
        # never waits several milliseconds behind a parse.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        # The Textual theme was set in __init__ (see _preset_textual_theme).
        self.view.focus()
        if (
            self._config("ui", "cursor", "terminal") == "terminal"
            and not self.is_headless
            and shapes_supported(os.environ.get("TERM", ""))
        ):
            self.use_terminal_cursor(True)
        # Everything start-up has to say, at once (the command line grows to show it).
        messages = list(self.startup_messages)
        messages += [(str(w), False) for w in getattr(self.config, "warnings", []) or []]
        messages += [(str(e), True) for e in getattr(self.config, "errors", []) or []]
        messages += [(str(e), True) for e in getattr(self.ed, "keymap_errors", []) or []]
        if messages:
            text = "\n".join(m for m, _ in messages)
            self._set_message(text, any(err for _, err in messages))
        if self._state_enabled:
            from tinymorph_tui.ui.session import Session

            # The store and the cursor restore only: the first frame shows the restored
            # cursor; the rest (journal, history, registers) waits for the first paint.
            self.session = Session.begin(self)
        self.refresh_chrome()
        # `_display` notes the first frame that shows the text; this is the fallback for
        # a view that is never drawn (a zero-size terminal) or a Textual without the hook.
        self.call_after_refresh(self._after_first_paint)

    def _display(self, screen: Any, renderable: Any) -> None:
        """Textual's hand-over of each frame to the terminal; notes the first paint.

        A private hook, hence the fallback in `on_mount`: Textual goes on with a few
        layout passes that change nothing on screen (focus, size updates: ~10 ms) before
        a `call_after_refresh` runs, which would make the first paint look later."""
        if renderable is None or not self.terminal_cursor.enabled:
            super()._display(screen, renderable)
        else:
            self._sync_terminal_cursor()  # (a dialog may have opened or closed)
            before, after = self.terminal_cursor.around_frame()
            self._write_terminal(before)
            super()._display(screen, renderable)
            self._write_terminal(after)
        if self.first_paint_at is None and renderable is not None and self.view.drew_document:
            self.first_paint_at = time.perf_counter()
            self.call_later(self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        if self.first_paint_at is None:
            self.first_paint_at = time.perf_counter()
        if self.session is not None:
            # (or by the first key, should one come first: see handle_token)
            self.session.finish_start()
        # Deferred: tree-sitter and the model are not needed to show the first screen.
        self.set_timer(0.01, self._start_highlighter)
        self._start_hints()
        if self._config("panel", "visible", False):
            self.toggle_feature_panel()

    # -- syntax highlighting ----------------------------------------------------------
    def _start_highlighter(self) -> None:
        try:
            from tinymorph_tui.syntax.markdown import MarkdownHighlighter
        except ImportError:
            return
        self._highlighted_doc = self.ed.doc
        try:
            self.highlighter = MarkdownHighlighter(self.ed.doc, on_update=self._on_highlight)
        except TypeError:
            self.highlighter = MarkdownHighlighter(self.ed.doc)
        except Exception as exc:  # highlighting is a nicety: never stop editing for it
            self._set_message(f"highlighting off: {exc}", True)
            return
        self.view.set_highlighter(self.highlighter)

    def _restart_highlighter(self) -> None:
        old = self.highlighter
        self.highlighter = None
        self.view.set_highlighter(None)
        with contextlib.suppress(Exception):
            old.close()
        self._start_highlighter()

    def _on_highlight(self, *args: Any) -> None:
        """Highlighter callback (its worker thread): repaint the rows whose colours changed,
        at most every HIGHLIGHT_REPAINT_S (a burst of typing publishes many versions)."""
        if threading.get_ident() != self._main_thread:
            # Not call_from_thread: it waits for the UI thread, which may be in on_unmount
            # joining this very thread (highlighter.close()) - a 5 s hang on quit. A posted
            # callback (thread-safe) runs in the app's own context and waits for nothing.
            with contextlib.suppress(RuntimeError, LookupError):
                self.call_later(self._on_highlight)
            return
        if self._highlight_flush is None:
            self._highlight_flush = self.set_timer(HIGHLIGHT_REPAINT_S, self._flush_highlight)

    def _flush_highlight(self) -> None:
        self._highlight_flush = None
        self.view.highlights_changed()

    # -- hints ------------------------------------------------------------------------
    def _start_hints(self) -> None:
        if self.controller is None:
            try:
                from tinymorph_tui.hints.controller import HintController
            except ImportError:
                return
            self.controller = HintController(
                self._backend,
                debounce_ms=float(self._config("hints", "debounce_ms", 150)),
                max_words=int(self._config("hints", "max_words", 40)),
                prefetch=bool(self._config("hints", "prefetch", True)),
                max_tokens=int(self._config("hints", "max_tokens", 64)),
                temperature=float(self._config("hints", "temperature", 0.7)),
                top_p=float(self._config("hints", "top_p", 0.95)),
                stop_at_paragraph=bool(self._config("hints", "stop_at_paragraph", True)),
                context_tokens=int(self._config("hints", "context_tokens", 512)),
                enabled=bool(self._config("hints", "enabled", True)),
                on_change=self._on_hint_change,
            )
        else:
            add = getattr(self.controller, "on_change", None)
            if add is None:
                self.controller.on_change = self._on_hint_change
        if self._backend is None and self.config is not None:
            self.run_worker(self._make_backend, thread=True, exclusive=True, group="backend")
        self.controller.on_mode(getattr(self.ed, "mode", "normal"))
        self.refresh_chrome()

    def _make_backend(self) -> None:
        """Worker thread: build the backend from the config (may import llama.cpp)."""
        try:
            from tinymorph_tui.inference.factory import make_backend

            backend = make_backend(config=self.config)
        except Exception as exc:
            self.call_from_thread(self._set_message, f"model: {exc}", True)
            return
        if backend is None:
            return
        self.call_from_thread(self._set_backend, backend)
        load = getattr(backend, "load_sync", None)
        if callable(load):
            # Load the model now, in this worker thread: the status line says "loading…",
            # then "ready" or why it cannot, from the start instead of at the first hint.
            if getattr(backend, "on_state", "") is None:
                # "loading…" shows while it loads (called on the loading thread).
                backend.on_state = lambda _state: self.call_from_thread(self._update_status)
            if getattr(backend, "on_progress", "") is None:
                backend.on_progress = self._load_progressed
            with contextlib.suppress(Exception):  # the status line shows `load_error`
                load()
            with contextlib.suppress(RuntimeError):  # the app may be gone by now
                self.call_from_thread(self.refresh_chrome)

    def _load_progressed(self, fraction: float) -> None:
        """llama.cpp read more of the model (its loading thread): the status line says how
        much, at most every LOAD_PROGRESS_S. Posted, not awaited: loading never waits on
        the UI (and a quit meanwhile cancels the load through the backend)."""
        now = time.perf_counter()
        if now - self._load_progress_at < LOAD_PROGRESS_S and fraction < 1.0:
            return
        self._load_progress_at = now
        with contextlib.suppress(RuntimeError, LookupError):  # the app is gone
            self.call_later(self._update_status)

    def _set_backend(self, backend: Any) -> None:
        self._backend = backend
        if self.controller is not None:
            self.controller.set_backend(backend)
        self.refresh_chrome()

    def _on_hint_change(self) -> None:
        """The controller's hint or state changed: repaint at once when it brings a new
        ghost text or no hint repaint happened in the last HINT_REPAINT_S, else once at the
        end of that time (the first ghost character must not wait; the chunks streamed onto
        a ghost already on screen are merged)."""
        if threading.get_ident() != self._main_thread:
            self.call_from_thread(self._on_hint_change)
            return
        if self._handling_key:
            return  # the key's own refresh follows at once
        if self._hint_flush is not None:
            return  # a repaint is already due: it will show this change too
        if self._current_ghost() == self._ghost_drawn:
            # Only the state changed ("thinking…"): the status line, and no repaint of the
            # text, so the first ghost characters that follow are still drawn at once.
            self._update_status()
            return
        since = time.perf_counter() - self._hint_painted_at
        if self._ghost_drawn is None or since >= HINT_REPAINT_S:
            # A new hint (no ghost on screen) or the first change in a while: draw it now.
            self._flush_hint_change()
        else:
            delay = max(0.001, HINT_REPAINT_S - since)
            self._hint_flush = self.set_timer(delay, self._flush_hint_change)

    def _flush_hint_change(self) -> None:
        self._hint_flush = None
        self._hint_painted_at = time.perf_counter()
        self.view.sync()
        self._update_status()

    def _ghost(self) -> Ghost | None:
        """The view's ghost provider: what it is about to draw is remembered."""
        ghost = self._current_ghost()
        self._ghost_drawn = ghost
        return ghost

    def _current_ghost(self) -> Ghost | None:
        """The hint as the view would draw it now (None: no ghost text)."""
        c = self.controller
        if c is None:
            return None
        hint = c.hint
        if hint is None or not hint.text:
            return None
        if getattr(hint, "version", None) not in (None, self.ed.doc.version):
            return None  # a hint for another version of the text is never drawn
        row, col = self.ed.cursor
        lines = tuple(hint.text.split("\n"))
        if self.show_stats:
            stats = self._stats_text()
            if stats:
                lines = lines + (stats,)
        return Ghost(row, col, lines)

    def _stats_text(self) -> str:
        c = self.controller
        stats = getattr(c, "last_stats", None) if c is not None else None
        if stats is None:
            return ""
        parts = []
        if getattr(stats, "ttft_ms", None) is not None:
            parts.append(f"TTFT {stats.ttft_ms:.0f} ms")
        if getattr(stats, "tokens_per_s", None):
            parts.append(f"{stats.tokens_per_s:.1f} tok/s")
        if getattr(stats, "tokens", None) is not None:
            parts.append(f"{stats.tokens} tok")
        if getattr(stats, "cached_tokens", None) is not None:
            parts.append(f"{stats.cached_tokens} cached")
        return " · ".join(parts)

    def _notify_controller(
        self, token: str, version_before: int, cursor_before: Any, mode_before: str
    ) -> None:
        c = self.controller
        if c is None:
            return
        ed = self.ed
        mode = getattr(ed, "mode", "normal")
        if mode != mode_before:
            c.on_mode(mode)
        if mode != "insert":
            return
        version = ed.doc.version
        cursor = tuple(ed.cursor)
        if version != version_before:
            prefix, suffix = self._hint_context()
            typed = token if len(token) == 1 else None
            c.on_edit(version, prefix, suffix, cursor, typed=typed)
        elif cursor != cursor_before or mode != mode_before:
            if mode_before != "insert":
                prefix, suffix = self._hint_context()
                c.on_edit(version, prefix, suffix, cursor)
            else:
                c.on_cursor_moved()

    def _hint_context(self) -> tuple[str, str]:
        """Text before and after the cursor for the hint controller (bounded slices)."""
        doc = self.ed.doc
        row, col = self.ed.cursor
        off = doc.offset_of(row, col)
        start = max(0, off - PREFIX_WINDOW)
        start -= start % PREFIX_QUANTUM
        end = min(len(doc), off + SUFFIX_WINDOW)
        return doc.slice(start, off), doc.slice(off, end)

    # -- commands the shell adds to the engine ----------------------------------------
    def _register_commands(self) -> None:
        ed = self.ed
        commands = getattr(ed, "commands", None)
        if commands is not None:
            from tinymorph_tui.ui import shell_commands

            shell_commands.register(self, ed)
        ex = getattr(ed, "ex", None)
        if ex is not None:
            from tinymorph_tui.ui import shell_commands

            shell_commands.register_ex(self, ed)

    # -- keys -------------------------------------------------------------------------
    def handle_token(self, token: str) -> None:
        """Feed one key to the engine and update everything that shows its state."""
        if self.session is not None:
            # A key can come before the first-paint callback: the journal, history and
            # registers must be in place before it reaches the engine (no-op afterwards).
            self.session.finish_start()
        ed = self.ed
        if token.startswith("<M-"):
            split = split_meta(token, getattr(ed, "keymap", None), getattr(ed, "mode", "normal"))
            if split is not None:  # Escape typed just before a key: see split_meta
                for part in split:
                    self.handle_token(part)
                return
        version_before = ed.doc.version
        cursor_before = tuple(ed.cursor)
        mode_before = getattr(ed, "mode", "normal")
        if mode_before == "command" and token in ("<Tab>", "<S-Tab>"):
            if self._complete_cmdline(backwards=token == "<S-Tab>"):
                self.refresh_chrome()
                return
        else:
            self.cmdline.reset_completion()
        self._handling_key = True
        try:
            try:
                ed.feed_key(token)
            except Exception as exc:  # the engine must never take the UI down
                self._set_message(f"internal error: {type(exc).__name__}: {exc}", True)
            if getattr(ed, "quit_requested", False):
                self.exit(0)
                return
            self._notify_controller(token, version_before, cursor_before, mode_before)
        finally:
            self._handling_key = False
        self.refresh_chrome()

    def feed(self, keys: str) -> None:
        """Feed keys in Vim notation (for tests and scripted demos)."""
        from tinymorph_tui.core.keys import parse_keys

        for token in parse_keys(keys):
            self.handle_token(token)

    def on_editor_view_key_token(self, message: EditorView.KeyToken) -> None:
        """A key typed in the editor view."""
        self.handle_token(message.token)

    def on_editor_view_scrolled(self, message: EditorView.Scrolled) -> None:
        """Mouse scroll or click: the status line follows."""
        self._update_status()
        self._update_cmdline()

    def on_key(self, event: Any) -> None:
        """Keys that reach the app while the steering panel has the focus."""
        if event.key in ("f3",) and self.feature_panel is not None:
            event.stop()
            self.toggle_feature_panel()
        elif event.key == "f1":
            event.stop()
            self.open_help()

    def on_paste(self, event: Any) -> None:
        """Terminal (bracketed) paste into the text or the command line, as typed text."""
        if self.screen is not self.view.screen or self.focused not in (None, self.view):
            return  # a dialog or the steering panel's input has it
        event.stop()
        if self.session is not None:
            self.session.finish_start()  # as for a key (see handle_token)
        from tinymorph_tui.ui import shell_commands

        shell_commands.paste(self, event.text)

    def _complete_cmdline(self, backwards: bool) -> bool:
        ed = self.ed
        line = getattr(ed, "cmdline", "") or ""
        new = self.cmdline.next_completion(
            line, backwards=backwards, registry=getattr(ed, "ex", None)
        )
        if new is None or new == line:
            return new is not None
        self._replace_cmdline(new)
        return True

    def _replace_cmdline(self, new: str) -> None:
        """Make the engine's command line read `new` (with keys, so history stays right)."""
        ed = self.ed
        setter = getattr(ed, "set_cmdline", None)
        if callable(setter):
            setter(new)
            return
        from tinymorph_tui.core.keys import parse_keys

        current = getattr(ed, "cmdline", "") or ""
        # Move to the end, delete back to the common prefix, type the rest.
        common = 0
        while common < min(len(current), len(new)) and current[common] == new[common]:
            common += 1
        ed.feed_key("<End>")
        for _ in range(len(current) - max(common, 1)):
            ed.feed_key("<BS>")
        rest = new[max(common, 1) :]
        for tok in parse_keys(rest.replace("<", "<lt>")):
            ed.feed_key(tok)

    # -- chrome -----------------------------------------------------------------------
    def refresh_chrome(self) -> None:
        """Bring the view, status line, command line and popup up to date."""
        if self.highlighter is not None and self._highlighted_doc is not self.ed.doc:
            self._restart_highlighter()  # `:e other.md` gave the engine a new document
        self.view.sync()
        self._update_status()
        self._update_cmdline()
        self._update_popup()
        self._place_terminal_cursor()
        self._sync_terminal_cursor()

    def use_terminal_cursor(self, enabled: bool) -> None:
        """Show the terminal's own cursor as a bar / underline in the modes that have one
        (see ui/terminal_cursor.py), or draw a block in every mode."""
        if not enabled:
            self._write_terminal(self.terminal_cursor.restore() + HIDE_CURSOR)
        self.terminal_cursor.enabled = enabled
        self.view.terminal_cursor_modes = self.terminal_cursor.modes
        self.cmdline.terminal_cursor = enabled
        self.view.sync(force_rows=[self.ed.cursor[0]])
        self._update_cmdline()
        self._sync_terminal_cursor()

    def _sync_terminal_cursor(self) -> None:
        """Tell the terminal the cursor shape for the mode (only when it changes)."""
        if not self.terminal_cursor.enabled:
            return
        # Hidden while a dialog (help, recovery) or the steering panel holds the keys.
        visible = len(self.screen_stack) <= 1 and self.view.has_focus_or_app()
        self._write_terminal(
            self.terminal_cursor.update(getattr(self.ed, "mode", "normal"), visible=visible)
        )

    def _write_terminal(self, data: str) -> None:
        """Bytes straight to the terminal, in order with Textual's own frames."""
        driver = getattr(self, "_driver", None)
        if data and driver is not None and not self.is_headless:
            with contextlib.suppress(Exception):
                driver.write(data)

    def _place_terminal_cursor(self) -> None:
        """Park the terminal's (hidden) cursor where ours is drawn, for input methods and
        screen readers that follow it."""
        ed = self.ed
        if getattr(ed, "mode", "") == "command":
            region = self.cmdline.region
            x = region.x + int(getattr(ed, "cmdline_cursor", 0))
            self.cursor_position = Offset(min(x, region.right - 1), region.y)
            return
        pos = self.view.cursor_screen_position()
        if pos is not None:
            region = self.view.region
            self.cursor_position = Offset(region.x + pos[0], region.y + pos[1])

    def _set_message(self, text: str, is_error: bool = False) -> None:
        ed = self.ed
        fn = getattr(ed, "set_error" if is_error else "set_message", None)
        if callable(fn):
            fn(text)
        else:
            ed.message = text
            with contextlib.suppress(AttributeError):
                ed.message_is_error = is_error
        if self.is_mounted:
            self._update_cmdline()

    def _update_status(self) -> None:
        ed = self.ed
        doc = ed.doc
        row, col = ed.cursor
        display = self.view.display_rows
        rows = [d.row for d in display if d.kind == "text"]
        top = rows[0] if rows else getattr(ed, "top_row", 0)
        bottom = rows[-1] if rows else top
        pending = getattr(ed, "pending_keys", "") or ""
        if not isinstance(pending, str):
            pending = "".join(pending)
        hint_text, hint_error = self._hint_status()
        path = getattr(doc, "path", None) or self.path
        info = StatusInfo(
            mode=getattr(ed, "mode", "normal"),
            name=_display_name(path),
            modified=bool(getattr(doc, "modified", False)),
            readonly=bool(_opt(ed, "readonly", False)),
            row=row,
            col=col,
            line_count=doc.line_count,
            top_row=top,
            bottom_row=bottom,
            pending=pending,
            hint=hint_text,
            hint_error=hint_error,
            steering=_steering_summary(self.steering),
        )
        self.status.update_info(info)

    def _hint_status(self) -> tuple[str, bool]:
        c = self.controller
        if c is None:
            return "", False
        state = getattr(c, "state", "idle")
        reason = getattr(c, "reason", "") or ""
        backend = getattr(c, "backend", None)
        if state == "off":
            # The full reason ("no model: set --model PATH ...") is in `:hints` and the docs;
            # the status line keeps the short form so the file name stays readable.
            short = (reason or "hints off").split(":", 1)[0]
            return short, False
        load_state = getattr(backend, "state", None) if backend is not None else None
        load_error = getattr(backend, "load_error", None) if backend is not None else None
        if state != "error" and load_state == "error" and isinstance(load_error, str):
            state, reason = "error", load_error  # the model did not load: say so at once
        if state == "error":
            text = f"model error: {reason}" if reason else "model error"
            if getattr(self, "_hint_error_said", None) != text:
                # Said once in the message line too: the status slot may be narrow.
                self._hint_error_said = text
                self._set_message(text, True)
            return text, True
        if state == "streaming" or c.hint is not None:
            self._hint_error_said = None  # working again: a new failure is said again
        name = getattr(backend, "name", "") if backend is not None else ""
        label = {"idle": "ready", "thinking": "thinking…", "streaming": "writing…"}.get(
            state, state
        )
        if state == "idle" and load_state == "loading":
            fraction = getattr(backend, "load_fraction", None)
            label = f"loading {fraction:.0%}…" if isinstance(fraction, float) else "loading…"
        text = f"{name}: {label}" if name else label
        hint = c.hint
        count = getattr(hint, "alternatives_count", 1) if hint is not None else 1
        if hint is not None and count > 1:
            text += f" [{getattr(hint, 'alternatives_index', 0) + 1}/{count}]"
        if self.show_stats:
            stats = self._stats_text()
            if stats:
                text += f" · {stats}"
        return text, False

    def _update_cmdline(self) -> None:
        ed = self.ed
        pending = getattr(ed, "pending_keys", "") or ""
        if not isinstance(pending, str):
            pending = "".join(pending)
        info = CmdlineInfo(
            mode=getattr(ed, "mode", "normal"),
            cmdline=getattr(ed, "cmdline", "") or "",
            cursor=int(getattr(ed, "cmdline_cursor", len(getattr(ed, "cmdline", "") or ""))),
            message=getattr(ed, "message", "") or "",
            is_error=bool(getattr(ed, "message_is_error", False)),
            pending=pending,
            recording=str(getattr(ed, "recording", "") or ""),
        )
        self.cmdline.update_info(info)

    def _update_popup(self) -> None:
        ed = self.ed
        pending = getattr(ed, "pending_keys", "") or ""
        if self._popup_timer is not None:
            self._popup_timer.stop()
            self._popup_timer = None
        if not pending or getattr(ed, "mode", "") in ("insert", "replace", "command"):
            self.popup.hide()
            return
        if (self.popup.is_attached and self.popup.display) or KEY_POPUP_DELAY <= 0:
            self._show_popup()
        else:
            self._popup_timer = self.set_timer(KEY_POPUP_DELAY, self._show_popup)

    def _show_popup(self) -> None:
        self._popup_timer = None
        ed = self.ed
        pending = getattr(ed, "pending_keys", "") or ""
        if not pending:
            self.popup.hide()
            return
        if not isinstance(pending, str):
            pending = "".join(pending)
        if not self.popup.is_attached:
            self.screen_stack[0].mount(self.popup)
        self.popup.show_rows(pending, continuation_rows(ed))

    # -- themes -----------------------------------------------------------------------
    def apply_theme(self, theme: Any) -> None:
        """Switch every part of the screen to `theme` (`:colorscheme`)."""
        self.theme_obj = theme
        chrome.clear_cache()
        for part in (self.view, self.status, self.cmdline, self.popup):
            part.set_theme(theme)
        if self.feature_panel is not None and hasattr(self.feature_panel, "set_theme"):
            with contextlib.suppress(Exception):
                self.feature_panel.set_theme(theme)
        self._apply_textual_theme()

    def _apply_textual_theme(self, *, before_start: bool = False) -> None:
        try:
            textual = chrome.textual_theme(self.theme_obj)
        except Exception:
            return
        self.register_theme(textual)
        self._textual_theme_name = textual.name
        if before_start and self._preset_textual_theme(textual):
            return
        self.theme = textual.name

    def _preset_textual_theme(self, textual: Any) -> bool:
        """Make `textual` the app's theme before it runs, without a CSS reparse.

        Setting `App.theme` runs Textual's watcher, which queues a full `refresh_css`: the
        whole stylesheet parsed a second time and every widget restyled, ~12 ms before the
        first paint (measured). Before the app runs nothing is parsed or styled yet, so
        doing what the watcher does minus that refresh is enough: the stylesheet is then
        parsed once, with these colours. False (the caller sets `App.theme` as usual) if
        this Textual lacks the hook used to follow the theme's ANSI palette.
        """
        refresh_filter = getattr(self, "_refresh_truecolor_filter", None)
        if not callable(refresh_filter):
            return False
        self.set_reactive(App.theme, textual.name)
        old = [name for name in self.classes if name.startswith("-theme-")]
        self.set_class(False, *old, update=False)
        self.set_class(True, f"-theme-{textual.name}", update=False)
        self.set_class(textual.dark, "-dark-mode", update=False)
        self.set_class(not textual.dark, "-light-mode", update=False)
        refresh_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())
        return True

    # -- hint toggles -----------------------------------------------------------------
    def set_hints(self, enabled: bool) -> None:
        """Switch ghost-text hints on or off."""
        c = self.controller
        if c is None:
            self._set_message("hints: no hint controller", True)
            return
        c.set_enabled(enabled)
        self._set_message("hints on" if enabled else "hints off")
        self.refresh_chrome()

    def toggle_hints(self) -> None:
        """Flip ghost-text hints on/off."""
        c = self.controller
        self.set_hints(not (c is not None and c.enabled))

    def toggle_stats(self) -> None:
        """Show or hide hint timing (TTFT, tokens/s, cached tokens) after the hint."""
        self.show_stats = not self.show_stats
        self._set_message("hint stats on" if self.show_stats else "hint stats off")
        self.refresh_chrome()

    # -- panels and screens -----------------------------------------------------------
    def toggle_feature_panel(self) -> bool:
        """Show the steering panel (focus moves into it) or hide it; False if unavailable."""
        if self.feature_panel is None:
            panel = self._make_feature_panel()
            if panel is None:
                self._set_message("steering panel unavailable", True)
                return False
            self.feature_panel = panel
            width = self._config("panel", "width", None)
            if isinstance(width, int) and width > 0:
                panel.styles.width = width
            self.query_one("#body").mount(panel)
            panel.display = True
            self.call_after_refresh(panel.focus)
            return True
        panel = self.feature_panel
        if panel.display and (panel.has_focus or panel.has_focus_within):
            panel.display = False
            self.view.focus()
        elif panel.display:
            panel.focus()
        else:
            panel.display = True
            panel.focus()
        self.refresh_chrome()
        return True

    def _make_feature_panel(self) -> Any:
        try:
            from tinymorph_tui.ui.feature_panel import FeaturePanel
        except ImportError:
            return None
        kwargs: dict[str, Any] = {}
        for name, value in (
            ("backend", self._backend),
            ("config", self.config),
            ("controller", self.controller),
        ):
            kwargs[name] = value
        try:
            return FeaturePanel(**kwargs)
        except TypeError:
            try:
                return FeaturePanel()
            except Exception:
                return None

    def on_feature_panel_steering_changed(self, message: Any) -> None:
        """The sliders moved: new hints use the new feature mix."""
        features = None
        for attr in ("features", "steering", "mix", "values"):
            value = getattr(message, attr, None)
            if isinstance(value, dict):
                features = value
                break
        if features is None:
            return
        self.steering = {str(k): float(v) for k, v in features.items() if v}
        if self.controller is not None:
            self.controller.set_steering(self.steering)
        self._update_status()

    def on_feature_panel_closed(self, message: Any) -> None:
        """The panel asked to give the focus back to the text."""
        if self.feature_panel is not None:
            self.feature_panel.display = False
        self.view.focus()

    def open_help(self) -> None:
        """Show the generated key and command help."""
        from tinymorph_tui.ui.help_screen import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 inside the help closes it
            return
        self.push_screen(HelpScreen(self.ed))

    # -- lifecycle --------------------------------------------------------------------
    async def on_unmount(self) -> None:
        """Save the session's state, stop hint requests and close the backend."""
        # The shell gets its own cursor shape back (Textual shows the cursor itself).
        self._write_terminal(self.terminal_cursor.restore())
        if self.session is not None:
            # An exit after an unhandled exception keeps the recovery journal.
            self.session.close(clean=getattr(self, "_exception", None) is None)
        if self.highlighter is not None and hasattr(self.highlighter, "close"):
            with contextlib.suppress(Exception):
                self.highlighter.close()
        c = self.controller
        if c is not None and hasattr(c, "aclose"):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(c.aclose(), 2)
        backend = self._backend
        if backend is not None and hasattr(backend, "aclose"):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(backend.aclose(), 2)


def _opt(ed: Any, name: str, default: Any) -> Any:
    try:
        return ed.options[name]
    except Exception:
        return default


@functools.lru_cache(maxsize=64)
def _display_name(path: Path | None) -> str:
    """The file name as the status line shows it (relative to the start-up folder).

    Cached: os.getcwd() is a system call and the status line is rebuilt on every key.
    """
    if path is None:
        return "[No Name]"
    try:
        return str(Path(path).relative_to(_START_DIR))
    except ValueError:
        return str(path)


_START_DIR = Path.cwd()


def _steering_summary(steering: dict[str, float]) -> str:
    if not steering:
        return ""
    parts = [
        f"{name}{value:+.1f}"
        for name, value in sorted(steering.items(), key=lambda kv: -abs(kv[1]))
    ]
    text = " ".join(parts[:3])
    if len(parts) > 3:
        text += f" +{len(parts) - 3}"
    return f"steer {text}"
