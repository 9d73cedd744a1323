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
from collections.abc import Iterable
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


class _Node:

    __slots__ = ("command", "children")

    def __init__(
        self,
        command: str | None = None,
        children: dict[str, _Node] | None = None,
    ) -> None:
        self.command = command
        self.children: dict[str, _Node] = {} if children is None else children


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
    """`$XDG_CONFIG_HOME/tinymorph/keymap.toml`, beside config.toml on every platform."""
    # state.paths is a leaf module (platformdirs only), so the core may use it.
    from tinymorph_tui.state.paths import resolve

    return resolve().keymap_file


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
        default_path = default_path or default_keymap_path()
        user_path = user_path if user_path is not None else user_keymap_path()
        known = set(known_commands) if known_commands is not None else None
        km = cls._load_defaults(default_path, known)
        if user_path.is_file():
            over = km._read(user_path)
            km._apply(user_path, over, known)
        return km

    @classmethod
    def _load_defaults(cls, path: Path, known: set[str] | None) -> Keymap:
        """The keymap of the defaults file alone, from the start-up cache when it is valid.

        Parsing vim.toml and binding its ~350 keys takes ~7 ms of every start; the result
        depends only on the file's bytes, the known command ids and this code, so it is
        kept (see `_cache_key`) and rebuilt from the cache in well under a millisecond.
        """
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        key = _cache_key(path, data, known) if data is not None else None
        if key is not None:
            cached = _read_cache(key)
            if cached is not None:
                km = cls()
                try:
                    km._restore(cached)
                except Exception:  # a cache of the wrong shape: parse the file instead
                    pass
                else:
                    return km
        km = cls()
        base = km._read(path) if data is None else km._parse(path, data)
        km._apply(path, base, known)
        if key is not None and not km.errors:
            _write_cache(key, km._snapshot())
        return km

    def _snapshot(self) -> tuple[Any, ...]:
        """This keymap's own state as plain data (for the start-up cache)."""
        return (
            self._own,
            self.shadowed,
            list(self.errors),
            {mode: _node_data(trie.root) for mode, trie in self.tries.items()},
        )

    def _restore(self, snapshot: Any) -> None:
        """Take the state `_snapshot` made (raises on data of another shape)."""
        own, shadowed, errors, tries = snapshot
        if not (isinstance(own, dict) and isinstance(shadowed, dict)):
            raise ValueError("not a keymap snapshot")
        if not (isinstance(errors, list) and isinstance(tries, dict)):
            raise ValueError("not a keymap snapshot")
        restored: dict[str, Trie] = {}
        for mode, data in tries.items():
            trie = Trie()
            trie.root = _node_from(data)
            restored[str(mode)] = trie
        self._own = {str(m): dict(t) for m, t in own.items()}
        self.shadowed = dict(shadowed)
        self.errors = [str(e) for e in errors]
        self.tries = restored

    def _parse(self, path: Path, data: bytes) -> dict[str, Any]:
        import tomllib  # only when the start-up cache cannot be used (~5 ms to import)

        try:
            return tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.errors.append(f"{path}: {exc}")
        return {}

    def _read(self, path: Path) -> dict[str, Any]:
        import tomllib

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


# -- the start-up cache of the parsed defaults (state/startup_cache.py) -----------------
#: Bumped whenever the snapshot's shape changes.
_CACHE_FORMAT = 1


def _cache_path() -> Path:
    """`$XDG_CACHE_HOME/tinymorph/keymap-defaults.marshal`."""
    from tinymorph_tui.state.paths import cache_dir

    return cache_dir() / "keymap-defaults.marshal"


def _cache_key(path: Path, data: bytes, known: set[str] | None) -> tuple[Any, ...] | None:
    """What the parsed defaults depend on: the file (see `startup_cache.source_key`), the
    known command ids and the code that parses them (this module and keys.py)."""
    from tinymorph_tui.core import keys
    from tinymorph_tui.state.startup_cache import source_key

    try:
        code = tuple(os.stat(f).st_mtime_ns for f in (__file__, keys.__file__))
    except (OSError, TypeError):
        return None
    return source_key(
        path, data, _CACHE_FORMAT, code, tuple(sorted(known)) if known is not None else None
    )


def _read_cache(key: tuple[Any, ...]) -> Any:
    """The cached snapshot for `key`, or None (missing, stale, unreadable or corrupt)."""
    from tinymorph_tui.state import startup_cache

    return startup_cache.read(_cache_path(), key)


def _write_cache(key: tuple[Any, ...], snapshot: tuple[Any, ...]) -> None:
    """Store `snapshot` for `key`; never raises (the cache is only a speed-up)."""
    from tinymorph_tui.state import startup_cache

    startup_cache.write(_cache_path(), key, snapshot)


def _node_data(node: _Node) -> tuple[Any, ...]:
    """A trie node as nested tuples: (command, ((token, child), ...))."""
    return (node.command, tuple((tok, _node_data(child)) for tok, child in node.children.items()))


def _node_from(data: Any) -> _Node:
    """The node `_node_data` made (raises on data of another shape)."""
    command, children = data
    if command is not None and not isinstance(command, str):
        raise ValueError("bad command in keymap cache")
    node = _Node(command)
    for tok, child in children:
        if not isinstance(tok, str):
            raise ValueError("bad key in keymap cache")
        node.children[tok] = _node_from(child)
    return node
