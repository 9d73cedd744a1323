"""Kill the real `tinymorph` with SIGKILL mid-typing in tmux, then recover the words.

Every character typed more than one second before the kill must come back, through
`tinymorph --recover FILE` (run in tmux too) and through the recovery question (`r`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tinymorph_tui.state import recovery

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

BINARY = Path(sys.executable).with_name("tinymorph")
ORIGINAL = "# Draft\n\nThe first paragraph was saved.\n"
SETTLED = "words typed well before the crash "
RUSHED = "and these at the very end"


class Tmux:
    """One tmux server on a private socket running one command in an 80x24 pane."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def cmd(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True, text=True, check=check, timeout=30,
        )
        return out.stdout

    def start(self, command: list[str]) -> None:
        env = {k: v for k, v in os.environ.items() if k.startswith("XDG_")}
        env.update(TERM="xterm-256color", LANG="C.UTF-8", HOME=os.environ.get("HOME", "/root"))
        line = " ".join(["exec", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command])
        self.cmd("new-session", "-d", "-x", "80", "-y", "24", line)

    def screen(self) -> str:
        return self.cmd("capture-pane", "-p", check=False)

    def pid(self) -> int:
        return int(self.cmd("list-panes", "-F", "#{pane_pid}").split()[0])

    def type(self, text: str) -> None:
        self.cmd("send-keys", "-l", text)

    def keys(self, *keys: str) -> None:
        self.cmd("send-keys", *keys)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared on screen:\n{screen}")

    def wait_exit(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cmd("list-sessions", check=False).strip() == "":
                return
            time.sleep(0.1)
        raise AssertionError(f"tinymorph did not exit:\n{self.screen()}")


@pytest.fixture()
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    t = Tmux(tmp_path / "tmux.sock")
    try:
        yield t
    finally:
        t.cmd("kill-server", check=False)


def _type_then_kill(tmux: Tmux, path: Path) -> None:
    """Open `path`, type SETTLED, wait a second, type RUSHED and SIGKILL at once."""
    tmux.start([str(BINARY), str(path)])
    tmux.wait_for("first paragraph")
    tmux.type("Go")  # a new line at the end, in insert mode
    tmux.type(SETTLED)
    tmux.wait_for(SETTLED.strip())
    time.sleep(1.1)  # these words were typed more than a second before the kill
    tmux.type(RUSHED)
    os.kill(tmux.pid(), signal.SIGKILL)
    tmux.wait_exit()


def test_sigkill_mid_typing_then_recover_flag(tmux: Tmux, tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text(ORIGINAL)
    _type_then_kill(tmux, path)
    assert path.read_text() == ORIGINAL  # nothing was saved
    recovered = recovery.recover_text(path, ORIGINAL)
    assert SETTLED in recovered
    tmux.start([str(BINARY), "--recover", str(path)])
    tmux.wait_for("recovered")
    tmux.keys("Escape")
    tmux.type(":wq")
    tmux.keys("Enter")
    tmux.wait_exit()
    text = path.read_text()
    assert text.startswith(ORIGINAL)
    assert SETTLED in text
    assert recovery.find_journal(path) is None  # a clean quit removes the journal


def test_sigkill_then_answer_the_recovery_question(tmux: Tmux, tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text(ORIGINAL)
    _type_then_kill(tmux, path)
    tmux.start([str(BINARY), str(path)])
    tmux.wait_for("Unsaved changes found")
    tmux.type("d")
    tmux.wait_for("(recovered)")
    tmux.type("r")
    tmux.wait_for(SETTLED.strip())
    tmux.type(":wq")
    tmux.keys("Enter")
    tmux.wait_exit()
    assert SETTLED in path.read_text()
