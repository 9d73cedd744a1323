"""`tinymorph config`: print the effective configuration and every path."""

from __future__ import annotations

import argparse
import json
import sys

from tinymorph_tui.state import paths
from tinymorph_tui.state.config import apply_cli, load_config


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `tinymorph config` options."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--model", metavar="PATH", help="as for the editor (overrides the file)")
    parser.add_argument("--server", metavar="URL", help="as for the editor (overrides the file)")
    parser.add_argument("--theme", metavar="NAME", help="as for the editor (overrides the file)")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def run(args: argparse.Namespace) -> int:
    """Print paths, then the effective configuration in TOML (or JSON with --json)."""
    config = apply_cli(load_config(), args)
    where = {k: str(v) for k, v in paths.resolve()._asdict().items()}
    if args.json:
        payload = {
            "paths": where,
            "config": config.as_dict(),
            "warnings": config.warnings,
            "errors": config.errors,
        }
        print(json.dumps(payload, indent=2))
        return 0
    for message in config.errors + config.warnings:
        print(f"tinymorph: {message}", file=sys.stderr)
    print("# paths")
    for key, value in where.items():
        print(f"# {key:<14} {value}")
    for section, values in config.as_dict().items():
        print(f"\n[{section}]")
        for key, value in values.items():
            print(f"{key} = {_toml_value(value)}")
    return 0
