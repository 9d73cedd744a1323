"""QA fix: with --server on a tinymorph server, the steering panel offers its features."""

from __future__ import annotations

import json

import httpx

from tinymorph_tui.core.editor import Editor
from tinymorph_tui.inference.remote import RemoteBackend
from tinymorph_tui.steering.remote_catalog import RemoteCatalog
from tinymorph_tui.ui.app import TinymorphApp
from tinymorph_tui.ui.feature_panel import FeaturePanel

FEATURES = {
    "object": "list",
    "model": "abc123-model",
    "data": [
        {
            "name": "joy",
            "label": "happy, cheerful",
            "layers": [2],
            "source": "contrastive",
            "scale_min": -2.0,
            "scale_max": 2.0,
        },
        {
            "name": "sea",
            "label": "the ocean",
            "layers": [1],
            "source": "cvec",
            "scale_min": -1.0,
            "scale_max": 1.0,
        },
        {"name": 7},  # garbage is skipped
    ],
}


def server(seen: list[dict], status: int = 200) -> httpx.MockTransport:
    """A fake tinymorph server: /v1/features, /v1/models, and SSE completions."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/features":
            return httpx.Response(status, json=FEATURES if status == 200 else {"error": "no"})
        if request.url.path == "/v1/models":
            return httpx.Response(
                200, json={"data": [{"id": "m", "tinymorph": {"steering": True}}]}
            )
        if request.url.path == "/v1/completions":
            seen.append(json.loads(request.content))
            body = 'data: {"choices": [{"text": " hi", "index": 0}]}\n\ndata: [DONE]\n\n'
            return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})
        return httpx.Response(404, json={"error": "not found"})

    return httpx.MockTransport(handle)


def test_remote_catalog_reads_the_feature_list() -> None:
    cat = RemoteCatalog.from_json(FEATURES, url="http://h")
    assert cat.names() == ["joy", "sea"] and "joy" in cat and "nope" not in cat
    assert cat.model_id == "abc123-model"
    assert cat.meta("sea")["scale_max"] == 1.0
    assert cat.label("joy") == "happy, cheerful"
    assert cat.search("ocean")[0] == "sea"
    assert cat.get("joy") is None


async def test_panel_lists_the_servers_features_and_steers_natively() -> None:
    seen: list[dict] = []
    backend = RemoteBackend("http://tinymorph.test", transport=server(seen), retries=0)
    app = TinymorphApp(None, editor=Editor.from_text("Once\n"), backend=backend, state=False)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        app.toggle_feature_panel()
        panel = app.feature_panel
        assert isinstance(panel, FeaturePanel)
        for _ in range(50):
            await pilot.pause(0.02)
            if panel.catalog is not None:
                break
        assert panel.catalog is not None and panel.catalog.names() == ["joy", "sea"]
        panel.focus()
        await pilot.press("slash", "o", "c", "e", "a", "n", "enter")
        assert panel.features == {"sea": 0.0}
        await pilot.press("L", "L", "L")  # clamped to the server's range for "sea"
        assert panel.features == {"sea": 1.0}
        assert app.steering == {"sea": 1.0}
        assert "no model" not in panel.message
        app.view.focus()
        app.feed("Ax")
        for _ in range(100):
            await pilot.pause(0.02)
            if seen:
                break
        assert seen and seen[-1]["steering"] == {"features": {"sea": 1.0}}


async def test_a_stock_server_says_why_there_are_no_features() -> None:
    backend = RemoteBackend("http://stock.test", transport=server([], status=404), retries=0)
    app = TinymorphApp(None, editor=Editor.from_text("Once\n"), backend=backend, state=False)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        app.toggle_feature_panel()
        panel = app.feature_panel
        for _ in range(50):
            await pilot.pause(0.02)
            if not panel._remote_loading:
                break
        assert panel.catalog is None
        assert "not a tinymorph server" in panel.message
