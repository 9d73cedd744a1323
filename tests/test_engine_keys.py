"""Key notation, keymap loading / merging and the command registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinymorph_tui.core.commands import CommandError, CommandRegistry
from tinymorph_tui.core.editor import Editor
from tinymorph_tui.core.keymap import Keymap, default_keymap_path
from tinymorph_tui.core.keys import keys_to_notation, normalize_token, parse_keys


@pytest.mark.parametrize(
    ("keys", "tokens"),
    [
        ("dw", ["d", "w"]),
        ("<Esc>", ["<Esc>"]),
        ("<esc><CR><cr><Return><Enter>", ["<Esc>", "<CR>", "<CR>", "<CR>", "<CR>"]),
        ("<C-R><c-r><C-r>", ["<C-r>", "<C-r>", "<C-r>"]),
        ("<lt><Bar><Bslash><Space>", ["<", "|", "\\", " "]),
        ("a<b", ["a", "<", "b"]),
        ("<C-[>", ["<Esc>"]),
        ("<C-m><C-i><C-j>", ["<CR>", "<Tab>", "<NL>"]),
        ("<S-Tab><M-x><A-x><F5><S-Left>", ["<S-Tab>", "<M-x>", "<M-x>", "<F5>", "<S-Left>"]),
        ("<Up><Down><Left><Right><Home><End><PageUp><PageDown><Del><BS>", [
            "<Up>", "<Down>", "<Left>", "<Right>", "<Home>", "<End>", "<PageUp>", "<PageDown>", "<Del>", "<BS>"]),
        ("\x1bx\r", ["<Esc>", "x", "<CR>"]),
        ("<notakey>", ["<", "n", "o", "t", "a", "k", "e", "y", ">"]),
    ],
)
def test_parse_keys(keys: str, tokens: list[str]) -> None:
    """Vim notation becomes canonical tokens; unknown <...> stays literal."""
    assert parse_keys(keys) == tokens


def test_notation_round_trip() -> None:
    """Tokens written back as notation parse to the same tokens."""
    toks = parse_keys("i<lt>a|b\\<Esc><C-r>")
    assert parse_keys(keys_to_notation(toks)) == toks
    assert normalize_token("<c-W>") == "<C-w>"
    assert normalize_token("\t") == "<Tab>"


def test_every_bound_command_is_registered_with_doc() -> None:
    """All command ids in keymaps/vim.toml exist and have docstrings (for :help)."""
    ed = Editor.from_text("")
    assert ed.keymap_errors == []
    for _mode, table in ed.keymap.tables.items():
        for keys, cid in table.items():
            assert cid in ed.commands, (keys, cid)
            assert ed.commands.doc(cid), cid


def test_user_keymap_overrides_and_merges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's file replaces leaves and merges tables; the defaults stay in force."""
    cfg = tmp_path / "cfg"
    (cfg / "tinymorph").mkdir(parents=True)
    (cfg / "tinymorph" / "keymap.toml").write_text(
        '[normal]\n"Q" = "delete-char"\n"x" = ""\n[insert]\n"jk" = "insert-escape"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg))
    ed = Editor.from_text("abc", cursor=(0, 0))
    assert ed.keymap_errors == []
    ed.feed("Q")
    assert ed.text == "bc"
    ed.feed("x")  # unbound now: nothing happens
    assert ed.text == "bc"
    ed.feed("dl")  # defaults still there
    assert ed.text == "c"
    ed.feed("iZjk")
    assert (ed.text, ed.mode) == ("Zc", "normal")


def test_bad_user_keymap_is_reported(tmp_path: Path) -> None:
    """Bad files and entries are reported with file and key; the defaults stay."""
    bad = tmp_path / "keymap.toml"
    bad.write_text('[normal]\n"Q" = "no-such-command"\n"W" = 3\n[nomode]\n"a" = "undo"\n')
    reg = CommandRegistry()
    from tinymorph_tui.core import builtin

    builtin.register_all(reg)
    km = Keymap.load(default_keymap_path(), bad, known_commands=reg.ids())
    text = "\n".join(km.errors)
    assert f"{bad}: normal.'Q': unknown command id 'no-such-command'" in text
    assert "normal.'W': command id must be a string" in text
    assert "nomode: unknown mode" in text
    assert km.lookup("normal", ["d"])[0] == "operator-delete"
    broken = tmp_path / "broken.toml"
    broken.write_text("[normal\n")
    km2 = Keymap.load(default_keymap_path(), broken, known_commands=reg.ids())
    assert km2.errors and str(broken) in km2.errors[0]
    assert km2.lookup("normal", ["x"])[0] == "delete-char"


def test_command_registry_rules() -> None:
    """Ids are kebab-case and need a docstring; shell commands receive (ed, count)."""
    reg = CommandRegistry()
    with pytest.raises(CommandError):
        reg.register("Bad_Id", lambda ed, n: None, "doc")
    with pytest.raises(CommandError):
        reg.register("no-doc", lambda ed, n: None)
    ed = Editor.from_text("abc")
    seen: list[int | None] = []

    def hello(ed: Editor, count: int | None) -> None:
        """Say hello."""
        seen.append(count)
        ed.set_message("hello")

    ed.commands.register("say-hello", hello)
    ed.keymap.bind("normal", "<F2>", "say-hello")
    ed.feed("3<F2>")
    assert seen == [3] and ed.message == "hello"
    assert ed.commands.doc("say-hello") == "Say hello."


def test_command_returning_false_falls_through() -> None:
    """A shell command that does not apply lets the default binding run."""
    ed = Editor.from_text("abc", cursor=(0, 0))

    def maybe(ed: Editor, count: int | None) -> bool:
        """Only applies when there is a hint."""
        return False

    ed.commands.register("accept-hint", maybe)
    ed.keymap.bind("insert", "<Tab>", "accept-hint")
    ed.keymap.bind("normal", "x", "accept-hint")
    ed.feed("x")
    assert ed.text == "bc"
    ed.feed("i<Tab><Esc>")
    assert ed.text == "\tbc"
