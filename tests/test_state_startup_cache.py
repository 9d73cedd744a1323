"""TOML read at start-up is parsed once and then served from a cache that is never trusted
blindly: a changed, corrupt or foreign cache falls back to parsing the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tinymorph_tui.state import startup_cache
from tinymorph_tui.theme.loader import ThemeError, load_theme


def _cache_files() -> list[Path]:
    from tinymorph_tui.state.paths import cache_dir

    folder = cache_dir() / "toml"
    return sorted(folder.glob("*.marshal")) if folder.is_dir() else []


def test_parsed_once_then_served_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('name = "x"\n[t]\nn = [1, 2.5, true]\n', encoding="utf-8")
    first = startup_cache.load_toml(path)
    assert first == {"name": "x", "t": {"n": [1, 2.5, True]}}
    assert len(_cache_files()) == 1
    assert startup_cache.load_toml(path) == first


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("n = 1\n", encoding="utf-8")
    assert startup_cache.load_toml(path) == {"n": 1}
    # Same length and the same mtime second: only the content tells them apart.
    stat = path.stat()
    path.write_text("n = 2\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert startup_cache.load_toml(path) == {"n": 2}


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("n = 1\n", encoding="utf-8")
    startup_cache.load_toml(path)
    (cache,) = _cache_files()
    for garbage in (b"", b"\x00garbage", b"\xe3" + b"x" * 50):
        cache.write_bytes(garbage)
        assert startup_cache.load_toml(path) == {"n": 1}


def test_bad_toml_raises_value_error_and_caches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("n = = 1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        startup_cache.load_toml(path)
    path.write_bytes(b'n = "\xff"\n')  # not UTF-8
    with pytest.raises(ValueError):
        startup_cache.load_toml(path)
    assert _cache_files() == []


def test_dates_are_not_marshal_types_so_such_a_file_is_just_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text("when = 2026-11-21\n", encoding="utf-8")
    assert str(startup_cache.load_toml(path)["when"]) == "2026-11-21"
    assert _cache_files() == []
    assert str(startup_cache.load_toml(path)["when"]) == "2026-11-21"


def test_unwritable_cache_folder_costs_nothing_but_the_speed_up(tmp_path: Path) -> None:
    from tinymorph_tui.state.paths import cache_dir

    cache_dir().mkdir(parents=True, exist_ok=True)
    (cache_dir() / "toml").write_text("a file where the folder should be")
    path = tmp_path / "a.toml"
    path.write_text("n = 1\n", encoding="utf-8")
    assert startup_cache.load_toml(path) == {"n": 1}
    assert startup_cache.load_toml(path) == {"n": 1}


def test_a_broken_theme_is_still_reported_with_its_file(tmp_path: Path) -> None:
    from tinymorph_tui.state.paths import config_dir

    themes = config_dir() / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('"ui.text" = { fg = \n', encoding="utf-8")
    with pytest.raises(ThemeError, match=r"broken\.toml: bad TOML"):
        load_theme("broken")


def test_a_cached_theme_start_does_not_import_tomllib(tmp_path: Path) -> None:
    """The point of the cache: the second start loads the theme without the TOML parser."""
    script = (
        "import sys\n"
        "from tinymorph_tui.theme.loader import load_theme\n"
        "theme = load_theme('default')\n"
        "print('tomllib' in sys.modules, bool(theme.styles))\n"
    )
    env = {**os.environ}
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert outputs[0] == ["True", "True"]  # parsed, and cached
    assert outputs[1] == ["False", "True"]  # from the cache
