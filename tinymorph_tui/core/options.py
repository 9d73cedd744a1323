"""Vim options: names, abbreviations, types, defaults and the `:set` command.

Defaults are Vim 9's *compiled* defaults (what `vim -u NONE -N` shows), not those of
`defaults.vim`, because the engine is checked against Vim started that way.  The one
deliberate exception is 'backspace', which defaults to "indent,eol,start" so that <BS> in
insert mode behaves as writers expect (and as every modern Vim setup configures it).

Usage::

    opts = Options({"ts": 4, "expandtab": True})
    opts["tabstop"]            # 4
    opts.tabstop               # 4 (attribute access by long or short name)
    opts.set_command("sw=2 noet ts?")   # -> "  tabstop=4"  (message to show, or None)
    opts.is_keyword_char("_")  # True

Errors in `:set` arguments raise `OptionError` carrying Vim's message (e.g.
"E518: Unknown option: foo"); arguments before the bad one stay applied, as in Vim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, NamedTuple

OptionKind = Literal["bool", "number", "string"]
OptionValue = bool | int | str
Listener = Callable[[str, OptionValue, OptionValue], None]


class OptionError(ValueError):
    """A bad option name or value; `str(err)` is Vim's one-line error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OptionSpec(NamedTuple):
    """Static description of one option."""

    name: str
    abbrev: str | None
    kind: OptionKind
    default: OptionValue
    #: comma separated list ("+=" appends with a comma, removes whole items)
    comma_list: bool = False
    #: flag list such as 'whichwrap' items or 'formatoptions' (single characters)
    #: minimum allowed number (None: any integer)
    minimum: int | None = None
    #: allowed items of a comma list (None: anything)
    allowed: frozenset[str] | None = None


def _spec(
    name: str,
    abbrev: str | None,
    kind: OptionKind,
    default: OptionValue,
    **kw: Any,
) -> OptionSpec:
    return OptionSpec(name, abbrev, kind, default, **kw)


_SPECS: tuple[OptionSpec, ...] = (
    _spec("tabstop", "ts", "number", 8, minimum=1),
    _spec("shiftwidth", "sw", "number", 8, minimum=0),
    _spec("softtabstop", "sts", "number", 0),
    _spec("expandtab", "et", "bool", False),
    _spec("autoindent", "ai", "bool", False),
    _spec("textwidth", "tw", "number", 0, minimum=0),
    _spec("wrapmargin", "wm", "number", 0, minimum=0),
    _spec("ignorecase", "ic", "bool", False),
    _spec("smartcase", "scs", "bool", False),
    _spec("incsearch", "is", "bool", False),
    _spec("hlsearch", "hls", "bool", False),
    _spec("wrapscan", "ws", "bool", True),
    _spec("magic", None, "bool", True),
    _spec("gdefault", "gd", "bool", False),
    _spec("edcompatible", "ed", "bool", False),
    _spec("joinspaces", "js", "bool", True),
    _spec("startofline", "sol", "bool", True),
    _spec(
        "whichwrap",
        "ww",
        "string",
        "b,s",
        comma_list=True,
        allowed=frozenset("b s h l < > ~ [ ]".split()),
    ),
    _spec("matchpairs", "mps", "string", "(:),{:},[:]", comma_list=True),
    _spec(
        "nrformats",
        "nf",
        "string",
        "bin,octal,hex",
        comma_list=True,
        allowed=frozenset({"bin", "octal", "hex", "alpha", "unsigned", "blank"}),
    ),
    _spec(
        "backspace",
        "bs",
        "string",
        "indent,eol,start",
        comma_list=True,
        allowed=frozenset({"indent", "eol", "start", "nostop", "0", "1", "2", "3"}),
    ),
    _spec("tildeop", "top", "bool", False),
    _spec("iskeyword", "isk", "string", "@,48-57,_,192-255", comma_list=True),
    _spec("scrolloff", "so", "number", 0, minimum=0),
    _spec("sidescrolloff", "siso", "number", 0, minimum=0),
    _spec("scroll", "scr", "number", 0, minimum=0),
    _spec("lines", None, "number", 24, minimum=2),
    _spec("columns", "co", "number", 80, minimum=12),
    _spec("number", "nu", "bool", False),
    _spec("relativenumber", "rnu", "bool", False),
    _spec("wrap", None, "bool", True),
    _spec("linebreak", "lbr", "bool", False),
    _spec("list", None, "bool", False),
    _spec("cursorline", "cul", "bool", False),
    _spec("undolevels", "ul", "number", 1000),
    _spec("shiftround", "sr", "bool", False),
    _spec("smarttab", "sta", "bool", False),
    _spec("formatoptions", "fo", "string", "tcq"),
    _spec("formatlistpat", "flp", "string", "^\\s*\\d\\+[\\]:.)}\\t ]\\s*"),
    _spec(
        "comments",
        "com",
        "string",
        "s1:/*,mb:*,ex:*/,://,b:#,:%,:XCOMM,n:>,fb:-",
        comma_list=True,
    ),
    _spec("cpoptions", "cpo", "string", "aABceFs"),
    _spec("shortmess", "shm", "string", "filnxtToOS"),
    _spec("smartindent", "si", "bool", False),
    _spec("cindent", "cin", "bool", False),
    _spec("copyindent", "ci", "bool", False),
    _spec("preserveindent", "pi", "bool", False),
    _spec("showmatch", "sm", "bool", False),
    _spec("showmode", "smd", "bool", True),
    _spec("ruler", "ru", "bool", False),
    _spec("laststatus", "ls", "number", 1, minimum=0),
    _spec("sidescroll", "ss", "number", 0, minimum=0),
    _spec("breakindent", "bri", "bool", False),
    _spec("showbreak", "sbr", "string", ""),
    _spec("report", None, "number", 2, minimum=0),
    _spec("spell", None, "bool", False),
    _spec("modified", "mod", "bool", False),
    _spec("readonly", "ro", "bool", False),
    _spec("virtualedit", "ve", "string", "", comma_list=True),
    _spec("selection", "sel", "string", "inclusive"),
    _spec("operatorfunc", "opfunc", "string", ""),
)

SPECS: dict[str, OptionSpec] = {s.name: s for s in _SPECS}
_ALIASES: dict[str, str] = {}
for _s in _SPECS:
    _ALIASES[_s.name] = _s.name
    if _s.abbrev:
        _ALIASES[_s.abbrev] = _s.name


def canonical_name(name: str) -> str | None:
    """Full option name for a long or abbreviated name, or None if unknown."""
    return _ALIASES.get(name)


def _parse_number(text: str) -> int | None:
    """Parse a number as Vim's `:set` does: decimal, 0x hex, leading-0 octal, sign."""
    s = text
    sign = 1
    if s[:1] in "+-" and len(s) > 1:
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if not s:
        return None
    try:
        if s[:2].lower() == "0x":
            return sign * int(s[2:], 16)
        if s[:2].lower() == "0b":
            return sign * int(s[2:], 2)
        if len(s) > 1 and s[0] == "0" and s.isdigit():
            # Vim reads a leading zero as octal only when all digits are octal.
            return sign * (int(s, 8) if all(c in "01234567" for c in s) else int(s, 10))
        if s.isdigit():
            return sign * int(s, 10)
    except ValueError:
        return None
    return None


def _parse_isk(value: str) -> tuple[frozenset[int], bool] | None:
    """Parse an 'iskeyword' value into (set of code points < 256, alpha '@' flag).

    Returns None for a malformed value.  '@' means "isalpha()" (all letters, any
    code point); code points >= 256 that are letters/digits count as keyword characters as
    in Vim (whose 'iskeyword' only governs the first 256 characters).
    """
    chars: set[int] = set()
    alpha = False
    items: list[str] = []
    # Split on commas, but "," itself can be an item when written as ",," (Vim: ",,").
    i = 0
    cur = ""
    while i < len(value):
        c = value[i]
        if c == "," and cur:
            items.append(cur)
            cur = ""
        elif c == "," and not cur and i + 1 < len(value) and value[i + 1] == ",":
            items.append(",")
            i += 1
            if i + 1 < len(value) and value[i + 1] == ",":
                i += 1
        elif c == ",":
            pass
        else:
            cur += c
        i += 1
    if cur:
        items.append(cur)
    for item in items:
        exclude = False
        if item.startswith("^") and len(item) > 1:
            exclude = True
            item = item[1:]
        if item == "@":
            # materialised so that later "^x" items can take letters out again
            letters = {c for c in range(256) if chr(c).isalpha()}
            if exclude:
                chars -= letters
            else:
                chars |= letters
                alpha = True
            continue
        if item == "@-@":
            (chars.discard if exclude else chars.add)(ord("@"))
            continue
        lo_s, sep, hi_s = item.partition("-")
        if sep and lo_s and hi_s:
            lo = _isk_char(lo_s)
            hi = _isk_char(hi_s)
        else:
            lo = hi = _isk_char(item)
        if lo is None or hi is None or hi < lo:
            return None
        rng = set(range(lo, hi + 1))
        if exclude:
            chars -= rng
        else:
            chars |= rng
    return frozenset(chars), alpha


def _isk_char(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return ord(text)
    return None


def _validate_string(spec: OptionSpec, value: str, arg: str) -> None:
    """Raise OptionError when `value` is not valid for `spec` (Vim's messages)."""
    if spec.name == "whichwrap":
        for item in value.split(","):
            if item and item not in (spec.allowed or ()):
                bad = next((c for c in item if c not in "bshl<>~[]"), item[0])
                raise OptionError(f"E539: Illegal character <{bad}>: {arg}")
        return
    if spec.name == "matchpairs":
        for item in value.split(","):
            if not item:
                continue
            if len(item) != 3 or item[1] != ":" or item[0] == item[2]:
                raise OptionError(f"E474: Invalid argument: {arg}")
        return
    if spec.name == "iskeyword":
        if _parse_isk(value) is None:
            raise OptionError(f"E474: Invalid argument: {arg}")
        return
    if spec.allowed is not None:
        for item in value.split(","):
            if item and item not in spec.allowed:
                raise OptionError(f"E474: Invalid argument: {arg}")


def _format(name: str, spec: OptionSpec, value: OptionValue) -> str:
    """Format one option as `:set name?` shows it."""
    if spec.kind == "bool":
        return f"  {name}" if value else f"no{name}"
    return f"  {name}={value}"


class Options(Mapping[str, OptionValue]):
    """A set of Vim option values, keyed by full name (abbreviations accepted).

    Mapping access (`opts["ts"]`, `opts["tabstop"] = 4`) type-checks values;
    attribute access (`opts.tabstop`) reads them.  Listeners registered with
    `add_listener(fn)` are called as `fn(name, old, new)` after each change.
    """

    __slots__ = ("_values", "_listeners", "_isk_cache")

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_values", {s.name: s.default for s in _SPECS})
        object.__setattr__(self, "_listeners", [])
        object.__setattr__(self, "_isk_cache", None)
        if values:
            for key, val in values.items():
                self[key] = val

    # -- mapping protocol -------------------------------------------------------------
    def __getitem__(self, name: str) -> OptionValue:
        full = _ALIASES.get(name)
        if full is None:
            raise KeyError(name)
        return self._values[full]

    def __setitem__(self, name: str, value: Any) -> None:
        full = _ALIASES.get(name)
        if full is None:
            raise OptionError(f"E518: Unknown option: {name}")
        spec = SPECS[full]
        if spec.kind == "bool":
            if not isinstance(value, (bool, int)):
                raise OptionError(f"E474: Invalid argument: {name}={value}")
            value = bool(value)
        elif spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, str) and _parse_number(value) is not None:
                    value = _parse_number(value)
                else:
                    raise OptionError(f"E521: Number required after =: {name}={value}")
            self._check_number(spec, int(value), f"{name}={value}")
        else:
            if not isinstance(value, str):
                raise OptionError(f"E474: Invalid argument: {name}={value}")
            _validate_string(spec, value, f"{name}={value}")
        self._assign(full, value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in _ALIASES

    def __getattr__(self, name: str) -> OptionValue:
        full = _ALIASES.get(name)
        if full is None:
            raise AttributeError(name)
        return self._values[full]

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _ALIASES:
            self[name] = value
        else:
            raise AttributeError(f"unknown option {name!r}")

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != SPECS[k].default}
        return f"Options({changed!r})"

    # -- helpers ----------------------------------------------------------------------
    def copy(self) -> Options:
        """An independent copy (listeners are not copied)."""
        new = Options()
        new._values.update(self._values)
        return new

    def as_dict(self) -> dict[str, OptionValue]:
        """All option values keyed by full name."""
        return dict(self._values)

    def add_listener(self, fn: Listener) -> None:
        """Call `fn(name, old, new)` after every change of an option's value."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling `fn`; unknown listeners are ignored."""
        if fn in self._listeners:
            self._listeners.remove(fn)

    @staticmethod
    def _check_number(spec: OptionSpec, value: int, arg: str) -> None:
        if spec.minimum is not None and value < spec.minimum:
            if spec.name in ("lines", "columns"):
                return  # clamped in _assign, as Vim does
            raise OptionError(f"E487: Argument must be positive: {arg}")

    def _assign(self, full: str, value: OptionValue) -> None:
        spec = SPECS[full]
        if spec.kind == "number" and spec.minimum is not None and full in ("lines", "columns"):
            value = max(int(value), spec.minimum)
        old = self._values[full]
        self._values[full] = value
        if full == "iskeyword":
            object.__setattr__(self, "_isk_cache", None)
        if old != value:
            for fn in list(self._listeners):
                fn(full, old, value)

    @property
    def effective_shiftwidth(self) -> int:
        """'shiftwidth', or 'tabstop' when 'shiftwidth' is zero."""
        sw = int(self._values["shiftwidth"])
        return sw if sw > 0 else int(self._values["tabstop"])

    @property
    def effective_softtabstop(self) -> int:
        """'softtabstop' with a negative value meaning 'shiftwidth' (0 = off)."""
        sts = int(self._values["softtabstop"])
        return self.effective_shiftwidth if sts < 0 else sts

    def _isk(self) -> tuple[frozenset[int], bool]:
        cache = self._isk_cache
        if cache is None:
            cache = _parse_isk(str(self._values["iskeyword"])) or (frozenset(), True)
            object.__setattr__(self, "_isk_cache", cache)
        return cache

    def is_keyword_char(self, ch: str) -> bool:
        """Whether `ch` is a keyword character under 'iskeyword' (cached parse)."""
        if not ch:
            return False
        code = ord(ch[0])
        chars, alpha = self._isk()
        if code < 256:
            return code in chars
        # Above 255 Vim classifies by Unicode class: letters, digits, marks are "word".
        return ch[0].isalnum() or ch[0] == "_"

    def keyword_chars_class(self) -> str:
        """A regex character-class body matching keyword characters below 256.

        Characters >= 256 that are alphanumeric are added by the caller (`\\w` covers them).
        """
        chars, _alpha = self._isk()
        return "".join(_escape_class_char(chr(c)) for c in sorted(chars))

    # -- :set -------------------------------------------------------------------------
    def set_command(self, arg_string: str) -> str | None:
        """Run the arguments of `:set` and return the message to show (None: nothing).

        Supports `name`, `noname`, `invname`, `name!`, `name?`, `name&`, `name&vim`,
        `name=val`, `name:val`, `name+=val`, `name-=val`, `name^=val`, `all`, `all&`, and
        several arguments separated by spaces (backslash escapes a space in a value).
        Raises OptionError with Vim's message for the first bad argument.
        """
        args = _split_args(arg_string)
        if not args:
            lines = [
                _format(k, SPECS[k], v).strip()
                for k, v in self._values.items()
                if v != SPECS[k].default
            ]
            return ("--- Options ---\n  " + "  ".join(lines)) if lines else "--- Options ---"
        shown: list[str] = []
        for arg in args:
            msg = self._set_one(arg)
            if msg is not None:
                shown.append(msg)
        return "\n".join(shown) if shown else None

    def all_summary(self) -> str:
        """The text of `:set all`: every option, sorted by name."""
        items = [_format(k, SPECS[k], self._values[k]).strip() for k in sorted(self._values)]
        return "--- Options ---\n" + "\n".join("  " + i for i in items)

    def _set_one(self, arg: str) -> str | None:
        if arg == "all":
            return self.all_summary()
        if arg in ("all&", "all&vim"):
            for spec in _SPECS:
                self._assign(spec.name, spec.default)
            return None
        # Split into name, operator and value.
        i = 0
        while i < len(arg) and (arg[i].isalnum() or arg[i] == "_"):
            i += 1
        raw_name = arg[:i]
        rest = arg[i:]
        prefix = ""
        name = raw_name
        if _ALIASES.get(raw_name) is None:
            if raw_name.startswith("no") and raw_name[2:] in _ALIASES:
                prefix, name = "no", raw_name[2:]
            elif raw_name.startswith("inv") and raw_name[3:] in _ALIASES:
                prefix, name = "inv", raw_name[3:]
            else:
                # Vim reports the whole argument up to a value separator.
                raise OptionError(f"E518: Unknown option: {arg}")
        full = _ALIASES[name]
        spec = SPECS[full]
        if prefix and spec.kind != "bool":
            raise OptionError(f"E474: Invalid argument: {arg}")
        if rest == "?" or (rest == "" and spec.kind != "bool" and not prefix):
            return _format(full, spec, self._values[full])
        if rest in ("&", "&vim", "&vi"):
            self._assign(full, spec.default)
            return None
        if rest == "!":
            if spec.kind != "bool":
                shown = _format(full, spec, self._values[full])
                raise OptionError(f"{shown}\nE488: Trailing characters: {arg}")
            self._assign(full, not self._values[full])
            return None
        if spec.kind == "bool":
            if rest:
                if rest.lstrip().startswith(("=", ":", "+=", "-=", "^=")):
                    raise OptionError(f"E474: Invalid argument: {arg}")
                raise OptionError(f"E488: Trailing characters: {arg}")
            if prefix == "no":
                self._assign(full, False)
            elif prefix == "inv":
                self._assign(full, not self._values[full])
            else:
                self._assign(full, True)
            return None
        rest_l = rest.lstrip(" ")
        op = ""
        for cand in ("+=", "-=", "^=", "=", ":"):
            if rest_l.startswith(cand):
                op = cand
                break
        if not op:
            raise OptionError(f"E488: Trailing characters: {arg}")
        value = rest_l[len(op) :]
        if spec.kind == "number":
            num = _parse_number(value)
            if num is None:
                raise OptionError(f"E521: Number required after =: {arg}")
            cur = int(self._values[full])
            if op == "+=":
                num = cur + num
            elif op == "-=":
                num = cur - num
            elif op == "^=":
                num = cur * num
            self._check_number(spec, num, arg)
            self._assign(full, num)
            return None
        cur_s = str(self._values[full])
        new = _string_op(spec, cur_s, op, value)
        _validate_string(spec, new, arg)
        self._assign(full, new)
        return None


def _string_op(spec: OptionSpec, cur: str, op: str, value: str) -> str:
    """Apply `+=` `-=` `^=` `=` to a string option as Vim does (comma lists aware)."""
    if op in ("=", ":"):
        return value
    if spec.comma_list:
        items = [x for x in cur.split(",") if x] if cur else []
        if op == "+=":
            if value in items or not value:
                return cur
            return f"{cur},{value}" if cur else value
        if op == "^=":
            if value in items or not value:
                return cur
            return f"{value},{cur}" if cur else value
        # "-=": remove the item (or the exact comma-joined sequence)
        if value in items:
            items.remove(value)
            return ",".join(items)
        joined = "," + cur + ","
        needle = "," + value + ","
        if needle in joined:
            return joined.replace(needle, ",", 1).strip(",")
        return cur
    if op == "+=":
        return cur + value
    if op == "^=":
        return value + cur
    return cur.replace(value, "", 1)


def _split_args(text: str) -> list[str]:
    """Split `:set` arguments on unescaped whitespace; "\\ " keeps a space in a value."""
    args: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i + 1])
            i += 2
            continue
        if c in " \t":
            # "ts =4": Vim allows blanks between the name and the operator
            j = i
            while j < len(text) and text[j] in " \t":
                j += 1
            if cur and j < len(text) and text[j] in "=:+-^" and _looks_like_op(text, j):
                i = j
                continue
            if cur:
                args.append("".join(cur))
                cur = []
            i = j
            continue
        cur.append(c)
        i += 1
    if cur:
        args.append("".join(cur))
    return args


def _looks_like_op(text: str, j: int) -> bool:
    c = text[j]
    if c in "=:":
        return True
    return j + 1 < len(text) and text[j + 1] == "="


def _escape_class_char(ch: str) -> str:
    if ch in "\\]^-[":
        return "\\" + ch
    if not ch.isprintable():
        return f"\\x{ord(ch):02x}"
    return ch


def option_names() -> list[str]:
    """All full option names, sorted (for completion)."""
    return sorted(SPECS)
