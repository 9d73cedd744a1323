"""The question asked when a file has unsaved edits in a recovery journal.

Keys: `r` recovers the edits, `o` opens the file as it is on disk (the journal is kept aside,
never deleted), `d` shows the difference between the two. The screen is modal: nothing is
typed into the buffer until the writer has chosen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Static

Choice = Literal["recover", "disk"]

#: Diff lines shown at most (a huge diff would only slow the screen down).
MAX_DIFF_LINES = 2000


def diff_text(diff: str) -> Text:
    """A unified diff coloured as `git diff` colours it, cut at MAX_DIFF_LINES lines."""
    out = Text()
    lines = diff.splitlines()
    for line in lines[:MAX_DIFF_LINES]:
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        out.append(line + "\n", style=style)
    if len(lines) > MAX_DIFF_LINES:
        out.append(f"… {len(lines) - MAX_DIFF_LINES} more lines\n", style="dim")
    if not lines:
        out.append("(no difference)\n", style="dim")
    return out


class RecoveryScreen(ModalScreen[Choice]):
    """Ask whether to recover the journal of `name` (dismisses with "recover" or "disk").

    `diff` is the unified diff, or a function making it: it is only computed when the
    writer asks to see it (a long file's diff is not free).
    """

    DEFAULT_CSS = """
    RecoveryScreen {
        align: center middle;
    }
    RecoveryScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    RecoveryScreen #recovery-diff {
        height: auto;
        max-height: 30;
        display: none;
    }
    """

    def __init__(
        self, name: str, edits: int, modified: float, diff: str | Callable[[], str]
    ) -> None:
        super().__init__()
        self.file_name = name
        self.edits = edits
        self.modified = modified
        self._diff = diff
        self.diff_shown = False

    @property
    def diff(self) -> str:
        """The unified diff from the file on disk to the recovered text."""
        if callable(self._diff):
            self._diff = self._diff()
        return self._diff

    def compose(self) -> ComposeResult:
        """The question, the three keys, and the (hidden) difference."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.modified))
        head = Text()
        head.append("Unsaved changes found for ", style="bold")
        head.append(self.file_name, style="bold underline")
        head.append(
            f"\n{self.edits} edit{'s' if self.edits != 1 else ''} in the recovery journal, "
            f"last written {when}.\n\n"
        )
        for key, what in (
            ("r", "recover the unsaved changes (then :w to keep them)"),
            ("o", "open the file as it is on disk (the journal is kept aside)"),
            ("d", "show the difference"),
        ):
            head.append(f"  {key}  ", style="bold reverse")
            head.append(f" {what}\n")
        with Vertical():
            yield Static(head, id="recovery-question")
            with VerticalScroll(id="recovery-diff"):
                yield Static("", id="recovery-diff-text")

    def on_key(self, event: Key) -> None:
        """r / o / d; every other key is swallowed so nothing reaches the buffer."""
        event.stop()
        event.prevent_default()
        if event.key == "r":
            self.dismiss("recover")
        elif event.key == "o":
            self.dismiss("disk")
        elif event.key == "d":
            self.diff_shown = not self.diff_shown
            if self.diff_shown:
                self.query_one("#recovery-diff-text", Static).update(diff_text(self.diff))
            self.query_one("#recovery-diff").display = self.diff_shown
