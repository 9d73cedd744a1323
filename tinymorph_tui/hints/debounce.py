"""Adaptive debounce: how long to wait after a keystroke before asking the model.

The pause exists so a request is not started (and cancelled) on every key. With a fast local
model a cancelled request costs little and a hint that comes quickly is worth more, so the
wait shrinks toward a small multiple of the model's measured time to first token; with a
slow model or a remote server it stays at the configured value.
"""

from __future__ import annotations


class AdaptiveDebounce:
    """The current debounce delay, adapted from observed time-to-first-token figures.

    `base_ms` is the configured (and largest) delay; `min_ms` the smallest it adapts down to;
    the adapted delay is `factor` times an exponential moving average of the TTFT.
    With `adaptive=False` the delay is always `base_ms`.
    """

    def __init__(
        self,
        base_ms: float = 150.0,
        *,
        min_ms: float = 30.0,
        factor: float = 2.0,
        alpha: float = 0.3,
        adaptive: bool = True,
    ) -> None:
        if base_ms < 0:
            raise ValueError("debounce must be >= 0 ms")
        self.base_ms = float(base_ms)
        self.min_ms = min(float(min_ms), self.base_ms)
        self.factor = factor
        self.alpha = alpha
        self.adaptive = adaptive
        self.ttft_ms: float | None = None

    def observe_ttft(self, ms: float) -> None:
        """Fold one measured time to first token (ms) into the moving average."""
        if ms < 0:
            return
        if self.ttft_ms is None:
            self.ttft_ms = float(ms)
        else:
            self.ttft_ms += self.alpha * (float(ms) - self.ttft_ms)

    @property
    def delay_ms(self) -> float:
        """The delay to use now, in milliseconds."""
        if not self.adaptive or self.ttft_ms is None:
            return self.base_ms
        return max(self.min_ms, min(self.base_ms, self.factor * self.ttft_ms))

    @property
    def delay_s(self) -> float:
        """The delay to use now, in seconds."""
        return self.delay_ms / 1000.0
