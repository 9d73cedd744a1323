"""Where the shipped data folders (themes/, keymaps/, docs/) are found at run time."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder `name` ("themes" or "keymaps").

    A wheel carries them as `tinymorph_tui/_data/<name>`; an editable install (the repo)
    has them at the top level beside the package.
    """
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name
