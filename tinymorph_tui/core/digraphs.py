"""Digraphs for insert-mode <C-k>{char1}{char2}: Vim's RFC 1345 default table for
Latin-1 plus the common extras (euro sign, oe ligature, quotes, dashes) and the Vim 5
compatible accent spellings (a` a^ a~ a"), looked up either way round as Vim does.
"""

from __future__ import annotations

# accents: RFC 1345 spelling, Vim 5 compatible spelling
_GRAVE, _ACUTE, _CIRC, _TILDE, _DIAER, _RING = "!`", "'", ">^", "?~", ':"', "A"

#: base letter -> {accent kind: (upper code point, lower code point)} for Latin-1
_LETTERS: dict[str, dict[str, int]] = {
    "A": {"!": 0xC0, "'": 0xC1, ">": 0xC2, "?": 0xC3, ":": 0xC4, "A": 0xC5},
    "E": {"!": 0xC8, "'": 0xC9, ">": 0xCA, ":": 0xCB},
    "I": {"!": 0xCC, "'": 0xCD, ">": 0xCE, ":": 0xCF},
    "N": {"?": 0xD1},
    "O": {"!": 0xD2, "'": 0xD3, ">": 0xD4, "?": 0xD5, ":": 0xD6},
    "U": {"!": 0xD9, "'": 0xDA, ">": 0xDB, ":": 0xDC},
    "Y": {"'": 0xDD},
}

_OTHER: dict[str, int] = {
    "NS": 0xA0, "!I": 0xA1, "Ct": 0xA2, "Pd": 0xA3, "Cu": 0xA4, "Ye": 0xA5, "BB": 0xA6,
    "SE": 0xA7, "':": 0xA8, "Co": 0xA9, "-a": 0xAA, "<<": 0xAB, "NO": 0xAC, "--": 0xAD,
    "Rg": 0xAE, "'m": 0xAF, "DG": 0xB0, "+-": 0xB1, "2S": 0xB2, "3S": 0xB3, "''": 0xB4,
    "My": 0xB5, "PI": 0xB6, ".M": 0xB7, "',": 0xB8, "1S": 0xB9, "-o": 0xBA, ">>": 0xBB,
    "14": 0xBC, "12": 0xBD, "34": 0xBE, "?I": 0xBF, "AE": 0xC6, "C,": 0xC7, "D-": 0xD0,
    "*X": 0xD7, "O/": 0xD8, "TH": 0xDE, "ss": 0xDF, "ae": 0xE6, "c,": 0xE7, "d-": 0xF0,
    "-:": 0xF7, "o/": 0xF8, "th": 0xFE, "y:": 0xFF,
    # beyond Latin-1: what writers reach for
    "Eu": 0x20AC, "=e": 0x20AC, "oe": 0x0153, "OE": 0x0152, "s*": 0x03C3, "a*": 0x03B1,
    "-N": 0x2013, "-M": 0x2014, "'6": 0x2018, "'9": 0x2019, '"6': 0x201C, '"9': 0x201D,
    ".9": 0x201A, ":9": 0x201E, "..": 0x2025, ",.": 0x2026, "TM": 0x2122, "oo": 0x2022,
    "->": 0x2192, "<-": 0x2190, "!=": 0x2260, "=<": 0x2264, ">=": 0x2265, "OK": 0x2713,
    "XX": 0x2717, "Sb": 0x2219, "%0": 0x2030, "ij": 0x0133, "IJ": 0x0132, "S<": 0x0160,
    "s<": 0x0161, "Z<": 0x017D, "z<": 0x017E, "C<": 0x010C, "c<": 0x010D, "L/": 0x0141,
    "l/": 0x0142,
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    spellings = {"!": _GRAVE, "'": _ACUTE, ">": _CIRC, "?": _TILDE, ":": _DIAER, "A": _RING}
    for base, accents in _LETTERS.items():
        for kind, upper in accents.items():
            for sp in spellings[kind]:
                table.setdefault(base + sp, chr(upper))
                # the lower-case letters are 0x20 above (Latin-1 is laid out that way)
                table.setdefault(base.lower() + (sp.lower() if sp == "A" else sp), chr(upper + 0x20))
    table["y'"] = chr(0xFD)
    table["y:"] = chr(0xFF)
    table['y"'] = chr(0xFF)
    for k, v in _OTHER.items():
        table[k] = chr(v)
    return table


DIGRAPHS: dict[str, str] = _build()


def lookup(a: str, b: str) -> str:
    """The character for digraph `a` `b` (tried as "ab", then "ba"); without one Vim
    inserts `b`."""
    return DIGRAPHS.get(a + b) or DIGRAPHS.get(b + a) or b
