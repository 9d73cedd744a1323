"""The terminal's own cursor, shaped per mode as Vim does: a bar while inserting and on the
command line, an underline in replace mode (DECSCUSR, `CSI Ps SP q`).

A cell can only be coloured, so a drawn cursor is always a block; the terminal's cursor can
be a bar between two characters, which is where inserted text goes (and where a hint's
ghost text starts). In normal and visual mode the view keeps drawing its themed block and
the terminal's cursor stays hidden. Terminals that ignore DECSCUSR still show their cursor
(usually a block) in the right place; `ui.cursor = "drawn"` turns all this off.

This module only decides what to send; the app writes it (see `TinymorphApp`).
"""

from __future__ import annotations

#: Mode -> DECSCUSR shape: 6 steady bar, 4 steady underline (steady, as the drawn block).
SHAPES: dict[str, int] = {"insert": 6, "replace": 4, "command": 6}

HIDE = "\x1b[?25l"
SHOW = "\x1b[?25h"
#: DECSCUSR 0: the shape the user's terminal is configured with.
DEFAULT_SHAPE = "\x1b[0 q"


#: TERM values (and prefixes) of terminals that do not know DECSCUSR; the Linux console
#: would even print the "q" of it. These keep the drawn block in every mode.
NO_SHAPES = ("linux", "dumb", "cons25", "vt100", "vt102", "vt220", "ansi")


def shapes_supported(term: str) -> bool:
    """Whether a terminal called `term` (its TERM) can be told its cursor's shape."""
    term = term.strip().lower()
    return bool(term) and not any(
        term == name or term.startswith(name + "-") for name in NO_SHAPES
    )


def shape_sequence(shape: int) -> str:
    """The DECSCUSR sequence for `shape`."""
    return f"\x1b[{shape} q"


class TerminalCursor:
    """What the terminal was last told about its cursor; `update` says what to send next."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        #: The shape shown now, or None while the cursor is hidden.
        self.shape: int | None = None
        self._shape_sent = False  # a shape was ever sent (restore it on exit)

    @property
    def modes(self) -> frozenset[str]:
        """Modes in which the terminal's cursor replaces the drawn one."""
        return frozenset(SHAPES) if self.enabled else frozenset()

    def update(self, mode: str, *, visible: bool = True) -> str:
        """The bytes that make the terminal's cursor right for `mode` ("" if it already is).

        `visible` is False while something else holds the screen (a dialog, the steering
        panel): the cursor is hidden there whatever the mode."""
        wanted = SHAPES.get(mode) if (self.enabled and visible) else None
        if wanted == self.shape:
            return ""
        previous, self.shape = self.shape, wanted
        if wanted is None:
            return HIDE
        self._shape_sent = True
        return shape_sequence(wanted) + (SHOW if previous is None else "")

    def around_frame(self) -> tuple[str, str]:
        """What to send before and after a frame: a visible cursor is hidden while the
        frame is written, or it would be seen jumping across the screen (as Vim does)."""
        return (HIDE, SHOW) if self.shape is not None else ("", "")

    def restore(self) -> str:
        """What to send on exit: the terminal's own cursor shape back."""
        if not self._shape_sent:
            return ""
        self._shape_sent = False
        self.shape = None
        return DEFAULT_SHAPE
