"""SVG snapshots of the editor in each shipped theme: normal, insert, visual, command line.

Update after a deliberate visual change with
`.venv/bin/python -m pytest tests/test_ui_snapshots.py --snapshot-update` and look at the
SVGs under tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import asyncio

import pytest

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.core.keys import parse_keys
from tinymorph_tui.ui.app import TinymorphApp
from tinymorph_tui.ui.textual_keys import token_to_textual

SAMPLE = """---
title: A Walk by the Sea
---

# Morning

The light came **slowly** over the water, and the *old* harbour woke.
A long line of prose that wraps at the edge of the window, because writers write paragraphs, not code.

## Notes

- gulls over the `pier`
- a [map](https://example.com/map) of the coast

> The sea remembers everything.

```python
def tide(hour):
    return hour % 12
```
"""

THEMES = ("default", "light", "ansi16")

#: Keys typed before the snapshot, per screen.
SCREENS = {
    "normal": "6Gw",
    "insert": "6GAand the gulls",
    "visual": "6Gwvee",
    "cmdline": ":colorscheme li",
}


def make_app(theme: str) -> TinymorphApp:
    # As a file on disk loads: the final newline ends the last line (no empty line after).
    ed = Editor.from_text(
        SAMPLE.rstrip("\n"), options={"wrap": True, "linebreak": True, "number": True}
    )
    return TinymorphApp(None, editor=ed, theme=theme, state=False)


def settle(keys: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.press(*[token_to_textual(t) for t in parse_keys(keys)])
        for _ in range(200):  # the highlighter starts just after the first paint
            if app.highlighter is not None:
                break
            await asyncio.sleep(0.01)
        if app.highlighter is not None:
            await asyncio.to_thread(app.highlighter.wait_idle, 10.0)
            app.view.highlights_changed()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(snap_compare, theme: str, screen: str) -> None:
    assert snap_compare(make_app(theme), terminal_size=(80, 24), run_before=settle(SCREENS[screen]))
