"""The "which key" popup: while a multi-key command is pending, list what may follow.

The engine knows the pending keys and their continuations (`ed.pending_continuations()`,
pairs of remaining keys and command id); the docs come from the command registry.  The
popup appears after a short pause, as in which-key, so fast typists never see it.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tinymorph_tui.ui import chrome

#: Most entries listed (the rest are summarised as "… N more").
MAX_ENTRIES = 18


def continuation_rows(ed: Any, limit: int = MAX_ENTRIES) -> list[tuple[str, str]]:
    """(keys, one-line description) for what may follow the pending keys."""
    fn = getattr(ed, "pending_continuations", None)
    if fn is None:
        return []
    try:
        items = list(fn())
    except Exception:
        return []
    rows: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, tuple) and len(item) >= 2:
            keys, cmd = str(item[0]), str(item[1])
        else:
            keys, cmd = str(getattr(item, "keys", item)), str(getattr(item, "command", ""))
        rows.append((keys, _describe(ed, cmd)))
    # shortest first, letters before punctuation (the entries a writer looks for)
    rows.sort(key=lambda r: (len(r[0]), not r[0][:1].isalnum(), r[0].lower(), r[0]))
    if len(rows) > limit:
        more = len(rows) - (limit - 1)
        rows = rows[: limit - 1] + [("…", f"{more} more")]
    return rows


def _describe(ed: Any, command_id: str) -> str:
    registry = getattr(ed, "commands", None)
    doc = ""
    if registry is not None:
        try:
            doc = registry.doc(command_id)
        except Exception:
            doc = ""
    first = doc.strip().splitlines()[0] if doc.strip() else command_id
    return first.rstrip(".")


class KeyPopup(Widget):
    """An overlay in the bottom-right corner listing continuations."""

    DEFAULT_CSS = """
    KeyPopup {
        layer: overlay;
        dock: right;
        width: auto;
        max-width: 60;
        height: auto;
        display: none;
        border: round $primary;
        padding: 0 1;
    }
    """

    def __init__(self, theme: Any = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.theme_obj: Any = theme if theme is not None else chrome.FallbackTheme()
        self.rows: list[tuple[str, str]] = []
        self.title = ""

    def set_theme(self, theme: Any) -> None:
        """Draw with another theme."""
        self.theme_obj = theme
        self.refresh()

    def show_rows(self, pending: str, rows: list[tuple[str, str]]) -> None:
        """Show `rows` for the pending keys (hides itself when there are none), in the
        bottom-right corner just above the status line."""
        screen_h = self.screen.size.height if self.is_attached else 24
        room = max(1, screen_h - 4)  # border, status line and command line
        if len(rows) > room:
            more = len(rows) - (room - 1)
            rows = rows[: room - 1] + [("…", f"{more} more")]
        self.rows = rows
        self.title = pending
        self.border_title = pending
        self.styles.offset = (0, max(0, screen_h - 2 - (len(rows) + 2)))
        self.display = bool(rows)
        self.refresh(layout=True)

    def hide(self) -> None:
        """Hide the popup."""
        if self.display:
            self.display = False
            self.rows = []

    def render(self) -> Text:
        """The rows as "keys  description" lines."""
        key_style = chrome.resolve(self.theme_obj, "ui.popup.key")
        text_style = chrome.resolve(self.theme_obj, "ui.popup")
        width = max((len(k) for k, _ in self.rows), default=1)
        room = max(8, 56 - width - 2)  # the popup is at most 60 cells wide
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, (keys, desc) in enumerate(self.rows):
            if i:
                out.append("\n")
            if len(desc) > room:
                desc = desc[: room - 1] + "…"
            out.append(keys.ljust(width), Style.combine([text_style, key_style]))
            out.append("  " + desc, text_style)
        return out
