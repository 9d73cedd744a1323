"""Accept units on tricky prose: word, sentence, line, all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.hints.units import ACCEPT_UNITS, take_unit


def pieces(text: str, unit: str) -> list[str]:
    out = []
    while text:
        got = take_unit(text, unit)  # type: ignore[arg-type]
        out.append(got)
        text = text[len(got) :]
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" the cat, sat down.", [" the", " cat,", " sat", " down."]),
        ("word—another word", ["word—", "another", " word"]),
        ("well-known  two   spaces", ["well-known", "  two", "   spaces"]),
        ("end\nnext line", ["end", "\nnext", " line"]),
        ("  \"Quoted,\" he said", ["  \"Quoted,\"", " he", " said"]),
        ("wait… then", ["wait…", " then"]),
        ("   ", ["   "]),
        (" — and", [" —", " and"]),
    ],
)
def test_word_units(text: str, expected: list[str]) -> None:
    assert pieces(text, "word") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" It rained. Then it stopped.", [" It rained.", " Then it stopped."]),
        ("Mr. Darcy bowed. She laughed.", ["Mr. Darcy bowed.", " She laughed."]),
        ("Dr. Who and St. Ives met. Done", ["Dr. Who and St. Ives met.", " Done"]),
        ('"Stop!" she said. "Why?" He left.', ['"Stop!" she said.', ' "Why?"', " He left."]),
        ("Use tools, e.g. hammers. Fine.", ["Use tools, e.g. hammers.", " Fine."]),
        ("It was e.g. Tuesday.", ["It was e.g.", " Tuesday."]),
        ("Pi is 3.14 or so. Yes", ["Pi is 3.14 or so.", " Yes"]),
        ("She waited... then left... Nobody came.", ["She waited... then left...", " Nobody came."]),
        ("Really?! Yes.", ["Really?!", " Yes."]),
        ("He paused — and went on. Next", ["He paused — and went on.", " Next"]),
        ("One line\nsecond. Third.", ["One line", "\nsecond.", " Third."]),
        ("It ended.’ Then", ["It ended.’", " Then"]),
        ("(As said.) Next", ["(As said.)", " Next"]),
        ("no end at all", ["no end at all"]),
        ("  two  spaces.  Then", ["  two  spaces.", "  Then"]),
        ("Ends with Mr.", ["Ends with Mr."]),
    ],
)
def test_sentence_units(text: str, expected: list[str]) -> None:
    assert pieces(text, "sentence") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rest of line\nnext line\nthird", ["rest of line", "\nnext line", "\nthird"]),
        ("\nstarts with newline", ["\nstarts with newline"]),
        ("single", ["single"]),
        ("a\n\nb", ["a", "\n", "\nb"]),
    ],
)
def test_line_units(text: str, expected: list[str]) -> None:
    assert pieces(text, "line") == expected


def test_all_takes_everything_and_unknown_unit_is_an_error() -> None:
    assert take_unit(" all of it.\nAnd more", "all") == " all of it.\nAnd more"
    with pytest.raises(ValueError, match="unknown accept unit"):
        take_unit("x", "paragraph")  # type: ignore[arg-type]


_PROSE = st.text(
    alphabet=st.sampled_from(list("ab Mr.e.g!?…—–-'\"”’)\n\t ,Tt3")), min_size=0, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(text=_PROSE, units=st.lists(st.sampled_from(ACCEPT_UNITS), min_size=1, max_size=40))
def test_any_sequence_of_units_concatenates_to_the_hint(text: str, units: list[str]) -> None:
    rest, taken = text, []
    i = 0
    while rest:
        unit = units[i % len(units)]
        got = take_unit(rest, unit)  # type: ignore[arg-type]
        assert got, "a unit of non-empty text must take something"
        assert rest.startswith(got)
        taken.append(got)
        rest = rest[len(got) :]
        i += 1
    assert "".join(taken) == text
