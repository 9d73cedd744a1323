"""Textual key events -> Vim key tokens (the engine's `feed_key` input).

Textual names keys like "ctrl+r", "escape", "shift+tab", "f5", "alt+x" and gives the typed
character separately.  The engine wants one canonical Vim token per key ("<C-r>", "<Esc>",
"<S-Tab>", "<F5>", "<M-x>", or the character itself), as `core.keys` defines them.
"""

from __future__ import annotations

from functools import lru_cache

#: Textual base key names -> Vim key names (inside the angle brackets).
_BASE: dict[str, str] = {
    "escape": "Esc",
    "enter": "CR",
    "return": "CR",
    "tab": "Tab",
    "backspace": "BS",
    "delete": "Del",
    "insert": "Insert",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "space": "Space",
    "newline": "NL",
}
for _i in range(1, 25):
    _BASE[f"f{_i}"] = f"F{_i}"

#: Textual names of punctuation keys, for keys pressed with a modifier ("ctrl+right_square_bracket").
_PUNCT: dict[str, str] = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "left_square_brace": "[",
    "backslash": "\\",
    "circumflex_accent": "^",
    "underscore": "_",
    "minus": "-",
    "at": "@",
    "slash": "/",
    "space": " ",
}

#: Textual modifier names -> Vim modifier letters, in the order Vim writes them.
_MODS: dict[str, str] = {"ctrl": "C", "shift": "S", "alt": "M", "meta": "M", "super": "D"}

#: Keys a terminal cannot tell apart from others, folded as Vim folds them.
_SPECIAL: dict[str, str] = {
    "ctrl+i": "<Tab>",
    "ctrl+m": "<CR>",
    "ctrl+j": "<NL>",
    "ctrl+left_square_bracket": "<Esc>",
    "ctrl+left_square_brace": "<Esc>",
    "ctrl+at": "<Nul>",
    "ctrl+space": "<Nul>",
    "shift+tab": "<S-Tab>",
}


def key_to_token(key: str, character: str | None = None) -> str | None:
    """The Vim token for a Textual key event, or None for keys the editor ignores.

    `character` is the event's printable character (None for named keys).
    """
    # A printable character typed without Ctrl/Alt stands for itself ("a", "A", ":", " ").
    if (
        character is not None
        and len(character) == 1
        and character.isprintable()
        and not key.startswith(("ctrl+", "alt+", "meta+", "super+"))
    ):
        return character
    return _named_token(key)


@lru_cache(maxsize=512)
def _named_token(key: str) -> str | None:
    """Token for a named Textual key ("ctrl+r" -> "<C-r>"), cached: the mapping is pure."""
    if key in _SPECIAL:
        return _SPECIAL[key]
    parts = key.split("+")
    base = parts[-1]
    mods = [_MODS[p] for p in parts[:-1] if p in _MODS]
    if len(mods) != len(parts) - 1:
        return None  # a modifier we do not know
    if base in _BASE:
        name = _BASE[base]
        if name == "Space" and not mods:
            return " "
    elif base in _PUNCT:
        name = _PUNCT[base]
    elif len(base) == 1:
        name = base
    else:
        return None
    if not mods:
        return f"<{name}>" if len(name) > 1 else name
    if len(name) == 1 and "C" in mods:
        # Control letters are written lower case (<C-r>); Vim folds <C-S-r> the same way.
        name = name.lower()
        mods = [m for m in mods if m != "S"]
    if mods == ["S"] and len(name) == 1:
        return name.upper()
    order = "".join(f"{m}-" for m in "CSMD" if m in mods)
    return f"<{order}{name}>"


def token_to_textual(token: str) -> str:
    """The Textual key name for a Vim token, as Pilot's `press` wants it (for tests/tools)."""
    reverse = {f"<{v}>": k for k, v in _BASE.items() if k not in ("return", "newline")}
    if token in reverse:
        return reverse[token]
    if token == "<S-Tab>":
        return "shift+tab"
    if len(token) == 1:
        return "space" if token == " " else token
    inner = token[1:-1]
    parts = inner.split("-")
    mods = {"C": "ctrl", "S": "shift", "M": "alt", "D": "super"}
    head = [mods[p] for p in parts[:-1]]
    base = parts[-1]
    base = {v: k for k, v in _BASE.items()}.get(base, base).lower() if len(base) > 1 else base
    if base == "]":
        base = "right_square_bracket"
    return "+".join([*head, base])
