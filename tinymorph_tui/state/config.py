"""`config.toml`: load, validate and merge with CLI flags.

Every key has a default, a type and a doc string (the single source for
`docs/configuration.md`, which a test keeps in step). Problems never stop the editor: an
unknown key is a warning naming file and line; a wrong type is an error naming the key,
and that key keeps its default.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinymorph_tui.state import paths
from tinymorph_tui.state.startup_cache import loads_toml


@dataclass(frozen=True)
class Key:
    """One configuration key: its default, accepted types and what it does."""

    default: Any
    doc: str
    types: tuple[type, ...] = ()
    choices: tuple[str, ...] = ()

    def accepts(self, value: Any) -> bool:
        """Whether `value` has an acceptable type (bool is never taken for int)."""
        types = self.types or (type(self.default),)
        if isinstance(value, bool) and bool not in types:
            return False
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            return True
        if not isinstance(value, types):
            return False
        return not self.choices or value in self.choices


#: section -> key -> Key. `[editor]` additionally accepts any Vim option name (checked by
#: core.options when the editor applies them).
SCHEMA: dict[str, dict[str, Key]] = {
    "ui": {
        "theme": Key("default", "Colour theme: a file name in themes/ (shipped or your own)."),
        "mouse": Key(True, "Click to place the cursor and scroll with the wheel."),
        "cursor": Key(
            "terminal",
            "'terminal': the terminal's own cursor, a bar in insert and command-line mode and an "
            "underline in replace mode (not on the Linux console); 'drawn': a coloured block in "
            "every mode.",
            choices=("terminal", "drawn"),
        ),
    },
    "model": {
        "path": Key("", "GGUF model for hints, run in process by llama.cpp ('' = none)."),
        "server": Key("", "OpenAI-compatible server URL for hints; used instead of `path`."),
        "api_key_env": Key(
            "TINYMORPH_API_KEY",
            "Environment variable holding the server's API key (the key is never stored).",
        ),
        "n_ctx": Key(2048, "Context length in tokens for the local model."),
        "n_threads": Key(0, "CPU threads for the local model (0 = all cores)."),
        "n_gpu_layers": Key(-1, "Layers offloaded to the GPU (-1 = all, when the build can)."),
        "timeout_s": Key(30.0, "Server read timeout in seconds.", (float,)),
    },
    "hints": {
        "enabled": Key(True, "Show ghost-text continuations while you pause in insert mode."),
        "debounce_ms": Key(150, "Pause before a hint is requested (adapted to the model's speed)."),
        "max_words": Key(40, "Longest hint, in words."),
        "max_tokens": Key(64, "Token limit per request."),
        "temperature": Key(0.7, "Sampling temperature.", (float,)),
        "top_p": Key(0.95, "Nucleus sampling threshold.", (float,)),
        "stop_at_paragraph": Key(True, "End hints at the end of the paragraph."),
        "prefetch": Key(True, "After a hint is shown, fetch the next one as if it were accepted."),
        "show_stats": Key(False, "Show time to first token, tokens/s and cached tokens inline."),
        "context_tokens": Key(512, "Budget of tokens before the cursor sent as context."),
    },
    "panel": {
        "visible": Key(False, "Open the steering panel at start-up."),
        "width": Key(38, "Width of the steering panel in columns."),
        "small_step": Key(0.1, "Slider nudge for h / l.", (float,)),
        "large_step": Key(0.5, "Slider nudge for H / L.", (float,)),
    },
    "state": {
        "restore_cursor": Key(True, "Reopen files where you left them."),
        "journal_interval_s": Key(1.0, "Longest time an edit waits before the recovery journal is fsynced.", (float,)),
        "history_size": Key(200, "Command-line and search history entries kept."),
    },
}

#: Vim options accepted in `[editor]`, with their documented defaults (see docs/keys.md).
EDITOR_DEFAULTS: dict[str, Any] = {
    "tabstop": 4,
    "shiftwidth": 0,
    "expandtab": True,
    "autoindent": True,
    "textwidth": 0,
    "ignorecase": True,
    "smartcase": True,
    "incsearch": True,
    "hlsearch": True,
    "wrap": True,
    "linebreak": True,
    "number": False,
    "relativenumber": False,
    "scrolloff": 3,
    # Vim's compiled default is empty (<BS> cannot delete past the insert start): writers
    # expect the modern behaviour that defaults.vim turns on.
    "backspace": "indent,eol,start",
}


@dataclass
class Config:
    """The effective configuration: defaults, then config.toml, then CLI flags."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    editor: dict[str, Any] = field(default_factory=lambda: dict(EDITOR_DEFAULTS))
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    source: Path | None = None

    def get(self, section: str, key: str) -> Any:
        """The value of `section.key` (its default when unset)."""
        return self.values.get(section, {}).get(key, SCHEMA[section][key].default)

    def set(self, section: str, key: str, value: Any) -> None:
        """Override one value (used for CLI flags)."""
        self.values.setdefault(section, {})[key] = value

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every key with its effective value, by section (for `tinymorph config`)."""
        out: dict[str, dict[str, Any]] = {"editor": dict(self.editor)}
        for section, keys in SCHEMA.items():
            out[section] = {key: self.get(section, key) for key in keys}
        return out


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    start = 0
    if section is not None:
        header = re.search(rf"^[ \t]*\[\s*\"?{re.escape(section)}\"?\s*\]", text, re.MULTILINE)
        if header:
            start = header.end()
    pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?\s*=", re.MULTILINE)
    match = pattern.search(text, start) or pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(path: Path, text: str, key: str, section: str | None = None) -> str:
    line = _line_of(text, key, section)
    return f"{path}:{line}" if line else str(path)


def load_config(path: Path | None = None) -> Config:
    """Load `config.toml` (default: the XDG config file). Never raises for bad content."""
    path = path or paths.resolve().config_file
    config = Config(source=path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as exc:
        config.errors.append(f"{path}: cannot read ({exc}); using defaults")
        return config
    try:
        data = loads_toml(path, text.encode("utf-8"))
    except ValueError as exc:  # tomllib.TOMLDecodeError
        config.errors.append(f"{path}: invalid TOML ({exc}); using defaults")
        return config
    for section, table in data.items():
        if not isinstance(table, dict):
            config.warnings.append(f"{_where(path, text, section)}: unknown key {section!r}")
            continue
        if section == "editor":
            _load_editor(config, table, path, text)
            continue
        schema = SCHEMA.get(section)
        if schema is None:
            header = re.search(rf"^[ \t]*\[\s*{re.escape(section)}\s*\]", text, re.MULTILINE)
            where = f"{path}:{text.count(chr(10), 0, header.start()) + 1}" if header else str(path)
            config.warnings.append(f"{where}: unknown section [{section}]")
            continue
        for key, value in table.items():
            spec = schema.get(key)
            if spec is None:
                config.warnings.append(
                    f"{_where(path, text, key, section)}: unknown key {section}.{key}"
                )
            elif not spec.accepts(value):
                expected = "/".join(t.__name__ for t in (spec.types or (type(spec.default),)))
                config.errors.append(
                    f"{_where(path, text, key, section)}: {section}.{key} must be {expected}, "
                    f"got {value!r}; using the default {spec.default!r}"
                )
            else:
                config.set(section, key, value)
    return config


def _load_editor(config: Config, table: dict[str, Any], path: Path, text: str) -> None:
    try:
        from tinymorph_tui.core.options import Options, canonical_name  # the engine's table
    except ImportError:  # pragma: no cover - only while the engine is being built
        Options = canonical_name = None  # type: ignore[assignment]  # noqa: N806
    for key, value in table.items():
        name = key
        if Options is not None and canonical_name is not None:
            full = canonical_name(key)
            if full is None:
                config.warnings.append(
                    f"{_where(path, text, key, 'editor')}: unknown option editor.{key}"
                )
                continue
            try:
                Options({})[full] = value  # the engine's own type and value checks
            except (KeyError, ValueError, TypeError) as exc:
                config.errors.append(
                    f"{_where(path, text, key, 'editor')}: editor.{key}: {exc}; using the default"
                )
                continue
            name = full  # "ts" and "tabstop" are one option: keep one entry
        config.editor[name] = value


def apply_cli(config: Config, args: Any) -> Config:
    """Apply CLI flags and environment variables over the file (flags win)."""
    model = getattr(args, "model", None) or os.environ.get("TINYMORPH_MODEL")
    server = getattr(args, "server", None) or os.environ.get("TINYMORPH_SERVER")
    if model:
        config.set("model", "path", model)
        if not getattr(args, "server", None):
            config.set("model", "server", "")
    if server and not getattr(args, "model", None):
        config.set("model", "server", server)
    if getattr(args, "theme", None):
        config.set("ui", "theme", args.theme)
    if getattr(args, "no_hints", False):
        config.set("hints", "enabled", False)
    return config
