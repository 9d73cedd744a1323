"""The feature panel, driven with Textual's Pilot inside a tiny test app."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from tinymorph_tui.steering.catalog import FeatureCatalog
from tinymorph_tui.steering.feature import Feature
from tinymorph_tui.steering.presets import list_presets, load_preset
from tinymorph_tui.ui.feature_panel import FeaturePanel, draw_bar, format_scale


def _catalog() -> FeatureCatalog:
    cat = FeatureCatalog("panelmodel")
    rng = np.random.default_rng(0)
    for name, label in (("joy", "happy, cheerful"), ("sea", "the ocean"), ("sad", "sorrow")):
        cat.add(Feature(name, "panelmodel", {1: rng.standard_normal(8)}, label=label))
    cat.add(Feature("tiny", "panelmodel", {1: rng.standard_normal(8)}, scale_min=-1, scale_max=1))
    return cat


class PanelApp(App[None]):
    """A bare app around the panel that records every SteeringChanged."""

    def __init__(self, catalog: FeatureCatalog | None) -> None:
        super().__init__()
        self.catalog = catalog
        self.changes: list[dict[str, float]] = []

    def compose(self) -> ComposeResult:
        yield FeaturePanel(self.catalog, id="panel")

    def on_mount(self) -> None:
        self.query_one(FeaturePanel).focus()

    def on_feature_panel_steering_changed(self, message: FeaturePanel.SteeringChanged) -> None:
        self.changes.append(message.features)


def test_format_and_bar() -> None:
    assert format_scale(0.8) == "+0.8"
    assert format_scale(-1.25) == "-1.25"
    assert format_scale(2.0) == "+2"
    assert format_scale(0.0) == "0"
    assert draw_bar(0.0, -2, 2, 11) == "     │     "
    assert draw_bar(2.0, -2, 2, 11) == "     │█████"
    assert draw_bar(-2.0, -2, 2, 11) == "█████│     "
    assert draw_bar(1.0, -2, 2, 11).startswith("     │██▌")
    assert draw_bar(-1.0, -2, 2, 11) == "  ▐██│     "


async def test_add_nudge_type_reset_remove() -> None:
    app = PanelApp(_catalog())
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(FeaturePanel)
        await pilot.press("slash", "j", "o", "y", "enter")
        assert panel.features == {"joy": 0.0}
        await pilot.press("l", "l", "l")
        assert panel.steering == {"joy": pytest.approx(0.3)}
        await pilot.press("L", "h")
        assert panel.steering["joy"] == pytest.approx(0.7)
        assert panel.summary() == "joy+0.7"
        await pilot.press("a", "o", "c", "e", "a", "n", "enter")  # fuzzy on the label
        assert list(panel.features) == ["joy", "sea"]
        await pilot.press("H", "H", "H", "H", "H")  # clamps at the range minimum
        assert panel.steering["sea"] == -2.0
        await pilot.press("k", "equals_sign", "backspace", "backspace", "backspace", "1", ".", "5")
        await pilot.press("enter")
        assert panel.steering == {"joy": 1.5, "sea": -2.0}
        assert "joy+1.5 sea-2" == panel.summary()
        await pilot.press("0")
        assert panel.steering == {"sea": -2.0}
        await pilot.press("R")
        assert panel.steering == {} and panel.summary() == ""
        assert list(panel.features) == ["joy", "sea"]
        await pilot.press("j", "x")
        assert list(panel.features) == ["joy"]
        await pilot.press("d")
        assert panel.features == {}
        await pilot.pause()
    # Every value change was posted, and only changes.
    assert app.changes[0] == {"joy": pytest.approx(0.1)}
    assert app.changes[-1] == {}
    assert {"joy": 1.5, "sea": -2.0} in app.changes


async def test_bad_typed_value_keeps_prompt_and_value() -> None:
    app = PanelApp(_catalog())
    async with app.run_test() as pilot:
        panel = app.query_one(FeaturePanel)
        panel.add_feature("tiny", 0.5)
        await pilot.press("enter", "x", "enter")
        assert panel.mode == "value" and "not a number" in panel.message
        await pilot.press("escape")
        assert panel.mode == "list" and panel.steering == {"tiny": 0.5}
        await pilot.press("equals_sign", "minus", "0", "full_stop", "2", "5", "enter")
        assert panel.steering == {"tiny": -0.25}  # the prefilled value was replaced
        await pilot.press("enter", "9", "enter")
        assert panel.steering == {"tiny": 1.0}  # clamped to the feature's range
        await pilot.press("H", "H", "H", "H", "H")  # tiny's range is -1..1
        assert panel.steering == {"tiny": -1.0}


async def test_search_escape_and_arrows() -> None:
    app = PanelApp(_catalog())
    async with app.run_test() as pilot:
        panel = app.query_one(FeaturePanel)
        await pilot.press("slash", "s")
        assert panel.mode == "search" and set(panel.choices) >= {"sea", "sad"}
        second = panel.choices[1]
        await pilot.press("down", "enter")
        assert list(panel.features) == [second]
        await pilot.press("slash", "escape")
        assert panel.mode == "list" and list(panel.features) == [second]
        await pilot.press("slash", "z", "z", "z", "enter")  # nothing matches: nothing added
        assert list(panel.features) == [second]


async def test_presets_save_and_load() -> None:
    cat = _catalog()
    app = PanelApp(cat)
    async with app.run_test() as pilot:
        panel = app.query_one(FeaturePanel)
        panel.add_feature("joy", 0.8)
        panel.add_feature("sea", 0.3)
        await pilot.press("s", *"calm", "enter")
        assert "saved" in panel.message
        assert list_presets(cat.model_id) == ["calm"]
        assert load_preset(cat.model_id, "calm") == {"joy": 0.8, "sea": 0.3}
        await pilot.press("R", "x")
        assert panel.features == {"joy": 0.0}  # the cursor was on sea, the last added
        await pilot.press("p", "enter")
        assert panel.steering == {"joy": 0.8, "sea": 0.3}
    # A fresh app (a new session) sees the preset on disk.
    app2 = PanelApp(FeatureCatalog("panelmodel"))
    async with app2.run_test() as pilot:
        panel = app2.query_one(FeaturePanel)
        await pilot.press("p", "enter")
        assert panel.summary() == "joy+0.8 sea+0.3"


async def test_unhandled_keys_bubble_and_no_catalog() -> None:
    app = PanelApp(None)
    async with app.run_test() as pilot:
        panel = app.query_one(FeaturePanel)
        await pilot.press("slash")
        assert panel.mode == "list" and "no model" in panel.message
        await pilot.press("p")
        assert panel.mode == "list"
        rendered = panel.render().plain
        assert "no sliders" in rendered


async def test_render_draws_sliders() -> None:
    app = PanelApp(_catalog())
    async with app.run_test(size=(50, 20)) as pilot:
        panel = app.query_one(FeaturePanel)
        panel.add_feature("joy", 1.0)
        panel.add_feature("sad", -0.5)
        await pilot.pause()
        text = panel.render().plain
        assert "joy" in text and "+1" in text and "happy" in text
        assert "sad" in text and "-0.5" in text
        assert "│███" in text
        assert "▐│" in text or "█│" in text


class _FakeBackend:
    """What the app hands the panel: a backend with a model path (and no catalog yet)."""

    def __init__(self, model_path: object) -> None:
        self.model_path = model_path


async def test_catalog_from_backend_and_escape_closes(tiny_model_path) -> None:  # type: ignore[no-untyped-def]
    closed: list[bool] = []

    class App2(PanelApp):
        def compose(self) -> ComposeResult:
            yield FeaturePanel(backend=_FakeBackend(tiny_model_path), config=None, controller=None)

        def on_feature_panel_closed(self, _message: FeaturePanel.Closed) -> None:
            closed.append(True)

    cat = FeatureCatalog.for_model(tiny_model_path)
    cat.add(Feature("waves", cat.model_id, {1: np.ones(64)}, label="the sea"))
    app = App2(None)
    async with app.run_test() as pilot:
        panel = app.query_one(FeaturePanel)
        assert panel.catalog is not None and panel.catalog.model_id == cat.model_id
        await pilot.press("slash", "s", "e", "a", "enter")
        assert panel.features == {"waves": 0.0}
        await pilot.press("escape")
        await pilot.pause()
    assert closed == [True]
