"""Translate Vim's regular-expression dialect into Python `re` patterns.

The tokenizer follows Vim's `peekchr()` (regexp.c) closely, because the meaning of a
character depends on the magic level (\\v \\m \\M \\V), on its position (`^` only anchors at
the start of a branch, `$` only at its end, `*` is literal at the start) and on whether it
was escaped.  Each token is either *magic* (it has Vim's special meaning) or a literal.

The produced Python pattern is compiled with re.MULTILINE so `^`/`$` match at line
boundaries when a match is run on the whole text, and equally on a single line string.
Vim groups `\\(...\\)` become named groups `g1`..`g9`; `\\zs` / `\\ze` become empty named
groups `zsN` / `zeN`, read back by `match_span()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "VimRegexError",
    "CompiledVimRegex",
    "translate",
    "compile_vim",
    "match_span",
    "pattern_has_uppercase",
]

MAGIC_NONE, MAGIC_OFF, MAGIC_ON, MAGIC_ALL = 1, 2, 3, 4

# Characters that a backslash can toggle (Vim's META table).
_META = set("%&()*+.123456789<=>?@ACDFHIKLMOPSUVWXZ[_acdfhiklmnopsuvwxz{|~")
# Backslash abbreviations that stand for a literal character.
_ABBR = {"r": "\r", "t": "\t", "e": "\x1b", "b": "\x08"}
# Punctuation that is magic only after \v.
_VERY_MAGIC_PUNCT = set("(){%+=?@!&|<>#\"',-:;`/")

# Character classes (letters after a backslash), as Python class bodies.  Negated
# classes exclude "\n" because Vim never matches an end-of-line with them.
_CLASS = {
    "s": "[ \t]",
    "S": "[^ \t\n]",
    "d": "[0-9]",
    "D": "[^0-9\n]",
    "x": "[0-9A-Fa-f]",
    "X": "[^0-9A-Fa-f\n]",
    "o": "[0-7]",
    "O": "[^0-7\n]",
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_\n]",
    "h": "[A-Za-z_]",
    "H": "[^A-Za-z_\n]",
    "a": "[A-Za-z]",
    "A": "[^A-Za-z\n]",
    "l": "(?-i:[a-z])",
    "L": "(?-i:[^a-z\n])",
    "u": "(?-i:[A-Z])",
    "U": "(?-i:[^A-Z\n])",
    "i": "[0-9A-Za-z_\xc0-\xff]",
    "I": "[A-Za-z_\xc0-\xff]",
    "f": "[0-9A-Za-z/.\\-_+,#$%~=\xc0-\xff\u0100-\U0010ffff]",
    "F": "[A-Za-z/.\\-_+,#$%~=\xc0-\xff\u0100-\U0010ffff]",
    "p": "[^\x00-\x1f\x7f-\x9f]",
    "P": "[^\x00-\x1f\x7f-\x9f0-9]",
}
_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \t",
    "cntrl": "\x00-\x1f\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \t\n\r\f\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
    "return": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "backspace": "\x08",
    "ident": "0-9A-Za-z_\xc0-\xff",
    "keyword": "0-9A-Za-z_\xc0-\xff",
    "fname": "0-9A-Za-z/.\\-_+,#$%~=",
}

_DEFAULT_KEYWORD = "0-9A-Za-z_\xaa\xb5\xba\xc0-\xff"


class VimRegexError(ValueError):
    """A malformed Vim pattern; `str(err)` is Vim's error message (e.g. "E54: ...")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CompiledVimRegex:
    """Result of translating a Vim pattern."""

    regex: re.Pattern[str]
    #: the pattern may match an end-of-line (needs the whole text, not single lines)
    multiline: bool
    #: names of the \\zs / \\ze marker groups in pattern order
    zs_groups: tuple[str, ...]
    ze_groups: tuple[str, ...]
    #: number of \\( \\) groups
    group_count: int
    ignorecase: bool
    #: the pattern uses \\%V (see `for_visual`)
    visual: bool = False
    source: str = ""
    flags: int = 0

    def for_visual(self, cols: tuple[int, int] | None) -> re.Pattern[str]:
        """The pattern for one line when it uses \\%V: `cols` is the (first, last) column
        of the Visual area in that line (last may be a large number), None outside it."""
        if not self.visual:
            return self.regex
        return _visual_variant(self.source, self.flags, cols)


@dataclass
class _Tok:
    magic: bool
    ch: str
    #: raw text of the token (for error messages)
    raw: str = ""


class _Parser:
    """Recursive-descent parser emitting a Python pattern (Vim's regcomp structure)."""

    def __init__(self, pat: str, magic: int, keyword: str, last_sub: str | None) -> None:
        self.pat = pat
        self.i = 0
        self.magic = magic
        # A keyword character: 'iskeyword' below 256, word characters above (as Vim's
        # vim_iswordc() classifies them).
        self.keyword = f"(?:[{keyword}]|[^\\W\\x00-\\xff])"
        self.last_sub = last_sub
        self.at_start = True
        self.prev_at_start = False
        self.prevchr: _Tok | None = None
        self.prevprevchr: _Tok | None = None
        self.after_slash = 0
        self.cur: tuple[_Tok, int] | None = None  # token and its length in pat
        self.ignorecase: bool | None = None
        self.groups = 0
        self.open_groups: list[int] = []
        self.closed_groups: set[int] = set()
        self.multiline = False
        self.zs: list[str] = []
        self.ze: list[str] = []
        self.visual = False

    # -- tokenizer (Vim's peekchr / skipchr) --------------------------------------------
    def _is_magic_tok(self, tok: _Tok | None, ch: str) -> bool:
        return tok is not None and tok.magic and tok.ch == ch

    def _plain(self, c: str, pos: int) -> _Tok:
        """Classify an unescaped character `c` found at `pos`."""
        m = self.magic
        if c in ".[~":
            return _Tok(m >= MAGIC_ON, c)
        if c in _VERY_MAGIC_PUNCT:
            return _Tok(m == MAGIC_ALL, c)
        if c == "*":
            ok = (
                m >= MAGIC_ON
                and not self.at_start
                and not (self.prev_at_start and self._is_magic_tok(self.prevchr, "^"))
                and (
                    self.after_slash > 0
                    or not any(self._is_magic_tok(self.prevchr, x) for x in "(&|")
                )
            )
            return _Tok(ok, c)
        if c == "^":
            pp = self.prevprevchr
            ok = m >= MAGIC_OFF and (
                self.at_start
                or m == MAGIC_ALL
                or any(self._is_magic_tok(self.prevchr, x) for x in "(|&n")
                or (
                    self.prevchr is not None
                    and self.prevchr.ch == "("
                    and not self.prevchr.magic
                    and self._is_magic_tok(pp, "%")
                )
            )
            return _Tok(ok, c)
        if c == "$":
            if m < MAGIC_OFF:
                return _Tok(False, c)
            p = pos + 1
            s = self.pat
            magic_all = m == MAGIC_ALL
            while p + 1 < len(s) and s[p] == "\\" and s[p + 1] in "cCmMvVZ":
                if s[p + 1] == "v":
                    magic_all = True
                elif s[p + 1] in "mMV":
                    magic_all = False
                p += 2
            ok = (
                p >= len(s)
                or (s[p] == "\\" and p + 1 < len(s) and s[p + 1] in "|&)n")
                or (magic_all and s[p] in "|&)")
                or m == MAGIC_ALL
            )
            return _Tok(ok, c)
        return _Tok(False, c)

    def peek(self) -> _Tok | None:
        if self.cur is not None:
            return self.cur[0]
        if self.i >= len(self.pat):
            return None
        c = self.pat[self.i]
        if c != "\\":
            tok = self._plain(c, self.i)
            tok.raw = c
            self.cur = (tok, 1)
            return tok
        if self.i + 1 >= len(self.pat):
            tok = _Tok(False, "\\", "\\")
            self.cur = (tok, 1)
            return tok
        d = self.pat[self.i + 1]
        if d in _META:
            saved = (self.at_start, self.prev_at_start)
            self.prev_at_start = self.at_start
            self.at_start = False
            self.after_slash += 1
            inner = self._plain(d, self.i + 1)
            self.after_slash -= 1
            self.at_start, self.prev_at_start = saved
            if d.isalnum() or d == "_":
                tok = _Tok(True, d)  # \s \z \1 ... are always magic
            else:
                tok = _Tok(not inner.magic, d)
        elif d in _ABBR:
            tok = _Tok(False, _ABBR[d])
        elif self.magic == MAGIC_NONE and d in "^$":
            tok = _Tok(True, d)
        else:
            tok = _Tok(False, d)
        tok.raw = "\\" + d
        self.cur = (tok, 2)
        return tok

    def skip(self, keepstart: bool = False) -> None:
        tok = self.peek()
        assert self.cur is not None
        self.i += self.cur[1]
        self.cur = None
        if keepstart:
            return
        self.prev_at_start = self.at_start
        self.at_start = False
        self.prevprevchr = self.prevchr
        self.prevchr = tok

    def raw_next(self) -> str | None:
        """Consume one raw character (for constructs Vim reads directly)."""
        self.cur = None
        if self.i >= len(self.pat):
            return None
        c = self.pat[self.i]
        self.i += 1
        return c

    # -- grammar ------------------------------------------------------------------------
    def parse(self) -> str:
        out = self.reg(paren=None)
        tok = self.peek()
        if tok is not None:
            if tok.magic and tok.ch == ")":
                raise VimRegexError("E55: Unmatched \\)")
            raise VimRegexError("E488: Trailing characters")
        return out

    def reg(self, paren: str | None) -> str:
        branches = [self.branch()]
        while True:
            tok = self.peek()
            if tok is not None and tok.magic and tok.ch == "|":
                self.skip()
                branches.append(self.branch())
                continue
            break
        tok = self.peek()
        if paren is not None:
            if tok is None or not (tok.magic and tok.ch == ")"):
                if paren == "%(":
                    raise VimRegexError("E53: Unmatched \\%(")
                raise VimRegexError("E54: Unmatched \\(")
            self.skip()
        return "|".join(branches)

    def branch(self) -> str:
        concats = [self.concat()]
        while True:
            tok = self.peek()
            if tok is not None and tok.magic and tok.ch == "&":
                self.skip()
                concats.append(self.concat())
                continue
            break
        if len(concats) == 1:
            return concats[0]
        return "".join(f"(?={c})" for c in concats[:-1]) + concats[-1]

    def concat(self) -> str:
        parts: list[str] = []
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.magic and tok.ch in "|&)":
                break
            if tok.magic and tok.ch in "cCZmMvV":
                if tok.ch == "c":
                    self.ignorecase = True
                elif tok.ch == "C":
                    if self.ignorecase is None:
                        self.ignorecase = False
                elif tok.ch == "v":
                    self.magic = MAGIC_ALL
                elif tok.ch == "m":
                    self.magic = MAGIC_ON
                elif tok.ch == "M":
                    self.magic = MAGIC_OFF
                elif tok.ch == "V":
                    self.magic = MAGIC_NONE
                self.skip(keepstart=True)
                continue
            parts.append(self.piece())
        return "".join(parts)

    def _read_brace(self) -> tuple[int, int | None, bool]:
        """Read the inside of \\{...}: returns (min, max or None, greedy)."""
        greedy = True
        s = self.pat
        j = self.i
        if j < len(s) and s[j] == "-":
            greedy = False
            j += 1
        m1 = re.match(r"\d*", s[j:])
        assert m1 is not None
        lo_s = m1.group(0)
        j += len(lo_s)
        hi_s: str | None = lo_s
        comma = False
        if j < len(s) and s[j] == ",":
            comma = True
            j += 1
            m2 = re.match(r"\d*", s[j:])
            assert m2 is not None
            hi_s = m2.group(0)
            j += len(hi_s)
        if j < len(s) and s[j] == "\\":
            j += 1
        if j >= len(s) or s[j] != "}":
            raise VimRegexError("E554: Syntax error in \\{...}")
        self.i = j + 1
        self.cur = None
        lo = int(lo_s) if lo_s else 0
        if not comma:
            hi: int | None = int(lo_s) if lo_s else None
        else:
            hi = int(hi_s) if hi_s else None
        return lo, hi, greedy

    def piece(self) -> str:
        atom, simple = self.atom()
        tok = self.peek()
        if tok is None or not tok.magic or tok.ch not in "*+=?{@":
            return atom
        self.skip()
        group = atom if simple else f"(?:{atom})"
        if tok.ch == "*":
            out = group + "*"
        elif tok.ch == "+":
            out = group + "+"
        elif tok.ch in "=?":
            out = group + "?"
        elif tok.ch == "{":
            lo, hi, greedy = self._read_brace()
            if hi is not None and lo > hi:
                # Vim: a reversed range matches as few as possible
                lo, hi = hi, lo
                greedy = not greedy
            if hi is None:
                q = "*" if lo == 0 else ("+" if lo == 1 else f"{{{lo},}}")
            elif lo == hi:
                q = f"{{{lo}}}"
            else:
                q = f"{{{lo},{hi}}}"
            out = group + q + ("" if greedy or lo == hi else "?")
        else:  # "@": lookaround / atomic
            s = self.pat
            m = re.match(r"\d*", s[self.i :])
            assert m is not None
            self.i += len(m.group(0))
            rest = s[self.i : self.i + 2]
            self.cur = None
            if rest.startswith(">"):
                self.i += 1
                out = f"(?>{atom})"
            elif rest.startswith("="):
                self.i += 1
                out = f"(?={atom})"
            elif rest.startswith("!"):
                self.i += 1
                out = f"(?!{atom})"
            elif rest == "<=":
                self.i += 2
                out = f"(?<={atom})"
            elif rest == "<!":
                self.i += 2
                out = f"(?<!{atom})"
            else:
                raise VimRegexError("E59: Invalid character after \\@")
        nxt = self.peek()
        if nxt is not None and nxt.magic and nxt.ch in "*+=?{@":
            raise VimRegexError("E871: (NFA regexp) Can't have a multi follow a multi")
        return out

    def _literal(self, ch: str) -> str:
        if ch == "\n":
            self.multiline = True
        return re.escape(ch)

    def atom(self) -> tuple[str, bool]:
        """Parse one atom; returns (python text, is a single unit that takes a quantifier)."""
        tok = self.peek()
        assert tok is not None
        if not tok.magic:
            self.skip()
            return self._literal(tok.ch), True
        c = tok.ch
        if c == "^":
            self.skip()
            self.at_start = True  # so "^*" reads the star literally
            self.prev_at_start = False
            return "^", False
        if c == "$":
            self.skip()
            return "(?=\n|\\Z)", False
        if c == "<":
            self.skip()
            k = self.keyword
            return f"(?<!{k})(?={k})", False
        if c == ">":
            self.skip()
            k = self.keyword
            return f"(?<={k})(?!{k})", False
        if c == ".":
            self.skip()
            return ".", True
        if c == "n":
            self.skip()
            self.multiline = True
            return "\n", True
        if c in _CLASS:
            self.skip()
            return _CLASS[c], True
        if c == "k":
            self.skip()
            return self.keyword, True
        if c == "K":
            self.skip()
            return f"(?![0-9]){self.keyword}", True
        if c == "_":
            self.skip()
            d = self.raw_next()
            if d is None:
                raise VimRegexError("E63: Invalid use of \\_")
            self.multiline = True
            if d == "^":
                return "^", False
            if d == "$":
                return "(?=\n|\\Z)", False
            if d == ".":
                return "[\\s\\S]", True
            if d == "[":
                body = self.collection(newline=True)
                if body is None:
                    raise VimRegexError("E769: Missing ] after \\_[")
                return body, True
            if d in _CLASS or d in "kK":
                cls = _CLASS.get(d) or (self.keyword if d == "k" else f"(?![0-9]){self.keyword}")
                return f"(?:{cls}|\n)", True
            raise VimRegexError("E63: Invalid use of \\_")
        if c == "(":
            self.skip()
            self.groups += 1
            if self.groups > 9:
                raise VimRegexError("E51: Too many \\(")
            n = self.groups
            self.open_groups.append(n)
            inner = self.reg(paren="(")
            self.open_groups.pop()
            self.closed_groups.add(n)
            return f"(?P<g{n}>{inner})", True
        if c == "%":
            self.skip()
            return self.percent()
        if c == "z":
            self.skip()
            d = self.raw_next()
            if d == "s":
                name = f"zs{len(self.zs)}"
                self.zs.append(name)
                return f"(?P<{name}>)", False
            if d == "e":
                name = f"ze{len(self.ze)}"
                self.ze.append(name)
                return f"(?P<{name}>)", False
            if d == "(":
                raise VimRegexError("E66: \\z( not allowed here")
            if d is not None and d.isdigit():
                raise VimRegexError("E67: \\z1 - \\z9 not allowed here")
            raise VimRegexError("E68: Invalid character after \\z")
        if c in "123456789":
            self.skip()
            n = int(c)
            if n > self.groups or n in self.open_groups:
                raise VimRegexError("E65: Illegal back reference")
            return f"(?P=g{n})", True
        if c == "[":
            save_i = self.i
            self.skip()
            body = self.collection(newline=False)
            if body is None:
                # No closing "]": Vim takes the "[" literally.
                self.i = save_i + len(tok.raw)
                self.cur = None
                return re.escape("["), True
            return body, True
        if c == "~":
            self.skip()
            if self.last_sub is None:
                raise VimRegexError("E33: No previous substitute regular expression")
            if "\n" in self.last_sub:
                self.multiline = True
            return (f"(?:{re.escape(self.last_sub)})" if self.last_sub else ""), False
        if c in "*+=?{@":
            self.skip()
            if c == "*" and self.magic < MAGIC_ON:
                raise VimRegexError("E64: \\* follows nothing")
            prefix = "" if self.magic == MAGIC_ALL else "\\"
            raise VimRegexError(f"E64: {prefix}{c} follows nothing")
        if c == ")":
            raise VimRegexError("E55: Unmatched \\)")
        if c in "|&":
            return "", False
        # Any other magic punctuation (only after \v) stands for itself.
        self.skip()
        return self._literal(c), True

    def percent(self) -> tuple[str, bool]:
        """Atoms that start with \\%."""
        d = self.raw_next()
        if d == "(":
            self.prevchr = _Tok(False, "(")
            self.prevprevchr = _Tok(True, "%")
            inner = self.reg(paren="%(")
            return f"(?:{inner})", True
        if d == "^":
            self.multiline = True
            return "\\A", False
        if d == "$":
            # Searches run on the text plus a virtual line break after the last line.
            self.multiline = True
            return "(?=\n?\\Z)", False
        if d == "V":
            # Inside the Visual area: depends on the line, filled in by `for_visual()`.
            self.visual = True
            return _VISUAL_MARK, False
        if d == "#":
            # Cursor position: not tracked by the translator; matches anywhere.
            return "", False
        if d == "[":
            return self.optional_sequence()
        if d in ("d", "x", "o", "u", "U"):
            code = self._char_code(d)
            if code is None:
                raise VimRegexError("E678: Invalid character after \\%[dxouU]")
            return self._literal(chr(code)), True
        raise VimRegexError("E71: Invalid character after \\%")

    def _char_code(self, kind: str) -> int | None:
        digits = {
            "d": ("0123456789", 10, 10),
            "o": ("01234567", 8, 4),
            "x": ("0123456789abcdefABCDEF", 16, 2),
            "u": ("0123456789abcdefABCDEF", 16, 4),
            "U": ("0123456789abcdefABCDEF", 16, 8),
        }[kind]
        allowed, base, maxlen = digits
        j = self.i
        while j < len(self.pat) and j - self.i < maxlen and self.pat[j] in allowed:
            j += 1
        if j == self.i:
            return None
        code = int(self.pat[self.i : j], base)
        self.i = j
        self.cur = None
        if code > 0x10FFFF:
            return None
        return code

    def optional_sequence(self) -> tuple[str, bool]:
        """\\%[abc]: a sequence of optionally matched atoms."""
        atoms: list[str] = []
        while True:
            tok = self.peek()
            if tok is None:
                raise VimRegexError("E69: Missing ] after \\%[")
            if not tok.magic and tok.ch == "]" and tok.raw == "]":
                self.skip()
                break
            a, _simple = self.atom()
            atoms.append(a)
        if not atoms:
            raise VimRegexError("E70: Empty \\%[]")
        out = ""
        for a in reversed(atoms):
            out = f"(?:{a}{out})?"
        return out, False

    def collection(self, *, newline: bool) -> str | None:
        """Parse [...] starting after "["; None when there is no closing "]"."""
        s = self.pat
        j = self.i
        negate = False
        if j < len(s) and s[j] == "^":
            negate = True
            j += 1
        items: list[str] = []
        cs_items: list[str] = []
        has_nl = newline
        first = True
        while j < len(s):
            c = s[j]
            if c == "]" and not first:
                break
            first = False
            if c == "[" and j + 1 < len(s) and s[j + 1] in ":=.":
                kind = s[j + 1]
                end = s.find(kind + "]", j + 2)
                if end != -1:
                    name = s[j + 2 : end]
                    if kind == ":" and name in ("upper", "lower"):
                        # Unicode-aware and case-sensitive even with 'ignorecase' (Vim's NFA)
                        cs_items.append(_unicode_case_class(name))
                        j = end + 2
                        continue
                    if kind == ":" and name in _POSIX:
                        items.append(_POSIX[name])
                        j = end + 2
                        continue
                    if kind in "=." and len(name) == 1:
                        items.append(_class_escape(name))
                        j = end + 2
                        continue
            lo, j = self._coll_char(s, j)
            if lo is None:
                continue
            if lo == "\n":
                has_nl = True
                continue
            # A range "a-z" (the "-" not last)
            if j + 1 < len(s) and s[j] == "-" and s[j + 1] != "]":
                hi, j2 = self._coll_char(s, j + 1)
                if hi is None or hi == "\n":
                    items.append(_class_escape(lo))
                    continue
                if ord(hi) < ord(lo):
                    raise VimRegexError("E944: Reverse range in character class")
                items.append(f"{_class_escape(lo)}-{_class_escape(hi)}")
                j = j2
                continue
            items.append(_class_escape(lo))
        else:
            return None
        self.i = j + 1
        self.cur = None
        body = "".join(items)
        if has_nl:
            self.multiline = True
        if cs_items:
            cs = f"(?-i:[{''.join(cs_items)}])"
            if negate:
                rest = f"[^{body}]" if has_nl else f"[^{body}\n]"
                if not body:
                    rest = "[\\s\\S]" if has_nl else "[^\n]"
                return f"(?:(?!{cs}){rest})"
            alts = ([f"[{body}]"] if body else []) + [cs] + (["\n"] if has_nl else [])
            return "(?:" + "|".join(alts) + ")"
        if negate:
            if not body:
                return "[\\s\\S]" if not has_nl else "[\\s\\S]"
            return f"[^{body}]" if has_nl else f"[^{body}\n]"
        if not body:
            return "\n" if has_nl else "(?!)"
        return f"(?:[{body}]|\n)" if has_nl else f"[{body}]"

    def _coll_char(self, s: str, j: int) -> tuple[str | None, int]:
        """One (possibly escaped) character of a collection."""
        c = s[j]
        if c != "\\" or j + 1 >= len(s):
            return c, j + 1
        d = s[j + 1]
        if d in "\\]^-":
            return d, j + 2
        if d in "etrbn":
            return {"e": "\x1b", "t": "\t", "r": "\r", "b": "\x08", "n": "\n"}[d], j + 2
        if d in "doxuU":
            save = self.i
            self.i = j + 2
            code = self._char_code(d)
            k = self.i
            self.i = save
            if code is not None:
                return chr(code), k
        # Any other backslash is taken literally, the backslash included.
        return "\\", j + 1


_VISUAL_MARK = "(?:\\x00%V\\x00)"


@lru_cache(maxsize=256)
def _visual_variant(source: str, flags: int, cols: tuple[int, int] | None) -> re.Pattern[str]:
    if cols is None:
        check = "(?!)"
    else:
        c0, c1 = cols
        lo = f"(?<=[^\\n]{{{c0}}})" if c0 > 0 else ""
        hi = f"(?<![^\\n]{{{c1 + 1}}})" if c1 < 1 << 20 else ""
        check = lo + hi
    return re.compile(source.replace(_VISUAL_MARK, check), flags)


@lru_cache(maxsize=2)
def _unicode_case_class(name: str) -> str:
    """Class body of all upper- (or lower-) case characters of the BMP, as ranges."""
    test = str.isupper if name == "upper" else str.islower
    parts: list[str] = []
    start = -1
    for cp in range(0x10000 + 1):
        ok = cp < 0x10000 and not 0xD800 <= cp <= 0xDFFF and test(chr(cp))
        if ok and start < 0:
            start = cp
        elif not ok and start >= 0:
            end = cp - 1
            lo = _class_escape(chr(start))
            parts.append(lo if end == start else f"{lo}-{_class_escape(chr(end))}")
            start = -1
    return "".join(parts)


def _class_escape(ch: str) -> str:
    if ch in "\\]^-[":
        return "\\" + ch
    if ch == "\n":
        return "\\n"
    return ch


def pattern_has_uppercase(pat: str) -> bool:
    """Vim's pat_has_uppercase(): upper-case letters that are not part of an escape."""
    i = 0
    magic_all = False
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            d = pat[i + 1]
            if d == "v":
                magic_all = True
            elif d in "mMV":
                magic_all = False
            if d in "_%" and i + 2 < len(pat):
                i += 3
            else:
                i += 2
        elif c in "%_" and magic_all:
            i += 2
        elif c.isupper():
            return True
        else:
            i += 1
    return False


def _keyword_body(iskeyword_class: str | None) -> str:
    return iskeyword_class if iskeyword_class is not None else _DEFAULT_KEYWORD


@lru_cache(maxsize=256)
def compile_vim(
    pattern: str,
    ignorecase: bool = False,
    smartcase: bool = False,
    keyword_class: str | None = None,
    last_sub: str | None = None,
    magic: bool = True,
) -> CompiledVimRegex:
    """Translate and compile a Vim pattern (cached).  Raises VimRegexError.

    `keyword_class` is a class body (as `Options.keyword_chars_class()` gives) used for
    \\k \\< \\>; None means Vim's default 'iskeyword'.  `last_sub` is the previous
    substitute string for `~`.
    """
    p = _Parser(pattern, MAGIC_ON if magic else MAGIC_OFF, _keyword_body(keyword_class), last_sub)
    body = p.parse()
    if p.ignorecase is not None:
        ic = p.ignorecase
    else:
        ic = ignorecase and not (smartcase and pattern_has_uppercase(pattern))
    flags = re.MULTILINE | (re.IGNORECASE if ic else 0)
    try:
        # Without a Visual area \\%V is taken as "anywhere".
        regex = re.compile(body.replace(_VISUAL_MARK, ""), flags)
    except re.error as exc:  # e.g. variable-width look-behind
        raise VimRegexError(f"E867: Unsupported pattern construct: {exc}") from None
    except (OverflowError, RecursionError):
        raise VimRegexError("E363: pattern uses more memory than 'maxmempattern'") from None
    return CompiledVimRegex(
        regex, p.multiline, tuple(p.zs), tuple(p.ze), p.groups, ic, p.visual, body, flags
    )


def translate(
    vim_pattern: str,
    *,
    ignorecase: bool = False,
    smartcase: bool = False,
    keyword_class: str | None = None,
    last_sub: str | None = None,
) -> re.Pattern[str]:
    """Translate a Vim pattern to a compiled Python pattern.  Raises VimRegexError.

    Groups \\( \\) are named g1..g9; \\zs / \\ze are empty groups named zsN / zeN (use
    `match_span()` to get the match as Vim reports it).
    """
    return compile_vim(vim_pattern, ignorecase, smartcase, keyword_class, last_sub).regex


def match_span(m: re.Match[str]) -> tuple[int, int]:
    """The (start, end) of a match as Vim sees it, honouring \\zs and \\ze."""
    start, end = m.start(), m.end()
    gi = m.re.groupindex
    if len(gi) and ("zs0" in gi or "ze0" in gi):
        best = -1
        for name in gi:
            if name.startswith("zs"):
                s = m.start(name)
                if s > best:
                    best = s
        if best >= 0:
            start = best
        best_e = -1
        for name in gi:
            if name.startswith("ze"):
                e = m.start(name)
                if e > best_e:
                    best_e = e
        if best_e >= 0:
            end = best_e
        if end < start:
            end = start
    return start, end
