"""What several benchmarks share: the prompt text and where the real test model is."""

from __future__ import annotations

import os
from pathlib import Path

#: A TinyStories-like paragraph (the stories260K model was trained on such text).
STORY = (
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park with her friends. One day, she saw a big red ball near the tree. She ran to get it, "
    "but a small dog took it first. Lily was sad, but then the dog came back and gave her the "
    "ball. They played together all day and became best friends. "
)

#: Beside the checkout, as CI lays it out (.ci/run).
SHARED_MODEL = Path(__file__).resolve().parents[2] / "shared" / "models" / "stories260K.gguf"


def find_model(arg: str | None) -> Path | None:
    """--model, else TINYMORPH_TEST_MODEL, else the shared stories260K; None if none is a file."""
    for candidate in (arg, os.environ.get("TINYMORPH_TEST_MODEL"), str(SHARED_MODEL)):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None
