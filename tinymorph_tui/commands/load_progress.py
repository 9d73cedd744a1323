"""A Rich progress bar on stderr while a local model loads (`complete`, `serve`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def model_load_progress(backend: Any, name: str, console: Any) -> Iterator[None]:
    """Show how much of the model llama.cpp has read while the block loads `backend`
    (a `LocalBackend`: its `on_progress` feeds the bar, from the loading thread)."""
    from rich.progress import (  # deferred: only an interactive load draws it
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]loading[/] {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(name, total=1.0)
        previous = getattr(backend, "on_progress", None)
        # Rich's Progress is thread-safe: updating it from llama.cpp's thread is fine.
        backend.on_progress = lambda fraction: progress.update(task, completed=fraction)
        try:
            yield
        finally:
            backend.on_progress = previous
