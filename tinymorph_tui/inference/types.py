"""The inference contract: requests, streamed chunks, timing stats, errors, the Backend protocol.

Every backend (llama.cpp in process, an OpenAI-compatible server) speaks this one protocol,
so the hint controller, `tinymorph complete` and the server never care which one they hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

#: How a backend applies `CompletionRequest.steering`.
#: "native": residual-stream control vectors (llama.cpp in process, or a tinymorph server);
#: "logit_bias": approximated by token logit biases on a stock OpenAI-compatible server;
#: "none": steering is ignored.
SteeringMode = Literal["native", "logit_bias", "none"]


@dataclass(frozen=True)
class CompletionRequest:
    """One completion: continue `prompt` (text before the cursor).

    `suffix` is the text after the cursor, used for fill-in-the-middle when the model has FIM
    tokens (ignored otherwise). `seed=None` samples a fresh seed; `temperature <= 0` is greedy.
    `stop` sequences end generation and are cut from the text. `steering` maps feature names
    to scales; `None` means "no steering of this request's own" (a local backend then uses the
    vector set with `set_control_vector`, none by default) and `{}` or all-zero scales mean
    explicitly unsteered. `n_alternative` numbers an alternative (0 = the first hint); the
    hint controller varies the seed with it. `logit_bias` ({token_id: bias}, OpenAI's
    field) is added to those tokens' logits before sampling (an extension of the contract).
    `prompt_tokens`, when set, are the prompt already tokenized (a local backend evaluates
    them instead of tokenizing `prompt`): the server tokenizes once, to check the length and
    to parse a chat template's special tokens (an extension; remote backends ignore it).
    """

    prompt: str
    suffix: str | None = None
    max_tokens: int = 48
    temperature: float = 0.7
    top_p: float = 0.95
    seed: int | None = None
    stop: tuple[str, ...] = ()
    steering: dict[str, float] | None = None
    n_alternative: int = 0
    logit_bias: dict[int, float] | None = None
    prompt_tokens: tuple[int, ...] | None = None


@dataclass(frozen=True)
class CompletionStats:
    """Timing of one completion, as llama.vim shows it.

    `ttft_ms`: request start to the first text; `tokens`: generated tokens;
    `tokens_per_s`: generation speed after the first token (0 when fewer than two tokens);
    `cached_tokens`: prompt tokens reused from the KV cache (None when unknown);
    `total_ms`: request start to the end.
    """

    ttft_ms: float
    tokens: int
    tokens_per_s: float
    cached_tokens: int | None
    total_ms: float


@dataclass(frozen=True)
class Chunk:
    """A piece of streamed text. The last chunk has `done=True` and carries `stats`."""

    text: str
    done: bool = False
    stats: CompletionStats | None = None


class BackendError(Exception):
    """A failure fit for the status line: `reason` is one short human sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@runtime_checkable
class Backend(Protocol):
    """What the editor, the CLI and the server need from a model.

    `stream(req)` is an async generator of `Chunk`s ending with one `done=True` chunk.
    Cancelling the consuming task or closing the iterator (`aclose()`) stops generation
    (a local backend within one token). Failures raise `BackendError`.
    """

    name: str

    @property
    def steering_mode(self) -> SteeringMode:
        """How `CompletionRequest.steering` is applied ("native", "logit_bias", "none")."""
        ...

    def stream(self, req: CompletionRequest) -> AsyncIterator[Chunk]:
        """Stream the continuation of `req` as chunks."""
        ...

    async def aclose(self) -> None:
        """Release the model or the connection pool."""
        ...


@dataclass
class Completion:
    """A whole completion gathered from a stream (see `collect`)."""

    text: str
    stats: CompletionStats | None
    chunks: list[str] = field(default_factory=list)


async def collect(backend: Backend, req: CompletionRequest) -> Completion:
    """Run `req` to the end and return its text and stats (convenience for CLI and tests)."""
    parts: list[str] = []
    stats: CompletionStats | None = None
    stream = backend.stream(req)
    try:
        async for chunk in stream:
            if chunk.text:
                parts.append(chunk.text)
            if chunk.done:
                stats = chunk.stats
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return Completion(text="".join(parts), stats=stats, chunks=parts)
