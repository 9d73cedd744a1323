"""`tinymorph serve` security: API keys, bind refusal, Host/Origin checks, CORS, no files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from test_serve_support import Running, start_server

from tinymorph_tui.cli import main
from tinymorph_tui.server.security import (
    ServerSettings,
    allowed_hosts_for,
    bind_refusal,
    is_loopback_host,
    key_matches,
)

KEY = "k-3f9a7c1e5b2d4608a9e1f0c2"


@pytest.fixture(scope="module")
def keyed(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = ServerSettings(api_key=KEY, cors_origins=("https://notes.example",))
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("features"), settings=settings)
    yield running
    running.stop()


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


BODY = {"prompt": "the sea", "max_tokens": 3, "temperature": 0}


def test_requests_without_the_key_get_401_in_openai_format(keyed: Running) -> None:
    for headers in (
        {},
        auth("wrong"),
        auth(KEY + "x"),
        {"Authorization": KEY},
        {"Authorization": "Bearer"},
    ):
        resp = httpx.post(f"{keyed.url}/v1/completions", json=BODY, headers=headers)
        assert resp.status_code == 401, headers
        error = resp.json()["error"]
        assert error["code"] == "invalid_api_key" and KEY not in resp.text
    for path in ("/health", "/v1/models", "/v1/features"):
        assert httpx.get(f"{keyed.url}{path}").status_code == 401
    good = httpx.post(f"{keyed.url}/v1/completions", json=BODY, headers=auth())
    assert good.status_code == 200 and good.json()["choices"][0]["text"]


def test_openai_client_with_the_wrong_key_gets_authentication_error(keyed: Running) -> None:
    with openai.OpenAI(base_url=f"{keyed.url}/v1", api_key="nope", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError):
            bad.completions.create(model="tiny", prompt="x", max_tokens=2)
    with openai.OpenAI(base_url=f"{keyed.url}/v1", api_key=KEY, max_retries=0) as good:
        assert good.completions.create(model="tiny", prompt="x", max_tokens=2).choices[0].text


def test_remote_backend_names_a_refused_key(keyed: Running) -> None:
    import asyncio

    from tinymorph_tui.inference import BackendError, CompletionRequest, collect
    from tinymorph_tui.inference.remote import RemoteBackend

    async def attempt(key: str) -> str:
        backend = RemoteBackend(keyed.url, api_key=key, retries=0)
        try:
            return (await collect(backend, CompletionRequest("the", max_tokens=3))).text
        finally:
            await backend.aclose()

    with pytest.raises(BackendError, match="refused the API key"):
        asyncio.run(attempt("nope"))
    assert asyncio.run(attempt(KEY))


def test_foreign_host_header_is_refused_on_loopback(keyed: Running) -> None:
    # DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example.
    resp = httpx.get(f"{keyed.url}/v1/models", headers={**auth(), "Host": "evil.example"})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "host_not_allowed"
    for host in ("localhost:8741", "127.0.0.1", "[::1]:8741"):
        ok = httpx.get(f"{keyed.url}/v1/models", headers={**auth(), "Host": host})
        assert ok.status_code == 200, host


def test_browser_origins_need_cors_configuration(keyed: Running) -> None:
    evil = httpx.post(
        f"{keyed.url}/v1/completions",
        json=BODY,
        headers={**auth(), "Origin": "https://evil.example"},
    )
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "origin_not_allowed"
    allowed = httpx.post(
        f"{keyed.url}/v1/completions",
        json=BODY,
        headers={**auth(), "Origin": "https://notes.example"},
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://notes.example"
    preflight = httpx.options(
        f"{keyed.url}/v1/completions",
        headers={
            "Origin": "https://notes.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_no_cors_headers_unless_configured(
    tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("f"))
    try:
        resp = httpx.get(f"{running.url}/v1/models")
        assert resp.status_code == 200 and "access-control-allow-origin" not in resp.headers
        cross = httpx.get(f"{running.url}/v1/models", headers={"Origin": "https://notes.example"})
        assert cross.status_code == 403
    finally:
        running.stop()


def test_nothing_in_a_request_names_a_file(keyed: Running, tmp_path: Path) -> None:
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF not really")
    for model in (str(other), "/etc/passwd", "../../tiny.gguf"):
        resp = httpx.post(
            f"{keyed.url}/v1/completions", json={**BODY, "model": model}, headers=auth()
        )
        assert resp.status_code == 200 and resp.json()["model"] == "tiny"
    resp = httpx.post(
        f"{keyed.url}/v1/completions",
        json={**BODY, "steering": {"features": {"/etc/passwd": 1.0}}},
        headers=auth(),
    )
    assert resp.status_code == 400 and "unknown feature" in resp.json()["error"]["message"]


def test_key_comparison() -> None:
    assert key_matches(f"Bearer {KEY}", KEY) and key_matches(f"bearer  {KEY} ", KEY)
    assert not key_matches(None, KEY) and not key_matches(KEY, KEY)
    assert not key_matches(f"Basic {KEY}", KEY) and not key_matches("Bearer ", KEY)
    assert not key_matches(f"Bearer {KEY[:-1]}", KEY)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
    assert (bind_refusal(host, None, "TINYMORPH_API_KEY") is None) is loopback
    assert bind_refusal(host, "a-key", "TINYMORPH_API_KEY") is None
    assert (allowed_hosts_for(host) is None) is not loopback


def test_cli_refuses_a_public_bind_without_a_key(
    tiny_model_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = main(["serve", "--model", str(tiny_model_path), "--host", "0.0.0.0"])
    err = capsys.readouterr().err
    assert code == 2 and "refusing to listen on 0.0.0.0" in err and "TINYMORPH_API_KEY" in err
    # The key may come from another variable; with it the bind check passes (then the
    # missing model stops the command before anything listens).
    monkeypatch.setenv("MY_SERVE_KEY", KEY)
    code = main(
        [
            "serve",
            "--model",
            "/nonexistent.gguf",
            "--host",
            "0.0.0.0",
            "--api-key-env",
            "MY_SERVE_KEY",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no such model file" in err and KEY not in err
    code = main(
        [
            "serve",
            "--model",
            str(tiny_model_path),
            "--host",
            "0.0.0.0",
            "--api-key-env",
            "UNSET_VAR_X",
        ]
    )
    assert code == 2 and "UNSET_VAR_X" in capsys.readouterr().err
