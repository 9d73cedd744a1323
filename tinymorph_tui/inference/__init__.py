"""Inference backends: llama.cpp in process, OpenAI-compatible servers, one protocol.

Only the light contract types are imported here; `LocalBackend` (llama-cpp-python, numpy) and
`RemoteBackend` (httpx) live in their own modules so importing this package stays cheap.
"""

from __future__ import annotations

from tinymorph_tui.inference.types import (
    Backend,
    BackendError,
    Chunk,
    Completion,
    CompletionRequest,
    CompletionStats,
    SteeringMode,
    collect,
)

__all__ = [
    "Backend",
    "BackendError",
    "Chunk",
    "Completion",
    "CompletionRequest",
    "CompletionStats",
    "SteeringMode",
    "collect",
]
