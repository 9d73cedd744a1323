"""The status line: mode, file, modified flag, pending keys, hint state, steering, position.

It is one row, rebuilt from plain values (`StatusInfo`) after each key; the widget repaints
only when the text changes, so typing costs one short string compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from tinymorph_tui.ui import chrome

#: Mode -> (label, status-line scope).
MODE_LABELS: dict[str, tuple[str, str]] = {
    "normal": ("NORMAL", "ui.statusline.normal"),
    "insert": ("INSERT", "ui.statusline.insert"),
    "replace": ("REPLACE", "ui.statusline.replace"),
    "visual": ("VISUAL", "ui.statusline.visual"),
    "visual_line": ("V-LINE", "ui.statusline.visual"),
    "visual_block": ("V-BLOCK", "ui.statusline.visual"),
    "command": ("COMMAND", "ui.statusline.command"),
}


@dataclass(frozen=True)
class StatusInfo:
    """Everything the status line shows, as plain values."""

    mode: str = "normal"
    name: str = "[No Name]"
    modified: bool = False
    readonly: bool = False
    row: int = 0
    col: int = 0
    line_count: int = 1
    top_row: int = 0
    bottom_row: int = 0
    pending: str = ""
    hint: str = ""
    hint_error: bool = False
    steering: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)


def ruler_percentage(top: int, bottom: int, count: int) -> str:
    """Vim's ruler position word: "All", "Top", "Bot" or "NN%" (from the window's top)."""
    if top <= 0 and bottom >= count - 1:
        return "All"
    if top <= 0:
        return "Top"
    if bottom >= count - 1:
        return "Bot"
    above = top
    below = count - 1 - bottom
    return f"{above * 100 // (above + below)}%"


class StatusLine(Widget):
    """One-row status line below the text."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self, theme: Any = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.theme_obj: Any = theme if theme is not None else chrome.FallbackTheme()
        self.info = StatusInfo()
        self._text: Text | None = None
        self._strip: Strip | None = None

    def set_theme(self, theme: Any) -> None:
        """Draw with another theme."""
        self.theme_obj = theme
        self._text = None
        self.refresh()

    def update_info(self, info: StatusInfo) -> None:
        """Show `info` (repaints only if something changed)."""
        if info == self.info and self._text is not None:
            return
        self.info = info
        self._text = None
        self.refresh()

    def _style(self, *scopes: str) -> Style:
        return chrome.resolve(self.theme_obj, *scopes)

    def build(self, width: int) -> Text:
        """The status line as styled text `width` cells wide."""
        info = self.info
        base = self._style("ui.statusline")
        label, scope = MODE_LABELS.get(info.mode, (info.mode.upper(), "ui.statusline.normal"))
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {label} ", base + self._style(scope))
        flags = (" [+]" if info.modified else "") + (" [RO]" if info.readonly else "")
        # A long path keeps its end (the file name) and loses its start, as Vim shortens.
        room = max(8, width // 2 - cell_len(label) - len(flags) - 4)
        name = info.name if cell_len(info.name) <= room else "…" + info.name[-(room - 1) :]
        left.append(f" {name}{flags} ", base)
        if info.pending:
            left.append(f" {info.pending} ", base + Style(bold=True))
        pct = ruler_percentage(info.top_row, info.bottom_row, info.line_count)
        ruler = Text(no_wrap=True)
        ruler.append(f" {info.row + 1}:{info.col + 1} ", base)
        ruler.append(f" {pct:>3} ", base + self._style(scope))
        # Optional parts, most important first; each is shown only while it fits, so the
        # mode, the file name and the position are never pushed off a narrow screen.
        optional: list[Text] = []
        if info.hint:
            hint_scope = "ui.statusline.error" if info.hint_error else "ui.statusline.hint"
            optional.append(Text(f" {info.hint} ", base + self._style(hint_scope)))
        if info.steering:
            optional.append(Text(f" {info.steering} ", base + self._style("ui.statusline.hint")))
        for item in info.extra:
            optional.append(Text(f" {item} ", base))
        used = cell_len(left.plain) + cell_len(ruler.plain)
        shown: list[Text] = []
        for part in optional:
            if used + cell_len(part.plain) <= width:
                shown.append(part)
                used += cell_len(part.plain)
        right = Text(no_wrap=True)
        for part in reversed(shown):
            right.append_text(part)
        right.append_text(ruler)
        room = width - cell_len(right.plain)
        if cell_len(left.plain) > room:
            left.truncate(max(0, room), overflow="ellipsis")
        gap = max(0, width - cell_len(left.plain) - cell_len(right.plain))
        line = Text(no_wrap=True)
        line.append_text(left)
        line.append(" " * gap, base)
        line.append_text(right)
        line.truncate(width)
        return line

    def render_line(self, y: int) -> Strip:
        """Line API: the one row as a strip (cheaper than Textual's Text rendering path,
        and this widget repaints on every key)."""
        width = self.size.width
        if self._text is None or self._text.cell_len != width:
            self._text = self.build(width)
            self._strip = None
        if self._strip is None:
            segments = [seg for seg in self._text.render(self.app.console) if seg.text != "\n"]
            self._strip = Strip(segments).adjust_cell_length(width, self._style("ui.statusline"))
        if y != 0:
            return Strip.blank(width)
        return self._strip

    @property
    def plain(self) -> str:
        """The status line's text (for tests)."""
        return self.build(max(self.size.width, 40)).plain
