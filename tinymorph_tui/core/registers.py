"""Vim registers: unnamed, 0-9 shifting, a-z / A-Z append, - _ . : / and friends.

`regs[name]` reads a register as Vim's getreg() does (linewise text ends with "\\n");
`regs.get_entry(name)` gives the text with its kind ("char" | "line" | "block");
`regs.put(name, text, kind, op=...)` stores with Vim's rules for yanks and deletes.
Internally linewise text is kept without its final newline.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

RegKind = Literal["char", "line", "block"]
_READONLY = {".", ":", "%", "#"}
VALID = set("\"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:/+*%#=")


class Register(NamedTuple):
    """The contents of one register: `text` (no trailing newline for "line") and its kind."""

    text: str
    kind: RegKind = "char"

    def as_vim(self) -> str:
        """The text as getreg() returns it (linewise ends with a newline)."""
        if self.kind == "line":
            return self.text + "\n"
        return self.text


class Registers:
    """The register file of one editor."""

    def __init__(self) -> None:
        self._regs: dict[str, Register] = {}
        #: the register the unnamed register currently points at
        self._unnamed = "0"

    @staticmethod
    def valid(name: str) -> bool:
        """Whether `name` is a register name (for "x prefixes)."""
        return len(name) == 1 and name in VALID

    def get_entry(self, name: str) -> Register | None:
        """The register's contents and kind, or None when empty."""
        if name in ("+", "*"):
            name = '"'
        if name == '"':
            return self._regs.get(self._unnamed)
        return self._regs.get(name.lower())

    def __getitem__(self, name: str) -> str:
        entry = self.get_entry(name)
        return entry.as_vim() if entry else ""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get_entry(name) is not None

    def set_special(self, name: str, text: str) -> None:
        """Set a read-only register the engine maintains (". : /")."""
        self._regs[name] = Register(text, "char")

    def put(self, name: str | None, text: str, kind: RegKind, *, op: str = "set") -> None:
        """Store `text` in register `name` (None = unnamed) as Vim does for `op`.

        `op`: "yank" (also fills "0 when unnamed), "delete" (small deletes go to "-,
        others shift "1-"9), "set" (plain assignment, as :let @a = ...).
        """
        if kind == "line" and text.endswith("\n"):
            text = text[:-1]
        if name == "_":
            return
        if name in ("+", "*"):
            name = None
        reg = Register(text, kind)
        if name is not None and name != '"':
            if name in _READONLY:
                return
            if name.isupper():
                low = name.lower()
                old = self._regs.get(low)
                if old is not None:
                    reg = _append(old, reg)
                name = low
            self._regs[name] = reg
            self._unnamed = name
            if op == "delete" and name != "-" and not name.isdigit():
                # Vim also shifts the numbered registers for a named multi-line delete.
                if kind == "line" or "\n" in text:
                    self._shift(Register(reg.text, reg.kind))
            return
        if op == "yank":
            self._regs["0"] = reg
            self._unnamed = "0"
        elif op == "delete":
            if kind == "line" or "\n" in text:
                self._shift(reg)
                self._unnamed = "1"
            else:
                self._regs["-"] = reg
                self._unnamed = "-"
        else:
            self._regs["0"] = reg
            self._unnamed = "0"

    def set_recorded(self, name: str, text: str) -> None:
        """Store a recorded macro (q{reg}); "A-Z append; the unnamed register is unchanged."""
        if name == '"':
            name = "0"
        low = name.lower()
        reg = Register(text, "char")
        if name.isupper() and low in self._regs:
            reg = _append(self._regs[low], reg)
        self._regs[low] = reg

    def delete_to_one(self, reg: Register) -> None:
        """Put a delete into "1 (shifting) even when small: Vim does this for some motions."""
        self._shift(reg)
        self._unnamed = "1"

    def _shift(self, reg: Register) -> None:
        for i in range(9, 1, -1):
            prev = self._regs.get(str(i - 1))
            if prev is not None:
                self._regs[str(i)] = prev
            else:
                self._regs.pop(str(i), None)
        self._regs["1"] = reg

    def names(self) -> list[str]:
        """Names of non-empty registers in :registers order."""
        order = '"0123456789abcdefghijklmnopqrstuvwxyz-.:/'
        return [n for n in order if self.get_entry(n) is not None]


def _append(old: Register, new: Register) -> Register:
    """Vim's "A-Z append": linewise if either side is linewise."""
    if old.kind == "line" or new.kind == "line":
        return Register(old.text + "\n" + new.text, "line")
    return Register(old.text + new.text, old.kind)
