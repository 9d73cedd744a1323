"""ScriptedBackend: a Backend that streams text decided in advance, with set delays.

For tests and benchmarks of everything above the model (the hint controller, the UI's ghost
text, pilot tests): it speaks the `Backend` protocol exactly, records every request, and
counts streams that were cancelled or closed early, so a test can check that an edit really
stopped a generation. It is not a model and is never chosen by `make_backend`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from tinymorph_tui.inference.types import (
    BackendError,
    Chunk,
    CompletionRequest,
    CompletionStats,
    SteeringMode,
)

#: What to stream for a request: a string (sent in `piece`-sized chunks) or explicit chunks.
Script = str | Sequence[str]


@dataclass
class ScriptedBackend:
    """Streams `respond(req)` (or a fixed `text`) chunk by chunk.

    `first_delay` (s) passes before the first chunk, `delay` between chunks; `piece` is the
    chunk size when the script is one string. `error` is raised instead of streaming (after
    `first_delay`). With `ignore_cancel=True` the stream swallows one cancellation and still
    yields `late_text` (a misbehaving backend, to test that stale results are dropped).
    """

    text: Script = ""
    respond: Callable[[CompletionRequest], Script] | None = None
    first_delay: float = 0.0
    delay: float = 0.0
    piece: int = 4
    error: BackendError | None = None
    ignore_cancel: bool = False
    late_text: str = "LATE"
    name: str = "scripted"
    steering_mode: SteeringMode = "none"
    requests: list[CompletionRequest] = field(default_factory=list)
    cancelled: int = 0
    closed_early: int = 0
    completed: int = 0

    def _chunks(self, req: CompletionRequest) -> list[str]:
        script = self.respond(req) if self.respond is not None else self.text
        if isinstance(script, str):
            return [script[i : i + self.piece] for i in range(0, len(script), self.piece)]
        return list(script)

    async def stream(self, req: CompletionRequest) -> AsyncIterator[Chunk]:
        """Stream the scripted continuation of `req`."""
        self.requests.append(req)
        started = time.perf_counter()
        first: float | None = None
        sent = 0
        try:
            try:
                if self.first_delay > 0:
                    await asyncio.sleep(self.first_delay)
            except asyncio.CancelledError:
                if not self.ignore_cancel:
                    raise
                self.cancelled += 1
                yield Chunk(self.late_text)
                return
            if self.error is not None:
                raise self.error
            for i, text in enumerate(self._chunks(req)):
                if i and self.delay > 0:
                    await asyncio.sleep(self.delay)
                if first is None:
                    first = time.perf_counter()
                sent += 1
                yield Chunk(text)
            ended = time.perf_counter()
            ttft = ((first or ended) - started) * 1000.0
            self.completed += 1
            yield Chunk(
                "",
                done=True,
                stats=CompletionStats(
                    ttft_ms=ttft,
                    tokens=sent,
                    tokens_per_s=0.0,
                    cached_tokens=None,
                    total_ms=(ended - started) * 1000.0,
                ),
            )
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        except GeneratorExit:
            self.closed_early += 1
            raise

    async def aclose(self) -> None:
        """Nothing to release."""
