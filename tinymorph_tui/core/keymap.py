"""Key tries per mode, loaded from `keymaps/vim.toml` with the user's overrides merged over.

The TOML file has one table per mode (`[normal]`, `[visual]`, `[operator]`, `[motion]`,
`[insert]`, `[command]`), each mapping a key sequence in Vim notation to a command id.
`[motion]` holds the motions shared by normal, visual and operator-pending modes (Vim lets
every motion be used in all three); a mode's own table wins over `[motion]`.

The user's `$XDG_CONFIG_HOME/tinymorph/keymap.toml` is merged over the defaults: a table
replaces a leaf, tables merge key by key.  A binding to the empty string removes a key.
Problems (unparsable TOML, unknown mode, a value that is not a string, an unknown command
id) are collected in `Keymap.errors` as "file: key: reason" and the defaults stay.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinymorph_tui.core.keys import keys_to_notation, parse_keys

MODES = ("normal", "visual", "operator", "motion", "insert", "command")
# Which tables a mode consults, in priority order.
LOOKUP_ORDER: dict[str, tuple[str, ...]] = {
    "normal": ("normal", "motion"),
    "visual": ("visual", "motion"),
    "operator": ("operator", "motion"),
    "motion": ("motion",),
    "insert": ("insert",),
    "command": ("command",),
}


@dataclass
class _Node:
    command: str | None = None
    children: dict[str, _Node] = field(default_factory=dict)


class Trie:
    """A trie from key-token sequences to command ids."""

    def __init__(self) -> None:
        self.root = _Node()

    def add(self, tokens: list[str], command: str) -> None:
        """Bind `tokens` to `command` ("" marks the binding as removed)."""
        node = self.root
        for t in tokens:
            node = node.children.setdefault(t, _Node())
        node.command = command

    def find(self, tokens: Iterable[str]) -> _Node | None:
        """The node reached by `tokens`, or None."""
        node = self.root
        for t in tokens:
            nxt = node.children.get(t)
            if nxt is None:
                return None
            node = nxt
        return node

    def walk(self, node: _Node, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
        """All (keys, command) pairs below `node`, keys relative to it."""
        out: list[tuple[tuple[str, ...], str]] = []
        for tok, child in node.children.items():
            keys = prefix + (tok,)
            if child.command is not None:
                out.append((keys, child.command))
            out.extend(self.walk(child, keys))
        return out


def user_keymap_path() -> Path:
    """`$XDG_CONFIG_HOME/tinymorph/keymap.toml` (XDG default ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tinymorph" / "keymap.toml"


def default_keymap_path() -> Path:
    """The shipped `keymaps/vim.toml`."""
    from tinymorph_tui.resources import data_dir

    return data_dir("keymaps") / "vim.toml"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge `over` into a copy of `base`: tables merge, anything else replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


class Keymap:
    """Tries per mode plus the problems met while loading.

    `Keymap(base=other)` makes a cheap per-editor layer: bindings added to it shadow the
    base's (which is shared and never modified through the layer).
    """

    def __init__(self, tables: dict[str, dict[str, str]] | None = None, *, base: Keymap | None = None) -> None:
        self.base = base
        self._own: dict[str, dict[str, str]] = {m: {} for m in MODES}
        self.tries: dict[str, Trie] = {m: Trie() for m in MODES}
        self.errors: list[str] = []
        #: (mode, keys) -> the command a later binding replaced (the fallback when a shell
        #: command returns False)
        self.shadowed: dict[tuple[str, tuple[str, ...]], str] = dict(base.shadowed) if base else {}
        if base is not None:
            self.errors = list(base.errors)
        if tables:
            for mode, table in tables.items():
                for keys, cmd in table.items():
                    self.bind(mode, keys, cmd)

    @property
    def tables(self) -> dict[str, dict[str, str]]:
        """Bindings per mode table (keys in notation -> command id), base merged in."""
        if self.base is None:
            return {m: {k: v for k, v in t.items() if v} for m, t in self._own.items()}
        merged = self.base.tables
        for m, t in self._own.items():
            cur = merged.setdefault(m, {})
            for k, v in t.items():
                if v:
                    cur[k] = v
                else:
                    cur.pop(k, None)
        return merged

    def _binding(self, mode: str, keys: str) -> str | None:
        if keys in self._own.get(mode, {}):
            return self._own[mode][keys] or None
        return self.base._binding(mode, keys) if self.base is not None else None

    # -- building ---------------------------------------------------------------------
    def bind(self, mode: str, keys: str, command: str) -> None:
        """Bind a Vim-notation key sequence in `mode` to a command id ("" unbinds)."""
        tokens = parse_keys(keys)
        if not tokens:
            raise ValueError("empty key sequence")
        note = keys_to_notation(tokens)
        old = self._binding(mode, note)
        if old and old != command:
            self.shadowed[(mode, tuple(tokens))] = old
        elif (mode, tuple(tokens)) not in self.shadowed:
            for table in LOOKUP_ORDER.get(mode, ()):
                prev = self._binding(table, note)
                if prev and prev != command and table != mode:
                    self.shadowed[(mode, tuple(tokens))] = prev
                    break
        self._own.setdefault(mode, {})[note] = command
        self.tries.setdefault(mode, Trie()).add(tokens, command)

    @classmethod
    def load(
        cls,
        default_path: Path | None = None,
        user_path: Path | None = None,
        known_commands: Iterable[str] | None = None,
    ) -> Keymap:
        """Load the defaults and merge the user's file over them (see module doc)."""
        km = cls()
        default_path = default_path or default_keymap_path()
        user_path = user_path if user_path is not None else user_keymap_path()
        known = set(known_commands) if known_commands is not None else None
        base = km._read(default_path)
        km._apply(default_path, base, known)
        if user_path.is_file():
            over = km._read(user_path)
            km._apply(user_path, over, known)
        return km

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            with open(path, "rb") as fh:
                return tomllib.load(fh)
        except FileNotFoundError:
            self.errors.append(f"{path}: file not found")
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.errors.append(f"{path}: {exc}")
        return {}

    def _apply(self, path: Path, data: dict[str, Any], known: set[str] | None) -> None:
        for mode, table in data.items():
            if mode not in MODES:
                self.errors.append(f"{path}: {mode}: unknown mode (expected one of {', '.join(MODES)})")
                continue
            if not isinstance(table, dict):
                self.errors.append(f"{path}: {mode}: expected a table of key = command id")
                continue
            for keys, cmd in table.items():
                where = f"{path}: {mode}.{keys!r}"
                if not isinstance(cmd, str):
                    self.errors.append(f"{where}: command id must be a string")
                    continue
                if cmd and known is not None and cmd not in known:
                    self.errors.append(f"{where}: unknown command id {cmd!r}")
                    continue
                try:
                    self.bind(mode, keys, cmd)
                except ValueError as exc:
                    self.errors.append(f"{where}: {exc}")

    # -- queries ----------------------------------------------------------------------
    def lookup(self, mode: str, tokens: list[str] | tuple[str, ...]) -> tuple[str | None, bool]:
        """(command bound to exactly `tokens`, whether longer bindings start with them).

        Tables are consulted in LOOKUP_ORDER; the first table that knows the sequence (as a
        binding or a prefix) decides, so a mode's own table shadows `[motion]`.
        """
        found: str | None = None
        decided = False
        prefix = False
        for table in LOOKUP_ORDER.get(mode, (mode,)):
            layer: Keymap | None = self
            while layer is not None:
                node = layer.tries[table].find(tokens) if table in layer.tries else None
                if node is not None:
                    if not decided and node.command is not None:
                        found = node.command or None
                        decided = True
                    if node.children and _has_live(node):
                        prefix = True
                layer = layer.base
        return found, prefix

    def continuations(self, mode: str, tokens: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
        """(remaining keys in notation, command id) for every binding extending `tokens`."""
        seen: dict[str, str] = {}
        for table in LOOKUP_ORDER.get(mode, (mode,)):
            layer: Keymap | None = self
            while layer is not None:
                trie = layer.tries.get(table)
                node = trie.find(tokens) if trie is not None else None
                if node is not None:
                    for keys, cmd in trie.walk(node):  # type: ignore[union-attr]
                        seen.setdefault(keys_to_notation(keys), cmd)
                layer = layer.base
        # letters first (case-insensitive), then special keys and punctuation: the order a
        # "which key" popup shows them in
        return sorted(((k, c) for k, c in seen.items() if c),
                      key=lambda kc: (not kc[0][:1].isalnum(), kc[0].lower(), kc[0]))


def _has_live(node: _Node) -> bool:
    """Whether any binding below `node` is not a removal marker."""
    for child in node.children.values():
        if child.command or _has_live(child):
            return True
    return False
