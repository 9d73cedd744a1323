"""Shared helpers for the `tinymorph serve` tests (no tests here).

`start_server` builds a real server: a LocalBackend over the model, a feature catalog in a
temporary folder (never the developer's data dir) holding one random "joy" feature, the
Starlette app, and uvicorn on a free loopback port in a background thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from tinymorph_tui.server.app import create_app
from tinymorph_tui.server.background import BackgroundServer
from tinymorph_tui.server.engine import Engine
from tinymorph_tui.server.security import ServerSettings
from tinymorph_tui.steering.catalog import FeatureCatalog, model_id
from tinymorph_tui.steering.feature import Feature

#: The tiny random model's end-of-sequence token (biased away for long generations).
TINY_EOS = 2


@dataclass
class Running:
    """A server under test: its URL, engine and uvicorn thread."""

    server: BackgroundServer
    engine: Engine
    catalog: FeatureCatalog

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.engine.close()


def make_catalog(model: Path, root: Path, scale: float = 4.0) -> FeatureCatalog:
    """A catalog under `root` with one feature, "joy": a fixed random direction at layer 2."""
    catalog = FeatureCatalog(model_id(model), model_path=model, root=root)
    n_embd = catalog.model_info().n_embd  # type: ignore[union-attr]
    direction = np.random.default_rng(7).normal(size=n_embd).astype(np.float32) * scale
    catalog.add(Feature(name="joy", model_id="", layers={2: direction}, label="Joy", source="test"))
    return catalog


def start_server(
    model: Path,
    root: Path,
    *,
    n_ctx: int = 4096,
    max_queue: int = 32,
    settings: ServerSettings | None = None,
) -> Running:
    """Load `model` and serve it on 127.0.0.1 (a free port) until `.stop()`."""
    catalog = make_catalog(model, root)
    # One thread: the test machine's cores are shared, and llama.cpp's spinning threads
    # slow down badly when oversubscribed.
    engine = Engine.from_model(
        model, n_ctx=n_ctx, n_threads=1, catalog=catalog, max_queue=max_queue
    )
    engine.load()
    server = BackgroundServer(create_app(engine, settings or ServerSettings())).start()
    return Running(server, engine, catalog)


def wait_idle(
    url: str, timeout: float = 60.0, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Poll /health until nothing runs or waits (bounded); returns the last health body."""
    deadline = time.monotonic() + timeout
    while True:
        body = httpx.get(f"{url}/health", headers=headers).json()
        if body["running"] == 0 and body["queue_depth"] == 0:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"server still busy after {timeout}s: {body}")
        time.sleep(0.01)


def sse_payloads(lines: Any) -> list[str]:
    """The `data:` payloads of an SSE line iterator."""
    return [line[len("data: ") :] for line in lines if line.startswith("data: ")]
