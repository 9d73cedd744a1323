"""Commands the shell adds to the engine: hint keys, toggles, help, `:colorscheme`.

They are ordinary command ids in the engine's registry, bound in `keymaps/hints.toml`
(merged over the engine's keymap, under the user's own `keymap.toml`, so a user can rebind
or unbind any of them).  A hint command returns False when no hint is shown, so the key
falls through to its usual insert-mode meaning (<Tab> inserts a tab).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinymorph_tui.state.startup_cache import load_toml

if TYPE_CHECKING:
    from tinymorph_tui.ui.app import TinymorphApp


def hints_keymap_path() -> Path:
    """The shipped `keymaps/hints.toml`."""
    from tinymorph_tui.resources import data_dir

    return data_dir("keymaps") / "hints.toml"


def insert_text(ed: Any, text: str) -> None:
    """Insert `text` at the cursor as one undo step and put the cursor after it."""
    doc = ed.doc
    row, col = ed.cursor
    off = doc.offset_of(row, col)
    doc.begin_group(ed.cursor)
    try:
        doc.insert(off, text)
        new = doc.position_of(off + len(text))
    finally:
        doc.end_group(doc.position_of(off + len(text)))
    mover = getattr(ed, "move_cursor_raw", None)
    if callable(mover):
        mover(*new)
        if hasattr(ed, "update_curswant"):
            ed.update_curswant()
        if hasattr(ed, "scroll_to_cursor"):
            ed.scroll_to_cursor()
    else:
        ed.cursor = new


#: Options a bracketed paste runs without, as Vim's 'paste': the text arrives as written.
_PASTE_OFF: dict[str, Any] = {"autoindent": False, "textwidth": 0, "wrapmargin": 0}


def paste(app: TinymorphApp, text: str) -> None:
    """A terminal (bracketed) paste, as Vim 9 takes one (`:help xterm-bracketed-paste`).

    Insert and Replace mode: the text goes in as typed, literally ("<" is "<", a tab is a
    tab, a newline breaks the line) without autoindent or 'textwidth' wrapping, so pasted
    text arrives exactly as copied; the hint keys (<Tab>, <C-e>...) are never triggered.
    Normal mode: inserted before the cursor as `i`, the text, <Esc> would (one undo step).
    Visual mode: replaces the selection.  The command line: inserted there (newlines become
    spaces: a command line is one line).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return
    ed = app.ed
    mode = getattr(ed, "mode", "normal")
    if mode == "command":
        for ch in text.replace("\n", " "):
            app.handle_token(ch if ch.isprintable() else " ")
        return
    if mode in ("visual", "visual_line", "visual_block"):
        app.handle_token("c")
    elif mode not in ("insert", "replace"):
        app.handle_token("i")
    if getattr(ed, "mode", "") not in ("insert", "replace") or getattr(ed, "insert", None) is None:
        return  # e.g. a read-only buffer refused to enter insert mode
    from tinymorph_tui.core import insert as insert_mode

    version_before = ed.doc.version
    cursor_before = tuple(ed.cursor)
    mode_before = ed.mode
    options = ed.options
    saved = {}
    for name, value in _PASTE_OFF.items():
        try:
            saved[name] = options[name]
            options[name] = value
        except (KeyError, ValueError):
            continue
    try:
        insert_mode.insert_text(ed, ed.insert, text, literal=True)
    finally:
        for name, value in saved.items():
            options[name] = value
    if hasattr(ed, "scroll_to_cursor"):
        ed.scroll_to_cursor()
    if mode not in ("insert", "replace"):
        app.handle_token("<Esc>")  # back to where the paste started, as Vim does
        return
    app._notify_controller("", version_before, cursor_before, mode_before)
    app.refresh_chrome()


#: What CTRL-C in Normal mode says (Vim's words, for this editor).
QUIT_HINT = "Type  :qa!  and press <Enter> to abandon all changes and exit tinymorph"

_VISUAL_MODES = ("visual", "visual_line", "visual_block")


def _clear_message_on_visual() -> Any:
    """An engine listener: entering Visual mode clears the message line, as Vim does when
    it shows "-- VISUAL --" (the last message would otherwise hide the mode)."""
    last = {"mode": ""}

    def listener(ed: Any) -> None:
        mode = getattr(ed, "mode", "")
        if mode != last["mode"]:
            if mode in _VISUAL_MODES and last["mode"] not in _VISUAL_MODES and ed.message:
                ed.set_message("")
            last["mode"] = mode

    return listener


def redraw_screen(app: TinymorphApp) -> None:
    """CTRL-L: forget every cached line, repaint the whole terminal, clear the message."""
    ed = app.ed
    set_message = getattr(ed, "set_message", None)
    if callable(set_message):
        set_message("")
    else:
        ed.message = ""
    view = getattr(app, "view", None)
    if view is not None:
        view.invalidate()
        view.refresh()
    app.refresh_chrome()
    app.screen.refresh()


def register(app: TinymorphApp, ed: Any) -> None:
    """Register the shell's command ids on `ed.commands` and bind their default keys."""

    def accept(unit: str) -> Any:
        def run(ed: Any, count: int | None = None) -> bool:
            c = app.controller
            if c is None or c.hint is None or getattr(ed, "mode", "") != "insert":
                return False
            text = c.accept(unit)  # type: ignore[arg-type]
            if not text:
                return False
            if hasattr(ed, "insert_text"):
                # in insert mode the accepted text is its own undo step (as <C-g>u before
                # and after it) and joins the insert's ". register and `.` repeat
                ed.insert_text(text, undo_break=True)
            else:
                insert_text(ed, text)
            return True

        return run

    def dismiss(ed: Any, count: int | None = None) -> bool:
        """Hide the ghost-text hint."""
        c = app.controller
        if c is None or c.hint is None:
            return False
        c.dismiss()
        return True

    def cycle(ed: Any, count: int | None = None) -> bool:
        """Show another alternative hint (asks the model now when none is shown)."""
        c = app.controller
        if c is None or getattr(ed, "mode", "") != "insert":
            return False
        c.cycle()
        return True

    def cycle_visible(ed: Any, count: int | None = None) -> bool:
        """Show another alternative while a hint is shown (else the key keeps its meaning)."""
        c = app.controller
        if c is None or c.hint is None:
            return False
        c.cycle()
        return True

    def toggle_hints(ed: Any, count: int | None = None) -> bool:
        """Switch ghost-text hints on or off."""
        app.toggle_hints()
        return True

    def toggle_stats(ed: Any, count: int | None = None) -> bool:
        """Show or hide hint timing (time to first token, tokens/s, cached tokens)."""
        app.toggle_stats()
        return True

    def toggle_panel(ed: Any, count: int | None = None) -> bool:
        """Open or close the steering panel (focus moves into it)."""
        app.toggle_feature_panel()
        return True

    def open_help(ed: Any, count: int | None = None) -> bool:
        """Show every key and command."""
        app.open_help()
        return True

    def redraw(ed: Any, count: int | None = None) -> bool:
        """Clear and redraw the screen (CTRL-L); the message line is cleared too."""
        redraw_screen(app)
        return True

    def interrupt(ed: Any, count: int | None = None) -> bool:
        """CTRL-C with nothing pending: say how to quit, as Vim does (else cancel)."""
        if getattr(ed, "pending_keys", ""):
            return False  # the key keeps its meaning: cancel the pending command
        ed.set_message(QUIT_HINT)
        if hasattr(ed, "beep"):
            ed.beep()
        return True

    def screen_move(delta: int) -> Any:
        def run(ed: Any, count: int | None = None) -> bool:
            # The view knows the real wrap ('linebreak', wide characters, tabs), so gj / gk
            # move by the rows on screen rather than by 'columns'-wide slices.
            if not app.view.display_move(delta * max(1, count or 1)):
                if hasattr(ed, "beep"):
                    ed.beep()
            return True

        return run

    specs: list[tuple[str, Any, str]] = [
        ("view-cursor-screen-down", screen_move(1), "Move [count] rows down on screen (gj)"),
        ("view-cursor-screen-up", screen_move(-1), "Move [count] rows up on screen (gk)"),
        ("hint-accept", accept("all"), "Accept the whole hint (else the key inserts as usual)"),
        ("hint-accept-word", accept("word"), "Accept the next word of the hint"),
        ("hint-accept-line", accept("line"), "Accept the hint up to the end of its line"),
        ("hint-accept-sentence", accept("sentence"), "Accept the next sentence of the hint"),
        ("hint-dismiss", dismiss, dismiss.__doc__ or ""),
        ("hint-cycle", cycle, cycle.__doc__ or ""),
        ("hint-cycle-shown", cycle_visible, cycle_visible.__doc__ or ""),
        ("hints-toggle", toggle_hints, toggle_hints.__doc__ or ""),
        ("hint-stats-toggle", toggle_stats, toggle_stats.__doc__ or ""),
        ("steering-panel-toggle", toggle_panel, toggle_panel.__doc__ or ""),
        ("help", open_help, open_help.__doc__ or ""),
        ("redraw", redraw, redraw.__doc__ or ""),
        ("interrupt-hint", interrupt, interrupt.__doc__ or ""),
    ]
    for cid, fn, doc in specs:
        ed.commands.register(cid, fn, doc)
    bind_shell_keys(ed)
    add_listener = getattr(ed, "add_listener", None)
    if callable(add_listener):
        add_listener(_clear_message_on_visual())


def bind_shell_keys(ed: Any, path: Path | None = None) -> list[str]:
    """Give `ed` its own keymap: its bindings plus `keymaps/hints.toml`, except keys the
    user's keymap.toml binds in the same mode.  Returns problems found ("file: key: why")."""
    try:
        from tinymorph_tui.core.keymap import Keymap, user_keymap_path
        from tinymorph_tui.core.keys import keys_to_notation, parse_keys
    except ImportError:
        return []
    keymap = getattr(ed, "keymap", None)
    if keymap is None:
        return []
    path = path or hints_keymap_path()
    problems: list[str] = []
    try:
        data = load_toml(path)
    except (OSError, ValueError) as exc:  # ValueError: tomllib.TOMLDecodeError, bad UTF-8
        return [f"{path}: {exc}"]
    user: dict[str, Any] = {}
    upath = user_keymap_path()
    if upath.is_file():
        try:
            user = load_toml(upath)
        except (OSError, ValueError):
            user = {}

    def norm(keys: str) -> str:
        return keys_to_notation(parse_keys(keys))

    # A layer over the engine's keymap (which is shared between editors and must not learn
    # ids that exist only in editors run by the app); the layer records the bindings it
    # shadows, so a hint key that does not apply falls back to its Vim meaning.
    try:
        own = Keymap(base=keymap)
    except TypeError:  # an engine without layers: copy the tables instead
        own = Keymap({m: dict(t) for m, t in keymap.tables.items()})
        own.errors = list(getattr(keymap, "errors", []))
    for mode, table in data.items():
        if not isinstance(table, dict):
            problems.append(f"{path}: {mode}: expected a table")
            continue
        user_keys = (
            {norm(k) for k in (user.get(mode) or {})} if isinstance(user.get(mode), dict) else set()
        )
        for keys, cid in table.items():
            if not isinstance(cid, str) or (cid and cid not in ed.commands):
                problems.append(f"{path}: {mode}.{keys!r}: unknown command id {cid!r}")
                continue
            if norm(keys) in user_keys:
                continue
            try:
                own.bind(mode, keys, cid)
            except (ValueError, KeyError) as exc:
                problems.append(f"{path}: {mode}.{keys!r}: {exc}")
    ed.keymap = own
    if problems and hasattr(ed, "keymap_errors"):
        ed.keymap_errors.extend(problems)
    return problems


def register_ex(app: TinymorphApp, ed: Any) -> None:
    """Register `:colorscheme`, `:help`, `:hints` and `:features` on `ed.ex`."""

    def colorscheme(ed: Any, args: str, bang: bool) -> None:
        """Switch the colour theme live (`:colorscheme NAME`; no name: show the current one)."""
        name = args.strip()
        if not name:
            ed.set_message(getattr(app.theme_obj, "name", "default"))
            return
        try:
            from tinymorph_tui.theme.loader import ThemeError, load_theme
        except ImportError:
            ed.set_error(f"E185: Cannot find color scheme '{name}'")
            return
        try:
            theme = load_theme(name)
        except ThemeError as exc:
            text = str(exc)
            if (
                "not found" in text.lower()
                or "no theme" in text.lower()
                or "cannot find" in text.lower()
            ):
                ed.set_error(f"E185: Cannot find color scheme '{name}'")
            else:
                ed.set_error(f"E185: {text}")
            return
        except Exception as exc:
            ed.set_error(f"E185: Cannot find color scheme '{name}' ({exc})")
            return
        app.apply_theme(theme)

    def help_(ed: Any, args: str, bang: bool) -> None:
        """Show every key and command (also <F1>)."""
        app.open_help()

    def hints(ed: Any, args: str, bang: bool) -> None:
        """`:hints on|off|toggle|stats`: switch ghost-text hints or their timing display."""
        word = args.strip().lower()
        if word in ("", "toggle"):
            app.toggle_hints()
        elif word in ("on", "off"):
            app.set_hints(word == "on")
        elif word == "stats":
            app.toggle_stats()
        else:
            ed.set_error(f"E475: Invalid argument: {args.strip()}")

    def features(ed: Any, args: str, bang: bool) -> None:
        """Open or close the steering panel (also <F3>)."""
        app.toggle_feature_panel()

    for name, fn, abbrev in (
        ("colorscheme", colorscheme, 4),
        ("help", help_, 1),
        ("hints", hints, 4),
        ("features", features, 4),
    ):
        try:
            ed.ex.register(name, fn, fn.__doc__ or name, min_abbrev=abbrev)
        except TypeError:
            ed.ex.register(name, fn, fn.__doc__ or name)
