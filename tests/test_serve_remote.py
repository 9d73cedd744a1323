"""End to end: the editor's RemoteBackend against a real `tinymorph serve`, and stories260K."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from test_serve_support import Running, start_server

from tinymorph_tui.inference import BackendError, CompletionRequest, collect
from tinymorph_tui.inference.remote import RemoteBackend


@pytest.fixture(scope="module")
def srv(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("features"))
    yield running
    running.stop()


def server_text(url: str, prompt: str, steering: dict[str, float] | None, n: int = 12) -> str:
    body: dict[str, object] = {"prompt": prompt, "max_tokens": n, "temperature": 0}
    if steering is not None:
        body["steering"] = {"features": steering}
    return str(
        httpx.post(f"{url}/v1/completions", json=body, timeout=60).json()["choices"][0]["text"]
    )


async def test_remote_backend_detects_tinymorph_and_steers_natively(srv: Running) -> None:
    def never(features: object) -> dict[int, float]:
        raise AssertionError("a tinymorph server must get native steering, not logit bias")

    backend = RemoteBackend(srv.url, logit_bias_fn=never)
    try:
        info = await backend.probe()
        assert info.tinymorph and info.steering and info.model == "tiny"
        assert backend.steering_mode == "native"
        prompt = "once upon a time"
        steered = await collect(
            backend, CompletionRequest(prompt, max_tokens=12, temperature=0, steering={"joy": 2.0})
        )
        plain = await collect(backend, CompletionRequest(prompt, max_tokens=12, temperature=0))
        zero = await collect(
            backend, CompletionRequest(prompt, max_tokens=12, temperature=0, steering={"joy": 0.0})
        )
        assert steered.text == server_text(srv.url, prompt, {"joy": 2.0})
        assert plain.text == zero.text == server_text(srv.url, prompt, None)
        assert steered.text != plain.text
        assert plain.stats is not None and plain.stats.tokens == 12
        with pytest.raises(BackendError, match="no-such-feature"):
            await collect(
                backend, CompletionRequest(prompt, max_tokens=4, steering={"no-such-feature": 1.0})
            )
    finally:
        await backend.aclose()


@pytest.fixture(scope="module")
def real(real_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_server(real_model_path, tmp_path_factory.mktemp("features"), n_ctx=512)
    yield running
    running.stop()


def test_real_model_tells_the_story_through_the_openai_client(real: Running) -> None:
    with openai.OpenAI(base_url=f"{real.url}/v1", api_key="unused", max_retries=0) as client:
        whole = client.completions.create(
            model="stories260K", prompt="Once upon a time", max_tokens=24, temperature=0
        )
        text = whole.choices[0].text
        assert text.startswith(", there was a little girl named Lily")
        streamed = "".join(
            e.choices[0].text
            for e in client.completions.create(
                model="stories260K",
                prompt="Once upon a time",
                max_tokens=24,
                temperature=0,
                stream=True,
            )
            if e.choices
        )
        assert streamed == text
        lp = (
            client.completions.create(
                model="stories260K",
                prompt="Once upon a time",
                max_tokens=4,
                temperature=0,
                logprobs=2,
            )
            .choices[0]
            .logprobs
        )
        assert (
            lp is not None
            and lp.tokens is not None
            and "".join(lp.tokens) == text[: len("".join(lp.tokens))]
        )
        chat = client.chat.completions.create(
            model="stories260K",
            messages=[{"role": "user", "content": "Tell me a story about a dog."}],
            max_tokens=20,
            temperature=0,
        )
        assert chat.choices[0].message.content


async def test_real_model_through_the_remote_backend(real: Running) -> None:
    backend = RemoteBackend(real.url)
    try:
        done = await collect(
            backend, CompletionRequest("Once upon a time", max_tokens=16, temperature=0)
        )
        assert done.text.startswith(", there was a little girl named Lily")
        steered = await collect(
            backend,
            CompletionRequest(
                "Once upon a time", max_tokens=16, temperature=0, steering={"joy": 2.0}
            ),
        )
        assert steered.text != done.text
    finally:
        await backend.aclose()
