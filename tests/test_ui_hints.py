"""Ghost text in the app: drawing, type-through, accept keys, dismissal, toggles."""

from __future__ import annotations

import asyncio

from rich.style import Style
from test_ui_app import has, style_at, type_keys, view_rows

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.hints.controller import HintController
from tinymorph_tui.hints.scripted import ScriptedBackend
from tinymorph_tui.ui import chrome
from tinymorph_tui.ui.app import TinymorphApp

HINT = " over the hills. And far away"


def make_app(text: str = "Once upon a time\n", hint: str = HINT, **backend_kw):
    backend = ScriptedBackend(text=hint, **backend_kw)
    controller = HintController(
        backend, debounce_ms=0, adaptive_debounce=False, prefetch=False, max_words=40
    )
    ed = Editor.from_text(text, options={"wrap": True, "linebreak": True})
    app = TinymorphApp(None, editor=ed, backend=backend, hint_controller=controller, state=False)
    return app, backend


async def wait_hint(app, pilot, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while app.controller.hint is None or app.controller.state != "idle":
        if loop.time() > end:
            raise AssertionError(f"no hint: state={app.controller.state} {app.controller.reason}")
        await pilot.pause(0.02)
    await pilot.pause()


async def test_ghost_text_appears_after_the_cursor_and_is_not_in_the_document():
    app, backend = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        assert view_rows(app)[0].startswith("Once upon a time over the hills. And far away")
        ghost = chrome.resolve(app.theme_obj, "ui.virtual.ghost")
        assert has(style_at(app, 17, 0), ghost)
        assert not has(style_at(app, 3, 0), ghost)
        # The cursor sits on the first ghost cell, drawn as the insert cursor.
        assert has(style_at(app, 16, 0), chrome.resolve(app.theme_obj, "ui.cursor.insert"))
        assert app.ed.doc.line(0) == "Once upon a time"
        assert backend.requests and backend.requests[-1].prompt.endswith("Once upon a time")
        assert "ready" in app.status.plain or "scripted" in app.status.plain
        await type_keys(pilot, "<Esc>")
        assert app.controller.hint is None
        assert view_rows(app)[0].rstrip() == "Once upon a time"


async def test_typing_through_the_hint_consumes_it():
    app, _ = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, " ov")
        assert app.controller.hint is not None
        assert app.controller.hint.text.startswith("er the hills")
        assert view_rows(app)[0].startswith("Once upon a time over the hills")
        assert app.ed.doc.line(0) == "Once upon a time ov"


async def test_tab_accepts_all_as_one_undo_step():
    app, _ = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, "<Tab>")
        assert app.ed.doc.line(0) == "Once upon a time" + HINT
        assert app.ed.cursor == (0, len("Once upon a time" + HINT))
        await type_keys(pilot, "<Esc>u")
        assert app.ed.doc.line(0) == "Once upon a time"


async def test_tab_without_a_hint_inserts_a_tab():
    app, _ = make_app(hint="")
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "I<Tab>")
        assert app.ed.doc.line(0).startswith("\t") or app.ed.doc.line(0).startswith(" ")
        assert app.ed.doc.line(0).endswith("Once upon a time")


async def test_accept_word_with_ctrl_right_and_ctrl_l():
    app, _ = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, "<C-Right>")
        assert app.ed.doc.line(0) == "Once upon a time over"
        await type_keys(pilot, "<C-l>")
        assert app.ed.doc.line(0) == "Once upon a time over the"
        assert app.controller.hint.text.startswith(" hills")


async def test_accept_sentence_with_ctrl_e():
    app, _ = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, "<C-e>")
        assert app.ed.doc.line(0) == "Once upon a time over the hills."


async def test_multiline_hint_draws_virtual_lines_and_accept_line_takes_one():
    app, _ = make_app(hint=" and then\nthe end came\nquietly")
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        rows = view_rows(app)
        assert rows[0].startswith("Once upon a time and then")
        assert rows[1].startswith("the end came")
        assert rows[2].startswith("quietly")
        assert app.ed.doc.line_count == 2  # the document's own lines only
        await type_keys(pilot, "<C-j>")
        assert app.ed.doc.line(0) == "Once upon a time and then"
        assert app.ed.doc.line_count == 2


async def test_dismiss_hides_the_hint():
    app, _ = make_app()
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, "<C-]>")
        assert app.controller.hint is None
        assert view_rows(app)[0].rstrip() == "Once upon a time"
        assert app.ed.mode == "insert"


async def test_cycle_asks_for_an_alternative():
    texts = iter([" first idea.", " second idea.", " third idea."])
    app, backend = make_app()
    backend.respond = lambda req: next(texts)
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        assert app.controller.hint.text == " first idea."
        await type_keys(pilot, "<C-n>")
        await pilot.pause(0.05)
        await wait_hint(app, pilot)
        assert app.controller.hint.text == " second idea."
        assert "[2/2]" in app.status.plain


async def test_f2_toggles_hints_and_f4_toggles_inline_stats():
    app, _ = make_app()
    async with app.run_test(size=(80, 8)) as pilot:
        await type_keys(pilot, "A")
        await wait_hint(app, pilot)
        await type_keys(pilot, "<F4>")
        assert app.show_stats
        rows = view_rows(app)
        assert "TTFT" in rows[1]
        await type_keys(pilot, "<F2>")
        assert not app.controller.enabled
        assert app.controller.hint is None
        assert "hints off" in app.status.plain
        await type_keys(pilot, "<Esc>:hints on<CR>")
        assert app.controller.enabled


async def test_typing_never_waits_for_a_slow_model():
    app, backend = make_app(first_delay=5.0)
    async with app.run_test(size=(60, 8)) as pilot:
        await type_keys(pilot, "A")
        await pilot.pause(0.05)
        assert app.controller.state in ("thinking", "streaming")
        await type_keys(pilot, " and")
        assert app.ed.doc.line(0) == "Once upon a time and"
        assert app.controller.hint is None


async def test_no_model_says_how_to_configure_one():
    ed = Editor.from_text("text\n")
    app = TinymorphApp(None, editor=ed, state=False)
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        assert "no model" in app.status.plain
        await type_keys(pilot, "A")
        assert app.controller.hint is None


def test_ghost_styles_exist_in_every_theme():
    from tinymorph_tui.theme.loader import available_themes, load_theme

    for name in available_themes():
        theme = load_theme(name)
        assert chrome.resolve(theme, "ui.virtual.ghost") != Style()


async def test_steering_changes_reach_the_controller_and_the_status_line():
    from tinymorph_tui.ui.feature_panel import FeaturePanel

    app, _ = make_app()
    async with app.run_test(size=(100, 8)) as pilot:
        app.post_message(FeaturePanel.SteeringChanged({"joy": 0.5, "sea": 0.0}))
        await pilot.pause()
        assert app.controller.steering == {"joy": 0.5}
        assert "steer joy+0.5" in app.status.plain


def test_keys_doc_lists_every_shell_binding():
    import tomllib
    from pathlib import Path

    from tinymorph_tui.core.keys import keys_to_notation, parse_keys
    from tinymorph_tui.ui.shell_commands import hints_keymap_path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "keys.md").read_text()
    data = tomllib.loads(hints_keymap_path().read_text())
    for table in data.values():
        for keys, command in table.items():
            note = keys_to_notation(parse_keys(keys))
            assert f"`{note}` | `{command}`" in doc, (keys, command)
