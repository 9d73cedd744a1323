"""The parsed default keymap is cached under XDG_CACHE_HOME; a bad cache is never trusted."""

from __future__ import annotations

from pathlib import Path

from tinymorph_tui.core import keymap as keymap_mod
from tinymorph_tui.core.keymap import Keymap


def _tables(km: Keymap) -> dict[str, dict[str, str]]:
    return {mode: dict(table) for mode, table in km.tables.items()}


def test_cache_is_written_and_gives_the_same_keymap() -> None:
    fresh = Keymap.load()
    cache = keymap_mod._cache_path()
    assert cache.is_file()
    again = Keymap.load()
    assert _tables(again) == _tables(fresh)
    assert again.lookup("normal", ["d", "w"]) == fresh.lookup("normal", ["d", "w"])


def test_corrupt_cache_is_ignored_and_rebuilt() -> None:
    fresh = Keymap.load()
    cache = keymap_mod._cache_path()
    for garbage in (b"", b"\x00garbage", b"\xe3" + b"x" * 100):
        cache.write_bytes(garbage)
        rebuilt = Keymap.load()
        assert _tables(rebuilt) == _tables(fresh)
        assert not rebuilt.errors


def test_a_changed_defaults_file_is_not_served_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "vim.toml"
    path.write_text('[normal]\n"x" = "delete-char"\n')
    first = Keymap.load(default_path=path, user_path=tmp_path / "none.toml")
    assert first.lookup("normal", ["x"])[0] == "delete-char"
    path.write_text('[normal]\n"x" = "delete-char-before"\n')
    second = Keymap.load(default_path=path, user_path=tmp_path / "none.toml")
    assert second.lookup("normal", ["x"])[0] == "delete-char-before"
