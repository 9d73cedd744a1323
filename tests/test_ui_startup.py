"""Start-up: the first frame shows the file, and nothing the first frame does not need is
loaded before it (the speed itself is measured by benchmarks/bench_ui.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tinymorph_tui.ui.app import TinymorphApp

TEXT = "# Notes\n\nThe first line of prose.\n" + "".join(f"line {i}\n" for i in range(60))


def _frame_text(renderable: Any) -> list[str]:
    """The rows of a full frame (Textual's LayoutUpdate), or [] for a partial one."""
    strips = getattr(renderable, "strips", None)
    if not strips:
        return []
    return ["".join(segment.text for segment in strip) for strip in strips]


class _Recording(TinymorphApp):
    """Keeps every frame handed to the terminal, with whether first_paint_at was set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames: list[tuple[list[str], bool]] = []

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames.append((_frame_text(renderable), self.first_paint_at is not None))


async def test_the_first_frame_shows_the_text_and_is_the_first_paint(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(TEXT, encoding="utf-8")
    app = _Recording(path)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        assert app.first_paint_at is not None
        first_rows, painted = app.frames[0]
        # Before the fix the first frame was an empty window (the view laid itself out
        # only when the Resize event came, one frame later).
        assert first_rows[0].startswith("# Notes")
        assert first_rows[2].startswith("The first line of prose.")
        assert "notes.md" in "".join(first_rows)  # the status line is in it too
        assert painted  # ... and that very frame is the one reported as the first paint


async def test_after_first_paint_work_runs_once(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(TEXT, encoding="utf-8")
    app = TinymorphApp(path)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause(0.05)
        session = app.session
        assert session is not None and session._started
        timer = session._timer
        app._after_first_paint()  # the fallback firing late must not start it all again
        assert session._timer is timer


async def test_a_resize_is_drawn_at_the_new_width_in_its_own_frame() -> None:
    from tinymorph_tui.core.editor import Editor

    ed = Editor.from_text("word " * 40 + "\n", options={"wrap": True, "linebreak": True})
    app = _Recording(None, editor=ed, state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        app.frames.clear()
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        full = [rows for rows, _ in app.frames if rows]
        assert full, "no full frame after the resize"
        assert all(len(row) == 30 for row in full[0])
        assert full[0][0].rstrip() == ("word " * 6).rstrip()  # wrapped at the new width


STARTUP_PROBE = r"""
import sys
from tinymorph_tui.ui.app import TinymorphApp
app = TinymorphApp(sys.argv[1])
print(" ".join(sorted(sys.modules)))
"""

#: Not needed to show the first screen of a file; each once cost start-up time.
NOT_AT_START = (
    "tinymorph_tui.core.ex_commands",  # the ex machinery waits for the first ':'
    "tinymorph_tui.core.ex_parse",
    "tinymorph_tui.core.vim_regex",
    "tinymorph_tui.core.search",
    "tinymorph_tui.syntax.markdown",  # the highlighter starts after the first paint
    "tinymorph_tui.hints.controller",
    "tinymorph_tui.state.recovery",
    "tree_sitter",
    "llama_cpp",
    "numpy",
    "httpx",
    "json",
    "secrets",
    "tomllib",  # theme, hint keys and config come from the parse cache
)


def test_making_the_app_loads_nothing_the_first_frame_does_not_need(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(TEXT, encoding="utf-8")
    env = {**os.environ}

    def modules() -> set[str]:
        out = subprocess.run(
            [sys.executable, "-c", STARTUP_PROBE, str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return set(out.strip().splitlines()[-1].split())

    modules()  # the first start fills the keymap and TOML caches
    loaded = modules()
    assert "tinymorph_tui.core.editor" in loaded  # (the probe did build the app)
    assert sorted(m for m in NOT_AT_START if m in loaded) == []
