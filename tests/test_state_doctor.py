"""`tinymorph doctor`: terminal, config, paths, database, model and server checks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tinymorph_tui.cli import main
from tinymorph_tui.commands.doctor import check_database, check_terminal, render
from tinymorph_tui.state import paths


def _statuses(checks: list) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in checks:
        out.setdefault(c.area, []).append(c.status)
    return out


@pytest.mark.parametrize(
    ("env", "color", "area", "status", "needle"),
    [
        ({"TERM": "dumb"}, None, "terminal", "fail", "TERM is dumb"),
        ({}, None, "terminal", "fail", "not set"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "truecolor", "colours", "ok",
         "truecolor"),
        ({"TERM": "xterm-256color"}, "256", "colours", "warn", "256 colours"),
        ({"TERM": "screen"}, "standard", "colours", "warn", "8 colours"),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/t,1,0"}, "256", "keys", "info", "escape-time"),
        ({"TERM": "xterm", "SSH_CONNECTION": "1 2 3 4"}, "standard", "keys", "info", "Alt/Meta"),
        ({"TERM": "xterm", "LANG": "C"}, "standard", "locale", "warn", "LANG=C.UTF-8"),
    ],
)
def test_terminal_checks(env: dict, color: str | None, area: str, status: str, needle: str) -> None:
    checks = check_terminal(env, isatty=True, color_system=color)
    if area != "locale":
        assert not [c for c in check_terminal({**env, "LANG": "C.UTF-8"}, isatty=True,
                                              color_system=color) if c.area == "locale"]
    hits = [c for c in checks if c.area == area and c.status == status]
    assert hits, checks
    assert any(needle in c.message or needle in c.fix for c in hits)


def test_no_model_is_a_warning_and_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "no model or server configured" in out
    assert "fix:" in out
    assert "state database" in out


def test_a_missing_model_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--model", str(tmp_path / "nope.gguf")]) == 1
    assert "not found" in capsys.readouterr().out


def test_a_model_that_is_not_gguf_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all" * 10)
    assert main(["doctor", "--model", str(bad)]) == 1
    assert "does not load" in capsys.readouterr().out


def test_the_tiny_model_loads_and_gpu_support_is_reported(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", "--json", "--model", str(tiny_model_path)])
    checks = json.loads(capsys.readouterr().out)
    model = [c for c in checks if c["area"] == "model"]
    assert model and model[0]["status"] == "ok" and "layers" in model[0]["message"]
    assert [c for c in checks if c["area"] == "gpu"]
    assert code == (1 if any(c["status"] == "fail" for c in checks) else 0)


class _Server(BaseHTTPRequestHandler):
    key = "sekrit"
    steering = True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.headers.get("Authorization") != f"Bearer {self.key}":
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "Invalid API Key"}}')
            return
        body = {"data": [{"id": "stories", "tinymorph": {"steering": self.steering}}]}
        if self.path.startswith("/v1/models"):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_server_reachable_key_accepted_native_steering(
    server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TINYMORPH_API_KEY", "sekrit")
    assert main(["doctor", "--server", server]) == 0
    out = capsys.readouterr().out
    assert "answers (model stories)" in out
    assert "API key accepted" in out
    assert "native steering" in out


def test_server_refusing_the_key_fails_with_the_fix(
    server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TINYMORPH_API_KEY", "wrong")
    assert main(["doctor", "--server", server]) == 1
    out = capsys.readouterr().out
    assert "✗ server" in out or "XX server" in out
    assert "TINYMORPH_API_KEY" in out


def test_unreachable_server_fails(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["doctor", "--server", f"http://127.0.0.1:{port}"]) == 1
    assert "start the server" in capsys.readouterr().out


def test_unwritable_data_folder_is_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # Tests run as root, which ignores permission bits: a file in the way fails for anyone.
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "sub"))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "recovery journals and state cannot be kept" in out


def test_damaged_database_is_reported_and_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.resolve().database
    paths.ensure_dir(db.parent)
    db.write_bytes(b"garbage" * 1000)
    checks = check_database()
    assert checks[0].status == "warn" and "damaged" in checks[0].message
    assert db.read_bytes() == b"garbage" * 1000  # doctor never repairs or moves it


def test_config_problems_are_listed_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    cfg = paths.resolve().config_file
    paths.ensure_dir(cfg.parent)
    cfg.write_text('[ui]\ntheme = "nope-theme"\nbogus = 1\n')
    assert main(["doctor", "--no-model"]) == 0
    out = capsys.readouterr().out
    assert f"{cfg}:3: unknown key ui.bogus" in out
    assert "nope-theme" in out


def test_render_falls_back_to_ascii_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from tinymorph_tui.commands.doctor import Check

    fake = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", fake)
    text = render([Check("model", "fail", "broken", "fix it")])
    assert text.startswith("XX model")
    assert "1 problem to fix" in text
    text.encode("ascii")
