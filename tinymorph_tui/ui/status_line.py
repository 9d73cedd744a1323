"""The status line: mode, file, modified flag, pending keys, hint state, steering, position.

It is one row, rebuilt from plain values (`StatusInfo`) after each key; the widget repaints
only when the text changes, so typing costs one short string compare.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

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


class StatusInfo(NamedTuple):
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
    extra: tuple[str, ...] = ()


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


def shorten_end(text: str, width: int) -> str:
    """`text` cut to `width` cells, an ellipsis marking the cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    out = Text(text)
    out.truncate(width, overflow="ellipsis")
    return out.plain


_STAT_RE = re.compile(r"TTFT (?P<ttft>[\d.]+) ms|(?P<tps>[\d.]+) tok/s")


def _compact_stats(stats: str) -> str:
    """ "TTFT 120 ms · 35.2 tok/s · 12 tok · 0 cached" -> "120ms 35t/s" (a narrow screen)."""
    parts = []
    for match in _STAT_RE.finditer(stats):
        if match.group("ttft"):
            parts.append(f"{match.group('ttft')}ms")
        else:
            parts.append(f"{float(match.group('tps')):.0f}t/s")
    return " ".join(parts)


def hint_forms(hint: str, error: bool = False) -> list[str]:
    """The hint state's text from the longest form to the shortest, for a narrow screen.

    "local:m.gguf: writing… · TTFT 80 ms · 31.0 tok/s · 9 tok" -> the same with compact
    stats ("80ms 31t/s"), then without stats, then the state alone ("writing…").  An error
    keeps its words: its reason is what the writer needs.
    """
    forms = [hint]
    base, sep, stats = hint.partition(" · ")
    if sep:
        compact = _compact_stats(stats)
        if compact:
            forms.append(f"{base} · {compact}")
        forms.append(base)
    if not error:
        _head, sep, state = base.rpartition(": ")
        if sep and state:
            forms.append(state)
    return forms


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
        """The status line as styled text `width` cells wide.

        Mode, position and the hint state (an error above all) always stay; when the
        screen is narrow the hint state takes a shorter form, the steering summary goes,
        and the file name is shortened in the middle (its end, the name itself, stays).
        """
        info = self.info
        base = self._style("ui.statusline")
        label, scope = MODE_LABELS.get(info.mode, (info.mode.upper(), "ui.statusline.normal"))
        flags = (" [+]" if info.modified else "") + (" [RO]" if info.readonly else "")
        pending = f" {info.pending} " if info.pending else ""
        pct = ruler_percentage(info.top_row, info.bottom_row, info.line_count)
        position = f" {info.row + 1}:{info.col + 1} "
        ruler_pct = f" {pct:>3} "
        avail = width - cell_len(f" {label} ") - cell_len(pending)
        avail -= cell_len(position) + cell_len(ruler_pct)
        # The name keeps at least this much (an error may take it down to a few cells).
        name_min = min(cell_len(info.name), 10) + len(flags) + 2
        hint = ""
        if info.hint:
            reserve = min(name_min, 4) if info.hint_error else name_min
            room = avail - reserve - 2
            forms = hint_forms(info.hint, info.hint_error)
            hint = next((f for f in forms if cell_len(f) <= room), "")
            if not hint and room >= (1 if info.hint_error else 4):
                hint = shorten_end(forms[-1], room)
            if hint:
                avail -= cell_len(hint) + 2
        extras: list[str] = []
        for item in (info.steering, *info.extra):
            if item and cell_len(item) + 2 <= avail - name_min:
                extras.append(item)
                avail -= cell_len(item) + 2
        name = chrome.shorten_middle(info.name, max(1, avail - len(flags) - 2))

        left = Text(no_wrap=True)
        left.append(f" {label} ", base + self._style(scope))
        left.append(f" {name}{flags} ", base)
        if pending:
            left.append(pending, base + Style(bold=True))
        right = Text(no_wrap=True)
        if hint:
            hint_scope = "ui.statusline.error" if info.hint_error else "ui.statusline.hint"
            right.append(f" {hint} ", base + self._style(hint_scope))
        for index, item in enumerate(extras):
            style = (
                base + self._style("ui.statusline.hint") if index == 0 and info.steering else base
            )
            right.append(f" {item} ", style)
        right.append(position, base)
        right.append(ruler_pct, base + self._style(scope))
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
