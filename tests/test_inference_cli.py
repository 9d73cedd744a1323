"""`tinymorph complete` and backend selection (flags, environment, config)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tinymorph_tui.cli import main
from tinymorph_tui.inference import BackendError
from tinymorph_tui.inference.factory import make_backend, resolve_source
from tinymorph_tui.inference.local import LocalBackend
from tinymorph_tui.inference.remote import RemoteBackend
from tinymorph_tui.state.config import Config

# -- selection ----------------------------------------------------------------------------


def test_nothing_configured_means_no_backend() -> None:
    assert make_backend() is None


def test_flags_beat_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TINYMORPH_SERVER", "http://env:1")
    assert resolve_source(model=tmp_path / "m.gguf") == ("model", str(tmp_path / "m.gguf"))
    assert resolve_source() == ("server", "http://env:1")
    with pytest.raises(BackendError, match="not both"):
        resolve_source(model="a.gguf", server="http://x:1")


def test_environment_model_and_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINYMORPH_MODEL", "/models/a.gguf")
    backend = make_backend(n_ctx=256)
    assert isinstance(backend, LocalBackend) and backend.n_ctx == 256
    monkeypatch.setenv("TINYMORPH_SERVER", "gpu-box:8741")
    monkeypatch.setenv("TINYMORPH_API_KEY", "sk-secret")
    remote = make_backend()
    assert isinstance(remote, RemoteBackend)
    assert remote.url == "http://gpu-box:8741"
    assert "sk-secret" not in repr(remote)


def test_config_object_form() -> None:
    config = Config()
    config.set("model", "path", "/models/b.gguf")
    config.set("model", "n_ctx", 1024)
    backend = make_backend(config)
    assert isinstance(backend, LocalBackend)
    assert str(backend.model_path) == "/models/b.gguf" and backend.n_ctx == 1024
    config.set("model", "server", "http://h:9")
    assert isinstance(make_backend(config=config), RemoteBackend)


def test_unknown_setting_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="n_ctxx"):
        make_backend(model="x.gguf", n_ctxx=1)


# -- tinymorph complete ----------------------------------------------------------------------


def test_complete_prints_text(tiny_model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "complete",
            "--model",
            str(tiny_model_path),
            "--prompt",
            "the sea",
            "--max-tokens",
            "6",
            "--temperature",
            "0",
        ]
    )
    out = capsys.readouterr()
    assert rc == 0
    assert out.out.strip() and out.out.endswith("\n")


def test_complete_json(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    prompt = tmp_path / "p.txt"
    prompt.write_text("the little dog", encoding="utf-8")
    args = [
        "complete",
        "--model",
        str(tiny_model_path),
        "--file",
        str(prompt),
        "--max-tokens",
        "5",
        "--seed",
        "3",
        "--json",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    for key in ("text", "tokens", "ttft_ms", "tokens_per_s", "cached_tokens", "total_ms"):
        assert key in first
    assert 1 <= first["tokens"] <= 5
    assert first["text"] == second["text"], "same seed, same text"


def test_complete_from_stdin(
    tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("once upon"))
    assert (
        main(["complete", "--model", str(tiny_model_path), "-", "--max-tokens", "3", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["tokens"] <= 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prompt", "x"], "no model: give --model PATH or --server URL"),
        (["--model", "MISSING", "--prompt", "x"], "cannot load model MISSING: no such file"),
        (["--model", "MODEL", "--prompt", "x", "--feature", "joy=1"], "unknown feature 'joy'"),
        (["--model", "MODEL", "--prompt", "x", "--feature", "joy"], "--feature wants NAME=SCALE"),
        (["--model", "MODEL"], "nothing to continue"),
        (["--model", "MODEL", "--file", "nowhere.txt"], "nowhere.txt: no such file"),
    ],
)
def test_complete_errors_exit_2_with_one_line(
    args: list[str], message: str, tiny_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(tiny_model_path) if a == "MODEL" else a for a in args]
    assert main(["complete", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tinymorph_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_server_down_in_a_real_process() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = run_cli("complete", "--server", f"http://127.0.0.1:{port}", "--prompt", "hi")
    assert result.returncode == 2
    assert (
        result.stderr
        == f"tinymorph complete: server down (connection refused at http://127.0.0.1:{port})\n"
    )


def test_bad_model_file_in_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 40)
    result = run_cli("complete", "--model", str(bad), "--prompt", "hi")
    assert result.returncode == 2
    assert result.stderr.startswith(f"tinymorph complete: cannot load model {bad}: ")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_complete_steers_with_a_catalog_feature(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    from tinymorph_tui.steering.catalog import FeatureCatalog, model_id
    from tinymorph_tui.steering.feature import Feature

    catalog = FeatureCatalog.for_model(tiny_model_path)
    direction = np.random.default_rng(5).standard_normal(64).astype(np.float32) * 8
    catalog.add(Feature(name="joy", model_id=model_id(tiny_model_path), layers={2: direction}))

    def complete(*extra: str) -> dict[str, object]:
        args = ["complete", "--model", str(tiny_model_path), "--prompt", "the sea", "--json"]
        assert main([*args, "--max-tokens", "12", "--temperature", "0", *extra]) == 0
        return json.loads(capsys.readouterr().out)

    plain, zero, steered = (
        complete(),
        complete("--feature", "joy=0"),
        complete("--feature", "joy=2"),
    )
    assert zero["text"] == plain["text"]
    assert steered["text"] != plain["text"]
    assert steered["steering"] == {"joy": 2.0} and steered["steering_mode"] == "native"



def test_stock_server_gets_logit_bias_from_the_local_model_catalog(tiny_model_path) -> None:  # type: ignore[no-untyped-def]
    """`[model] server` + `[model] path`: steering a stock server goes through logit_bias."""
    from tinymorph_tui.inference.factory import make_backend
    from tinymorph_tui.inference.remote import RemoteBackend
    from tinymorph_tui.state.config import Config

    config = Config()
    config.set("model", "server", "http://127.0.0.1:9")
    config.set("model", "path", str(tiny_model_path))
    backend = make_backend(config=config)
    assert isinstance(backend, RemoteBackend)
    assert backend.steering_mode == "logit_bias"
    assert backend.logit_bias_fn is not None and backend.logit_bias_fn({}) == {}


def test_server_without_local_model_cannot_steer() -> None:
    from tinymorph_tui.inference.factory import make_backend
    from tinymorph_tui.state.config import Config

    config = Config()
    config.set("model", "server", "http://127.0.0.1:9")
    backend = make_backend(config=config)
    assert backend is not None and backend.steering_mode == "none"
