"""Logit-lens effects of features, and their use as OpenAI `logit_bias` on stock servers.

**Logit lens.** A feature's direction u (unit length; a multi-layer feature's layers are
summed at their scale-1.0 strengths first) is read out through the model's final norm gain
g and output matrix W (`output.weight`, or `token_embd.weight` when the embeddings are
tied): effect = W (g * u). The tokens with the largest positive values are the ones the
direction promotes, the most negative ones those it suppresses. They are computed once, at
define/import time, from the same GGUF file, and stored with the feature.

**Logit bias, an approximation.** Stock servers (llama-server, vLLM) take no activation
steering, but their `/v1/completions` accept `logit_bias`. A feature at scale s adds
`s * BIAS_PER_UNIT * w / max|w|` to each of its stored tokens (w its logit-lens weight), the
features' biases are summed, bounded to [-100, 100], and the `MAX_BIAS_TOKENS` largest by
magnitude are sent. This only nudges the next-token choice towards the words a direction
reads out as; it ignores everything the direction does inside the model (style, topic
persistence), so it is a much weaker, cruder steering than control vectors. The token ids
are those of the catalog's model: the server must serve the same model (vocabulary).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tinymorph_tui.steering.feature import Feature, FeatureError, LogitEffect

if TYPE_CHECKING:
    import numpy as np

    from tinymorph_tui.steering.catalog import FeatureCatalog

#: Tokens kept per side (promoted and suppressed) in a feature's stored logit-lens effect.
LOGIT_EFFECT_TOP = 16
#: Logit bias given to a feature's strongest token at scale 1.0.
BIAS_PER_UNIT = 5.0
#: Most entries sent in one request's logit_bias (OpenAI allows 300; fewer keeps it cheap).
MAX_BIAS_TOKENS = 64
#: Token types never biased: unknown (2), control (3) and unused (5) tokens such as </s>.
_SKIP_TYPES = {2, 3, 5}


def feature_direction(feature: Feature, residual_norms: Mapping[int, float]) -> np.ndarray:
    """One unit direction standing for the feature (its layers summed at scale 1.0)."""
    import numpy as np  # deferred: numpy costs ~100 ms to import

    from tinymorph_tui.steering.mixer import unit_directions

    parts = list(unit_directions(feature, residual_norms).values())
    total = np.sum(parts, axis=0) if parts else np.zeros(feature.n_embd, np.float32)
    n = float(np.linalg.norm(total))
    return (total / n).astype(np.float32) if n > 0 else total.astype(np.float32)


def logit_lens(
    model_path: str | os.PathLike[str], directions: np.ndarray, top: int = LOGIT_EFFECT_TOP
) -> list[list[LogitEffect]]:
    """For each row of `directions` (k, n_embd), its `top` promoted and `top` suppressed tokens.

    Each list holds promoted tokens (descending weight) then suppressed ones (ascending).
    The output matrix is read in row chunks, dequantising as needed, so memory stays small
    even for large vocabularies.
    """
    import numpy as np

    from tinymorph_tui.steering.gguf_util import find_tensor, open_reader, tensor_rows, token_texts

    reader = open_reader(model_path)
    out_t = find_tensor(reader, "output.weight") or find_tensor(reader, "token_embd.weight")
    if out_t is None:
        raise FeatureError(f"{model_path}: no output.weight or token_embd.weight")
    dirs = np.atleast_2d(np.asarray(directions, dtype=np.float32))
    n_embd = int(out_t.shape[0])
    if dirs.shape[1] != n_embd:
        raise FeatureError(f"direction width {dirs.shape[1]} differs from the model's {n_embd}")
    norm_t = find_tensor(reader, "output_norm.weight")
    if norm_t is not None:
        gain = next(tensor_rows(norm_t))[1].reshape(-1)
        if gain.shape[0] == n_embd:
            dirs = dirs * gain[None, :]
    texts, types = token_texts(reader)
    skip = np.isin(np.asarray(types, dtype=np.int64), list(_SKIP_TYPES))
    k = dirs.shape[0]
    # Running best `top` candidates on each side, one column per direction; every block of
    # the vocabulary is merged in with one vectorised partial sort, whatever k is.
    sides: list[tuple[float, np.ndarray, np.ndarray]] = [
        (sign, np.empty((0, k), np.int64), np.empty((0, k), np.float32)) for sign in (1.0, -1.0)
    ]
    for start, block in tensor_rows(out_t):
        ids = np.arange(start, start + block.shape[0])
        keep = np.ones(ids.size, dtype=bool)  # tokens without a recorded type are ordinary
        typed = ids < len(skip)
        keep[typed] = ~skip[ids[typed]]
        if not keep.any():
            continue
        scores = (block[keep] @ dirs.T).astype(np.float32)  # (rows, k)
        ids = np.broadcast_to(ids[keep][:, None], scores.shape)
        merged = []
        for sign, best_ids, best_sc in sides:
            cand_sc = np.concatenate([best_sc, scores])
            cand_id = np.concatenate([best_ids, ids])
            t = min(top, cand_sc.shape[0])
            part = np.argpartition(-sign * cand_sc, t - 1, axis=0)[:t]
            merged.append(
                (sign, np.take_along_axis(cand_id, part, 0), np.take_along_axis(cand_sc, part, 0))
            )
        sides = merged
    effects: list[list[LogitEffect]] = [[] for _ in range(k)]
    for sign, best_ids, best_sc in sides:
        order = np.argsort(-sign * best_sc, axis=0, kind="stable")
        best_ids = np.take_along_axis(best_ids, order, 0)
        best_sc = np.take_along_axis(best_sc, order, 0)
        for j in range(k):
            for tid, w in zip(best_ids[:, j].tolist(), best_sc[:, j].tolist(), strict=True):
                text = texts[tid] if tid < len(texts) else f"<{tid}>"
                effects[j].append((int(tid), text, float(w)))
    return effects


def logit_bias(catalog: FeatureCatalog, features: Mapping[str, float] | None) -> dict[int, float]:
    """An OpenAI `logit_bias` ({token_id: bias}) approximating the given steering.

    Empty when nothing is active or no active feature has a stored logit-lens effect.
    """
    from tinymorph_tui.steering.mixer import active_features

    total: dict[int, float] = {}
    for name, scale in active_features(features).items():
        try:
            meta = catalog.meta(name)
        except FeatureError:
            meta = None
        effect = (meta or {}).get("logit_effect") or []
        peak = max((abs(float(w)) for _, _, w in effect), default=0.0)
        if peak <= 0.0:
            continue
        for tid, _text, w in effect:
            total[int(tid)] = total.get(int(tid), 0.0) + scale * BIAS_PER_UNIT * float(w) / peak
    ranked = sorted(total.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:MAX_BIAS_TOKENS]
    return {
        tid: round(max(-100.0, min(100.0, bias)), 3)
        for tid, bias in ranked
        if math.isfinite(bias) and bias != 0.0
    }
