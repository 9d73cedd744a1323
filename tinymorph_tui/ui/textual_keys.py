"""Textual key events -> Vim key tokens (the engine's `feed_key` input).

Textual names keys like "ctrl+r", "escape", "shift+tab", "f5", "alt+x" and gives the typed
character separately.  The engine wants one canonical Vim token per key ("<C-r>", "<Esc>",
"<S-Tab>", "<F5>", "<M-x>", or the character itself), as `core.keys` defines them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

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
    if (
        key.startswith("alt+")
        and "ctrl+" not in key
        and character is not None
        and len(character) == 1
        and character.isprintable()
    ):
        # Alt with a character ("alt+j", "alt+shift+j", or "alt+colon" made by the parser
        # patch below): <M-j>, <M-J>, <M-:>.
        return f"<M-{character}>"  # the engine's token form (parse_keys("<M-lt>") == ["<M-<>"])
    return _named_token(key)


#: Characters written by name inside a key token.
_PRINT_NAMES: dict[str, str] = {"<": "lt", " ": "Space", "\\": "Bslash", "|": "Bar"}


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


#: Editor modes -> the keymap mode whose table decides a key.
_KEYMAP_MODE: dict[str, str] = {
    "replace": "insert",
    "visual_line": "visual",
    "visual_block": "visual",
}


def split_meta(token: str, keymap: object, mode: str) -> list[str] | None:
    """`["<Esc>", x]` for an Alt token `<M-x>` that no binding of `mode` wants, else None.

    A terminal sends Alt+x as ESC x, and so does a writer who presses Escape and then x
    quickly (over SSH both bytes often arrive in one packet): Textual reads either as
    "alt+x".  Like Vim with 'esckeys', an unmapped Meta key is taken as the two keys.
    """
    if not (token.startswith("<M-") and token.endswith(">")):
        return None
    rest = token[3:-1]
    names = {v: k for k, v in _PRINT_NAMES.items()}
    if len(rest) == 1:
        base = rest
    elif rest in names:
        base = names[rest]
    elif rest.startswith("S-") and len(rest) == 3:
        base = rest[2].upper()  # <M-S-a>: Esc then "A"
    elif rest in ("CR", "Tab", "BS", "Esc"):
        base = f"<{rest}>"
    else:
        return None  # <M-Left> and the like: no Escape meant
    lookup = getattr(keymap, "lookup", None)
    if callable(lookup):
        try:
            command, prefix = lookup(_KEYMAP_MODE.get(mode, mode), [token])
        except Exception:
            command, prefix = None, False
        if command is not None or prefix:
            return None  # a real Alt binding (e.g. a hint key): keep it
    return ["<Esc>", base]


def install_meta_keys() -> None:
    """Make Textual's terminal parser keep Alt (ESC) before punctuation and control keys.

    Textual turns ESC x into "alt+x" for letters and digits only: ESC ":" (Escape then ":"
    typed quickly, or arriving in one SSH packet) becomes a plain ":" and the Escape is
    lost, so `<Esc>:w` typed fast would insert ":w".  Patched here, ESC before any single
    key becomes "alt+NAME", which `split_meta` turns back into Escape and the key.
    Idempotent; a Textual without this private parser is left alone.
    """
    try:
        from textual import events
        from textual._xterm_parser import XTermParser
        from textual.keys import _character_to_key
    except ImportError:  # pragma: no cover - another Textual layout
        return
    original = XTermParser._sequence_to_key_events
    if getattr(original, "_tinymorph_meta", False):
        return

    def sequence_to_key_events(self: Any, sequence: str, alt: bool = False) -> Any:
        events_out = list(original(self, sequence, alt=alt))
        if not alt or len(events_out) != 1 or len(sequence) != 1:
            return events_out
        event = events_out[0]
        if event.key.startswith("alt+"):
            return events_out  # letters and digits: Textual did it
        if sequence.isprintable():
            name = _character_to_key(sequence) if not sequence.isalnum() else sequence
            return [events.Key(f"alt+{name}", sequence)]
        if event.key in ("enter", "tab", "backspace"):
            return [events.Key(f"alt+{event.key}", None)]
        return events_out

    sequence_to_key_events._tinymorph_meta = True  # type: ignore[attr-defined]
    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]


# Installed on import: the app's terminal driver makes its parser after this module (the
# editor view's) is imported.
install_meta_keys()
