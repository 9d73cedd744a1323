"""Steering units without a model: cvec files, SAE import, layer mapping, mixing, presets."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest

from tinymorph_tui.steering.catalog import FeatureCatalog, model_id
from tinymorph_tui.steering.cvec import read_cvec, write_cvec
from tinymorph_tui.steering.feature import Feature, FeatureError
from tinymorph_tui.steering.fuzzy import fuzzy_rank, fuzzy_score
from tinymorph_tui.steering.logit_bias import BIAS_PER_UNIT, MAX_BIAS_TOKENS, logit_bias
from tinymorph_tui.steering.mixer import (
    STEER_FRACTION,
    active_features,
    control_vector,
    steering_key,
    unit_directions,
)
from tinymorph_tui.steering.presets import delete_preset, list_presets, load_preset, save_preset
from tinymorph_tui.steering.sae import (
    hook_to_layer,
    load_neuronpedia_labels,
    load_sae_rows,
    parse_rows,
)

RNG = np.random.default_rng(7)


def _vec(n: int = 8, seed: int | None = None) -> np.ndarray:
    rng = RNG if seed is None else np.random.default_rng(seed)
    return rng.standard_normal(n).astype(np.float32)


def _catalog(norms: dict[int, float] | None = None) -> FeatureCatalog:
    cat = FeatureCatalog("testmodel")
    if norms is not None:
        cat.set_residual_norms(norms)
    return cat


# -- control-vector GGUF ---------------------------------------------------------------


def test_cvec_round_trip_is_exact(tmp_path: Path) -> None:
    layers = {1: _vec(16), 3: _vec(16), 7: _vec(16)}
    path = write_cvec(tmp_path / "v.gguf", layers, "llama")
    cv = read_cvec(path)
    assert cv.model_hint == "llama"
    assert sorted(cv.layers) == [1, 3, 7]
    for k, v in layers.items():
        np.testing.assert_array_equal(cv.layers[k], v)


def test_cvec_file_has_llama_cpp_metadata(tmp_path: Path) -> None:
    import gguf

    path = write_cvec(tmp_path / "v.gguf", {2: _vec(4), 5: _vec(4)}, "llama")
    reader = gguf.GGUFReader(str(path))
    arch = reader.fields["general.architecture"]
    assert bytes(arch.parts[arch.data[0]]).decode() == "controlvector"
    count = reader.fields["controlvector.layer_count"]
    assert int(count.parts[count.data[0]][0]) == 2
    names = {t.name: t for t in reader.tensors}
    assert set(names) == {"direction.2", "direction.5"}
    assert all(t.tensor_type == gguf.GGMLQuantizationType.F32 for t in names.values())
    assert all(len(t.shape) == 1 for t in names.values())


@pytest.mark.parametrize(
    "layers, message",
    [({0: np.ones(4)}, "layer 0"), ({1: np.ones(4), 2: np.ones(5)}, "width"), ({}, "at least")],
)
def test_cvec_write_refuses_bad_input(tmp_path: Path, layers: dict, message: str) -> None:
    with pytest.raises(FeatureError, match=message):
        write_cvec(tmp_path / "bad.gguf", layers)


def test_cvec_read_refuses_non_cvec_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf at all")
    with pytest.raises(FeatureError, match="not a GGUF"):
        read_cvec(junk)
    with pytest.raises(FeatureError, match="no such file"):
        read_cvec(tmp_path / "missing.gguf")


def test_cvec_read_refuses_model_gguf(tiny_model_path: Path) -> None:
    with pytest.raises(FeatureError, match="not a control-vector"):
        read_cvec(tiny_model_path)


# -- SAE import and layer mapping ------------------------------------------------------


@pytest.mark.parametrize(
    "hook, layer",
    [
        ("blocks.3.hook_resid_post", 3),
        ("blocks.1.hook_resid_post", 1),
        ("blocks.3.hook_resid_pre", 2),
        ("blocks.2.hook_resid_pre", 1),
        ("blocks.4.hook_mlp_out", 4),
        ("blocks.4.hook_attn_out", 4),
    ],
)
def test_hook_names_map_to_llama_cpp_layers(hook: str, layer: int) -> None:
    assert hook_to_layer(hook) == layer


@pytest.mark.parametrize(
    "hook",
    [
        "blocks.0.hook_resid_post",
        "blocks.1.hook_resid_pre",
        "blocks.0.hook_resid_pre",
        "blocks.3.attn.hook_z",
        "hook_embed",
    ],
)
def test_unsteerable_hooks_are_refused(hook: str) -> None:
    with pytest.raises(FeatureError):
        hook_to_layer(hook)


def test_parse_rows() -> None:
    assert parse_rows("1,5,10-12", 20) == [1, 5, 10, 11, 12]
    assert parse_rows(" 3 , 3, 2-3", 20) == [2, 3]
    for bad in ("", "a", "5-2", "19-20", "1,,x"):
        with pytest.raises(FeatureError):
            parse_rows(bad, 20)


def _saelens_dir(
    tmp_path: Path, hook: str, d_sae: int = 12, d_in: int = 8
) -> tuple[Path, np.ndarray]:
    from safetensors.numpy import save_file

    folder = tmp_path / "sae"
    folder.mkdir(parents=True)
    w_dec = np.random.default_rng(1).standard_normal((d_sae, d_in)).astype(np.float32)
    save_file(
        {
            "W_dec": w_dec,
            "W_enc": w_dec.T.copy(),
            "b_enc": np.zeros(d_sae, np.float32),
            "b_dec": np.zeros(d_in, np.float32),
        },
        str(folder / "sae_weights.safetensors"),
    )
    (folder / "cfg.json").write_text(json.dumps({"hook_name": hook, "d_in": d_in, "d_sae": d_sae}))
    return folder, w_dec


def test_saelens_import_selects_rows_and_layer(tmp_path: Path) -> None:
    folder, w_dec = _saelens_dir(tmp_path, "blocks.2.hook_resid_post")
    sae = load_sae_rows(folder, "1,5,8-9")
    assert sae.layer == 2
    assert sae.rows == [1, 5, 8, 9]
    np.testing.assert_array_equal(sae.vectors, w_dec[[1, 5, 8, 9]])
    pre = load_sae_rows(_saelens_dir(tmp_path / "b", "blocks.3.hook_resid_pre")[0], "0")
    assert pre.layer == 2


def test_saelens_metadata_hook_and_bf16(tmp_path: Path) -> None:
    """SAELens v6 nests hook_name under metadata; bf16 weights are widened exactly."""
    folder = tmp_path / "sae"
    folder.mkdir()
    w = np.random.default_rng(3).standard_normal((4, 8)).astype(np.float32)
    bf16 = (w.view(np.uint32) >> 16).astype(np.uint16)  # truncate to bfloat16 bits
    header = {"W_dec": {"dtype": "BF16", "shape": [4, 8], "data_offsets": [0, bf16.nbytes]}}
    blob = json.dumps(header).encode()
    (folder / "sae_weights.safetensors").write_bytes(
        len(blob).to_bytes(8, "little") + blob + bf16.tobytes()
    )
    (folder / "cfg.json").write_text(
        json.dumps({"metadata": {"hook_name": "blocks.1.hook_resid_post"}})
    )
    sae = load_sae_rows(folder, "0-3")
    assert sae.layer == 1
    expect = (bf16.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(sae.vectors, expect)


def test_gemma_scope_npz_import(tmp_path: Path) -> None:
    folder = tmp_path / "layer_3" / "width_16k" / "average_l0_50"
    folder.mkdir(parents=True)
    w_dec = np.random.default_rng(2).standard_normal((10, 8)).astype(np.float32)
    np.savez(folder / "params.npz", W_dec=w_dec, W_enc=w_dec.T, threshold=np.zeros(10))
    sae = load_sae_rows(folder / "params.npz", "2-4")
    assert sae.layer == 3 and sae.hook_name == "blocks.3.hook_resid_post"
    np.testing.assert_array_equal(sae.vectors, w_dec[2:5])
    assert load_sae_rows(folder, "0", layer=2).layer == 2
    flat = tmp_path / "flat"
    flat.mkdir()
    np.savez(flat / "params.npz", W_dec=w_dec)
    with pytest.raises(FeatureError, match="--layer"):
        load_sae_rows(flat, "0")


def test_sae_import_errors(tmp_path: Path) -> None:
    folder, _ = _saelens_dir(tmp_path, "blocks.2.hook_resid_post", d_sae=12)
    with pytest.raises(FeatureError, match="out of range"):
        load_sae_rows(folder, "12")
    with pytest.raises(FeatureError, match="neither"):
        load_sae_rows(tmp_path)
    with pytest.raises(FeatureError, match="no such"):
        load_sae_rows(tmp_path / "nope")


def test_neuronpedia_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(
        json.dumps(
            [
                {"index": "3", "description": "  references to the\nsea "},
                {"index": 3, "description": "second explanation loses"},
                {"index": 5, "description": "joy"},
                {"description": "no index"},
            ]
        )
    )
    assert load_neuronpedia_labels(path) == {3: "references to the sea", 5: "joy"}
    path.write_text("{oops")
    with pytest.raises(FeatureError, match="bad JSON"):
        load_neuronpedia_labels(path)


# -- catalog ---------------------------------------------------------------------------


def test_catalog_add_get_remove_and_permissions() -> None:
    cat = _catalog()
    vec = _vec()
    cat.add(Feature("joy", "x", {2: vec}, label="happy tone", logit_effect=[(5, " fun", 1.5)]))
    again = FeatureCatalog("testmodel")  # a second process sees it
    f = again.get("joy")
    assert f is not None and f.label == "happy tone"
    np.testing.assert_array_equal(f.layers[2], vec)
    assert f.logit_effect == [(5, " fun", 1.5)]
    assert stat.S_IMODE(cat.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(cat.root.parent.stat().st_mode) == 0o700
    for path in cat.root.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert again.names() == ["joy"] and "joy" in again
    assert cat.remove("joy") and not cat.remove("joy")
    assert again.get("joy") is None
    assert [p.name for p in cat.root.iterdir()] == ["index.json"]


def test_catalog_refuses_wrong_width_and_layer(tiny_model_path: Path) -> None:
    cat = FeatureCatalog.for_model(tiny_model_path)
    with pytest.raises(FeatureError, match="n_embd is 64"):
        cat.add(Feature("w", "x", {1: np.ones(8)}))
    with pytest.raises(FeatureError, match="out of range"):
        cat.add(Feature("l", "x", {4: np.ones(64)}))
    with pytest.raises(FeatureError, match="layer 0"):
        Feature("z", "x", {0: np.ones(64)})
    with pytest.raises(FeatureError, match="bad feature name"):
        Feature("a/b", "x", {1: np.ones(64)})


def test_model_id_is_stable_and_content_based(tmp_path: Path) -> None:
    a = tmp_path / "a.gguf"
    a.write_bytes(b"GGUF" + bytes(100))
    b = tmp_path / "b.gguf"
    b.write_bytes(b"GGUF" + bytes(100))
    c = tmp_path / "c.gguf"
    c.write_bytes(b"GGUF" + bytes(101))
    assert model_id(a) == model_id(b) != model_id(c)
    assert len(model_id(a)) == 16


def test_fuzzy_search_ranks_subsequences() -> None:
    assert fuzzy_score("xyz", "joy") is None
    assert fuzzy_score("", "joy") == 0.0
    assert fuzzy_rank(
        "joy", [("joyless", "joyless and grey"), ("joy", "joy"), ("j-o-y", "j o y")]
    ) == [
        "joy",
        "joyless",
        "j-o-y",
    ]
    cat = _catalog()
    cat.add(Feature("sea", "x", {1: _vec()}, label="the ocean, waves"))
    cat.add(Feature("sad", "x", {1: _vec()}, label="sorrow"))
    assert cat.search("ocean") == ["sea"]
    assert cat.search("s")[:2] == ["sea", "sad"] or cat.search("s")[:2] == ["sad", "sea"]
    assert cat.search("sd") == ["sad"]


# -- mixing ----------------------------------------------------------------------------


def test_unit_direction_has_fraction_of_residual_norm() -> None:
    norms = {1: 2.0, 2: 10.0, 3: 4.0}
    f = Feature("f", "x", {2: _vec() * 7})
    units = unit_directions(f, norms)
    assert np.linalg.norm(units[2]) == pytest.approx(STEER_FRACTION * 10.0, rel=1e-5)
    # Multi-layer: the strongest layer (relative to its residual norm) gets the fraction;
    # the other keeps its relative strength.
    g = Feature("g", "x", {1: np.full(8, 1.0), 3: np.full(8, 1.0)})
    units = unit_directions(g, norms)
    assert np.linalg.norm(units[1]) == pytest.approx(STEER_FRACTION * 2.0, rel=1e-5)
    assert np.linalg.norm(units[3]) == pytest.approx(STEER_FRACTION * 2.0, rel=1e-5)


def test_control_vector_sums_features_per_layer() -> None:
    norms = {1: 1.0, 2: 1.0, 3: 1.0}
    cat = _catalog(norms)
    a, b = _vec(seed=1), _vec(seed=2)
    cat.add(Feature("a", "x", {1: a}))
    cat.add(Feature("b", "x", {1: b, 3: b}))
    n_layer, n_embd = 4, 8
    vec = control_vector(cat, {"a": 1.5, "b": -0.5, "missing": 3.0}, n_layer, n_embd)
    assert vec is not None and vec.dtype == np.float32 and vec.shape == ((n_layer - 1) * n_embd,)
    rows = vec.reshape(n_layer - 1, n_embd)
    ua = unit_directions(cat.get("a"), norms)
    ub = unit_directions(cat.get("b"), norms)
    np.testing.assert_allclose(rows[0], 1.5 * ua[1] - 0.5 * ub[1], rtol=1e-6)  # row 0 = layer 1
    np.testing.assert_allclose(rows[1], 0.0)
    np.testing.assert_allclose(rows[2], -0.5 * ub[3], rtol=1e-6)  # row 2 = layer 3
    # Scaling is linear.
    double = control_vector(cat, {"a": 3.0, "b": -1.0}, n_layer, n_embd)
    np.testing.assert_allclose(double, 2 * vec, rtol=1e-6)


def test_control_vector_none_when_nothing_active() -> None:
    cat = _catalog({1: 1.0})
    cat.add(Feature("a", "x", {1: _vec()}))
    assert control_vector(cat, {}, 4, 8) is None
    assert control_vector(cat, {"a": 0.0}, 4, 8) is None
    assert control_vector(cat, {"unknown": 1.0}, 4, 8) is None
    assert control_vector(cat, {"a": 1.0}, 4, 16) is None  # width mismatch: skipped
    assert control_vector(cat, {"a": float("nan")}, 4, 8) is None


def test_steering_key_ignores_zeros_and_order() -> None:
    assert steering_key({"b": 0.5, "a": 0.0, "c": -1.0}) == steering_key(
        {"c": -1.0, "b": 0.50000001}
    )
    assert steering_key(None) == () == steering_key({"a": 0.0})
    assert active_features({"x": 1, "y": 0}) == {"x": 1.0}


def test_logit_bias_combines_and_bounds() -> None:
    cat = _catalog()
    cat.add(
        Feature(
            "joy",
            "x",
            {1: _vec()},
            logit_effect=[(10, "fun", 2.0), (11, "play", 1.0), (12, "cry", -2.0)],
        )
    )
    cat.add(Feature("sad", "x", {1: _vec()}, logit_effect=[(12, "cry", 4.0), (10, "fun", -4.0)]))
    bias = logit_bias(cat, {"joy": 1.0})
    assert bias == {10: BIAS_PER_UNIT, 11: BIAS_PER_UNIT / 2, 12: -BIAS_PER_UNIT}
    assert logit_bias(cat, {"joy": 1.0, "sad": 1.0}) == {11: BIAS_PER_UNIT / 2}
    assert logit_bias(cat, {"joy": 0.0}) == {}
    huge = logit_bias(cat, {"joy": 1000.0})
    assert max(huge.values()) == 100.0 and min(huge.values()) == -100.0
    many = [(i, f"t{i}", float(i + 1)) for i in range(200)]
    cat.add(Feature("many", "x", {1: _vec()}, logit_effect=many))
    top = logit_bias(cat, {"many": 1.0})
    assert len(top) == MAX_BIAS_TOKENS and 199 in top and 0 not in top


# -- presets ---------------------------------------------------------------------------


def test_presets_persist() -> None:
    assert list_presets("m") == []
    save_preset("m", "calm sea", {"sea": 0.5, "joy": -0.2})
    save_preset("m", "Bold", {"joy": 1.0})
    assert list_presets("m") == ["Bold", "calm sea"]
    assert load_preset("m", "calm sea") == {"sea": 0.5, "joy": -0.2}
    assert list_presets("other") == []
    with pytest.raises(FeatureError, match="no preset"):
        load_preset("m", "nope")
    with pytest.raises(FeatureError):
        save_preset("m", "  ", {})
    with pytest.raises(FeatureError):
        save_preset("m", "x", {"a": float("inf")})
    assert delete_preset("m", "Bold") and not delete_preset("m", "Bold")
    assert list_presets("m") == ["calm sea"]


# -- logit lens over quantised and tied output matrices --------------------------------


def _lens_gguf(path: Path, w: np.ndarray, *, quantize: bool, tied: bool) -> Path:
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    tokens = ["<unk>", "<s>", "</s>"] + [f"\u2581w{i}" for i in range(w.shape[0] - 3)]
    writer.add_token_list(tokens)
    writer.add_token_types([2, 3, 3] + [1] * (w.shape[0] - 3))
    name = "token_embd.weight" if tied else "output.weight"
    if quantize:
        q = gguf.quants.quantize(w, gguf.GGMLQuantizationType.Q8_0)
        writer.add_tensor(name, q, raw_shape=q.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    else:
        writer.add_tensor(name, w)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.mark.parametrize("quantize, tied", [(True, False), (False, True)])
def test_logit_lens_dequantises_and_uses_tied_embeddings(
    tmp_path: Path, quantize: bool, tied: bool
) -> None:
    import gguf

    from tinymorph_tui.steering.logit_bias import logit_lens

    w = np.random.default_rng(9).standard_normal((40, 64)).astype(np.float32)
    path = _lens_gguf(tmp_path / "m.gguf", w, quantize=quantize, tied=tied)
    ref = (
        gguf.quants.dequantize(
            gguf.quants.quantize(w, gguf.GGMLQuantizationType.Q8_0), gguf.GGMLQuantizationType.Q8_0
        )
        if quantize
        else w
    )
    d = np.random.default_rng(1).standard_normal(64).astype(np.float32)
    (effect,) = logit_lens(path, d[None, :], top=4)
    scores = ref @ d
    scores[:3] = np.nan  # special tokens are never reported
    best = np.argsort(-np.nan_to_num(scores, nan=-np.inf))[:4]
    assert [t for t, _, _ in effect[:4]] == best.tolist()
    assert effect[0][1] == f" w{best[0] - 3}"  # SentencePiece "\u2581" shown as a space
    np.testing.assert_allclose([w_ for _, _, w_ in effect[:4]], scores[best], rtol=1e-4)


def test_add_many_checks_all_before_writing(tiny_model_path: Path) -> None:
    cat = FeatureCatalog.for_model(tiny_model_path)
    good = [Feature(f"g{i}", "x", {1: _vec(64)}) for i in range(3)]
    with pytest.raises(FeatureError, match="n_embd"):
        cat.add_many([*good, Feature("bad", "x", {1: _vec(8)})])
    assert cat.names() == []
    with pytest.raises(FeatureError, match="already exists"):
        cat.add_many([good[0], good[0]])
    cat.add_many(good)
    assert cat.names() == ["g0", "g1", "g2"]
