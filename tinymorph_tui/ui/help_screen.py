"""`:help` / <F1>: every key and ex command, generated from the keymap and the registries.

Nothing here is written by hand: the keys come from the editor's keymap tables, the
descriptions from the command registry's docstrings, and the ex commands from the ex
registry, so the help can never drift from what the keys really do.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

#: Modes in the order the help lists them, with headings.
MODE_TITLES: tuple[tuple[str, str], ...] = (
    ("normal", "Normal mode"),
    ("motion", "Motions (normal, visual and operator-pending)"),
    ("operator", "Operator-pending mode"),
    ("visual", "Visual mode"),
    ("insert", "Insert mode"),
    ("command", "Command line"),
)


def _first_line(doc: str) -> str:
    doc = (doc or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else ""


def keymap_tables(ed: Any) -> dict[str, dict[str, str]]:
    """Mode -> {keys: command id} from the editor's keymap (empty when unavailable)."""
    keymap = getattr(ed, "keymap", None)
    tables = getattr(keymap, "tables", None)
    if isinstance(tables, dict):
        return {m: dict(t) for m, t in tables.items()}
    return {}


def builtin_ex_rows() -> list[tuple[str, str]]:
    """(":name", description) for the engine's built-in ex commands (handler docstrings)."""
    try:
        from tinymorph_tui.core import ex_commands, ex_parse
    except ImportError:
        return []
    rows: list[tuple[str, str]] = []
    for spec in getattr(ex_parse, "BUILTINS", ()):
        name = getattr(spec, "name", "")
        if not name or not name.isalpha():
            continue
        handler = getattr(ex_commands, getattr(spec, "handler", ""), None)
        rows.append((f":{name}", _first_line(getattr(handler, "__doc__", "") or "")))
    return rows


def ex_command_rows(ed: Any) -> list[tuple[str, str]]:
    """(":name", description) for every ex command the editor knows."""
    ex = getattr(ed, "ex", None)
    rows: list[tuple[str, str]] = builtin_ex_rows()
    if ex is None:
        return rows
    items: Any = None
    for attr in ("items", "commands"):
        value = getattr(ex, attr, None)
        if callable(value):
            try:
                items = value()
            except Exception:
                items = None
        elif isinstance(value, dict):
            items = list(value.items())
        if items:
            break
    if not items:
        return rows
    seen: set[str] = {name for name, _ in rows}
    for item in items:
        if isinstance(item, tuple) and len(item) == 2:
            name, entry = item
        else:
            entry = item
            name = getattr(entry, "name", str(entry))
        name = getattr(entry, "name", name)
        if f":{name}" in seen:
            continue
        seen.add(f":{name}")
        doc = getattr(entry, "doc", "") or getattr(getattr(entry, "fn", None), "__doc__", "") or ""
        rows.append((f":{name}", _first_line(doc)))
    rows.sort()
    return rows


def help_text(ed: Any) -> Text:
    """The whole help page as styled text."""
    out = Text()
    out.append("tinymorph help", "bold")
    out.append("   (q, <Esc> or <F1> closes; j/k, <C-d>/<C-u> scroll)\n\n", "dim")
    registry = getattr(ed, "commands", None)

    def describe(cmd: str) -> str:
        try:
            return _first_line(registry.doc(cmd)) if registry is not None else cmd
        except Exception:
            return cmd

    tables = keymap_tables(ed)
    for mode, title in MODE_TITLES:
        table = tables.get(mode)
        if not table:
            continue
        out.append(title + "\n", "bold underline")
        width = max(len(k) for k in table)
        for keys, cmd in sorted(table.items(), key=lambda kv: (kv[1], kv[0])):
            if not cmd:
                continue
            out.append(f"  {keys.ljust(width)}  ", "bold")
            out.append(f"{describe(cmd)}", "")
            out.append(f"  [{cmd}]\n", "dim")
        out.append("\n")
    rows = ex_command_rows(ed)
    if rows:
        out.append("Ex commands\n", "bold underline")
        width = max(len(n) for n, _ in rows)
        for name, desc in rows:
            out.append(f"  {name.ljust(width)}  ", "bold")
            out.append(desc + "\n")
    return out


class HelpScreen(ModalScreen[None]):
    """A scrollable page of keys and commands over the editor."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("q,escape,f1", "dismiss_help", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
        Binding("ctrl+d,pagedown,space", "scroll(10)", show=False),
        Binding("ctrl+u,pageup", "scroll(-10)", show=False),
        Binding("g,home", "top", show=False),
        Binding("G,end", "bottom", show=False),
    ]

    def __init__(self, ed: Any) -> None:
        super().__init__()
        self.ed = ed

    def compose(self) -> ComposeResult:
        """A scroll view holding the generated text."""
        with VerticalScroll():
            yield Static(help_text(self.ed), id="help-text")

    def action_dismiss_help(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        """Scroll by `lines`."""
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_top(self) -> None:
        """Scroll to the top."""
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        """Scroll to the end."""
        self.query_one(VerticalScroll).scroll_end(animate=False)


def keys_markdown(ed: Any) -> str:
    """Every key and ex command as Markdown tables (the body of docs/keys.md)."""
    registry = getattr(ed, "commands", None)

    def describe(cmd: str) -> str:
        try:
            return _first_line(registry.doc(cmd)) if registry is not None else ""
        except Exception:
            return ""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out: list[str] = []
    tables = keymap_tables(ed)
    for mode, title in MODE_TITLES:
        table = tables.get(mode)
        if not table:
            continue
        out.append(f"## {title}\n")
        out.append("| keys | command | what it does |")
        out.append("| --- | --- | --- |")
        for keys, cmd in sorted(table.items(), key=lambda kv: (kv[1], kv[0])):
            if cmd:
                out.append(f"| `{cell(keys)}` | `{cmd}` | {cell(describe(cmd))} |")
        out.append("")
    rows = ex_command_rows(ed)
    if rows:
        out.append("## Ex commands\n")
        out.append("| command | what it does |")
        out.append("| --- | --- |")
        for name, desc in rows:
            out.append(f"| `{cell(name)}` | {cell(desc)} |")
        out.append("")
    return "\n".join(out)


def _editor_for_docs() -> Any:
    """An editor with the shell's commands and keys, as the app runs it (no screen)."""
    from types import SimpleNamespace

    from tinymorph_tui.core.editor import Editor
    from tinymorph_tui.ui import shell_commands

    ed = Editor.from_text("")
    shell = SimpleNamespace(controller=None, view=None)
    shell_commands.register(shell, ed)  # type: ignore[arg-type]
    shell_commands.register_ex(shell, ed)  # type: ignore[arg-type]
    return ed


if __name__ == "__main__":  # pragma: no cover - `python -m tinymorph_tui.ui.help_screen`
    print(keys_markdown(_editor_for_docs()))
