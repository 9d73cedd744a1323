"""LocalBackend: llama.cpp in process with the tiny random model (and stories260K)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tinymorph_tui.inference import BackendError, CompletionRequest, collect
from tinymorph_tui.inference.local import LocalBackend

PROMPT = "once upon a time the little girl said to the dog"


@pytest.fixture(scope="module")
def tiny_backend(tiny_model_path: Path) -> Iterator[LocalBackend]:
    """One loaded tiny model shared by the module (loading is cheap, but not free)."""
    backend = LocalBackend(tiny_model_path, n_threads=1)
    backend.load_sync()
    yield backend
    backend.close()


def greedy(prompt: str = PROMPT, n: int = 12, **kw: Any) -> CompletionRequest:
    """A greedy request (deterministic text) for `n` tokens."""
    return CompletionRequest(prompt=prompt, max_tokens=n, temperature=0.0, **kw)


def steering_dims(backend: LocalBackend) -> tuple[int, int]:
    info = backend.model_info()
    return info.n_layer, info.n_embd


async def test_model_info(tiny_backend: LocalBackend) -> None:
    info = tiny_backend.model_info()
    assert (info.n_layer, info.n_embd, info.n_ctx) == (4, 64, 512)
    assert info.n_vocab > 300
    assert info["n_layer"] == 4
    assert info.fim is False
    assert tiny_backend.state == "ready"


async def test_streams_chunks_and_final_stats(tiny_backend: LocalBackend) -> None:
    chunks = [c async for c in tiny_backend.stream(greedy(n=16))]
    assert chunks[-1].done and chunks[-1].stats is not None
    assert not any(c.done for c in chunks[:-1])
    assert len(chunks) >= 3, "text arrives token by token, not at the end"
    stats = chunks[-1].stats
    assert 1 <= stats.tokens <= 16
    assert stats.ttft_ms > 0 and stats.total_ms >= stats.ttft_ms
    assert "".join(c.text for c in chunks)


async def test_max_tokens_respected(tiny_backend: LocalBackend) -> None:
    for n in (1, 5):
        done = await collect(tiny_backend, greedy(n=n))
        assert done.stats is not None and done.stats.tokens <= n
        assert len(done.chunks) <= n
    zero = await collect(tiny_backend, greedy(n=0))
    assert zero.text == "" and zero.stats is not None and zero.stats.tokens == 0


async def test_greedy_is_deterministic_and_seed_reproduces(tiny_backend: LocalBackend) -> None:
    assert (await collect(tiny_backend, greedy())).text == (
        await collect(tiny_backend, greedy())
    ).text

    def sampled(seed: int) -> CompletionRequest:
        return CompletionRequest(
            prompt=PROMPT, max_tokens=24, temperature=1.0, top_p=1.0, seed=seed
        )

    a = await collect(tiny_backend, sampled(7))
    b = await collect(tiny_backend, sampled(7))
    others = {(await collect(tiny_backend, sampled(s))).text for s in (8, 9, 10)}
    assert a.text == b.text
    assert others - {a.text}, "different seeds should sample differently"


def test_cancel_stops_within_one_token(tiny_backend: LocalBackend) -> None:
    cancel = threading.Event()
    pieces: list[str] = []

    def emit(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            cancel.set()

    stats = tiny_backend.generate_sync(greedy(n=200), emit, cancel)
    assert len(pieces) == 3
    assert stats.tokens <= 4  # the token being decoded when cancel was set, at most


async def test_closing_the_stream_ends_generation(tiny_backend: LocalBackend) -> None:
    stream = tiny_backend.stream(greedy(n=400))
    first = await stream.__anext__()
    assert first.text
    await stream.aclose()
    assert not tiny_backend.generating
    # The backend is free at once for the next request.
    assert (await collect(tiny_backend, greedy(n=3))).stats is not None


async def test_cancelling_the_task_ends_generation(tiny_backend: LocalBackend) -> None:
    seen = asyncio.Event()

    async def consume() -> None:
        async for _chunk in tiny_backend.stream(greedy(n=400)):
            seen.set()

    task = asyncio.create_task(consume())
    await seen.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await tiny_backend.wait_idle()
    assert not tiny_backend.generating


async def test_prefix_is_reused_after_typing(tiny_backend: LocalBackend) -> None:
    tiny_backend.set_control_vector(None)
    base = PROMPT + " and the sun was"
    await collect(tiny_backend, greedy(base, n=4))
    n_prompt = len(tiny_backend.tokenize(base, add_bos=True))
    typed = await collect(tiny_backend, greedy(base + " big", n=4))
    assert typed.stats is not None and typed.stats.cached_tokens is not None
    assert typed.stats.cached_tokens >= n_prompt - 1
    # An unrelated prompt reuses only what it shares: the start token and a leading "▁".
    other = await collect(tiny_backend, greedy("dog cat", n=2))
    assert other.stats is not None and other.stats.cached_tokens <= 2


async def test_same_prompt_twice_gives_same_text_with_cache(tiny_backend: LocalBackend) -> None:
    first = await collect(tiny_backend, greedy(n=10))
    again = await collect(tiny_backend, greedy(n=10))
    assert again.stats is not None and again.stats.cached_tokens > 0
    assert again.text == first.text


async def test_zero_control_vector_equals_unsteered(tiny_backend: LocalBackend) -> None:
    n_layer, n_embd = steering_dims(tiny_backend)
    tiny_backend.set_control_vector(None)
    plain = (await collect(tiny_backend, greedy(n=16))).text
    tiny_backend.set_control_vector(np.zeros((n_layer - 1) * n_embd, dtype=np.float32))
    try:
        zero = (await collect(tiny_backend, greedy(n=16))).text
    finally:
        tiny_backend.set_control_vector(None)
    assert zero == plain


async def test_control_vector_changes_output_and_cache_follows(tiny_backend: LocalBackend) -> None:
    n_layer, n_embd = steering_dims(tiny_backend)
    tiny_backend.set_control_vector(None)
    plain = await collect(tiny_backend, greedy(n=16))
    vec = np.random.default_rng(1).standard_normal((n_layer - 1) * n_embd).astype(np.float32) * 4
    tiny_backend.set_control_vector(vec)
    try:
        steered = await collect(tiny_backend, greedy(n=16))
    finally:
        tiny_backend.set_control_vector(None)
    assert steered.text != plain.text
    assert steered.stats is not None and steered.stats.cached_tokens == 0
    back = await collect(tiny_backend, greedy(n=16))
    assert back.stats is not None and back.stats.cached_tokens == 0, "stale KV must be dropped"
    assert back.text == plain.text


class FakeCatalog:
    """A catalog with one feature whose direction is a fixed random vector."""

    def __init__(self, n_layer: int, n_embd: int) -> None:
        self.vec = (
            np.random.default_rng(2).standard_normal((n_layer - 1) * n_embd).astype(np.float32)
        )

    def __contains__(self, name: object) -> bool:
        return name == "joy"

    def get(self, name: str) -> object | None:
        return self.vec if name == "joy" else None


def mix(catalog: FakeCatalog, features: dict[str, float], n_layer: int, n_embd: int) -> np.ndarray:
    return catalog.vec * features["joy"]


async def test_request_steering_via_catalog(tiny_model_path: Path) -> None:
    backend = LocalBackend(tiny_model_path, n_threads=1)
    info = await backend.load()
    backend.catalog = FakeCatalog(info.n_layer, info.n_embd)
    backend._cv_fn, backend._cv_fn_resolved = mix, True
    try:
        assert backend.steering_mode == "native"
        plain = (await collect(backend, greedy(n=16))).text
        zero = (await collect(backend, greedy(n=16, steering={"joy": 0.0}))).text
        steered = (await collect(backend, greedy(n=16, steering={"joy": 4.0}))).text
        again = await collect(backend, greedy(n=16, steering={}))
        assert zero == plain
        assert steered != plain
        assert again.text == plain
        with pytest.raises(BackendError, match="unknown feature 'gloom'"):
            await collect(backend, greedy(steering={"gloom": 1.0}))
    finally:
        await backend.aclose()


async def test_steering_without_catalog_names_the_feature(tiny_model_path: Path) -> None:
    backend = LocalBackend(tiny_model_path, n_threads=1)
    try:
        with pytest.raises(BackendError, match="unknown feature 'sea'"):
            await collect(backend, greedy(steering={"sea": 1.0}))
    finally:
        await backend.aclose()


def test_wrong_size_control_vector_is_refused(tiny_backend: LocalBackend) -> None:
    with pytest.raises(BackendError, match="needs"):
        tiny_backend.set_control_vector(np.zeros(10, dtype=np.float32))


async def test_logit_bias_forces_a_token(tiny_backend: LocalBackend) -> None:
    token = tiny_backend.tokenize("!")[-1]  # after the "▁" the tokenizer adds in front
    assert tiny_backend.token_bytes(token) == b"!"
    done = await collect(tiny_backend, greedy(n=6, logit_bias={token: 100.0}))
    assert done.text == "!" * 6
    sampled = CompletionRequest(prompt=PROMPT, max_tokens=6, seed=1, logit_bias={token: 100.0})
    assert (await collect(tiny_backend, sampled)).text == "!" * 6


async def test_stop_sequence_is_cut(tiny_backend: LocalBackend) -> None:
    full = (await collect(tiny_backend, greedy(n=24))).text
    stop = full[5:9]
    assert stop.strip()
    cut = await collect(tiny_backend, greedy(n=24, stop=(stop,)))
    assert cut.text == full[: full.index(stop)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"not a model at all", "not a GGUF file"),
        (b"GGUF\x03\x00\x00\x00" + b"\xff" * 64, "cannot load model"),
    ],
)
async def test_bad_model_file_is_a_backend_error(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    backend = LocalBackend(path)
    with pytest.raises(BackendError) as info:
        await backend.load()
    assert str(info.value).startswith(f"cannot load model {path}: ")
    assert reason in str(info.value)
    assert backend.state == "error"
    with pytest.raises(BackendError):  # streaming reports the same reason
        await collect(backend, greedy())
    await backend.aclose()


async def test_load_reports_states(tiny_model_path: Path) -> None:
    states: list[str] = []
    backend = LocalBackend(tiny_model_path, n_threads=1, on_state=states.append)
    await backend.load()
    await backend.aclose()
    assert states == ["loading", "ready"]


def test_load_reports_progress_up_to_the_whole_model(tiny_model_path: Path) -> None:
    seen: list[float] = []
    backend = LocalBackend(tiny_model_path, n_threads=1, on_progress=seen.append)
    try:
        backend.load_sync()
    finally:
        backend.close()
    assert len(seen) >= 2
    assert seen == sorted(seen)  # never goes backwards
    assert seen[-1] == 1.0 and backend.load_fraction == 1.0


def test_a_failing_progress_display_does_not_break_the_load(tiny_model_path: Path) -> None:
    def broken(_fraction: float) -> None:
        raise RuntimeError("display gone")

    backend = LocalBackend(tiny_model_path, n_threads=1, on_progress=broken)
    try:
        assert backend.load_sync().n_layer > 0
    finally:
        backend.close()


def test_closing_the_backend_cancels_a_load_in_progress(tiny_model_path: Path) -> None:
    """Quitting while a big model loads must not wait for the whole file to be read."""
    closer: list[threading.Thread] = []

    def first_progress(_fraction: float) -> None:
        if not closer:  # close from another thread, as the app's quit does
            closer.append(threading.Thread(target=backend.close))
            closer[0].start()
            closer[0].join(0.2)  # close() has flagged the backend and waits for the lock

    backend = LocalBackend(tiny_model_path, n_threads=1, on_progress=first_progress)
    with pytest.raises(BackendError, match="closed"):
        backend.load_sync()
    closer[0].join(10)
    assert not closer[0].is_alive()
    assert backend.load_fraction is not None and backend.load_fraction < 1.0


def test_the_progress_hook_is_removed_after_a_load(tiny_model_path: Path) -> None:
    from tinymorph_tui.inference import llama_runtime

    llama_runtime.llama_module()
    import llama_cpp.llama_cpp as low

    original = low.llama_model_default_params
    with pytest.raises(RuntimeError), llama_runtime.load_progress(lambda _f: True):
        assert low.llama_model_default_params is not original
        raise RuntimeError("a failed load")
    assert low.llama_model_default_params is original


@pytest.fixture(scope="module")
def fim_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with fill-in-the-middle token ids (three byte tokens stand in)."""
    import gguf

    from tinymorph_tui.testing.tiny_gguf import write_tiny_llama

    original = gguf.GGUFWriter.add_unk_token_id

    def add_unk_and_fim(self: gguf.GGUFWriter, id: int) -> None:
        original(self, id)
        self.add_uint32(gguf.Keys.Tokenizer.FIM_PRE_ID, 4)
        self.add_uint32(gguf.Keys.Tokenizer.FIM_SUF_ID, 5)
        self.add_uint32(gguf.Keys.Tokenizer.FIM_MID_ID, 6)

    mp = pytest.MonkeyPatch()
    mp.setattr(gguf.GGUFWriter, "add_unk_token_id", add_unk_and_fim)
    try:
        return write_tiny_llama(tmp_path_factory.mktemp("fim") / "fim.gguf")
    finally:
        mp.undo()


async def test_fill_in_the_middle_layout_and_prefix_reuse(fim_model_path: Path) -> None:
    backend = LocalBackend(fim_model_path, n_threads=1)
    try:
        info = await backend.load()
        assert info.fim
        await collect(backend, greedy("the sea was", n=2, suffix=" and the sun"))
        ids = [int(t) for t in backend._llm._input_ids]
        pre, suf = backend.tokenize("the sea was"), backend.tokenize(" and the sun")
        layout = [1, 4, *pre, 5, *suf, 6]  # <s> <PRE> prefix <SUF> suffix <MID>
        assert ids[: len(layout)] == layout
        # Typing at the cursor keeps the prefix (it comes first in the layout).
        typed = await collect(backend, greedy("the sea was b", n=2, suffix=" and the sun"))
        assert typed.stats is not None and typed.stats.cached_tokens >= 1 + len(pre)
    finally:
        await backend.aclose()


async def test_closing_the_backend_stops_a_running_generation(tiny_model_path: Path) -> None:
    backend = LocalBackend(tiny_model_path, n_threads=1)
    stream = backend.stream(greedy(n=400))
    assert (await stream.__anext__()).text
    await backend.aclose()  # returns once the generation noticed and stopped
    assert not backend.generating
    rest = [c async for c in stream]
    assert rest[-1].done and rest[-1].stats is not None and rest[-1].stats.tokens < 400
    with pytest.raises(BackendError, match="closed"):
        await collect(backend, greedy())


@pytest.mark.model
async def test_real_model_continues_the_story(real_model_path: Path) -> None:
    backend = LocalBackend(real_model_path, n_threads=1)
    try:
        done = await collect(backend, greedy("Once upon a time", n=12))
        assert done.text.startswith(", there was a little girl named Lily")
        # A stop sequence split across tokens ("girl" + " named") is cut exactly.
        cut = await collect(backend, greedy("Once upon a time", n=12, stop=("girl na",)))
        assert cut.text == ", there was a little "
    finally:
        await backend.aclose()


def test_cli_progress_bar_follows_the_load(tiny_model_path: Path) -> None:
    import io

    from rich.console import Console

    from tinymorph_tui.commands.load_progress import model_load_progress

    sink = io.StringIO()
    console = Console(file=sink, force_terminal=True, width=100)
    backend = LocalBackend(tiny_model_path, n_threads=1)
    try:
        with model_load_progress(backend, "tiny.gguf", console):
            assert backend.on_progress is not None
            backend.load_sync()
    finally:
        backend.close()
    assert backend.on_progress is None  # given back
    drawn = sink.getvalue()
    assert "loading" in drawn and "tiny.gguf" in drawn and "100%" in drawn
