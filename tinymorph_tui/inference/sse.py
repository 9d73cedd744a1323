"""Server-sent events as OpenAI streams them: `data: {...}` events ending with `data: [DONE]`.

Only what OpenAI-compatible servers send is handled: `data:` fields (several in one event
are joined with newlines, as the SSE spec says), blank lines ending events, `:` comments and
other fields (`event:`, `id:`, `retry:`) ignored.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

#: The payload OpenAI sends as its last event.
DONE = "[DONE]"


class SSEError(ValueError):
    """The byte stream is not server-sent events."""


async def iter_sse_data(lines: AsyncIterable[str]) -> AsyncIterator[str]:
    """Yield the data payload of each event in `lines` (lines without their newline).

    Raises SSEError on a line that is neither a field, a comment nor blank (e.g. an HTML
    error page sent with status 200).
    """
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        field, sep, value = line.partition(":")
        if not sep:
            raise SSEError(f"not an event stream line: {line[:80]!r}")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field not in ("event", "id", "retry"):
            raise SSEError(f"not an event stream line: {line[:80]!r}")
    if data:
        yield "\n".join(data)
