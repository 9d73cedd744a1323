"""Vim `<>` key notation <-> key tokens.

A *token* is one key press: a printable character stands for itself ("a", " ", "<"), and
every other key is written in canonical Vim notation ("<Esc>", "<CR>", "<C-r>", "<S-Tab>",
"<M-x>", "<F5>").  `parse_keys("d<lt>w<C-R>")` -> ["d", "<", "w", "<C-r>"].

Canonical forms: key names are spelled as Vim's documentation spells them, a control letter
is lower case ("<C-r>"), and the aliases that a terminal cannot tell apart are folded the way
Vim folds them: <C-[> is <Esc>, <C-m>/<Return>/<Enter> is <CR>, <C-i> is <Tab>, <C-j> is <NL>.
"""

from __future__ import annotations

# Canonical spelling of named keys, looked up by lower-cased name.
_NAMES: dict[str, str] = {
    "esc": "<Esc>",
    "cr": "<CR>",
    "return": "<CR>",
    "enter": "<CR>",
    "nl": "<NL>",
    "newline": "<NL>",
    "linefeed": "<NL>",
    "lf": "<NL>",
    "bs": "<BS>",
    "backspace": "<BS>",
    "tab": "<Tab>",
    "del": "<Del>",
    "delete": "<Del>",
    "insert": "<Insert>",
    "ins": "<Insert>",
    "up": "<Up>",
    "down": "<Down>",
    "left": "<Left>",
    "right": "<Right>",
    "home": "<Home>",
    "end": "<End>",
    "pageup": "<PageUp>",
    "pagedown": "<PageDown>",
    "nul": "<Nul>",
    "undo": "<Undo>",
    "help": "<Help>",
    "kenter": "<CR>",
}
# Names that stand for printable characters.
_CHARS: dict[str, str] = {
    "lt": "<",
    "bar": "|",
    "bslash": "\\",
    "space": " ",
}
for _i in range(1, 13):
    _NAMES[f"f{_i}"] = f"<F{_i}>"

_MODS = {"c": "C", "s": "S", "m": "M", "a": "M", "d": "D"}

# Raw control characters found in a string given to feed().
_RAW: dict[str, str] = {
    "\x1b": "<Esc>",
    "\r": "<CR>",
    "\n": "<NL>",
    "\t": "<Tab>",
    "\x7f": "<BS>",
    "\x08": "<C-h>",
    "\x00": "<Nul>",
}


def _raw_token(ch: str) -> str:
    """Token for one character of a feed() string (control characters become names)."""
    if ch in _RAW:
        return _RAW[ch]
    code = ord(ch)
    if code < 32:
        return f"<C-{chr(code + 96)}>"
    return ch


def _combine(mods: set[str], base: str) -> str | None:
    """Apply modifiers to a base key (a character or a canonical "<Name>")."""
    if not mods:
        return base
    if "C" in mods and len(base) == 1:
        low = base.lower()
        rest = mods - {"C"}
        if not rest or rest == {"S"} and base.isalpha():
            if low == "[":
                return "<Esc>"
            if low == "m":
                return "<CR>"
            if low == "i":
                return "<Tab>"
            if low == "j":
                return "<NL>"
            if low == "@":
                return "<Nul>"
            if low.isalpha() or low in "\\]^_":
                return f"<C-{low}>"
    if mods == {"S"} and len(base) == 1:
        # <S-a> is just "A" in a terminal.
        return base.upper()
    inner = base[1:-1] if len(base) > 1 else base
    order = "".join(m + "-" for m in "CSMD" if m in mods)
    return f"<{order}{inner}>"


def parse_token(name: str) -> str | None:
    """Canonical token for the inside of one `<...>` (e.g. "C-R" -> "<C-r>"); None if unknown."""
    parts = name.split("-")
    # "<C-->" means Ctrl and "-": the empty last part is the minus key.
    if len(parts) > 1 and parts[-1] == "" and name.endswith("--"):
        parts = parts[:-2] + ["-"]
    mods: set[str] = set()
    for p in parts[:-1]:
        m = _MODS.get(p.lower())
        if m is None:
            return None
        mods.add(m)
    base_name = parts[-1]
    if not base_name:
        return None
    low = base_name.lower()
    if low in _CHARS:
        base = _CHARS[low]
    elif low in _NAMES:
        base = _NAMES[low]
    elif len(base_name) == 1 and mods:
        base = base_name
    else:
        return None
    return _combine(mods, base)


def parse_keys(keys: str) -> list[str]:
    """Split a string in Vim notation into key tokens.

    A "<" that does not start a known key name is a literal "<", as in Vim's mappings.
    """
    tokens: list[str] = []
    i = 0
    n = len(keys)
    while i < n:
        ch = keys[i]
        if ch == "<":
            j = keys.find(">", i + 2)
            # "<C->>" (Ctrl and ">") needs the second ">".
            if j != -1 and keys[i + 1 : j].endswith("-") and j + 1 < n and keys[j + 1] == ">":
                j += 1
            if j != -1 and j - i <= 16:
                tok = parse_token(keys[i + 1 : j])
                if tok is not None:
                    tokens.append(tok)
                    i = j + 1
                    continue
            tokens.append("<")
            i += 1
            continue
        tokens.append(_raw_token(ch))
        i += 1
    return tokens


def normalize_token(token: str) -> str:
    """Canonical form of one token given by a caller ("<c-R>" -> "<C-r>", "\\x1b" -> "<Esc>")."""
    if len(token) == 1:
        return _raw_token(token)
    if token.startswith("<") and token.endswith(">") and len(token) > 2:
        tok = parse_token(token[1:-1])
        if tok is not None:
            return tok
    return token


_PRINT_NAMES = {"<": "<lt>", "|": "<Bar>", "\\": "<Bslash>", " ": "<Space>"}


def token_to_notation(token: str, *, for_display: bool = False) -> str:
    """Vim notation for one token: characters as themselves except < | \\ (and space)."""
    if len(token) == 1:
        if token == " " and not for_display:
            return " "
        return _PRINT_NAMES.get(token, token) if token != " " or for_display else token
    return token


def keys_to_notation(tokens: list[str] | tuple[str, ...]) -> str:
    """Join tokens back into a feedable Vim-notation string."""
    return "".join(_PRINT_NAMES.get(t, t) if len(t) == 1 and t != " " else t for t in tokens)


def is_printable(token: str) -> bool:
    """True for a token that inserts itself as text (one printable character)."""
    return len(token) == 1 and token.isprintable()
