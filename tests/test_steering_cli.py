"""`tinymorph features ...` end to end on the tiny random model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tinymorph_tui.cli import main
from tinymorph_tui.steering.catalog import FeatureCatalog
from tinymorph_tui.steering.cvec import read_cvec, write_cvec
from tinymorph_tui.steering.mixer import unit_directions

pytest.importorskip("llama_cpp")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["features", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_define_list_search_show_remove(
    tiny_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = str(tiny_model_path)
    pos = tmp_path / "pos.txt"
    pos.write_text("happy joy love\nall day\n\nthe sun and joy\n")
    code, out, err = _run(
        capsys,
        "define",
        "joy",
        "--model",
        m,
        "--layer",
        "2",
        "--positive-file",
        str(pos),
        "--negative",
        "sad dark rain",
        "--negative",
        "the dark sad",
        "--label",
        "cheerful",
    )
    assert code == 0, err
    assert "defined joy at layer 2 from 2+/2- examples" in out
    code, out, _ = _run(capsys, "list", "--model", m)
    assert code == 0 and out.startswith("joy") and "cheerful" in out and "contrastive" in out
    code, out, _ = _run(capsys, "search", "cheer", "--model", m)
    assert code == 0 and "joy" in out
    code, out, err = _run(capsys, "search", "zzz", "--model", m)
    assert code == 1 and "no feature matches" in err
    code, out, _ = _run(capsys, "show", "joy", "--model", m)
    assert code == 0
    assert "promotes (logit lens)" in out and "suppresses (logit lens)" in out
    assert "L2" in out and "█" in out
    code, out, _ = _run(capsys, "remove", "joy", "--model", m)
    assert code == 0 and "removed joy" in out
    code, _, err = _run(capsys, "show", "joy", "--model", m)
    assert code == 2 and err.strip() == "tinymorph: no feature named 'joy'"


def test_cvec_import_export_round_trip(
    tiny_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = str(tiny_model_path)
    rng = np.random.default_rng(3)
    layers = {
        1: rng.standard_normal(64).astype(np.float32),
        3: rng.standard_normal(64).astype(np.float32),
    }
    src = write_cvec(tmp_path / "in.gguf", layers, "llama")
    code, out, err = _run(capsys, "import-cvec", str(src), "--name", "vec", "--model", m)
    assert code == 0, err
    assert "layers 1,3" in out
    code, _, err = _run(capsys, "export", "vec", str(tmp_path / "raw.gguf"), "--model", m, "--raw")
    assert code == 0, err
    back = read_cvec(tmp_path / "raw.gguf")
    assert back.model_hint == "llama"
    for k, v in layers.items():
        np.testing.assert_array_equal(back.layers[k], v)
    # The default export bakes in the slider at --scale.
    code, _, err = _run(
        capsys, "export", "vec", str(tmp_path / "s2.gguf"), "--model", m, "--scale", "2"
    )
    assert code == 0, err
    cat = FeatureCatalog.for_model(tiny_model_path)
    unit = unit_directions(cat.get("vec"), cat.residual_norms())
    scaled = read_cvec(tmp_path / "s2.gguf")
    for k in layers:
        np.testing.assert_allclose(scaled.layers[k], 2 * unit[k], rtol=1e-6)


def test_import_sae_with_labels(
    tiny_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetensors.numpy import save_file

    folder = tmp_path / "sae"
    folder.mkdir()
    w_dec = np.random.default_rng(4).standard_normal((20, 64)).astype(np.float32)
    save_file({"W_dec": w_dec}, str(folder / "sae_weights.safetensors"))
    (folder / "cfg.json").write_text(
        json.dumps({"hook_name": "blocks.3.hook_resid_pre", "d_in": 64})
    )
    labels = tmp_path / "np.json"
    labels.write_text(json.dumps([{"index": "5", "description": "the sea"}]))
    code, out, err = _run(
        capsys,
        "import-sae",
        str(folder),
        "--model",
        str(tiny_model_path),
        "--labels",
        str(labels),
        "--rows",
        "4-6",
    )
    assert code == 0, err
    assert "imported 3 features at layer 2: sae2-4 .. sae2-6" in out
    cat = FeatureCatalog.for_model(tiny_model_path)
    assert cat.label("sae2-5") == "the sea"
    np.testing.assert_array_equal(cat.get("sae2-6").layers[2], w_dec[6])
    assert cat.search("sea")[0] == "sae2-5"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["list"], "no model: pass --model PATH or set TINYMORPH_MODEL"),
        (["list", "--model", "/nonexistent.gguf"], "no such model file"),
        (
            ["define", "x", "--layer", "9", "--positive", "a", "--negative", "b"],
            "cannot be steered",
        ),
        (["define", "x", "--layer", "1", "--positive", "a"], "needs --positive and --negative"),
        (["import-cvec", "{junk}", "--name", "v"], "not a GGUF"),
        (["import-cvec", "{wide}", "--name", "v"], "width 8 but the model's n_embd is 64"),
        (["import-sae", "{sae8}"], "d_in is 8 but the model's n_embd is 64"),
        (["export", "nope", "{out}"], "no feature named 'nope'"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tiny_model_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    from safetensors.numpy import save_file

    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"\x00" * 64)
    wide = write_cvec(tmp_path / "wide.gguf", {1: np.ones(8)})
    sae8 = tmp_path / "sae8"
    sae8.mkdir()
    save_file({"W_dec": np.ones((3, 8), np.float32)}, str(sae8 / "sae_weights.safetensors"))
    (sae8 / "cfg.json").write_text(json.dumps({"hook_name": "blocks.1.hook_resid_post"}))
    subs = {
        "{junk}": str(junk),
        "{wide}": str(wide),
        "{sae8}": str(sae8),
        "{out}": str(tmp_path / "o.gguf"),
    }
    argv = [subs.get(a, a) for a in argv]
    if "--model" not in argv and message.startswith("no model") is False:
        monkeypatch.setenv("TINYMORPH_MODEL", str(tiny_model_path))
    code, out, err = _run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tinymorph: ") and message in lines[0]
    assert out == ""


def _load_like_llama_cpp(path: Path) -> tuple[str, int, dict[int, np.ndarray]]:
    """Read a control-vector file the way llama.cpp's common_control_vector_load_one does
    (`--control-vector` in llama-server): ggml's own C GGUF parser, tensors `direction.N`
    with N >= 1, F32, one-dimensional, all of one width."""
    import ctypes

    from tinymorph_tui.steering.capture import _ggml_lib

    lib = _ggml_lib()

    class InitParams(ctypes.Structure):
        _fields_ = [("no_alloc", ctypes.c_bool), ("ctx", ctypes.POINTER(ctypes.c_void_p))]

    lib.gguf_init_from_file.argtypes = [ctypes.c_char_p, InitParams]
    lib.gguf_init_from_file.restype = ctypes.c_void_p
    for fn, args, res in (
        ("gguf_get_n_tensors", [ctypes.c_void_p], ctypes.c_int64),
        ("gguf_get_tensor_name", [ctypes.c_void_p, ctypes.c_int64], ctypes.c_char_p),
        ("gguf_find_key", [ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int64),
        ("gguf_get_val_str", [ctypes.c_void_p, ctypes.c_int64], ctypes.c_char_p),
        ("gguf_get_val_u32", [ctypes.c_void_p, ctypes.c_int64], ctypes.c_uint32),
        ("gguf_free", [ctypes.c_void_p], None),
        ("ggml_get_tensor", [ctypes.c_void_p, ctypes.c_char_p], ctypes.c_void_p),
        ("ggml_n_dims", [ctypes.c_void_p], ctypes.c_int),
        ("ggml_get_data_f32", [ctypes.c_void_p], ctypes.POINTER(ctypes.c_float)),
        ("ggml_free", [ctypes.c_void_p], None),
    ):
        getattr(lib, fn).argtypes = args
        getattr(lib, fn).restype = res
    ggml_ctx = ctypes.c_void_p()
    gguf = lib.gguf_init_from_file(str(path).encode(), InitParams(False, ctypes.pointer(ggml_ctx)))
    assert gguf, "ggml could not parse the file"
    try:
        hint = lib.gguf_get_val_str(gguf, lib.gguf_find_key(gguf, b"controlvector.model_hint"))
        count = lib.gguf_get_val_u32(gguf, lib.gguf_find_key(gguf, b"controlvector.layer_count"))
        arch = lib.gguf_get_val_str(gguf, lib.gguf_find_key(gguf, b"general.architecture"))
        assert arch == b"controlvector"
        layers: dict[int, np.ndarray] = {}
        for i in range(lib.gguf_get_n_tensors(gguf)):
            name = lib.gguf_get_tensor_name(gguf, i).decode()
            prefix, _, idx = name.partition(".")
            assert prefix == "direction" and int(idx) >= 1
            tensor = lib.ggml_get_tensor(ggml_ctx, name.encode())
            assert ctypes.cast(tensor, ctypes.POINTER(ctypes.c_int32))[0] == 0  # GGML_TYPE_F32
            assert lib.ggml_n_dims(tensor) == 1
            n = lib.ggml_nelements(tensor)
            layers[int(idx)] = np.ctypeslib.as_array(lib.ggml_get_data_f32(tensor), (n,)).copy()
        assert len({v.size for v in layers.values()}) == 1
        assert count == len(layers)
        return hint.decode(), count, layers
    finally:
        lib.gguf_free(gguf)
        lib.ggml_free(ggml_ctx)


def test_exported_file_loads_like_llama_server(
    tiny_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = str(tiny_model_path)
    code, _, err = _run(
        capsys,
        "define",
        "joy",
        "--model",
        m,
        "--layer",
        "1-3",
        "--positive",
        "happy joy",
        "--negative",
        "sad dark",
    )
    assert code == 0, err
    out = tmp_path / "joy.gguf"
    code, _, err = _run(capsys, "export", "joy", str(out), "--model", m)
    assert code == 0, err
    hint, count, layers = _load_like_llama_cpp(out)
    assert hint == "llama" and count == 3 and sorted(layers) == [1, 2, 3]
    cat = FeatureCatalog.for_model(tiny_model_path)
    unit = unit_directions(cat.get("joy"), cat.residual_norms())
    for k in (1, 2, 3):
        np.testing.assert_array_equal(layers[k], unit[k])


def test_model_from_env_or_before_the_action(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, "--model", str(tiny_model_path), "list")
    assert code == 0 and "no features yet" in err
    monkeypatch.setenv("TINYMORPH_MODEL", "/nonexistent.gguf")
    code, out, err = _run(capsys, "list", "--model", str(tiny_model_path))
    assert code == 0, err  # an explicit --model beats the environment
    code, out, err = _run(capsys, "list")
    assert code == 2 and "/nonexistent.gguf: no such model file" in err
