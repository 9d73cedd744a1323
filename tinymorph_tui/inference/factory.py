"""Choosing a backend from flags, the environment and config.toml.

Precedence: explicit arguments (`--model` / `--server`), then `TINYMORPH_MODEL` /
`TINYMORPH_SERVER`, then the config file's `[model] path` / `server`. Within the
environment or the config file a server wins over a model path (the config documents
`server` as "used instead of `path`"); giving both flags at once is an error. The API key
comes from the argument or from the environment variable named by `[model] api_key_env`
(default `TINYMORPH_API_KEY`) and is never stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tinymorph_tui.inference.types import Backend, BackendError

#: Settings passed through to the backends (with config.toml `[model]` keys as fallbacks).
_LOCAL_SETTINGS = (
    "n_ctx",
    "n_threads",
    "n_gpu_layers",
    "n_batch",
    "catalog",
    "control_vector_fn",
    "on_state",
)
_REMOTE_SETTINGS = (
    "connect_timeout",
    "read_timeout",
    "retries",
    "backoff",
    "logit_bias_fn",
    "transport",
)


def _config_value(config: Any, key: str) -> Any:
    if config is None:
        return None
    try:
        return config.get("model", key)
    except (KeyError, AttributeError):
        return None


def _is_config(value: Any) -> bool:
    return (
        value is not None
        and hasattr(value, "get")
        and hasattr(value, "values")
        and not isinstance(value, str | Path | Mapping)
    )


def resolve_source(
    model: str | Path | None = None,
    server: str | None = None,
    *,
    config: Any = None,
    env: Mapping[str, str] | None = None,
) -> tuple[str, str] | None:
    """("model", PATH) or ("server", URL) for the given flags/environment/config, or None."""
    env = os.environ if env is None else env
    if model and server:
        raise BackendError("give either a model (--model) or a server (--server), not both")
    if server:
        return ("server", str(server))
    if model:
        return ("model", str(model))
    if env.get("TINYMORPH_SERVER"):
        return ("server", env["TINYMORPH_SERVER"])
    if env.get("TINYMORPH_MODEL"):
        return ("model", env["TINYMORPH_MODEL"])
    if _config_value(config, "server"):
        return ("server", str(_config_value(config, "server")))
    if _config_value(config, "path"):
        return ("model", str(Path(str(_config_value(config, "path"))).expanduser()))
    return None


def _catalog_logit_bias(model: Any, config: Any) -> Any:
    """Logit-bias steering for a stock server, from a local copy of the served model.

    A stock server (llama-server, vLLM) cannot add control vectors, but it takes
    `logit_bias`. The token ids and each feature's logit-lens effect come from the feature
    catalog of the same model file, so this needs its path: `--model`/`TINYMORPH_MODEL`
    is the server then, not used; `[model] path` beside `[model] server` names it.
    """
    path = model or os.environ.get("TINYMORPH_MODEL") or _config_value(config, "path")
    if not path or not Path(str(path)).expanduser().is_file():
        return None
    model_path = Path(str(path)).expanduser()
    catalog: list[Any] = []

    def bias(features: Mapping[str, float]) -> dict[int, float]:
        # Deferred and cached: the catalog reads the GGUF header once, on first use.
        from tinymorph_tui.steering.catalog import FeatureCatalog
        from tinymorph_tui.steering.logit_bias import logit_bias

        if not catalog:
            catalog.append(FeatureCatalog.for_model(model_path))
        return logit_bias(catalog[0], features)

    return bias


def make_backend(
    model: Any = None,
    server: str | None = None,
    api_key: str | None = None,
    *,
    config: Any = None,
    **settings: Any,
) -> Backend | None:
    """A backend for the given model path or server URL, or None when none is configured.

    Accepts the architecture's `make_backend(config)` form too: a `Config` passed as the
    first argument is used as `config`. Settings: `n_ctx`, `n_threads`, `n_gpu_layers`,
    `n_batch`, `catalog`, `control_vector_fn`, `on_state` (local); `connect_timeout`,
    `read_timeout`, `retries`, `backoff`, `logit_bias_fn`, `transport` (remote). Unknown
    settings raise TypeError. Nothing is loaded or connected here.
    """
    if _is_config(model):
        model, config = None, model
    unknown = set(settings) - set(_LOCAL_SETTINGS) - set(_REMOTE_SETTINGS)
    if unknown:
        raise TypeError(f"make_backend: unknown settings {sorted(unknown)}")
    source = resolve_source(model, server, config=config)
    if source is None:
        return None
    kind, where = source
    if kind == "server":
        from tinymorph_tui.inference.remote import RemoteBackend

        if api_key is None:
            var = _config_value(config, "api_key_env") or "TINYMORPH_API_KEY"
            api_key = os.environ.get(str(var)) or None
        remote = {k: v for k, v in settings.items() if k in _REMOTE_SETTINGS and v is not None}
        if "logit_bias_fn" not in remote:
            bias_fn = _catalog_logit_bias(model, config)
            if bias_fn is not None:
                remote["logit_bias_fn"] = bias_fn
        timeout = _config_value(config, "timeout_s")
        if "read_timeout" not in remote and timeout:
            remote["read_timeout"] = float(timeout)
        return RemoteBackend(where, api_key, **remote)
    from tinymorph_tui.inference.local import LocalBackend

    local = {k: v for k, v in settings.items() if k in _LOCAL_SETTINGS and v is not None}
    for key in ("n_ctx", "n_threads", "n_gpu_layers"):
        if key not in local:
            value = _config_value(config, key)
            if isinstance(value, int) and not isinstance(value, bool):
                local[key] = value
    if not local.get("n_threads"):
        local.pop("n_threads", None)  # 0 = let the backend pick
    if not local.get("n_ctx"):
        local.pop("n_ctx", None)
    return LocalBackend(where, **local)
