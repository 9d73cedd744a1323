"""Command registry: stable kebab-case command ids -> callables with docstrings.

Keymaps bind key sequences to these ids; the UI builds `:help` and the "which key" popup from
the docs.  Built-in engine commands carry a `kind` that tells the key parser how to read
them (a motion, an operator, a text object, a plain action) and whether they take a
character argument (`f{char}`, `r{char}`, `m{mark}`...).  Commands registered by the shell
are plain actions called as `fn(ed, count)`; returning False means "did not apply".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal, NamedTuple

CommandKind = Literal["action", "motion", "operator", "textobject", "insert", "cmdline"]

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Command(NamedTuple):
    """One registered command.

    `fn` signature depends on `kind`: shell actions take `(ed, count)`; engine-internal kinds
    take the arguments documented in the module implementing them.  `arg` is "char" when the
    command reads one more key (its argument) after its key sequence.
    """

    id: str
    fn: Callable[..., Any]
    doc: str
    kind: CommandKind = "action"
    arg: str | None = None
    #: engine-internal commands receive a context object instead of (ed, count)
    internal: bool = False
    #: extra data the implementation wants (e.g. which operator, which motion flags)
    data: Any = None


class CommandError(ValueError):
    """A bad command registration (invalid id or missing docstring)."""


class CommandRegistry:
    """Mapping of command id -> Command."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def register(
        self,
        id: str,
        fn: Callable[..., Any],
        doc: str | None = None,
        *,
        kind: CommandKind = "action",
        arg: str | None = None,
        internal: bool = False,
        data: Any = None,
    ) -> Command:
        """Add (or replace) a command; `doc` defaults to the function's docstring."""
        if not _ID_RE.match(id):
            raise CommandError(f"command id must be kebab-case: {id!r}")
        text = (doc or getattr(fn, "__doc__", None) or "").strip()
        if not text:
            raise CommandError(f"command {id!r} needs a docstring")
        cmd = Command(id, fn, text, kind, arg, internal, data)
        self._commands[id] = cmd
        return cmd

    def get(self, id: str) -> Command | None:
        """The command with this id, or None."""
        return self._commands.get(id)

    def __contains__(self, id: object) -> bool:
        return id in self._commands

    def __getitem__(self, id: str) -> Command:
        return self._commands[id]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._commands))

    def __len__(self) -> int:
        return len(self._commands)

    def doc(self, id: str) -> str:
        """The docstring of a command ("" when unknown)."""
        cmd = self._commands.get(id)
        return cmd.doc if cmd else ""

    def ids(self) -> list[str]:
        """All command ids, sorted."""
        return sorted(self._commands)

    def items(self) -> list[tuple[str, Command]]:
        """(id, Command) pairs sorted by id."""
        return sorted(self._commands.items())
