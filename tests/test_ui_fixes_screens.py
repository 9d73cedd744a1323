"""QA fixes: help toggling, the 16-colour theme's terminal colours, saved register sizes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.state.store import open_store
from tinymorph_tui.ui.app import TinymorphApp


async def test_f1_inside_help_closes_it() -> None:
    from tinymorph_tui.ui.help_screen import HelpScreen

    app = TinymorphApp(None, editor=Editor.from_text("abc\n"), state=False)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert len(app.screen_stack) == 1
        await pilot.press("i", "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert len(app.screen_stack) == 1


async def test_ansi16_uses_the_terminal_palette_and_default_background() -> None:
    app = TinymorphApp(None, editor=Editor.from_text("abc\n"), theme="ansi16", state=False)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        assert app.native_ansi_color  # ANSI codes go out, not RGB guesses
        assert app.current_theme.background == "ansi_default"
        style = app.view._style("ui.background", "ui.text")
        assert style.bgcolor is None or style.bgcolor.is_default
        app.feed(":colorscheme default<CR>")
        await pilot.pause()
        assert not app.native_ansi_color


def test_registers_over_10_kib_are_not_saved(tmp_path: Path) -> None:
    path = tmp_path / "book.md"
    path.write_text("".join(f"line {i} " + "x" * 100 + "\n" for i in range(200)))
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(60, 10)) as pilot:
            await pilot.pause()
            app.feed('"ayy"bdG')  # a small named register, then a 21 KB delete
            await pilot.pause()
            app.feed(":q!<CR>")
            await pilot.pause()

    asyncio.run(go())
    store, _warnings = open_store()
    assert store is not None
    saved = {name: text for name, text, _kind in store.registers()}
    assert saved.get("a", "").startswith("line 0 ")
    assert all(len(text.encode()) <= 10 * 1024 for text in saved.values())
    assert '"' not in saved and "1" not in saved  # the big delete was left out
