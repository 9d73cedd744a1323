"""The cursor per mode: the terminal's own bar / underline where it has one (DECSCUSR),
the drawn block elsewhere; checked in the app (Pilot), in tmux and on a raw pty."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.ui.app import TinymorphApp
from tinymorph_tui.ui.terminal_cursor import (
    DEFAULT_SHAPE,
    HIDE,
    SHOW,
    TerminalCursor,
    shape_sequence,
)

BINARY = Path(sys.executable).with_name("tinymorph")


# -- what is sent -----------------------------------------------------------------------
def test_sequences_follow_the_mode_and_are_sent_only_on_change() -> None:
    cursor = TerminalCursor(enabled=True)
    assert cursor.update("normal") == ""  # hidden already (Textual hides it)
    assert cursor.update("insert") == shape_sequence(6) + SHOW
    assert cursor.update("insert") == ""
    assert cursor.update("replace") == shape_sequence(4)  # still visible: no SHOW again
    assert cursor.update("command") == shape_sequence(6)
    assert cursor.update("visual") == HIDE
    assert cursor.update("insert", visible=False) == ""  # a dialog holds the screen
    assert cursor.restore() == DEFAULT_SHAPE
    assert cursor.restore() == ""


def test_frames_are_written_with_the_cursor_hidden_only_while_it_is_shown() -> None:
    cursor = TerminalCursor(enabled=True)
    assert cursor.around_frame() == ("", "")
    cursor.update("insert")
    assert cursor.around_frame() == (HIDE, SHOW)


def test_terminals_without_decscusr_keep_the_drawn_block() -> None:
    from tinymorph_tui.ui.terminal_cursor import shapes_supported

    for term in ("xterm-256color", "screen-256color", "tmux-256color", "alacritty", "xterm-kitty"):
        assert shapes_supported(term), term
    # The Linux console would print the "q" of the sequence; dumb terminals know nothing.
    for term in ("linux", "linux-16color", "dumb", "vt100", "", "  "):
        assert not shapes_supported(term), term


def test_disabled_sends_nothing() -> None:
    cursor = TerminalCursor(enabled=False)
    assert cursor.update("insert") == ""
    assert cursor.modes == frozenset()
    assert cursor.restore() == ""


# -- the app ----------------------------------------------------------------------------
def _cell_style(app: TinymorphApp, x: int, y: int) -> Style:
    pos = 0
    for seg in app.view.render_line(y):
        if pos <= x < pos + len(seg.text):
            return seg.style or Style()
        pos += len(seg.text)
    raise AssertionError(f"no cell at {x},{y}")


async def test_insert_mode_shows_the_terminal_bar_and_draws_no_block() -> None:
    ed = Editor.from_text("hello world\n", options={"wrap": True})
    app = TinymorphApp(None, editor=ed, state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        app.use_terminal_cursor(True)  # (headless: decided and drawn, nothing written)
        await pilot.pause()
        block = _cell_style(app, 0, 0)
        assert block.bgcolor is not None  # normal mode: the drawn block
        assert app.terminal_cursor.shape is None
        await pilot.press("w", "i")
        await pilot.pause()
        assert app.terminal_cursor.shape == 6
        assert _cell_style(app, 6, 0).bgcolor != block.bgcolor  # no block at the bar
        assert app.cursor_position.x == 6 and app.cursor_position.y == 0
        await pilot.press("escape", "R")
        await pilot.pause()
        assert app.terminal_cursor.shape == 4
        await pilot.press("escape")
        await pilot.pause()
        assert app.terminal_cursor.shape is None
        assert _cell_style(app, 5, 0).bgcolor is not None  # the block is back


async def test_command_line_uses_the_bar_and_a_dialog_hides_it() -> None:
    ed = Editor.from_text("text\n")
    app = TinymorphApp(None, editor=ed, state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        app.use_terminal_cursor(True)
        await pilot.press("colon", "s", "e")
        await pilot.pause()
        assert app.terminal_cursor.shape == 6
        assert app.cursor_position.x == 3  # after ":se"
        line = app.cmdline.build()
        assert all(span.style == line.spans[0].style for span in line.spans)  # no block
        await pilot.press("escape", "i")
        await pilot.pause()
        assert app.terminal_cursor.shape == 6
        await pilot.press("f1")
        await pilot.pause()
        assert len(app.screen_stack) > 1
        app.refresh()
        await pilot.pause()
        assert app.terminal_cursor.shape is None  # not over the help screen


async def test_drawn_setting_keeps_the_block_in_insert_mode() -> None:
    ed = Editor.from_text("hello\n")
    app = TinymorphApp(None, editor=ed, state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        app.use_terminal_cursor(False)
        await pilot.press("i")
        await pilot.pause()
        assert app.terminal_cursor.shape is None
        assert _cell_style(app, 0, 0).bgcolor is not None


def test_config_accepts_terminal_and_drawn_only(tmp_path: Path) -> None:
    from tinymorph_tui.state.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[ui]\ncursor = "drawn"\n')
    assert load_config(path).get("ui", "cursor") == "drawn"
    path.write_text('[ui]\ncursor = "bar"\n')
    config = load_config(path)
    assert config.get("ui", "cursor") == "terminal"
    assert config.warnings or config.errors


# -- the real binary --------------------------------------------------------------------
needs_binary = pytest.mark.skipif(not BINARY.exists(), reason="tinymorph is not installed")


def _read(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
            if until is not None and until in out:
                break
    return out


@contextlib.contextmanager
def _spawned(path: Path, term: str) -> Iterator[int]:
    """The real binary editing `path` on a fresh 80x24 pty with TERM=`term`; yields the
    pty's fd and makes sure the process is gone afterwards."""
    import fcntl
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover (the child)
        os.environ["TERM"] = term
        os.execv(str(BINARY), [str(BINARY), str(path)])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        yield fd
    finally:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG)[0] == 0:
            time.sleep(0.1)
        if time.monotonic() >= deadline:  # still running: do not leave it behind
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)


@needs_binary
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_real_binary_sends_the_shapes_and_gives_the_shell_its_cursor_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.md"
    path.write_text("hello world\n", encoding="utf-8")
    with _spawned(path, "xterm-256color") as fd:
        assert b"world" in _read(fd, 30, until=b"world")
        _read(fd, 0.5)
        os.write(fd, b"i")
        inserted = _read(fd, 5, until=shape_sequence(6).encode())
        assert shape_sequence(6).encode() + SHOW.encode() in inserted
        os.write(fd, b"\x1b")
        time.sleep(0.2)
        os.write(fd, b"l")
        assert HIDE.encode() in _read(fd, 5, until=HIDE.encode())
        os.write(fd, b":q!\r")
        assert DEFAULT_SHAPE.encode() in _read(fd, 15)


@needs_binary
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_real_binary_on_the_linux_console_sends_no_shapes(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text("hello world\n", encoding="utf-8")
    with _spawned(path, "linux") as fd:
        seen = _read(fd, 30, until=b"world")
        assert b"world" in seen
        _read(fd, 0.5)
        os.write(fd, b"i")
        seen += _read(fd, 1.5)
        os.write(fd, b"\x1b")
        time.sleep(0.2)
        os.write(fd, b":q!\r")
        seen += _read(fd, 15)
    assert b" q" not in seen  # no DECSCUSR at all: the console would print its "q"


@needs_binary
@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_sees_the_cursor_where_text_goes(tmp_path: Path) -> None:
    from test_tmux_editor import Tmux

    path = tmp_path / "t.md"
    path.write_text("hello world\n", encoding="utf-8")
    keys = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    env = {k: os.environ[k] for k in keys if k in os.environ}
    env["TERM"] = "xterm-256color"
    tmux = Tmux([str(BINARY), str(path)], env)

    def cursor() -> str:
        return tmux._tmux("display", "-p", "-t", "0", "#{cursor_flag} #{cursor_x},#{cursor_y}")

    try:
        tmux.wait_for(lambda s: "NORMAL" in s and "hello" in s)
        assert cursor().split()[0] == "0"  # normal mode: the drawn block only
        tmux.send("w", "i")
        tmux.wait_for(lambda s: "INSERT" in s)
        assert cursor().strip() == "1 6,0"
        tmux.type("big ")
        tmux.wait_for(lambda s: "hello big world" in s)
        assert cursor().strip() == "1 10,0"
        tmux.send("Escape")
        tmux.wait_for(lambda s: "INSERT" not in s)
        assert cursor().split()[0] == "0"
    finally:
        tmux.kill()
