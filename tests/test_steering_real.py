"""Steering the real stories260K model: a happy-vs-sad feature works, monotonically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tinymorph_tui.steering.catalog import FeatureCatalog
from tinymorph_tui.steering.mixer import apply_control_vector, control_vector
from tinymorph_tui.steering.sources import define_contrastive

llama_cpp = pytest.importorskip("llama_cpp")
pytestmark = pytest.mark.model

HAPPY = [
    "Lily was very happy. She smiled and laughed with joy.",
    "The boy was so happy and excited. He loved his new toy.",
    "They had a fun day at the park. Everyone was happy and smiled.",
    "Mom gave her a big hug and she felt happy and glad.",
]
SAD = [
    "Lily was very sad. She cried and felt alone.",
    "The boy was so sad and upset. He lost his toy.",
    "They had a bad day. Everyone was sad and cried.",
    "Mom was angry and she felt sad and scared.",
]
#: (prompt, happy continuation, sad continuation)
CASES = [
    ("The girl felt very", " happy", " sad"),
    ("When Tom saw the dog, he was", " happy", " sad"),
    ("She looked at the sky and felt", " happy", " sad"),
    ("Once upon a time, there was a", " happy", " sad"),
]
SCALES = (-2.0, -1.0, 0.0, 1.0, 2.0)


def continuation_logprob(llm: llama_cpp.Llama, prompt: str, continuation: str) -> float:
    """log p(continuation | prompt) under the context's current control vector."""
    llm.reset()
    p = llm.tokenize(prompt.encode())
    c = llm.tokenize(continuation.encode(), add_bos=False)
    llm.eval(p + c)
    scores = np.asarray(llm.scores[: len(p) + len(c)], dtype=np.float64)
    total = 0.0
    for i, tok in enumerate(c):
        row = scores[len(p) + i - 1]
        peak = row.max()
        total += row[tok] - (peak + np.log(np.exp(row - peak).sum()))
    return float(total)


def test_happy_feature_raises_happy_over_sad_monotonically(real_model_path: Path) -> None:
    cat = FeatureCatalog.for_model(real_model_path)
    define_contrastive(cat, "happy", HAPPY, SAD, [2])  # stories260K has 5 layers: 2 is middle
    llm = llama_cpp.Llama(str(real_model_path), n_ctx=128, logits_all=True, verbose=False)
    n_layer, n_embd = llama_cpp.llama_model_n_layer(llm.model), llm.n_embd()
    margins: dict[float, list[float]] = {}
    for scale in SCALES:
        apply_control_vector(
            llm.ctx, control_vector(cat, {"happy": scale}, n_layer, n_embd), n_layer, n_embd
        )
        margins[scale] = [
            continuation_logprob(llm, p, good) - continuation_logprob(llm, p, bad)
            for p, good, bad in CASES
        ]
    apply_control_vector(llm.ctx, None, n_layer, n_embd)
    mean = {s: float(np.mean(m)) for s, m in margins.items()}
    print("happy-sad log-prob margin by scale:", {s: round(v, 3) for s, v in mean.items()})
    # More happy at larger scales, strictly, over the whole range ...
    values = [mean[s] for s in SCALES]
    assert all(a < b for a, b in zip(values, values[1:], strict=False)), mean
    # ... and clearly: each prompt moves the right way at +-2.
    for i in range(len(CASES)):
        assert margins[2.0][i] > margins[0.0][i] + 1.0
        assert margins[-2.0][i] < margins[0.0][i] - 0.5
