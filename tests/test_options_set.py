"""Options: names, abbreviations, types, defaults, listeners and the `:set` syntax."""

from __future__ import annotations

import pytest

from tinymorph_tui.core.options import SPECS, OptionError, Options, option_names


def test_defaults_are_vims_compiled_defaults() -> None:
    o = Options()
    assert o["tabstop"] == 8 and o["shiftwidth"] == 8 and o["softtabstop"] == 0
    assert o["expandtab"] is False and o["autoindent"] is False and o["textwidth"] == 0
    assert o["wrapscan"] is True and o["joinspaces"] is True and o["startofline"] is True
    assert o["whichwrap"] == "b,s" and o["matchpairs"] == "(:),{:},[:]"
    assert o["nrformats"] == "bin,octal,hex" and o["iskeyword"] == "@,48-57,_,192-255"
    assert o["scrolloff"] == 0 and o["lines"] == 24 and o["columns"] == 80
    assert o["backspace"] == "indent,eol,start"
    assert o["wrap"] is True and o["number"] is False and o["undolevels"] == 1000


def test_short_and_long_names() -> None:
    o = Options({"ts": 4, "et": True, "sw": 0})
    assert o["tabstop"] == 4 and o.ts == 4 and o.tabstop == 4
    assert o["expandtab"] is True
    assert o.effective_shiftwidth == 4
    o["sw"] = 2
    assert o.effective_shiftwidth == 2
    o["sts"] = -1
    assert o.effective_softtabstop == 2
    assert "ts" in o and "tabstop" in o and "nonsense" not in o


def test_type_checking() -> None:
    o = Options()
    with pytest.raises(OptionError, match="E521"):
        o["tabstop"] = "x"
    with pytest.raises(OptionError, match="E487"):
        o["tabstop"] = 0
    with pytest.raises(OptionError, match="E518"):
        o["nosuch"] = 1
    with pytest.raises(OptionError, match="E474"):
        o["iskeyword"] = 5
    o["tabstop"] = "4"  # numbers given as text are accepted
    assert o["tabstop"] == 4


@pytest.mark.parametrize(
    ("args", "name", "value"),
    [
        ("ts=4", "tabstop", 4),
        ("ts:3", "tabstop", 3),
        ("ts =5", "tabstop", 5),
        ("ts=0x10", "tabstop", 16),
        ("ts=010", "tabstop", 8),
        ("ts+=2", "tabstop", 10),
        ("ts-=1", "tabstop", 7),
        ("ts^=2", "tabstop", 16),
        ("et", "expandtab", True),
        ("noet", "expandtab", False),
        ("et!", "expandtab", True),
        ("invet", "expandtab", True),
        ("ws!", "wrapscan", False),
        ("isk+=-", "iskeyword", "@,48-57,_,192-255,-"),
        ("isk-=_", "iskeyword", "@,48-57,192-255"),
        ("isk^=x", "iskeyword", "x,@,48-57,_,192-255"),
        ("mps+=<:>", "matchpairs", "(:),{:},[:],<:>"),
        ("ww=b,s,h,l", "whichwrap", "b,s,h,l"),
        ("nf=hex", "nrformats", "hex"),
        ("tw=80 ts=2", "textwidth", 80),
        ("ts=3 ts&", "tabstop", 8),
        ("sw=0", "shiftwidth", 0),
        ("ul=-1", "undolevels", -1),
    ],
)
def test_set_command(args: str, name: str, value: object) -> None:
    o = Options()
    assert o.set_command(args) is None
    assert o[name] == value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("ts?", "  tabstop=8"),
        ("ts", "  tabstop=8"),
        ("et?", "noexpandtab"),
        ("noet?", "noexpandtab"),
        ("ws?", "  wrapscan"),
        ("isk?", "  iskeyword=@,48-57,_,192-255"),
    ],
)
def test_set_queries(args: str, message: str) -> None:
    assert Options().set_command(args) == message


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ("foo", "E518: Unknown option: foo"),
        ("foo=3", "E518: Unknown option: foo=3"),
        ("ts=x", "E521: Number required after =: ts=x"),
        ("ts=", "E521: Number required after =: ts="),
        ("ts=4x", "E521: Number required after =: ts=4x"),
        ("ts+=x", "E521: Number required after =: ts+=x"),
        ("invts", "E474: Invalid argument: invts"),
        ("nots", "E474: Invalid argument: nots"),
        ("et=1", "E474: Invalid argument: et=1"),
        ("ts=0", "E487: Argument must be positive: ts=0"),
        ("sw=-1", "E487: Argument must be positive: sw=-1"),
        ("tw=-1", "E487: Argument must be positive: tw=-1"),
        ("ww=z", "E539: Illegal character <z>: ww=z"),
        ("mps=ab", "E474: Invalid argument: mps=ab"),
        ("nf=foo", "E474: Invalid argument: nf=foo"),
        ("bs=foo", "E474: Invalid argument: bs=foo"),
    ],
)
def test_set_errors(args: str, error: str) -> None:
    o = Options()
    with pytest.raises(OptionError) as info:
        o.set_command(args)
    assert info.value.message == error
    assert o["tabstop"] == 8  # nothing changed


def test_set_applies_arguments_before_an_error() -> None:
    o = Options()
    with pytest.raises(OptionError):
        o.set_command("ts=4 bogus sw=2")
    assert o["tabstop"] == 4 and o["shiftwidth"] == 8


def test_set_without_arguments_lists_changed_options() -> None:
    o = Options({"ts": 4, "et": True})
    msg = o.set_command("")
    assert msg is not None and "tabstop=4" in msg and "expandtab" in msg
    assert "wrapscan" not in msg


def test_set_all_lists_every_option() -> None:
    msg = Options().set_command("all")
    assert msg is not None
    for name in ("tabstop=8", "nonumber", "iskeyword=@,48-57,_,192-255"):
        assert name in msg


def test_set_all_reset() -> None:
    o = Options({"ts": 3, "et": True})
    o.set_command("all&")
    assert o["tabstop"] == 8 and o["expandtab"] is False


def test_listeners_fire_on_change_only() -> None:
    o = Options()
    seen: list[tuple[str, object, object]] = []
    o.add_listener(lambda n, old, new: seen.append((n, old, new)))
    o.set_command("nu")
    o.set_command("nu")
    o["ts"] = 8
    o.set_command("ts=2")
    assert seen == [("number", False, True), ("tabstop", 8, 2)]


@pytest.mark.parametrize(
    ("isk", "yes", "no"),
    [
        ("@,48-57,_,192-255", "aZ9_éÿ", " -.,;×"[0:5]),
        ("@,48-57,_,192-255,-", "a-_", " .,"),
        ("a-z", "abz", "ABZ0_"),
        ("@,^a-c", "dxyZ", "abc0"),
        ("48-57", "0159", "a_"),
        ("@-@", "@", "a"),
    ],
)
def test_is_keyword_char(isk: str, yes: str, no: str) -> None:
    o = Options({"iskeyword": isk})
    for ch in yes:
        assert o.is_keyword_char(ch), (isk, ch)
    for ch in no:
        assert not o.is_keyword_char(ch), (isk, ch)


def test_keyword_cache_follows_changes() -> None:
    o = Options()
    assert not o.is_keyword_char("-")
    o.set_command("isk+=-")
    assert o.is_keyword_char("-")
    assert "-" in o.keyword_chars_class()


def test_every_option_round_trips_through_set() -> None:
    o = Options()
    for name in option_names():
        spec = SPECS[name]
        msg = o.set_command(f"{name}?")
        assert msg is not None and name in msg
        if spec.abbrev:
            assert o[spec.abbrev] == o[name]


def test_copy_is_independent() -> None:
    o = Options({"ts": 3})
    c = o.copy()
    c["ts"] = 5
    assert o["ts"] == 3 and c["ts"] == 5
    assert o.as_dict()["tabstop"] == 3
