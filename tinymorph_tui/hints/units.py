"""Accept units for prose hints: how much of a ghost-text hint one key takes.

Every function takes the remaining hint text and returns a *prefix* of it, non-empty whenever
the text is non-empty, so taking units one after another always ends, and the pieces
concatenated give back the hint exactly.

- word: leading whitespace (spaces, tabs, newlines) plus the next run of non-space
  characters, like Copilot's "accept word": `" the cat,"` -> `" the"`, `" cat,"`. A dash
  (em "—" or en "–") ends a word and stays with it, so `"word—another"` is `"word—"`,
  `"another"`; a hyphen does not (`"well-known"` is one word).
- sentence: leading whitespace, then up to and including the sentence's end punctuation
  (`.`, `!`, `?`, `…` or a run of them such as `"..."` or `"?!"`) and any closing quotes or
  brackets after it. Punctuation ends a sentence only when whitespace or the end of the text
  follows it (so `3.14` and `U.S.A` do not), and not when the next word starts with a
  lowercase letter (so `"Stop!" she said.`, `e.g. this` and `wait... then` continue the
  sentence), and a single `.` after a title abbreviation (`Mr.`, `Mrs.`, `Dr.`, `St.`, ... see
  `TITLE_ABBREVIATIONS`) never does. A newline inside the text ends the sentence before the
  newline (the newline belongs to the next piece); with no end at all, the sentence is the
  rest of the text.
- line: up to (not including) the next newline; when the text starts with a newline, that
  newline and the following line. The UI draws the first line inline and the rest as virtual
  lines, so "accept line" takes exactly what is drawn on one screen line.
- all: the whole text.
"""

from __future__ import annotations

from typing import Literal

AcceptUnit = Literal["all", "word", "sentence", "line"]

#: Units accepted by `take_unit` (and `HintController.accept`).
ACCEPT_UNITS: tuple[AcceptUnit, ...] = ("all", "word", "sentence", "line")

#: A period after one of these (case-insensitive) is part of a name or title, not a sentence
#: end: "Mr. Darcy", "St. Ives". Kept to titles because an abbreviation like "etc." very often
#: does end a sentence; the lowercase-next-word rule handles "etc. and so on".
TITLE_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "st", "jr", "sr", "mt", "capt", "cpt", "gen",
        "lt", "col", "sgt", "cmdr", "adm", "gov", "sen", "rep", "rev", "hon", "fr", "messrs",
        "mme", "mlle", "vs",
    }
)  # fmt: skip

_TERMINATORS = frozenset(".!?…")
_CLOSERS = frozenset("\"'”’»)]}")
_DASHES = frozenset("—–")


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def next_word(text: str) -> str:
    """The next word with its leading whitespace (see the module docstring)."""
    n = len(text)
    j = _skip_space(text, 0)
    while j < n and not text[j].isspace():
        ch = text[j]
        j += 1
        if ch in _DASHES:
            break
    return text[:j]


def _word_before(text: str, i: int) -> str:
    """The run of letters that ends just before index `i`."""
    k = i
    while k > 0 and text[k - 1].isalpha():
        k -= 1
    return text[k:i]


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the punctuation run text[start:end] (closers included) ends a sentence."""
    run_end = start
    while run_end < end and text[run_end] in _TERMINATORS:
        run_end += 1
    if text[start:run_end] == "." and _word_before(text, start).lower() in TITLE_ABBREVIATIONS:
        return False
    nxt = _skip_space(text, end)
    # A lowercase word after the punctuation means the sentence goes on ("Stop!" she said).
    return nxt >= len(text) or not text[nxt].islower()


def next_sentence(text: str) -> str:
    """The next sentence with its leading whitespace (see the module docstring)."""
    n = len(text)
    i = _skip_space(text, 0)
    while i < n:
        ch = text[i]
        if ch == "\n":
            return text[:i]
        if ch in _TERMINATORS:
            j = i
            while j < n and text[j] in _TERMINATORS:
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if (j == n or text[j].isspace()) and _ends_sentence(text, i, j):
                return text[:j]
            i = j
            continue
        i += 1
    return text


def next_line(text: str) -> str:
    """The rest of the current line, or the newline and the next line (see the module)."""
    k = text.find("\n", 1 if text.startswith("\n") else 0)
    return text if k < 0 else text[:k]


def take_unit(text: str, unit: AcceptUnit) -> str:
    """The prefix of `text` that accepting `unit` inserts.

    Raises `ValueError` for an unknown unit (a keymap typo should say so, not do nothing).
    """
    if unit == "all":
        return text
    if unit == "word":
        return next_word(text)
    if unit == "sentence":
        return next_sentence(text)
    if unit == "line":
        return next_line(text)
    raise ValueError(f"unknown accept unit {unit!r}: use one of {', '.join(ACCEPT_UNITS)}")
