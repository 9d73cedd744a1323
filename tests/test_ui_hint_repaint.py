"""When the app repaints for a hint: the first ghost text at once, later chunks merged.

The controller's `on_change` fires for every streamed chunk and every state change; the
app draws the first ghost text of a quiet spell immediately (leading edge), merges the
changes that follow within HINT_REPAINT_S into one repaint (a new hint, when no ghost is on
screen, is drawn at once even then), and answers a change of state alone ("thinking…")
with the status line only.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from test_ui_app import view_rows

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.ui import app as app_module
from tinymorph_tui.ui.app import TinymorphApp


class StubController:
    """The part of HintController the app reads, with the hint set by the test."""

    def __init__(self) -> None:
        self.hint: Any = None
        self.state = "idle"
        self.reason = ""
        self.backend = SimpleNamespace(name="stub")
        self.enabled = True
        self.on_change: Any = None
        self.on_event: Any = None
        self.last_stats = None

    def on_mode(self, mode: str) -> None:
        pass

    def on_edit(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_cursor_moved(self) -> None:
        pass

    def set_hint(self, text: str, version: int) -> None:
        self.hint = SimpleNamespace(text=text, version=version, alternatives_count=1)


def make_app() -> tuple[TinymorphApp, StubController]:
    stub = StubController()
    ed = Editor.from_text("Once upon a time\n", options={"wrap": True})
    return TinymorphApp(None, editor=ed, hint_controller=stub, state=False), stub


def count_syncs(app: TinymorphApp) -> list[int]:
    calls: list[int] = []
    real = app.view.sync

    def sync(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        real(*args, **kwargs)

    app.view.sync = sync  # type: ignore[method-assign]
    return calls


async def test_first_ghost_text_is_drawn_at_once_then_changes_are_merged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A long merge window, so the second change surely falls inside it on a busy machine.
    monkeypatch.setattr(app_module, "HINT_REPAINT_S", 0.5)
    app, stub = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        app.feed("A")
        await pilot.pause()
        syncs = count_syncs(app)
        stub.set_hint(" over the hills", app.ed.doc.version)
        stub.on_change()
        assert len(syncs) == 1  # drawn before on_change returned: no timer, no frame wait
        assert app._hint_flush is None
        assert view_rows(app)[0].startswith("Once upon a time over the hills")
        stub.set_hint(" over the hills and", app.ed.doc.version)
        stub.on_change()
        stub.set_hint(" over the hills and far", app.ed.doc.version)
        stub.on_change()
        assert len(syncs) == 1  # merged into one repaint at the end of the window
        assert app._hint_flush is not None
        for _ in range(300):
            if app._hint_flush is None:
                break
            await asyncio.sleep(0.01)
        assert len(syncs) == 2
        assert view_rows(app)[0].startswith("Once upon a time over the hills and far")
        # The next key hides the ghost; the next hint is new and is drawn at once, even
        # inside the merge window.
        app.feed("x")
        await pilot.pause()
        assert app._ghost_drawn is None
        count = len(syncs)
        stub.set_hint(" again", app.ed.doc.version)
        stub.on_change()
        assert len(syncs) == count + 1 and app._hint_flush is None
        assert view_rows(app)[0].startswith("Once upon a timex again")


async def test_a_state_change_alone_repaints_only_the_status_line() -> None:
    app, stub = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        app.feed("A")
        await pilot.pause()
        syncs = count_syncs(app)
        stub.state = "thinking"
        stub.on_change()
        assert syncs == []  # no ghost change: the text is not repainted
        assert app._hint_flush is None
        assert "thinking" in app.status.plain
        # so the first ghost text that follows is still drawn at once
        stub.state = "streaming"
        stub.set_hint(" over", app.ed.doc.version)
        stub.on_change()
        assert len(syncs) == 1
        assert view_rows(app)[0].startswith("Once upon a time over")


def _max_fps(env_fps: str | None) -> int:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if env_fps is not None:
        env["TEXTUAL_FPS"] = env_fps
    code = "import tinymorph_tui.ui.app, textual.constants as c; print(c.MAX_FPS)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def test_repaints_are_paced_at_240_fps_unless_the_user_says_otherwise() -> None:
    # Textual's 60 fps slot made a hint landing just after the key's frame wait ~17 ms.
    assert _max_fps(None) == 240
    assert _max_fps("90") == 90
