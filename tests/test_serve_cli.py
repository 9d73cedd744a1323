"""The real `tinymorph serve` command in a subprocess: it loads, serves, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tinymorph_tui.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command_serves_until_interrupted(tiny_model_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tinymorph_tui.cli",
            "serve",
            "--model",
            str(tiny_model_path),
            "--port",
            str(port),
            "--n-ctx",
            "512",
            "--n-threads",
            "1",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        cwd=Path(__file__).resolve().parents[1],  # the checkout, installed or not
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"{url}/health", timeout=2).json()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        assert health is not None, proc.stderr.read() if proc.poll() is not None else "no answer"  # type: ignore[union-attr]
        assert health["server"] == "tinymorph" and health["model"] == "tiny"
        done = httpx.post(
            f"{url}/v1/completions", json={"prompt": "the", "max_tokens": 3}, timeout=30
        )
        assert done.status_code == 200 and done.json()["usage"]["completion_tokens"] <= 3
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}" in err
    assert f"ssh -N -L {port}:localhost:{port}" in err
    assert f"--server http://localhost:{port}" in err


def test_serve_reports_a_taken_port(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--model", str(tiny_model_path), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err


def test_serve_reports_a_bad_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 2
    assert "no model" in capsys.readouterr().err
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model at all")
    port = free_port()
    assert main(["serve", "--model", str(junk), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("tinymorph serve: ") and "not a GGUF file" in err
