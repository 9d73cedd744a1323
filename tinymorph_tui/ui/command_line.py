"""The command line: ":" "/" "?" input with its cursor, messages, errors and the mode.

What is typed lives in the engine (`ed.cmdline`, `ed.cmdline_cursor`, history on <Up> /
<Down>); this widget draws it and adds Tab completion of ex command names (from
`core.ex_commands.complete_command_names`) and of file paths, by feeding the engine the
keys that replace the word being completed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from rich.cells import chop_cells
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from tinymorph_tui.ui import chrome

#: Ex commands whose argument is a file name (Tab completes paths for them).
FILE_COMMANDS = frozenset(
    {
        "e",
        "edit",
        "w",
        "write",
        "sav",
        "saveas",
        "r",
        "read",
        "wq",
        "x",
        "xit",
        "up",
        "update",
        "so",
        "source",
    }
)

SHOWMODE: dict[str, str] = {
    "insert": "-- INSERT --",
    "replace": "-- REPLACE --",
    "visual": "-- VISUAL --",
    "visual_line": "-- VISUAL LINE --",
    "visual_block": "-- VISUAL BLOCK --",
}


class CmdlineInfo(NamedTuple):
    """What the command line shows, as plain values."""

    mode: str = "normal"
    cmdline: str = ""
    cursor: int = 0
    message: str = ""
    is_error: bool = False
    pending: str = ""
    recording: str = ""


def complete_commands(prefix: str, registry: Any = None) -> list[str]:
    """Ex command names starting with `prefix` (built-ins and `registry`'s commands)."""
    try:
        from tinymorph_tui.core import ex_commands
    except ImportError:
        return []
    fn = getattr(ex_commands, "complete_command_names", None)
    if fn is None:
        return []
    try:
        return list(fn(prefix, registry))
    except TypeError:
        return list(fn(prefix))
    except Exception:
        return []


def complete_paths(word: str, cwd: Path | None = None) -> list[str]:
    """File names starting with `word` (folders end with "/"), sorted, hidden ones only
    when asked for with a leading dot."""
    base = cwd or Path.cwd()
    expanded = os.path.expanduser(word)
    head, _, tail = expanded.rpartition("/")
    folder = (
        Path(head or ("/" if expanded.startswith("/") else "."))
        if head or expanded.startswith("/")
        else Path(".")
    )
    where = folder if folder.is_absolute() else base / folder
    try:
        names = sorted(os.listdir(where))
    except OSError:
        return []
    out = []
    shown_head = word[: len(word) - len(tail)]
    for name in names:
        if not name.startswith(tail) or (name.startswith(".") and not tail.startswith(".")):
            continue
        suffix = "/" if (where / name).is_dir() else ""
        out.append(shown_head + name + suffix)
    return out


def completions_for(
    cmdline: str, cwd: Path | None = None, registry: Any = None
) -> tuple[int, list[str]]:
    """(start index of the word to replace, candidates) for a ":" command line."""
    if not cmdline.startswith(":"):
        return len(cmdline), []
    body = cmdline[1:]
    stripped = body.lstrip(" :")
    lead = len(body) - len(stripped)
    # A range prefix ("%", "1,5") is kept as is.
    i = 0
    while i < len(stripped) and stripped[i] in "0123456789,.$%'<>+-;":
        i += 1
    name_start = 1 + lead + i
    rest = cmdline[name_start:]
    name = ""
    j = 0
    while j < len(rest) and (rest[j].isalpha()):
        j += 1
    name = rest[:j]
    after = rest[j:]
    if not after.startswith(" "):
        return name_start, complete_commands(name, registry)
    if name.rstrip("!") in FILE_COMMANDS or name in FILE_COMMANDS:
        arg_start = cmdline.rfind(" ") + 1
        return arg_start, complete_paths(cmdline[arg_start:], cwd)
    if name in ("colo", "colorscheme", "colors", "color", "colorsch"):
        arg_start = cmdline.rfind(" ") + 1
        word = cmdline[arg_start:]
        try:
            from tinymorph_tui.theme.loader import available_themes

            return arg_start, [t for t in available_themes() if t.startswith(word)]
        except Exception:
            return arg_start, []
    return len(cmdline), []


class CommandLine(Widget):
    """The bottom row (grows for multi-line messages)."""

    DEFAULT_CSS = """
    CommandLine {
        height: auto;
        min-height: 1;
        max-height: 12;
        width: 1fr;
    }
    """

    def __init__(self, theme: Any = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.theme_obj: Any = theme if theme is not None else chrome.FallbackTheme()
        self.info = CmdlineInfo()
        #: The terminal's own cursor (a bar) marks the cursor; none is drawn.
        self.terminal_cursor = False
        self._rows = 1  # rows the last update needed (a change of it is a new layout)
        self._strips: list[Strip] | None = None
        self._strips_width = 0
        #: Tab-completion state: (original line, start, candidates, index).
        self._completion: tuple[str, int, list[str], int] | None = None

    def set_theme(self, theme: Any) -> None:
        """Draw with another theme."""
        self.theme_obj = theme
        self._strips = None
        self.refresh()

    def update_info(self, info: CmdlineInfo) -> None:
        """Show `info` (repaints only if something changed)."""
        if info == self.info:
            return
        self.info = info
        self._strips = None
        rows = self.build().plain.count("\n") + 1  # (a long error wraps: more rows)
        self.refresh(layout=rows != self._rows)
        self._rows = rows

    def _style(self, *scopes: str) -> Style:
        return chrome.resolve(self.theme_obj, *scopes)

    def build(self, width: int | None = None) -> Text:
        """The command line as styled text (messages fitted to `width`, default: its own)."""
        info = self.info
        base = self._style("ui.background", "ui.text") + self._style("ui.commandline")
        text = Text(no_wrap=True, overflow="crop")
        if info.mode == "command":
            line = info.cmdline
            cur = max(0, min(info.cursor, len(line)))
            text.append(line[:cur], base)
            if self.terminal_cursor:  # the terminal's bar stands there instead
                cursor_style = base
            else:
                cursor_style = base + self._style("ui.cursor.insert", "ui.cursor")
            text.append(line[cur : cur + 1] or " ", cursor_style)
            text.append(line[cur + 1 :], base)
            return text
        if info.message:
            scope = "error" if info.is_error else "ui.message"
            style = (
                self._style("ui.message.error", "error") if info.is_error else self._style(scope)
            )
            message = info.message
            if width is None:
                width = self.size.width if self.is_mounted else 0
            if width > 1 and "\n" not in message and not info.is_error:
                # Too long for the row: cut in the middle as Vim cuts file messages, so the
                # end ("written") stays.
                message = chrome.shorten_middle(message, width - 1)
            elif width > 1:
                # An error, or several lines: wrapped, as Vim wraps them, so nothing is lost
                # (the command line grows to show them, see get_content_height).
                message = "\n".join(
                    row for line in message.split("\n") for row in (chop_cells(line, width) or [""])
                )
            text.append(message, base + style)
            return text
        mode = SHOWMODE.get(info.mode, "")
        if info.recording:
            mode = f"{mode} recording @{info.recording}".strip()
        if mode:
            text.append(mode, base + self._style("ui.message.mode"))
        return text

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        """One row, or one per line of a multi-line message."""
        return max(1, self.build(width).plain.count("\n") + 1)

    def render_line(self, y: int) -> Strip:
        """Line API: each row padded with the theme's background (not Textual's)."""
        width = self.size.width
        if self._strips is None or self._strips_width != width:
            base = self._style("ui.background", "ui.text")
            lines = self.build(width).split("\n", allow_blank=True)
            self._strips = [
                Strip(
                    [seg for seg in line.render(self.app.console) if seg.text != "\n"]
                ).adjust_cell_length(width, base)
                for line in lines
            ]
            self._strips_width = width
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, self._style("ui.background", "ui.text"))

    # -- Tab completion ---------------------------------------------------------------
    def reset_completion(self) -> None:
        """Forget the completion cycle (any key other than Tab / S-Tab)."""
        self._completion = None

    def next_completion(
        self, cmdline: str, backwards: bool = False, registry: Any = None
    ) -> str | None:
        """The command line with the next completion applied, or None when none fits."""
        state = self._completion
        if state is None or state[2] == [] or not self._is_candidate_line(cmdline, state):
            start, cands = completions_for(cmdline, registry=registry)
            if not cands:
                self._completion = None
                return None
            index = len(cands) - 1 if backwards else 0
            state = (cmdline, start, cands, index)
        else:
            original, start, cands, index = state
            index = (index + (-1 if backwards else 1)) % len(cands)
            state = (original, start, cands, index)
        self._completion = state
        original, start, cands, index = state
        return original[:start] + cands[index]

    @staticmethod
    def _is_candidate_line(cmdline: str, state: tuple[str, int, list[str], int]) -> bool:
        original, start, cands, index = state
        return cmdline == original[:start] + cands[index]

    def candidates(self) -> list[str]:
        """The candidates of the current completion cycle (for the wildmenu line)."""
        return list(self._completion[2]) if self._completion else []
