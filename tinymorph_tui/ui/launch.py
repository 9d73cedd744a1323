"""`tinymorph FILE`: build the configuration and run the app (cli.py calls `launch`).

Only what the first screen needs is built here; the model backend and the highlighter are
made by the app after its first paint, so a start with a large model configured is as fast
as one without.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def build_config(args: argparse.Namespace | Any) -> Any:
    """config.toml with the environment and command-line flags applied over it."""
    from tinymorph_tui.state.config import apply_cli, load_config

    return apply_cli(load_config(), args)


def launch(path: Path | None, args: argparse.Namespace | Any) -> int:
    """Run the editor on `path` (None: an unnamed buffer); returns the exit status."""
    from tinymorph_tui.core.document import DocumentError
    from tinymorph_tui.ui.app import TinymorphApp

    config = build_config(args)
    try:
        app = TinymorphApp(path, config=config, recover=bool(getattr(args, "recover", False)))
    except DocumentError as exc:
        print(f"tinymorph: {exc}", file=sys.stderr)
        return 2
    # [ui] mouse = false leaves the mouse to the terminal (select and copy text as usual).
    app.run(mouse=bool(config.get("ui", "mouse")))
    code = app.return_code
    return int(code or 0)
