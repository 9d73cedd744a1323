"""config.toml: defaults, validation messages with file and line, CLI precedence, paths."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from tinymorph_tui.cli import main
from tinymorph_tui.state import paths
from tinymorph_tui.state.config import SCHEMA, apply_cli, load_config


def write_config(text: str) -> Path:
    path = paths.resolve().config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_paths_follow_xdg_variables() -> None:
    resolved = paths.resolve()
    assert resolved.config_dir == Path(os.environ["XDG_CONFIG_HOME"]) / "tinymorph"
    assert resolved.data_dir == Path(os.environ["XDG_DATA_HOME"]) / "tinymorph"
    assert resolved.database.parent == resolved.data_dir
    assert resolved.features_dir == resolved.data_dir / "features"


def test_ensure_dir_is_private(tmp_path: Path) -> None:
    folder = paths.ensure_dir(tmp_path / "a" / "b")
    assert folder.stat().st_mode & 0o777 == 0o700


def test_missing_file_gives_defaults() -> None:
    config = load_config()
    assert config.get("hints", "debounce_ms") == SCHEMA["hints"]["debounce_ms"].default
    assert not config.warnings and not config.errors


def test_values_are_read() -> None:
    write_config('[ui]\ntheme = "light"\n[hints]\nmax_words = 12\ntemperature = 1\n')
    config = load_config()
    assert config.get("ui", "theme") == "light"
    assert config.get("hints", "max_words") == 12
    assert config.get("hints", "temperature") == 1


def test_unknown_key_warns_with_file_and_line() -> None:
    path = write_config("[hints]\nenabled = true\nspeling = 3\n")
    config = load_config()
    assert config.warnings == [f"{path}:3: unknown key hints.speling"]


def test_wrong_type_is_an_error_naming_the_key_and_default_stays() -> None:
    write_config('[hints]\ndebounce_ms = "fast"\n')
    config = load_config()
    assert len(config.errors) == 1
    assert "hints.debounce_ms" in config.errors[0] and ":2:" in config.errors[0]
    assert config.get("hints", "debounce_ms") == 150


def test_bool_is_not_an_int() -> None:
    write_config("[model]\nn_ctx = true\n")
    assert load_config().errors


def test_corrupt_toml_falls_back_to_defaults() -> None:
    path = write_config("[hints\nenabled = \n")
    config = load_config()
    assert config.errors and str(path) in config.errors[0]
    assert config.get("hints", "enabled") is True


def test_cli_flags_override_file() -> None:
    write_config('[ui]\ntheme = "light"\n[model]\nserver = "http://x:1"\n')
    args = argparse.Namespace(model="m.gguf", server=None, theme="ansi16", no_hints=True)
    config = apply_cli(load_config(), args)
    assert config.get("model", "path") == "m.gguf"
    assert config.get("model", "server") == ""
    assert config.get("ui", "theme") == "ansi16"
    assert config.get("hints", "enabled") is False


def test_config_command_prints_paths_and_values(capsys: pytest.CaptureFixture[str]) -> None:
    write_config("[hints]\nmax_words = 7\n")
    assert main(["config", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["config"]["hints"]["max_words"] == 7
    assert payload["paths"]["config_file"].endswith("tinymorph/config.toml")


def test_every_key_is_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text()
    for section, keys in SCHEMA.items():
        for key in keys:
            assert f"`{section}.{key}`" in doc, f"{section}.{key} missing from docs"


def test_backspace_default_lets_writers_delete_past_the_insert_start() -> None:
    """Vim's compiled default is empty; the editor's default is the modern one."""
    from tinymorph_tui.core.editor import Editor

    ed = Editor.from_text("ab", cursor=(0, 2), options=load_config().editor)
    ed.feed("a<BS><BS><BS><Esc>")
    assert ed.text == ""
