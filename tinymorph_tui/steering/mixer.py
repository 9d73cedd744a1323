"""Mix active features into one llama.cpp control vector.

**What a slider unit means.** A feature at scale 1.0 adds, at its strongest layer, a vector
whose length is `STEER_FRACTION` (0.25) times the model's typical residual-stream norm at
that layer (the median per-token norm of `l_out-L` over a few neutral texts, measured once
per model by `capture.measure_residual_norms` and cached in the catalog). A multi-layer
feature (a repeng or cvector-generator file) keeps the relative strengths of its layers:
each layer's length relative to that layer's residual norm is divided by the largest such
ratio. So scale 1.0 of any feature, from any source, perturbs the residual stream by about a
quarter of its typical size: a clear push that usually keeps the text coherent; 2.0 (half
the residual norm) is strong and can derail small models. On stories260K a happy-vs-sad
direction at layer 2 raises log p(" happy") - log p(" sad") by ~2 nats at 1.0 and ~6 at 2.0.

When a catalog has no measured norms (a catalog built by hand), scale 1.0 is the stored
direction as it is, which is what llama.cpp's `--control-vector` would apply.

**Layout.** llama.cpp takes `(n_layer - 1) * n_embd` floats; row k is added to the output of
layer k + 1 (layer 0 cannot be steered). Apply it with
`llama_cpp.llama_set_adapter_cvec(ctx, ptr, len, n_embd, 1, n_layer - 1)`; see
`apply_control_vector`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tinymorph_tui.steering.feature import Feature, FeatureError

if TYPE_CHECKING:
    import numpy as np

    from tinymorph_tui.steering.catalog import FeatureCatalog

#: Length of a scale-1.0 direction as a fraction of the typical residual norm at its layer.
STEER_FRACTION = 0.25


def active_features(features: Mapping[str, float] | None) -> dict[str, float]:
    """The features with a finite, non-zero scale, in a stable (sorted) order."""
    if not features:
        return {}
    return {
        name: float(scale)
        for name, scale in sorted(features.items())
        if isinstance(scale, int | float) and math.isfinite(scale) and scale != 0.0
    }


def steering_key(features: Mapping[str, float] | None) -> tuple[tuple[str, float], ...]:
    """A hashable key for a steering (zero scales dropped, values rounded to 1e-4).

    Caches of model states (KV, prefixes) and of hints key on it: a state computed under one
    steering must never be reused under another, while 0-scaled features change nothing.
    """
    return tuple((name, round(scale, 4)) for name, scale in active_features(features).items())


def unit_directions(feature: Feature, residual_norms: Mapping[int, float]) -> dict[int, np.ndarray]:
    """The feature's per-layer vectors at scale 1.0 (see the module docstring)."""
    import numpy as np  # deferred: numpy costs ~100 ms to import

    layers = feature.layers
    if not all(residual_norms.get(layer, 0.0) > 0.0 for layer in layers):
        return {layer: vec.astype(np.float32, copy=False) for layer, vec in layers.items()}
    ratios = [float(np.linalg.norm(vec)) / residual_norms[layer] for layer, vec in layers.items()]
    ref = max(ratios)
    if ref <= 0.0:
        return {}
    factor = STEER_FRACTION / ref
    return {layer: (vec * factor).astype(np.float32) for layer, vec in layers.items()}


def control_vector(
    catalog: FeatureCatalog, features: Mapping[str, float] | None, n_layer: int, n_embd: int
) -> np.ndarray | None:
    """Sum the active features' scaled directions into a llama.cpp control-vector buffer.

    Returns a C-contiguous float32 array of `(n_layer - 1) * n_embd` values (row k is layer
    k + 1), or None when no feature has a non-zero scale (then clear the control vector, so
    the output is identical to unsteered). Unknown features, features of another width and
    layers the model lacks are skipped: a slider must never break generation.
    """
    import numpy as np

    active = active_features(features)
    if not active or n_layer < 2:
        return None
    norms = catalog.residual_norms()
    buf = np.zeros((n_layer - 1, n_embd), dtype=np.float32)
    used = False
    for name, scale in active.items():
        try:
            feature = catalog.get(name)
        except FeatureError:
            feature = None
        if feature is None or feature.n_embd != n_embd:
            continue
        for layer, vec in unit_directions(feature, norms).items():
            if 1 <= layer < n_layer:
                buf[layer - 1] += np.float32(scale) * vec
                used = True
    return np.ascontiguousarray(buf.reshape(-1)) if used else None


def apply_control_vector(ctx: Any, vector: np.ndarray | None, n_layer: int, n_embd: int) -> None:
    """Set (or, for None, clear) the control vector of a llama.cpp context.

    `ctx` is a raw `llama_context` pointer (e.g. `Llama(...).ctx`). The call costs
    microseconds; KV states computed under the previous vector are NOT updated, so callers
    must not reuse them (see `steering_key`).
    """
    import ctypes

    import llama_cpp  # deferred: loading llama.cpp takes ~0.3 s
    import numpy as np

    if vector is None:
        rc = llama_cpp.llama_set_adapter_cvec(ctx, None, 0, n_embd, 0, 0)
    else:
        if vector.dtype != np.float32 or not vector.flags.c_contiguous:
            raise ValueError("control vector must be a C-contiguous float32 array")
        ptr = vector.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        rc = llama_cpp.llama_set_adapter_cvec(ctx, ptr, vector.size, n_embd, 1, n_layer - 1)
    if rc != 0:
        raise FeatureError(f"llama.cpp refused the control vector (code {rc})")
