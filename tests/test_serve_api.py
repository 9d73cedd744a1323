"""`tinymorph serve` endpoints through the official `openai` client and raw HTTP.

One real server (tiny random model, uvicorn on a loopback port) serves the whole module;
generations are greedy so outputs are exact.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from test_serve_support import TINY_EOS, Running, sse_payloads, start_server


@pytest.fixture(scope="module")
def srv(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("features"))
    yield running
    running.stop()


@pytest.fixture
def client(srv: Running) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{srv.url}/v1", api_key="unused", max_retries=0) as c:
        yield c


def word_token(srv: Running, word: str) -> int:
    """The id of the single token whose text is " word" (SPM adds the leading space)."""
    backend = srv.engine.backend
    want = f" {word}".encode()
    return next(t for t in range(backend.model_info().n_vocab) if backend.token_bytes(t) == want)


def greedy(client: openai.OpenAI, prompt: str, n: int = 12, **extra: object) -> str:
    done = client.completions.create(
        model="tiny", prompt=prompt, max_tokens=n, temperature=0, extra_body=extra or None
    )
    return done.choices[0].text


def test_health_models_and_features_describe_the_server(
    srv: Running, client: openai.OpenAI
) -> None:
    health = httpx.get(f"{srv.url}/health").json()
    assert health["server"] == "tinymorph" and health["status"] == "ok"
    assert health["model"] == "tiny" and health["steering"] is True and health["features"] == 1
    assert health["queue_depth"] == 0 and health["n_ctx"] == 4096
    models = client.models.list()
    assert [m.id for m in models.data] == ["tiny"]
    raw = httpx.get(f"{srv.url}/v1/models").json()["data"][0]
    assert raw["tinymorph"]["steering"] is True and raw["tinymorph"]["features"] == 1
    assert client.models.retrieve("tiny").id == "tiny"
    features = httpx.get(f"{srv.url}/v1/features").json()["data"]
    assert features == [
        {
            "name": "joy",
            "label": "Joy",
            "layers": [2],
            "source": "test",
            "scale_min": -2.0,
            "scale_max": 2.0,
        }
    ]


def test_completion_streamed_equals_whole(client: openai.OpenAI) -> None:
    whole = client.completions.create(
        model="tiny", prompt="once upon a time", max_tokens=16, temperature=0
    )
    choice = whole.choices[0]
    assert choice.text and choice.finish_reason == "length"
    assert whole.usage is not None and whole.usage.completion_tokens == 16
    assert whole.usage.prompt_tokens > 0
    pieces: list[str] = []
    usage = None
    reasons = []
    for event in client.completions.create(
        model="tiny",
        prompt="once upon a time",
        max_tokens=16,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    ):
        if event.choices:
            pieces.append(event.choices[0].text)
            reasons.append(event.choices[0].finish_reason)
        if event.usage is not None:
            usage = event.usage
    assert "".join(pieces) == choice.text
    assert reasons[-1] == "length" and all(r is None for r in reasons[:-1])
    assert usage is not None and usage.completion_tokens == 16


def test_prompt_as_token_ids_and_list_of_one_string(srv: Running, client: openai.OpenAI) -> None:
    text = greedy(client, "the sea", 8)
    tokens = srv.engine.backend.tokenize("the sea", add_bos=True)
    by_ids = client.completions.create(model="tiny", prompt=tokens, max_tokens=8, temperature=0)
    assert by_ids.choices[0].text == text
    listed = client.completions.create(
        model="tiny", prompt=["the sea"], max_tokens=8, temperature=0
    )
    assert listed.choices[0].text == text


def test_seeded_sampling_repeats(client: openai.OpenAI) -> None:
    def sample(seed: int) -> str:
        out = client.completions.create(
            model="tiny", prompt="a little", max_tokens=12, temperature=1.0, top_p=0.9, seed=seed
        )
        return out.choices[0].text

    assert sample(11) == sample(11)


def test_chat_uses_the_fallback_format_streamed_and_not(client: openai.OpenAI) -> None:
    messages = [
        {"role": "system", "content": "You tell stories."},
        {"role": "user", "content": "the sea"},
    ]
    whole = client.chat.completions.create(
        model="tiny", messages=messages, max_tokens=10, temperature=0
    )
    message = whole.choices[0].message
    assert message.role == "assistant" and message.content
    assert whole.usage is not None and whole.usage.completion_tokens <= 10
    streamed = client.chat.completions.create(
        model="tiny", messages=messages, max_tokens=10, temperature=0, stream=True
    )
    parts = [c.choices[0].delta.content or "" for c in streamed if c.choices]
    assert "".join(parts) == message.content


def test_chat_template_from_the_model_metadata() -> None:
    from tinymorph_tui.server.chat import ChatFormatter, fallback_prompt

    template = (
        "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{{ eos_token }}"
        "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    fmt = ChatFormatter(template, bos_token="<s>", eos_token="</s>")
    rendered = fmt.render([{"role": "user", "content": "hi"}])
    assert rendered.text == "<s><|user|>hi</s><|assistant|>"
    assert rendered.special and not rendered.add_bos and "</s>" in rendered.stop
    plain = ChatFormatter(None).render([{"role": "user", "content": "hi"}])
    assert (
        plain.text == fallback_prompt([{"role": "user", "content": "hi"}]) == "User: hi\nAssistant:"
    )
    assert not plain.special and plain.add_bos


async def test_chat_template_special_tokens_become_token_ids(srv: Running) -> None:
    from tinymorph_tui.server.chat import ChatFormatter
    from tinymorph_tui.server.schemas import parse_chat

    engine = srv.engine
    saved = engine.chat
    engine.chat = ChatFormatter(
        "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{{ eos_token }}{% endfor %}",
        bos_token="<s>",
        eos_token="</s>",
    )
    try:
        job = await engine.prepare_chat(
            parse_chat({"messages": [{"role": "user", "content": "hi"}]})
        )
    finally:
        engine.chat = saved
    tokens = job.request.prompt_tokens
    assert tokens is not None
    # "<s>" and "</s>" are the start and end tokens (ids 1 and 2), not their letters, and
    # the start token is not doubled.
    assert tokens[0] == 1 and tokens.count(1) == 1 and tokens[-1] == 2
    assert "</s>" in job.request.stop and job.prompt_tokens == len(tokens)


def test_steering_changes_output_and_zero_steering_does_not(client: openai.OpenAI) -> None:
    plain = greedy(client, "once upon a time", 16)
    zero = greedy(client, "once upon a time", 16, steering={"features": {"joy": 0.0}})
    empty = greedy(client, "once upon a time", 16, steering={"features": {}})
    steered = greedy(client, "once upon a time", 16, steering={"features": {"joy": 2.0}})
    assert zero == plain == empty
    assert steered != plain
    # And back: the steered request left nothing behind in the cache.
    assert greedy(client, "once upon a time", 16) == plain
    assert greedy(client, "once upon a time", 16, steering={"features": {"joy": 2.0}}) == steered


def test_steering_on_chat(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "the sea"}]

    def chat(**extra: object) -> str | None:
        out = client.chat.completions.create(
            model="tiny", messages=messages, max_tokens=12, temperature=0, extra_body=extra or None
        )
        return out.choices[0].message.content

    assert chat(steering={"features": {"joy": 2.0}}) != chat()


def test_unknown_feature_is_a_400_naming_it(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        greedy(client, "x", 4, steering={"features": {"joy": 1.0, "sorrow-of-the-sea": 1.0}})
    assert "sorrow-of-the-sea" in str(err.value)
    body = err.value.body
    assert isinstance(body, dict) and body.get("code") == "unknown_feature"


def test_logprobs_come_from_the_model(client: openai.OpenAI) -> None:
    out = client.completions.create(
        model="tiny", prompt="the", max_tokens=6, temperature=0, logprobs=3
    )
    lp = out.choices[0].logprobs
    assert lp is not None and lp.tokens is not None and lp.token_logprobs is not None
    assert lp.top_logprobs is not None and lp.text_offset is not None
    assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == 6
    assert "".join(lp.tokens).startswith(out.choices[0].text[:1])
    for token_lp, top in zip(lp.token_logprobs, lp.top_logprobs, strict=True):
        values = list(top.values())
        assert all(v <= 0 for v in values) and values == sorted(values, reverse=True)
        assert sum(math.exp(v) for v in values) <= 1.0 + 1e-6
        # Greedy: the chosen token is the most likely one.
        assert math.isclose(token_lp, values[0], abs_tol=1e-9)
    assert lp.text_offset == sorted(lp.text_offset) and lp.text_offset[0] == 0


def test_chat_logprobs(client: openai.OpenAI) -> None:
    out = client.chat.completions.create(
        model="tiny",
        messages=[{"role": "user", "content": "hi"}],
        max_tokens=4,
        temperature=0,
        logprobs=True,
        top_logprobs=2,
    )
    content = out.choices[0].logprobs.content  # type: ignore[union-attr]
    assert content is not None and len(content) == out.usage.completion_tokens  # type: ignore[union-attr]
    assert all(len(t.top_logprobs) == 2 and t.logprob <= 0 for t in content)


def test_logit_bias_forces_a_token(srv: Running, client: openai.OpenAI) -> None:
    sea = word_token(srv, "sea")
    out = client.completions.create(
        model="tiny", prompt="once", max_tokens=5, temperature=0, logit_bias={str(sea): 100}
    )
    assert out.choices[0].text == " sea" * 5


def test_stop_sequence_ends_with_reason_stop(client: openai.OpenAI, srv: Running) -> None:
    sea, dog = word_token(srv, "sea"), word_token(srv, "dog")
    out = client.completions.create(
        model="tiny",
        prompt="once",
        max_tokens=8,
        temperature=0,
        stop=["dog"],
        logit_bias={str(sea): 50, str(dog): 60},
    )
    assert out.choices[0].text == " " and out.choices[0].finish_reason == "stop"


def test_end_of_sequence_is_reason_stop(client: openai.OpenAI) -> None:
    out = client.completions.create(
        model="tiny", prompt="once", max_tokens=8, temperature=0, logit_bias={str(TINY_EOS): 100}
    )
    assert out.choices[0].text == "" and out.choices[0].finish_reason == "stop"
    assert out.usage is not None and out.usage.completion_tokens == 0


def _post(srv: Running, path: str, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{srv.url}{path}", content=content, headers={"content-type": "application/json"}
    )


BAD_BODIES = [
    (b"{", "not valid JSON", None),
    (b"", "empty", None),
    (b"[1, 2]", "JSON object", None),
    (b"\xff\xfe{}", "UTF-8", None),
    (json.dumps({"max_tokens": 4}).encode(), "prompt is required", "prompt"),
    (json.dumps({"prompt": 5}).encode(), "prompt must be", "prompt"),
    (json.dumps({"prompt": ["a", "b"]}).encode(), "one prompt", "prompt"),
    (json.dumps({"prompt": "x", "max_tokens": -3}).encode(), "positive", "max_tokens"),
    (json.dumps({"prompt": "x", "max_tokens": 0}).encode(), "positive", "max_tokens"),
    (json.dumps({"prompt": "x", "max_tokens": "9"}).encode(), "integer", "max_tokens"),
    (json.dumps({"prompt": "x", "max_tokens": True}).encode(), "integer", "max_tokens"),
    (json.dumps({"prompt": "x", "max_tokens": 99999}).encode(), "context", "max_tokens"),
    (json.dumps({"prompt": "x", "temperature": 9}).encode(), "between", "temperature"),
    (json.dumps({"prompt": "x", "top_p": -1}).encode(), "between", "top_p"),
    (json.dumps({"prompt": "x", "n": 2}).encode(), "not supported", "n"),
    (json.dumps({"prompt": "x", "echo": True}).encode(), "not supported", "echo"),
    (json.dumps({"prompt": "x", "stop": [1]}).encode(), "stop must", "stop"),
    (json.dumps({"prompt": "x", "logprobs": 99}).encode(), "between", "logprobs"),
    (json.dumps({"prompt": "x", "logit_bias": {"a": 1}}).encode(), "token id", "logit_bias"),
    (json.dumps({"prompt": "x", "logit_bias": {"5": 1000}}).encode(), "between", "logit_bias"),
    (json.dumps({"prompt": "x", "logit_bias": {"999999": 1}}).encode(), "vocabulary", "logit_bias"),
    (json.dumps({"prompt": [999999]}).encode(), "below", "prompt"),
    (json.dumps({"prompt": "x", "steering": [1]}).encode(), "steering must", "steering"),
    (
        json.dumps({"prompt": "x", "steering": {"features": {"joy": "a"}}}).encode(),
        "scale",
        "steering.features",
    ),
    (
        json.dumps({"prompt": "x", "steering": {"features": {"joy": 1e9}}}).encode(),
        "scale",
        "steering.features",
    ),
    (
        json.dumps({"prompt": "x", "steering": {"feature": {}}}).encode(),
        "unknown field",
        "steering",
    ),
    (
        json.dumps({"prompt": "x", "steering": {"features": {"nope": 1}}}).encode(),
        "'nope'",
        "steering.features",
    ),
    (
        json.dumps({"prompt": "x", "presence_penalty": 1}).encode(),
        "not supported",
        "presence_penalty",
    ),
]


@pytest.mark.parametrize(("content", "needle", "param"), BAD_BODIES)
def test_bad_completion_requests_get_400(
    srv: Running, content: bytes, needle: str, param: str | None
) -> None:
    resp = _post(srv, "/v1/completions", content)
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert needle in error["message"] and error["type"] == "invalid_request_error"
    assert error["param"] == param


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": []}, "messages"),
        ({"messages": "hi"}, "messages"),
        ({"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
            "messages[0].content",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "max_completion_tokens": -1},
            "max_completion_tokens",
        ),
        (
            {"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]},
            "tools",
        ),
        ({"messages": [{"role": "user", "content": "x"}], "top_logprobs": 50}, "top_logprobs"),
    ],
)
def test_bad_chat_requests_get_400(srv: Running, body: dict[str, object], param: str) -> None:
    resp = _post(srv, "/v1/chat/completions", json.dumps(body).encode())
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["param"] == param


def test_prompt_longer_than_the_context_is_a_400(srv: Running, client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.completions.create(model="tiny", prompt="the sea " * 3000, max_tokens=4)
    assert "context" in str(err.value)
    assert err.value.body.get("code") == "context_length_exceeded"  # type: ignore[union-attr]


def test_oversized_body_is_a_413(srv: Running) -> None:
    huge = json.dumps({"prompt": "x" * (1 << 20)}).encode()
    resp = _post(srv, "/v1/completions", huge)
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "body_too_large"

    # Without a Content-Length (chunked upload) the limit holds while reading.
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    resp = httpx.post(f"{srv.url}/v1/completions", content=chunks())
    assert resp.status_code == 413


def test_unknown_paths_and_methods_answer_in_openai_format(srv: Running) -> None:
    missing = httpx.get(f"{srv.url}/v1/engines")
    assert missing.status_code == 404 and "no such endpoint" in missing.json()["error"]["message"]
    wrong = httpx.get(f"{srv.url}/v1/completions")
    assert wrong.status_code == 405 and wrong.json()["error"]["type"] == "invalid_request_error"
    model = httpx.get(f"{srv.url}/v1/models/gpt-9")
    assert model.status_code == 404 and model.json()["error"]["code"] == "model_not_found"


def test_server_keeps_serving_after_bad_input(srv: Running, client: openai.OpenAI) -> None:
    before = greedy(client, "the sea", 8)
    for content, _, _ in BAD_BODIES:
        _post(srv, "/v1/completions", content)
    _post(srv, "/v1/completions", b"x" * (2 << 20))
    assert greedy(client, "the sea", 8) == before
    health = httpx.get(f"{srv.url}/health").json()
    assert health["queue_depth"] == 0 and health["running"] == 0


def test_raw_sse_stream_ends_with_done(srv: Running) -> None:
    body = {"prompt": "the", "max_tokens": 5, "temperature": 0, "stream": True}
    with httpx.stream("POST", f"{srv.url}/v1/completions", json=body) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        payloads = sse_payloads(resp.iter_lines())
    assert payloads[-1] == "[DONE]"
    events = [json.loads(p) for p in payloads[:-1]]
    assert all(e["object"] == "text_completion" for e in events)
    assert events[-1]["choices"][0]["finish_reason"] == "length"
    assert "ttft_ms" in events[-1]["tinymorph"]


def test_generation_failure_is_a_500_or_an_error_event(
    srv: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinymorph_tui.inference import BackendError

    def failing(*args: object, **kwargs: object) -> None:
        raise BackendError("the GPU caught fire")

    monkeypatch.setattr(srv.engine.backend, "generate_sync", failing)
    whole = httpx.post(f"{srv.url}/v1/completions", json={"prompt": "x", "max_tokens": 2})
    assert whole.status_code == 500
    assert whole.json()["error"]["message"] == "generation failed: the GPU caught fire"
    body = {"prompt": "x", "max_tokens": 2, "stream": True}
    with httpx.stream("POST", f"{srv.url}/v1/completions", json=body) as resp:
        payloads = sse_payloads(resp.iter_lines())
    assert payloads[-1] == "[DONE]"
    assert "the GPU caught fire" in json.loads(payloads[-2])["error"]["message"]
    monkeypatch.undo()
    assert (
        httpx.post(f"{srv.url}/v1/completions", json={"prompt": "x", "max_tokens": 2}).status_code
        == 200
    )
