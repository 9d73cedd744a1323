"""Steering with the tiny random model: capture, layer mapping, definition, mixing, lens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tinymorph_tui.steering.capture import ResidualCapture
from tinymorph_tui.steering.catalog import FeatureCatalog
from tinymorph_tui.steering.feature import FeatureError
from tinymorph_tui.steering.logit_bias import (
    BIAS_PER_UNIT,
    LOGIT_EFFECT_TOP,
    logit_bias,
    logit_lens,
)
from tinymorph_tui.steering.mixer import apply_control_vector, control_vector
from tinymorph_tui.steering.sources import define_contrastive

llama_cpp = pytest.importorskip("llama_cpp")


@pytest.fixture(scope="module")
def capture(tiny_model_path: Path) -> ResidualCapture:
    with ResidualCapture(tiny_model_path, n_ctx=128) as cap:
        yield cap


def test_capture_sees_every_layer_and_token(capture: ResidualCapture) -> None:
    tokens = capture.tokenize("the happy sea was big")
    acts = capture.run(tokens)
    assert sorted(acts) == [0, 1, 2, 3]
    for a in acts.values():
        assert a.shape == (len(tokens), 64) and np.all(np.isfinite(a))
    # Deterministic, and examples do not leak into each other through the KV cache.
    again = capture.run(tokens, [2])
    np.testing.assert_allclose(again[2], acts[2], rtol=1e-5, atol=1e-6)


def test_control_vector_row_k_steers_l_out_k_plus_1(capture: ResidualCapture) -> None:
    """The off-by-one pinned down against llama.cpp itself: row k is added to l_out-(k+1)."""
    tokens = capture.tokenize("once upon a time")
    base = capture.run(tokens)
    rng = np.random.default_rng(0)
    v2 = rng.standard_normal(64).astype(np.float32)
    buf = np.zeros((capture.n_layer - 1, 64), np.float32)
    buf[1] = v2  # row 1 -> layer 2
    capture.set_control_vector(np.ascontiguousarray(buf.reshape(-1)))
    try:
        steered = capture.run(tokens)
    finally:
        capture.set_control_vector(None)
    np.testing.assert_allclose(steered[0], base[0], atol=1e-5)
    np.testing.assert_allclose(steered[1], base[1], atol=1e-5)
    np.testing.assert_allclose(steered[2], base[2] + v2, rtol=1e-4, atol=1e-4)
    assert not np.allclose(steered[3], base[3], atol=1e-3)
    cleared = capture.run(tokens)
    np.testing.assert_allclose(cleared[3], base[3], atol=1e-5)


def test_unknown_layer_is_a_clear_error(capture: ResidualCapture) -> None:
    with pytest.raises(FeatureError, match="does not exist"):
        capture.run("the sea", [9])


def test_define_makes_an_n_embd_direction(tiny_model_path: Path) -> None:
    cat = FeatureCatalog.for_model(tiny_model_path)
    feature = define_contrastive(
        cat, "joy", ["happy joy love", "the sun and joy"], ["sad dark rain", "the dark sad"], [2]
    )
    assert list(feature.layers) == [2] and feature.layers[2].shape == (64,)
    assert feature.norm[2] > 0
    assert len(feature.logit_effect) == 2 * LOGIT_EFFECT_TOP
    assert sorted(cat.residual_norms()) == [0, 1, 2, 3]
    assert all(v > 0 for v in cat.residual_norms().values())
    stored = FeatureCatalog.for_model(tiny_model_path).get("joy")
    np.testing.assert_array_equal(stored.layers[2], feature.layers[2])
    # It is the mean difference of token-mean activations (BOS excluded).
    with ResidualCapture(tiny_model_path) as cap:
        means = {
            t: cap.example_means(t, [2])[2]
            for t in ("happy joy love", "the sun and joy", "sad dark rain", "the dark sad")
        }
    expect = (means["happy joy love"] + means["the sun and joy"]) / 2 - (
        means["sad dark rain"] + means["the dark sad"]
    ) / 2
    np.testing.assert_allclose(feature.layers[2], expect, rtol=1e-4, atol=1e-5)
    # Its logit-lens effect becomes a bounded logit_bias for stock servers; sign follows scale.
    bias = logit_bias(cat, {"joy": 1.0})
    promoted, suppressed = feature.logit_effect[0][0], feature.logit_effect[LOGIT_EFFECT_TOP][0]
    assert bias[promoted] > 0 > bias[suppressed]
    assert max(abs(v) for v in bias.values()) == pytest.approx(BIAS_PER_UNIT)
    flipped = logit_bias(cat, {"joy": -2.0})
    assert flipped[promoted] == pytest.approx(-2 * bias[promoted], abs=2e-3)
    with pytest.raises(FeatureError, match="cannot be steered"):
        define_contrastive(cat, "bad", ["a"], ["b"], [0])
    with pytest.raises(FeatureError, match="cannot be steered"):
        define_contrastive(cat, "bad", ["a"], ["b"], [4])


def test_logit_lens_matches_numpy(tiny_model_path: Path) -> None:
    import gguf

    reader = gguf.GGUFReader(str(tiny_model_path))
    tensors = {t.name: np.array(t.data, dtype=np.float32) for t in reader.tensors}
    w_out, gain = tensors["output.weight"], tensors["output_norm.weight"]
    d = np.random.default_rng(5).standard_normal((2, 64)).astype(np.float32)
    effects = logit_lens(tiny_model_path, d, top=5)
    for j in range(2):
        scores = w_out @ (gain * d[j])
        scores[:3] = np.nan  # <unk>, <s>, </s> are never reported
        order = np.argsort(-np.nan_to_num(scores, nan=-np.inf))
        assert [t for t, _, _ in effects[j][:5]] == order[:5].tolist()
        low = np.argsort(np.nan_to_num(scores, nan=np.inf))
        assert [t for t, _, _ in effects[j][5:]] == low[:5].tolist()
        assert effects[j][0][2] == pytest.approx(float(scores[order[0]]), rel=1e-4)


def _greedy_logits(llm: llama_cpp.Llama, prompt: str, steps: int) -> tuple[list[int], np.ndarray]:
    llm.reset()
    tokens = llm.tokenize(prompt.encode())
    out: list[int] = []
    rows = []
    for _ in range(steps):
        llm.eval(tokens + out if not out else [out[-1]])
        logits = np.array(llm.scores[llm.n_tokens - 1])
        rows.append(logits)
        out.append(int(np.argmax(logits)))
    return out, np.stack(rows)


def test_scale_zero_is_unsteered_and_scale_changes_output(tiny_model_path: Path) -> None:
    cat = FeatureCatalog.for_model(tiny_model_path)
    define_contrastive(cat, "joy", ["happy joy love"], ["sad dark rain"], [1, 2])
    llm = llama_cpp.Llama(str(tiny_model_path), n_ctx=128, logits_all=True, verbose=False)
    n_layer, n_embd = llama_cpp.llama_model_n_layer(llm.model), llm.n_embd()
    plain_tokens, plain = _greedy_logits(llm, "the sea", 6)
    assert control_vector(cat, {"joy": 0.0}, n_layer, n_embd) is None
    apply_control_vector(
        llm.ctx, control_vector(cat, {"joy": 0.0}, n_layer, n_embd), n_layer, n_embd
    )
    zero_tokens, zero = _greedy_logits(llm, "the sea", 6)
    assert zero_tokens == plain_tokens
    np.testing.assert_array_equal(zero, plain)
    diffs = []
    for scale in (0.5, 2.0):
        vec = control_vector(cat, {"joy": scale}, n_layer, n_embd)
        apply_control_vector(llm.ctx, vec, n_layer, n_embd)
        _, steered = _greedy_logits(llm, "the sea", 6)
        diffs.append(float(np.abs(steered[0] - plain[0]).max()))
    apply_control_vector(llm.ctx, None, n_layer, n_embd)
    _, back = _greedy_logits(llm, "the sea", 6)
    np.testing.assert_array_equal(back, plain)
    assert 0 < diffs[0] < diffs[1]
