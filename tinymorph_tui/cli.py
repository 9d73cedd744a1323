"""Command-line entry point: `tinymorph [FILE]` edits; subcommands live in `commands/`.

Each subcommand is a module `tinymorph_tui.commands.<name>` exposing
`configure(parser: argparse.ArgumentParser) -> None` and `run(args: argparse.Namespace) -> int`.
Only the chosen module is imported, so `tinymorph notes.md` never pays for llama.cpp,
Starlette or numpy at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from tinymorph_tui import __version__

#: Subcommand name -> one-line help. The module is `tinymorph_tui.commands.<name>`.
SUBCOMMANDS: dict[str, str] = {
    "complete": "print a continuation of a prompt (local model or server)",
    "features": "define, import, export, list and search steering features",
    "serve": "serve steered completions over an OpenAI-compatible HTTP API",
    "config": "print the effective configuration and every path",
    "doctor": "check the terminal, model and server, and say what to fix",
    "stats": "summarise the hint log (accepted, dismissed, latency)",
}


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _edit_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinymorph",
        description="A terminal modal editor for writers, with AI inlay hints and feature steering.",
        epilog="subcommands:\n"
        + "\n".join(f"  {name:<10} {help_}" for name, help_ in SUBCOMMANDS.items())
        + "\n\nRun `tinymorph SUBCOMMAND --help` for a subcommand's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="file to edit (created on first save)")
    parser.add_argument("--version", action="version", version=f"tinymorph {__version__}")
    parser.add_argument("--model", metavar="PATH", help="GGUF model for hints (llama.cpp in process)")
    parser.add_argument("--server", metavar="URL", help="OpenAI-compatible server for hints")
    parser.add_argument("--theme", metavar="NAME", help="colour theme")
    parser.add_argument("--no-hints", action="store_true", help="start with hints off")
    parser.add_argument(
        "--recover", action="store_true", help="recover FILE from its journal without asking"
    )
    return parser


def check_editable(path: Path) -> None:
    """Refuse paths the editor cannot open, with a one-line reason (raises CliError)."""
    try:
        _check_editable(path)
    except OSError as exc:  # e.g. ENAMETOOLONG, ELOOP from stat() itself
        raise CliError(f"{path}: {exc.strerror or exc}") from None


def _check_editable(path: Path) -> None:
    if path.is_dir():
        raise CliError(f"{path}: is a directory")
    if path.exists():
        import stat

        # Opening a FIFO or a device for reading would block or never end.
        if not stat.S_ISREG(path.stat().st_mode):
            raise CliError(f"{path}: not a regular file")
        try:
            with path.open("rb"):
                pass
        except PermissionError:
            raise CliError(f"{path}: permission denied") from None
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror or exc}") from None
    elif not path.parent.exists() and str(path.parent) not in ("", "."):
        raise CliError(f"{path}: folder {path.parent} does not exist")


def _run_subcommand(name: str, argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"tinymorph {name}", description=SUBCOMMANDS[name])
    module = importlib.import_module(f"tinymorph_tui.commands.{name}")
    module.configure(parser)
    args = parser.parse_args(list(argv))
    return int(module.run(args) or 0)


def _run_editor(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else None
    if path is not None:
        check_editable(path)
    # Deferred: Textual costs ~150 ms to import and subcommands do not need it.
    from tinymorph_tui.ui.launch import launch

    return launch(path, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `tinymorph` command; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return _run_subcommand(argv[0], argv[1:])
        args = _edit_parser().parse_args(argv)
        return _run_editor(args)
    except CliError as exc:
        print(f"tinymorph: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
