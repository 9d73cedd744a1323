"""Writer journeys through the real `tinymorph` binary in tmux (QA, helper H11).

Each test drives the installed console script in a real terminal, as a writer would, and
checks what ends up on screen and on disk: Vim editing and saving, help and the pending-key
popup, resizing, live colour schemes, bad paths and a broken config file, hints toggles,
the headless CLI, and (with the real model from TINYMORPH_TEST_MODEL) word-by-word hint
acceptance, dismissal and contrastive feature definition.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BINARY = Path(sys.executable).with_name("tinymorph")

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not BINARY.exists(), reason="the tinymorph console script is missing"),
]


class Pane:
    """One private tmux server (its own socket) running one command in one pane."""

    def __init__(self, command: list[str], *, width: int = 80, height: int = 24) -> None:
        self.socket = f"tinymorph-qa-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k.startswith("XDG_")}
        env.update(TERM="xterm-256color", LANG="C.UTF-8", HOME=os.environ.get("HOME", "/root"))
        line = " ".join(
            ["exec", "env", "-i", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
             *(shlex.quote(c) for c in command)]
        )  # fmt: skip
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), line)

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, check=False, timeout=30,
        )  # fmt: skip
        return out.stdout

    def keys(self, *names: str) -> None:
        """Send tmux key names (Escape, Enter, C-l, F1...), one at a time."""
        for name in names:
            self._tmux("send-keys", "-t", "0", name)

    def type(self, text: str) -> None:
        """Type literal text."""
        self._tmux("send-keys", "-t", "0", "-l", "--", text)

    def ex(self, command: str) -> None:
        """Type an ex command line and Enter (from normal mode)."""
        self.type(":" + command)
        self.keys("Enter")

    def escape(self) -> None:
        """Escape, then wait for normal mode: a key right after Escape would read as Alt+key."""
        self.keys("Escape")
        self.wait_for(lambda s: " NORMAL " in s)

    def screen(self, *, styled: bool = False) -> str:
        """The visible pane (with SGR escapes when styled)."""
        return self._tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", "0")

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 20.0) -> str:
        """Poll until predicate(screen) holds; return that screen."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"timed out; the screen was:\n{screen}")

    def resize(self, width: int, height: int) -> None:
        """Resize the window (the program gets SIGWINCH)."""
        self._tmux("resize-window", "-t", "0", "-x", str(width), "-y", str(height))

    def alive(self) -> bool:
        """Whether the program still runs."""
        result = subprocess.run(
            ["tmux", "-L", self.socket, "has-session"], capture_output=True, check=False
        )
        return result.returncode == 0

    def wait_exit(self, timeout: float = 15.0) -> None:
        """Wait for the program (and so the session) to end."""
        end = time.monotonic() + timeout
        while self.alive() and time.monotonic() < end:
            time.sleep(0.05)
        assert not self.alive(), self.screen()

    def kill(self) -> None:
        """Stop the tmux server."""
        self._tmux("kill-server")


@pytest.fixture
def pane_factory() -> Iterator[Callable[..., Pane]]:
    """Start panes; every one is killed at the end of the test."""
    panes: list[Pane] = []

    def start(*args: str, width: int = 80, height: int = 24) -> Pane:
        pane = Pane([str(BINARY), *args], width=width, height=height)
        panes.append(pane)
        return pane

    yield start
    for pane in panes:
        pane.kill()


def _normal(screen: str) -> bool:
    return " NORMAL " in screen


def _background(styled_row: str) -> str | None:
    """The first background colour SGR parameter of a captured row ("48;5;16", "48;2;...")."""
    match = re.search(r"\x1b\[[0-9;]*?(48;(?:5;\d+|2;\d+;\d+;\d+))", styled_row)
    return match.group(1) if match else None


def test_vim_editing_journey_saves_exactly_what_vim_would(
    tmp_path: Path, pane_factory: Callable[..., Pane]
) -> None:
    path = tmp_path / "fox.md"
    path.write_text(
        "The quick brown fox jumps over the lazy dog.\nA second line to delete.\nThe end.\n",
        encoding="utf-8",
    )
    pane = pane_factory(str(path))
    pane.wait_for(lambda s: _normal(s) and "lazy dog" in s)
    pane.keys("d", "w")  # dw
    pane.keys("w", "c", "i", "w")  # ciw on "brown"
    pane.wait_for(lambda s: " INSERT " in s)
    pane.type("slow")
    pane.escape()
    pane.wait_for(lambda s: "quick slow fox" in s)
    pane.keys("u")
    pane.wait_for(lambda s: "quick brown fox" in s)
    pane.keys("C-r")
    pane.wait_for(lambda s: "quick slow fox" in s)
    pane.type("/lazy")
    pane.keys("Enter")
    pane.type("cw")
    pane.wait_for(lambda s: " INSERT " in s)
    pane.type("sleepy")
    pane.escape()
    pane.keys("j", "V", "d")  # delete the second line, linewise visual
    pane.ex("%s/The end/THE END/")
    pane.wait_for(lambda s: "THE END." in s and "second line" not in s)
    pane.ex("w")
    pane.wait_for(lambda s: re.search(r"2L, 51B", s) is not None and "[+]" not in s)
    assert (
        path.read_text(encoding="utf-8") == "quick slow fox jumps over the sleepy dog.\nTHE END.\n"
    )
    # Nothing unsaved now: :q leaves at once.
    pane.ex("q")
    pane.wait_exit()


def test_help_and_pending_key_popup_come_and_go_without_editing(
    tmp_path: Path, pane_factory: Callable[..., Pane]
) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nA line.\n", encoding="utf-8")
    pane = pane_factory(str(path))
    pane.wait_for(lambda s: _normal(s) and "A line." in s)
    pane.ex("help")
    pane.wait_for(lambda s: "tinymorph help" in s and "Normal mode" in s)
    pane.keys("q")
    pane.wait_for(lambda s: "tinymorph help" not in s and "# Notes" in s)
    pane.keys("F1")
    pane.wait_for(lambda s: "tinymorph help" in s)
    pane.keys("Escape")
    pane.wait_for(lambda s: "tinymorph help" not in s)
    # A pending "g" lists its continuations (gg among them); Escape cancels it.
    pane.keys("g")
    pane.wait_for(lambda s: "(gg)" in s)
    pane.keys("Escape")
    screen = pane.wait_for(lambda s: "(gg)" not in s)
    assert "[+]" not in screen
    pane.ex("q")  # refused if anything had been edited
    pane.wait_exit()
    assert path.read_text(encoding="utf-8") == "# Notes\n\nA line.\n"


def test_resize_rewraps_prose_and_the_status_line_follows(
    tmp_path: Path, pane_factory: Callable[..., Pane]
) -> None:
    path = tmp_path / "long.md"
    words = " ".join(f"word{i:02d}" for i in range(25))  # 174 columns: two rows at 100
    path.write_text(words + "\nlast line\n", encoding="utf-8")
    pane = pane_factory(str(path), width=100, height=20)
    screen = pane.wait_for(lambda s: _normal(s) and "last line" in s)
    rows = screen.splitlines()
    assert rows[0].startswith("word00") and rows[2].startswith("last line")
    pane.resize(40, 20)
    screen = pane.wait_for(lambda s: s.splitlines()[0].rstrip().endswith("word04"))
    rows = screen.splitlines()
    # 'linebreak': rows break between words, never inside one.
    prose = rows[:5]  # 174 columns at 40 a row, broken between words: five rows
    assert all(re.fullmatch(r"(word\d\d )+", row.rstrip() + " ") for row in prose), prose
    assert " ".join(" ".join(prose).split()) == words
    assert rows[5].startswith("last line")
    status = next(row for row in rows if " NORMAL " in row)
    assert len(status.rstrip()) <= 40 and "1:1" in status


def test_colorscheme_switches_live_and_unknown_names_are_refused(
    tmp_path: Path, pane_factory: Callable[..., Pane]
) -> None:
    path = tmp_path / "c.md"
    path.write_text("Plain prose here.\n", encoding="utf-8")
    pane = pane_factory(str(path))
    pane.wait_for(lambda s: _normal(s) and "Plain prose" in s)
    dark = _background(pane.screen(styled=True).splitlines()[0])
    pane.ex("colorscheme light")
    end = time.monotonic() + 10
    light = dark
    while light == dark and time.monotonic() < end:
        time.sleep(0.05)
        light = _background(pane.screen(styled=True).splitlines()[0])
    assert dark is not None and light is not None and light != dark
    pane.ex("colorscheme nosuchtheme")
    pane.wait_for(lambda s: "E185" in s and "nosuchtheme" in s)
    pane.ex("colorscheme")
    pane.wait_for(lambda s: s.splitlines()[-1].strip() == "light")


def test_bad_paths_are_refused_with_one_line_and_nothing_written(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    before = binary.read_bytes()
    for target, words in ((folder, "directory"), (binary, "binary")):
        result = subprocess.run(
            [str(BINARY), str(target)], capture_output=True, text=True, timeout=30,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], result.stderr
        assert "Traceback" not in result.stderr
    assert binary.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "image.bin"]


def test_broken_config_is_reported_and_the_editor_still_saves(
    tmp_path: Path, pane_factory: Callable[..., Pane]
) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tinymorph" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[editor\ntextwidth = 'x'\n", encoding="utf-8")
    path = tmp_path / "draft.md"
    pane = pane_factory(str(path))
    # The error wraps over as many rows as it needs (where it wraps depends on the length
    # of the temporary path, so compare without white space): the cause and "using
    # defaults" are both on screen.
    pane.wait_for(
        lambda s: _normal(s)
        and "config.toml:invalidTOML" in "".join(s.split())
        and "usingdefaults" in "".join(s.split())
    )
    pane.keys("i")
    pane.wait_for(lambda s: " INSERT " in s)
    pane.type("Still writing.")
    pane.escape()
    pane.ex("wq")
    pane.wait_exit()
    assert path.read_text(encoding="utf-8") == "Still writing.\n"
    assert config.read_text(encoding="utf-8") == "[editor\ntextwidth = 'x'\n"


def test_hint_toggles_and_cli_with_the_tiny_model(
    tmp_path: Path, pane_factory: Callable[..., Pane], tiny_model_path: Path
) -> None:
    result = subprocess.run(
        [str(BINARY), "complete", "--model", str(tiny_model_path), "--prompt", "Once",
         "--max-tokens", "4", "--seed", "1", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"text", "tokens", "ttft_ms", "tokens_per_s"} <= set(data)
    assert 0 < data["tokens"] <= 4

    path = tmp_path / "t.md"
    pane = pane_factory("--model", str(tiny_model_path), str(path), width=100)
    pane.wait_for(lambda s: _normal(s) and "local:tiny.gguf" in s)
    pane.keys("F2")
    pane.wait_for(lambda s: "hints off" in s)
    pane.keys("F2")
    pane.wait_for(lambda s: "hints off" not in s.splitlines()[-2] and "local:tiny" in s)
    pane.keys("F4")
    pane.wait_for(lambda s: "hint stats on" in s)


def test_real_model_hint_accepts_one_word_then_dismisses(
    tmp_path: Path, pane_factory: Callable[..., Pane], real_model_path: Path
) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tinymorph" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[hints]\ndebounce_ms = 30\nprefetch = false\n", encoding="utf-8")
    path = tmp_path / "story.md"
    typed = "Once upon a time"
    pane = pane_factory("--model", str(real_model_path), str(path), width=100)
    pane.wait_for(_normal)
    pane.keys("i")
    pane.wait_for(lambda s: " INSERT " in s)
    pane.type(typed)
    screen = pane.wait_for(lambda s: len(s.splitlines()[0].rstrip()) > len(typed) + 8, timeout=60)
    shown = screen.splitlines()[0].rstrip()
    pane.keys("C-l")  # accept the next word only
    pane.keys("C-]")  # then dismiss the rest
    pane.wait_for(lambda s: len(s.splitlines()[0].rstrip()) < len(shown))
    pane.escape()
    pane.ex("wq")
    pane.wait_exit()
    text = path.read_text(encoding="utf-8").rstrip("\n")
    assert text.startswith(typed) and len(text) > len(typed)
    assert shown.startswith(text)  # what was taken is the hint's start
    assert len(text.split()) <= len(typed.split()) + 1  # one word, not the whole hint


def test_real_model_feature_define_list_show(real_model_path: Path) -> None:
    model = ["--model", str(real_model_path)]
    define = subprocess.run(
        [str(BINARY), "features", "define", "cheer", *model, "--layer", "2",
         "--positive", "She was very happy and smiled.",
         "--negative", "She was very sad and cried."],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert define.returncode == 0, define.stderr
    listed = subprocess.run(
        [str(BINARY), "features", "list", *model],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert re.search(r"^cheer\s+L2\b", listed.stdout, re.M), listed.stdout
    shown = subprocess.run(
        [str(BINARY), "features", "show", "cheer", *model],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0 and "suppresses" in shown.stdout
