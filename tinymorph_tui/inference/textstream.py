"""Turning a token stream into clean text: whole UTF-8 characters, stop sequences cut.

A token may end in the middle of a multi-byte character and a stop sequence may be split
across tokens, so text is held back until it is known to be safe to show.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence


class Utf8Stream:
    """Incremental UTF-8 decoder: `feed(bytes)` returns only complete characters."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> str:
        """Decode `data`; an incomplete trailing sequence waits for the next call."""
        return self._decoder.decode(data, final=False)

    def flush(self) -> str:
        """Decode what is left (an unfinished sequence becomes U+FFFD)."""
        return self._decoder.decode(b"", final=True)


class StopFilter:
    """Hold back text that could be the start of a stop sequence; cut at a full match.

    `feed(text)` returns the text safe to emit now. Once a stop sequence is seen, `stopped`
    is True and everything from the stop sequence on is dropped.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._pending = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Add `text`; return what can be shown now."""
        if self.stopped:
            return ""
        if not self._stops:
            return text
        self._pending += text
        cut = min((i for i in (self._pending.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            out = self._pending[:cut]
            self._pending = ""
            self.stopped = True
            return out
        keep = self._held_back()
        out = self._pending[: len(self._pending) - keep]
        self._pending = self._pending[len(self._pending) - keep :]
        return out

    def flush(self) -> str:
        """The end of the stream: held-back text was not a stop sequence after all."""
        out, self._pending = ("" if self.stopped else self._pending), ""
        return out

    def _held_back(self) -> int:
        # The longest tail of the pending text that is a proper prefix of some stop sequence.
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(self._pending)), best, -1):
                if self._pending.endswith(stop[:n]):
                    best = n
                    break
        return best
