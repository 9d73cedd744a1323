"""A read-only view of a `tinymorph serve` server's feature catalog (GET /v1/features).

The steering panel needs names, labels and slider ranges to offer features; with `--server`
the vectors live on the server, which applies the steering itself (the request's
`"steering"` field), so this catalog holds metadata only: `get()` has no vectors to give.
It answers the same questions the panel asks a local `FeatureCatalog`: `names()`, `in`,
`meta(name)`, `label(name)`, `search(query)`, and `model_id` (presets are keyed by it; a
tinymorph server reports its model file's identity, so presets are shared with local use).
"""

from __future__ import annotations

import math
from typing import Any

from tinymorph_tui.steering.feature import DEFAULT_SCALE_MAX, DEFAULT_SCALE_MIN, FeatureError
from tinymorph_tui.steering.fuzzy import fuzzy_rank


class RemoteCatalog:
    """Feature metadata listed by a tinymorph server (`entries`: its `data` list)."""

    def __init__(self, model_id: str, entries: list[dict[str, Any]], *, url: str = "") -> None:
        self.model_id = model_id
        self.url = url
        self._features: dict[str, dict[str, Any]] = {}
        for entry in entries:
            meta = _clean_entry(entry)
            if meta is not None:
                self._features[meta["name"]] = meta

    @classmethod
    def from_json(cls, body: Any, *, url: str = "") -> RemoteCatalog:
        """Build from a `/v1/features` answer; FeatureError when it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise FeatureError("the server's /v1/features answer is not a feature list")
        model = body.get("model")
        model_id = str(model) if isinstance(model, str) and model else f"remote:{url}"
        return cls(model_id, body["data"], url=url)

    def names(self) -> list[str]:
        """Feature names, sorted."""
        return sorted(self._features)

    def __contains__(self, name: object) -> bool:
        return name in self._features

    def __len__(self) -> int:
        return len(self._features)

    def meta(self, name: str) -> dict[str, Any] | None:
        """A feature's metadata (label, layers, source, scale_min, scale_max), or None."""
        entry = self._features.get(name)
        return dict(entry) if entry is not None else None

    def label(self, name: str) -> str:
        """A feature's label ("" when it has none or is unknown)."""
        entry = self._features.get(name)
        return str(entry.get("label", "")) if entry else ""

    def get(self, name: str) -> None:
        """No vectors here: the server steers with its own copy."""
        return None

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Feature names whose name or label fuzzily match `query`, best first."""
        items = [(n, f"{n} {e.get('label', '')}") for n, e in self._features.items()]
        return fuzzy_rank(query, items, limit)


def _clean_entry(entry: Any) -> dict[str, Any] | None:
    """One listed feature with checked types (a bad entry is skipped, not fatal)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        return None
    lo = _number(entry.get("scale_min"), DEFAULT_SCALE_MIN)
    hi = _number(entry.get("scale_max"), DEFAULT_SCALE_MAX)
    if lo >= hi:
        lo, hi = DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX
    layers = entry.get("layers")
    return {
        "name": entry["name"],
        "label": str(entry.get("label") or ""),
        "source": str(entry.get("source") or "server"),
        "layers": [int(x) for x in layers if isinstance(x, int)]
        if isinstance(layers, list)
        else [],
        "scale_min": lo,
        "scale_max": hi,
    }


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return float(value)


async def fetch_remote_catalog(backend: Any) -> RemoteCatalog:
    """GET /v1/features with the remote backend's own HTTP client (its URL, API key and
    timeouts).  Raises FeatureError with a one-line reason when there is no catalog."""
    import httpx  # deferred: only remote users pay for it

    http = getattr(backend, "_http", None)
    if not callable(http):
        raise FeatureError("not a remote backend")
    try:
        resp = await http().get("/v1/features")
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise FeatureError(f"cannot list the server's features: {reason}") from None
    if resp.status_code == 404:
        raise FeatureError("the server has no feature catalog (not a tinymorph server)")
    if resp.status_code in (401, 403):
        raise FeatureError(f"the server refused the API key ({resp.status_code})")
    if resp.status_code != 200:
        raise FeatureError(f"the server's feature list failed ({resp.status_code})")
    try:
        body = resp.json()
    except ValueError:
        raise FeatureError("the server's /v1/features answer is not JSON") from None
    return RemoteCatalog.from_json(body, url=str(getattr(backend, "url", "")))
