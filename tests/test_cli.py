"""The `tinymorph` command line: help, version, and refusals of paths it cannot edit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tinymorph_tui import __version__
from tinymorph_tui.cli import SUBCOMMANDS, main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tinymorph_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tinymorph {__version__}"


def test_help_lists_subcommands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout


def test_directory_is_refused_without_traceback(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path))
    assert result.returncode == 2
    assert "is a directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope" / "notes.md")]) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("x")
    path.chmod(0)
    result = run_cli(str(path))
    assert result.returncode == 2
    assert "permission denied" in result.stderr


def test_subcommand_help_works_for_each() -> None:
    for name in SUBCOMMANDS:
        result = run_cli(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert f"tinymorph {name}" in result.stdout


def test_fifo_is_refused_not_hung(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli(str(fifo))
    assert result.returncode == 2
    assert "not a regular file" in result.stderr
