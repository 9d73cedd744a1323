"""The ex commands the shell adds to an editor (`ed.ex`), apart from the built-ins.

Kept apart from `ex_parse` (the built-in table, ranges and addresses) so that an Editor can
be made, and the shell can register its commands, without loading the ex machinery: that
waits for the first `:` typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class UserCommand(NamedTuple):
    """An ex command added with `ExRegistry.register`."""

    name: str
    fn: Callable[[Any, str, bool], None]
    doc: str
    min_len: int


class ExRegistry:
    """Ex commands added by the shell (`ed.ex`): `register(name, fn, doc, min_abbrev)`.

    `fn(ed, args: str, bang: bool) -> None`.  `min_abbrev` is the shortest accepted
    abbreviation length (default: the full name).  A registered command with the name of
    a built-in replaces the built-in.
    """

    def __init__(self) -> None:
        self.commands: dict[str, UserCommand] = {}

    def register(
        self,
        name: str,
        fn: Callable[[Any, str, bool], None],
        doc: str,
        min_abbrev: int | None = None,
    ) -> None:
        """Add (or replace) the ex command `:name`."""
        if not name or not (name.isalpha() or name in "@*!=><&~#"):
            raise ValueError(f"invalid ex command name: {name!r}")
        n = len(name) if min_abbrev is None else max(1, min(min_abbrev, len(name)))
        self.commands[name] = UserCommand(name, fn, doc, n)

    def unregister(self, name: str) -> None:
        """Remove a registered command (unknown names are ignored)."""
        self.commands.pop(name, None)

    def lookup(self, typed: str) -> UserCommand | None:
        """The registered command that `typed` names (exact or an allowed abbreviation)."""
        if typed in self.commands:
            return self.commands[typed]
        for cmd in self.commands.values():
            if cmd.name.startswith(typed) and len(typed) >= cmd.min_len:
                return cmd
        return None

    def doc(self, name: str) -> str:
        """The docstring of a registered command ("" when unknown)."""
        c = self.commands.get(name)
        return c.doc if c else ""

    def names(self) -> list[str]:
        """Registered command names."""
        return sorted(self.commands)
