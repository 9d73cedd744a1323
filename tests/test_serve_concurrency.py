"""`tinymorph serve` under concurrency: isolation of steering, load, disconnects, the queue."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest
from test_serve_support import TINY_EOS, Running, start_server, wait_idle

from tinymorph_tui.server.engine import JobRecord

# Prompts sharing a prefix keep the load test on the prefix cache (the test machine is slow).
PROMPTS = ["once upon a time", "once upon a time the sea", "once upon a time she said"]
STEERINGS = [None, {"joy": 2.0}, {"joy": -2.0}]


@pytest.fixture(scope="module")
def srv(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("features"))
    yield running
    running.stop()


def complete(url: str, prompt: str, steering: dict[str, float] | None, n: int = 12) -> str:
    body: dict[str, object] = {"prompt": prompt, "max_tokens": n, "temperature": 0}
    if steering is not None:
        body["steering"] = {"features": steering}
    resp = httpx.post(f"{url}/v1/completions", json=body, timeout=60)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["choices"][0]["text"])


def test_concurrent_steered_and_plain_requests_match_their_solo_runs(srv: Running) -> None:
    cases = [(p, s) for p in PROMPTS for s in STEERINGS]
    alone = {(p, json.dumps(s)): complete(srv.url, p, s) for p, s in cases}
    # Steering really differs between the cases, or this test would prove nothing.
    assert (
        alone[(PROMPTS[0], json.dumps(STEERINGS[0]))]
        != alone[(PROMPTS[0], json.dumps(STEERINGS[1]))]
    )
    work = cases * 2
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        results = list(pool.map(lambda c: complete(srv.url, c[0], c[1]), work))
    for (p, s), text in zip(work, results, strict=True):
        assert text == alone[(p, json.dumps(s))], (p, s)


def test_load_64_streams_from_16_clients(srv: Running) -> None:
    expected = {p: complete(srv.url, p, None, 8) for p in PROMPTS}

    def client_thread(k: int) -> list[tuple[str, str, str | None]]:
        # One client per thread, as a real client would hold (building one costs ~50 ms).
        out = []
        with openai.OpenAI(base_url=f"{srv.url}/v1", api_key="x", max_retries=0, timeout=120) as c:
            for i in range(4):
                prompt = PROMPTS[(k + i) % len(PROMPTS)]
                parts: list[str] = []
                reason = None
                for event in c.completions.create(
                    model="tiny", prompt=prompt, max_tokens=8, temperature=0, stream=True
                ):
                    parts.append(event.choices[0].text)
                    reason = event.choices[0].finish_reason or reason
                out.append((prompt, "".join(parts), reason))
        return out

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = [r for rs in pool.map(client_thread, range(16)) for r in rs]
    assert len(results) == 64
    for prompt, text, reason in results:
        assert text == expected[prompt] and reason == "length"
    assert wait_idle(srv.url)["queue_depth"] == 0


LONG = {
    "prompt": "once upon a time",
    "max_tokens": 4000,
    "temperature": 0,
    # The random model may end early; forbid its end token so only a cancel can stop it.
    "logit_bias": {str(TINY_EOS): -100},
}


def finished_job(srv: Running) -> JobRecord:
    """The record of the job that ends next (waits, bounded, until it ends)."""
    deadline = time.monotonic() + 60
    while srv.engine.last_job is None:
        assert time.monotonic() < deadline, "no job finished"
        time.sleep(0.01)
    wait_idle(srv.url)
    return srv.engine.last_job


def test_client_disconnect_mid_stream_frees_the_worker(srv: Running) -> None:
    wait_idle(srv.url)
    srv.engine.last_job = None
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        with c.stream("POST", "/v1/completions", json={**LONG, "stream": True}) as resp:
            first = next(line for line in resp.iter_lines() if line.startswith("data: "))
            assert json.loads(first[6:])["choices"][0]["text"]
        # Leaving the block closed the connection mid-stream.
    record = finished_job(srv)
    assert record.cancelled and record.tokens < LONG["max_tokens"]
    # The next request is served normally.
    assert complete(srv.url, "the sea", None, 4)


def test_client_disconnect_while_waiting_for_a_whole_answer(srv: Running) -> None:
    wait_idle(srv.url)
    srv.engine.last_job = None
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{srv.url}/v1/completions", json=LONG, timeout=httpx.Timeout(60, read=1.0))
    record = finished_job(srv)
    assert record.cancelled and record.tokens < LONG["max_tokens"]


def test_full_queue_answers_503_with_retry_after(
    tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    running = start_server(tiny_model_path, tmp_path_factory.mktemp("f"), max_queue=0)
    try:
        with httpx.Client(base_url=running.url, timeout=60) as c:
            with c.stream("POST", "/v1/completions", json={**LONG, "stream": True}) as resp:
                # Once text arrives the job surely runs: then ask for more than fits. (The
                # line iterator stays referenced: a discarded one would close the stream.)
                lines = resp.iter_lines()
                for line in lines:
                    if line.startswith("data: "):
                        break
                busy = httpx.post(
                    f"{running.url}/v1/completions", json={"prompt": "x", "max_tokens": 2}
                )
                assert busy.status_code == 503
                assert busy.headers["retry-after"] == "1"
                error = busy.json()["error"]
                assert error["code"] == "queue_full" and "busy" in error["message"]
                with pytest.raises(openai.InternalServerError):
                    openai.OpenAI(
                        base_url=f"{running.url}/v1", api_key="x", max_retries=0
                    ).completions.create(model="tiny", prompt="x", max_tokens=2)
        wait_idle(running.url)
        again = httpx.post(f"{running.url}/v1/completions", json={"prompt": "x", "max_tokens": 2})
        assert again.status_code == 200
    finally:
        running.stop()
