"""Every path tinymorph reads or writes, from platformdirs.

platformdirs honours XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_STATE_HOME / XDG_CACHE_HOME on
Linux. On macOS and Windows it ignores them, but a user who sets them clearly wants them,
so we honour them on every platform before asking platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

APP = "tinymorph"

#: Folder and file modes: a writer's notes, recovery journals and API settings are private.
DIR_MODE = 0o700
FILE_MODE = 0o600


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    if value and os.path.isabs(value):
        return Path(value) / APP
    import platformdirs  # deferred: only needed when no XDG variable is set

    return Path(getattr(platformdirs, fallback)(APP, appauthor=False))


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/tinymorph`: config.toml, keymap.toml, themes/."""
    return _xdg("XDG_CONFIG_HOME", "user_config_dir")


def data_dir() -> Path:
    """`$XDG_DATA_HOME/tinymorph`: the state database, features/, recovery/."""
    return _xdg("XDG_DATA_HOME", "user_data_dir")


def state_dir() -> Path:
    """`$XDG_STATE_HOME/tinymorph`: logs."""
    return _xdg("XDG_STATE_HOME", "user_state_dir")


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/tinymorph`: caches that may be deleted at any time."""
    return _xdg("XDG_CACHE_HOME", "user_cache_dir")


def ensure_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700 and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    try:
        os.chmod(path, DIR_MODE)
    except OSError:
        pass  # not ours to fix (e.g. a shared mount); reading still works
    return path


class Paths(NamedTuple):
    """The resolved locations, as `tinymorph config` prints them."""

    config_dir: Path
    config_file: Path
    keymap_file: Path
    themes_dir: Path
    data_dir: Path
    database: Path
    features_dir: Path
    recovery_dir: Path
    state_dir: Path
    cache_dir: Path


def resolve() -> Paths:
    """Resolve every path from the current environment (nothing is created)."""
    cfg, data = config_dir(), data_dir()
    return Paths(
        config_dir=cfg,
        config_file=cfg / "config.toml",
        keymap_file=cfg / "keymap.toml",
        themes_dir=cfg / "themes",
        data_dir=data,
        database=data / "state.sqlite3",
        features_dir=data / "features",
        recovery_dir=data / "recovery",
        state_dir=state_dir(),
        cache_dir=cache_dir(),
    )
