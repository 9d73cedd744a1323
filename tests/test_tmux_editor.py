"""The real `tinymorph` binary in a real terminal (tmux): type, save with :wq, check the file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BINARY = Path(sys.executable).with_name("tinymorph")


class Tmux:
    """One tmux server (own socket) running one command in an 80x24 window."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"tinymorph-test-{uuid.uuid4().hex[:8]}"
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self._tmux(
            "new-session", "-d", "-x", "80", "-y", "24", *env_args,
            " ".join(_quote(c) for c in command),
        )  # fmt: skip

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        """tmux send-keys (key names such as Escape, Enter, or literal text with -l)."""
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        """Type literal text."""
        self._tmux("send-keys", "-t", "0", "-l", text)

    def screen(self) -> str:
        """The visible pane as text."""
        return self._tmux("capture-pane", "-p", "-t", "0")

    def wait_for(self, predicate, timeout: float = 30.0) -> str:
        """Poll the screen until predicate(screen) holds; returns the screen."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out; screen was:\n{screen}")

    def alive(self) -> bool:
        """Whether the session still exists (the program has not exited)."""
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session"], capture_output=True, check=False
            ).returncode
            == 0
        )

    def kill(self) -> None:
        """Stop the tmux server."""
        self._tmux("kill-server")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


@pytest.fixture
def xdg_env() -> dict[str, str]:
    keys = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    env = {k: os.environ[k] for k in keys if k in os.environ}
    env["TERM"] = "xterm-256color"
    return env


@pytest.mark.skipif(not BINARY.exists(), reason="the tinymorph console script is not installed")
def test_type_and_save_with_wq(tmp_path: Path, xdg_env: dict[str, str]) -> None:
    path = tmp_path / "draft.md"
    path.write_text("# Draft\n", encoding="utf-8")
    tmux = Tmux([str(BINARY), str(path)], xdg_env)
    try:
        tmux.wait_for(lambda s: "NORMAL" in s and "# Draft" in s)
        tmux.send("G", "o")
        tmux.wait_for(lambda s: "INSERT" in s)
        tmux.type("Written in a real terminal.")
        tmux.send("Escape")
        screen = tmux.wait_for(lambda s: "NORMAL" in s and "[+]" in s)
        assert "Written in a real terminal." in screen
        tmux.type(":wq")
        tmux.send("Enter")
        end = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < end:
            time.sleep(0.1)
        assert not tmux.alive(), tmux.screen()
    finally:
        tmux.kill()
    assert path.read_text(encoding="utf-8").startswith("# Draft\nWritten in a real terminal.")


@pytest.mark.skipif(not BINARY.exists(), reason="the tinymorph console script is not installed")
def test_quit_refuses_unsaved_changes_with_e37(tmp_path: Path, xdg_env: dict[str, str]) -> None:
    path = tmp_path / "keep.md"
    path.write_text("original\n", encoding="utf-8")
    tmux = Tmux([str(BINARY), str(path)], xdg_env)
    try:
        tmux.wait_for(lambda s: "NORMAL" in s)
        tmux.send("x")
        tmux.type(":q")
        tmux.send("Enter")
        screen = tmux.wait_for(lambda s: "E37" in s)
        assert tmux.alive()
        assert "E37" in screen
        tmux.type(":q!")
        tmux.send("Enter")
        end = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < end:
            time.sleep(0.1)
        assert not tmux.alive()
    finally:
        tmux.kill()
    assert path.read_text(encoding="utf-8") == "original\n"


@pytest.mark.model
@pytest.mark.skipif(not BINARY.exists(), reason="the tinymorph console script is not installed")
def test_ghost_text_from_a_real_model_and_tab_accepts(
    tmp_path: Path, xdg_env: dict[str, str], real_model_path: Path
) -> None:
    config_dir = Path(xdg_env.get("XDG_CONFIG_HOME", tmp_path / "config")) / "tinymorph"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text("[hints]\ndebounce_ms = 30\nprefetch = false\n")
    path = tmp_path / "story.md"
    tmux = Tmux([str(BINARY), "--model", str(real_model_path), str(path)], xdg_env)
    typed = "Once upon a time"
    try:
        tmux.wait_for(lambda s: "NORMAL" in s)
        tmux.send("i")
        tmux.type(typed)
        # The hint is drawn after the typed text on the same screen row.
        screen = tmux.wait_for(
            lambda s: any(line.startswith(typed) and len(line.rstrip()) > len(typed) + 2
                          for line in s.splitlines()),
            timeout=60,
        )  # fmt: skip
        shown = next(line.rstrip() for line in screen.splitlines() if line.startswith(typed))
        tmux.send("Tab")
        tmux.send("Escape")
        # A real typist pauses after Escape; without it the terminal reads Escape-":" as Alt+:.
        tmux.wait_for(lambda s: "NORMAL" in s)
        tmux.type(":wq")
        tmux.send("Enter")
        end = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < end:
            time.sleep(0.1)
        assert not tmux.alive(), tmux.screen()
    finally:
        tmux.kill()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(typed)
    assert len(text.rstrip("\n")) > len(typed), (text, shown)
    # What was accepted is what was shown (the first screen row of it, at least).
    assert text.startswith(shown[: min(len(shown), 40)].rstrip()), (text, shown)
