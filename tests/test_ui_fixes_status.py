"""QA fixes for the status line and the message line: nothing important is dropped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tinymorph_tui.state.config import load_config
from tinymorph_tui.ui.app import TinymorphApp
from tinymorph_tui.ui.chrome import shorten_middle
from tinymorph_tui.ui.status_line import StatusInfo, StatusLine, hint_forms

STATS = "local:stories260K.gguf: writing… · TTFT 120 ms · 35.2 tok/s · 12 tok · 0 cached"
LONG_NAME = "drafts/2026/novel/part-two/chapter-seventeen-the-harbour.md"


def build(width: int, **fields: object) -> str:
    line = StatusLine()
    line.info = StatusInfo(**fields)  # type: ignore[arg-type]
    text = line.build(width).plain
    assert len(text) <= width
    return text


def test_shorten_middle_keeps_both_ends() -> None:
    assert shorten_middle("short", 10) == "short"
    cut = shorten_middle('"/home/writer/drafts/fox.md" 2L, 51B written', 30)
    assert len(cut) == 30 and "…" in cut
    assert cut.endswith("written") and cut.startswith('"/home')
    assert shorten_middle("漢字漢字漢字漢字", 7).count("…") == 1


def test_hint_forms_go_from_long_to_short() -> None:
    forms = hint_forms(STATS)
    assert forms[0] == STATS
    assert forms[1] == "local:stories260K.gguf: writing… · 120ms 35t/s"
    assert forms[-1] == "writing…"
    assert hint_forms("model error: refused", error=True) == ["model error: refused"]


def test_stats_at_100_columns_keep_the_hint_state() -> None:
    text = build(100, name=LONG_NAME, hint=STATS, modified=True)
    assert "writing…" in text
    assert "1:1" in text and "NORMAL" in text and "[+]" in text
    assert "harbour.md" in text  # the end of the name stays


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_an_error_is_always_visible(width: int) -> None:
    text = build(
        width,
        name=LONG_NAME,
        hint="model error: connection refused",
        hint_error=True,
        steering="steer joy+0.5",
    )
    assert "model error" in text
    assert "NORMAL" in text and "1:1" in text


def test_the_name_is_shortened_in_the_middle_not_dropped() -> None:
    text = build(60, name=LONG_NAME, hint="local:m.gguf: ready")
    assert "…" in text and "harbour.md" in text and "drafts" in text
    assert "ready" in text


def test_steering_goes_before_the_hint_state() -> None:
    text = build(50, name=LONG_NAME, hint="local:m.gguf: ready", steering="steer joy+0.5 calm-1")
    assert "ready" in text and "steer" not in text


def test_a_missing_model_says_so_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[model]\npath = "{tmp_path / "nope.gguf"}"\n')
    monkeypatch.delenv("TINYMORPH_MODEL", raising=False)
    monkeypatch.delenv("TINYMORPH_SERVER", raising=False)
    app = TinymorphApp(tmp_path / "a.md", config=load_config(cfg), state=False)

    async def go() -> None:
        async with app.run_test(size=(100, 10)) as pilot:
            for _ in range(100):  # the backend is made and loaded by a worker thread
                await pilot.pause(0.02)
                if "model error" in app.status.plain:
                    break
            assert "model error" in app.status.plain
            assert "ready" not in app.status.plain
            assert app.ed.message_is_error and "model error" in app.ed.message

    asyncio.run(go())


async def test_long_message_keeps_its_end(tmp_path: Path) -> None:
    from tinymorph_tui.core.editor import Editor

    deep = tmp_path / ("d" * 70)
    deep.mkdir()
    path = deep / "fox.md"
    ed = Editor.from_text("the quick\nbrown fox\n")
    ed.doc.path = path
    app = TinymorphApp(path, editor=ed, state=False)
    async with app.run_test(size=(50, 8)) as pilot:
        app.feed(":w<CR>")
        await pilot.pause()
        shown = app.cmdline.build().plain
        assert shown.rstrip().endswith("written"), shown
        assert "…" in shown


async def test_ctrl_c_in_normal_mode_says_how_to_quit() -> None:
    from tinymorph_tui.core.editor import Editor

    app = TinymorphApp(None, editor=Editor.from_text("abc\n"), state=False)
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert ":qa!" in app.ed.message
        assert app.ed.mode == "normal"


async def test_visual_mode_clears_an_old_message() -> None:
    from tinymorph_tui.core.editor import Editor

    app = TinymorphApp(None, editor=Editor.from_text("abc\n"), state=False)
    async with app.run_test(size=(80, 8)) as pilot:
        app.ed.set_message("an old message")
        await pilot.press("v")
        await pilot.pause()
        assert app.cmdline.build().plain.strip() == "-- VISUAL --"


async def test_a_backend_error_stays_in_the_status_line_and_is_said_once() -> None:
    from test_ui_hints import make_app

    from tinymorph_tui.inference.types import BackendError

    app, backend = make_app("Once upon a time\n")
    backend.error = BackendError("server down (connection refused at http://h:8080)")
    async with app.run_test(size=(60, 8)) as pilot:
        app.feed("A")
        for _ in range(100):
            await pilot.pause(0.02)
            if app.controller.state == "error":
                break
        await pilot.pause()
        assert "model error" in app.status.plain  # at 60 columns, with a long file name
        assert app.ed.message_is_error and "server down" in app.ed.message
        app.ed.set_message("")
        app.feed("x")  # the same error again: not said a second time
        for _ in range(20):
            await pilot.pause(0.02)
        assert "model error" in app.status.plain
        assert app.ed.message == ""


async def test_a_loading_model_shows_how_much_is_read() -> None:
    from test_ui_hints import make_app

    app, backend = make_app("Once upon a time\n")
    async with app.run_test(size=(80, 8)) as pilot:
        backend.state = "loading"  # as LocalBackend is while llama.cpp reads the file
        app._update_status()
        await pilot.pause()
        assert "loading…" in app.status.plain
        backend.load_fraction = 0.42
        app._load_progressed(0.42)  # (from the loading thread: posted, throttled)
        await pilot.pause()
        assert "loading 42%…" in app.status.plain
        backend.state = "ready"
        app._update_status()
        await pilot.pause()
        assert "loading" not in app.status.plain


async def test_a_long_error_is_wrapped_not_cut() -> None:
    """A config error with a deep path lost its cause past the terminal's width."""
    from tinymorph_tui.core.editor import Editor

    app = TinymorphApp(None, editor=Editor.from_text("text\n"), state=False)
    error = "/home/writer/.config/tinymorph/config.toml: invalid TOML (Expected ']' at line 1); using defaults"
    async with app.run_test(size=(40, 10)) as pilot:
        app._set_message(error, True)
        await pilot.pause()
        rows = app.cmdline.build().plain.split("\n")
        assert len(rows) == 3 and all(len(row) <= 40 for row in rows)
        assert "".join(rows) == error
        assert app.cmdline.size.height == 3  # the command line grew to show it all
        drawn = [app.cmdline.render_line(y).text for y in range(3)]
        assert "".join(d.rstrip() for d in drawn).endswith("using defaults")
        app._set_message("", False)
        await pilot.pause()
        assert app.cmdline.size.height == 1
