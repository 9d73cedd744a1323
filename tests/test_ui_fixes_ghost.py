"""QA fixes for ghost text: one cursor at the end of a line, wrapped further hint lines."""

from __future__ import annotations

from test_ui_app import view_rows
from test_ui_hints import make_app, wait_hint

from tinymorph_tui.ui import chrome


def cursor_cells(app, y: int) -> list[int]:
    """Columns of row `y` drawn with the insert cursor's colours."""
    cursor = chrome.resolve(app.theme_obj, "ui.cursor.insert")
    xs, x = [], 0
    for seg in app.view.render_line(y):
        style = seg.style
        for _ in seg.text:
            if style is not None and cursor.bgcolor is not None and style.bgcolor == cursor.bgcolor:
                xs.append(x)
            x += 1
    return xs


async def test_one_cursor_when_typing_at_the_end_of_a_line_with_a_hint() -> None:
    app, _ = make_app("Once upon a time\n")
    async with app.run_test(size=(60, 8)) as pilot:
        app.feed("A")
        await wait_hint(app, pilot)
        assert view_rows(app)[0].startswith("Once upon a time over the hills")
        assert cursor_cells(app, 0) == [16]  # on the hint's first cell, not also after it
        app.feed(" ")  # type-through: the hint stays, the cursor moves with it
        await pilot.pause()
        if app.controller.hint is not None:
            assert len(cursor_cells(app, 0)) == 1


async def test_further_hint_lines_wrap_like_text() -> None:
    long_line = "and then the dragon flew over the sleeping village without a sound"
    app, _ = make_app("Once\n", hint=f" upon\n{long_line}\nend")
    async with app.run_test(size=(30, 10)) as pilot:
        app.feed("A")
        await wait_hint(app, pilot)
        rows = view_rows(app)
        assert rows[0].startswith("Once upon")
        shown = " ".join(r.strip() for r in rows[1:5])
        assert long_line in shown  # nothing cut at the window's edge
        assert any(r.strip() == "end" for r in rows[1:6])
        assert all(len(r) <= 30 for r in rows)
