"""Quiet, thread-safe use of llama-cpp-python inside a terminal application.

Two things in llama-cpp-python are wrong for an editor that owns the terminal:
- with `verbose=False` it silences llama.cpp by `dup2`-ing /dev/null over file descriptors 1
  and 2 while a model loads. That is process-wide: from a worker thread it would swallow
  the editor's own screen output for the seconds a load takes;
- with `verbose=True` it prints metadata and system info to stderr, over the editor's screen.
So we replace its fd-redirecting context manager with a no-op and route llama.cpp's C log
callback into a small ring buffer instead of stderr. The buffer also gives load failures a
real reason ("invalid magic characters") instead of "Failed to load model from file".

Everything here imports llama_cpp, so it is only ever imported from inside functions.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

_lock = threading.Lock()
_installed = False
_callback: Any = None  # keeps the ctypes callback alive for as long as llama.cpp holds it

#: The most recent llama.cpp log lines (level, text), newest last.
LOG: collections.deque[tuple[int, str]] = collections.deque(maxlen=200)
_total = [0]  # lines ever logged, so callers can ask for "lines since my mark"

_LEVEL_ERROR = 4  # ggml_log_level: NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5
_LEVEL_CONT = 5


@contextlib.contextmanager
def _no_redirect(*_args: Any, **_kwargs: Any) -> Any:
    yield None


def llama_module() -> Any:
    """Import llama_cpp once with the quiet logging installed; returns the module."""
    global _installed, _callback
    import llama_cpp  # deferred: ~100 ms and a native library; only model users pay for it

    with _lock:
        if _installed:
            return llama_cpp
        import llama_cpp._internals as internals
        import llama_cpp.llama as llama_py

        llama_py.suppress_stdout_stderr = _no_redirect  # type: ignore[misc, assignment]
        internals.suppress_stdout_stderr = _no_redirect  # type: ignore[misc, assignment]
        last_level = [0]

        @llama_cpp.llama_log_callback
        def _log(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
            if level == _LEVEL_CONT:
                level = last_level[0]
            last_level[0] = level
            line = text.decode("utf-8", errors="replace").rstrip("\n")
            if line:
                LOG.append((level, line))
                _total[0] += 1

        _callback = _log
        llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
        _installed = True
    return llama_cpp


def log_mark() -> int:
    """A mark for `last_error`: the number of lines logged so far."""
    return _total[0]


def last_error(since: int = 0) -> str | None:
    """The root cause among llama.cpp's error lines logged after the mark `since`.

    llama.cpp logs a failure as a cascade ("number of tensors is ..." then "failed to read
    header" then "failed to load model"): the first error line is the specific one.
    """
    fresh = _total[0] - since
    lines = list(LOG)[-fresh:] if fresh > 0 else []
    errors = [text for level, text in lines if level == _LEVEL_ERROR]
    if not errors:
        errors = [t for _, t in lines if "error" in t.lower() or "failed" in t.lower()]
    if not errors:
        return None
    text = errors[0].strip()
    # "gguf_init_from_reader: number of tensors ..." -> drop the C function name.
    text = re.sub(r"^(?:[A-Za-z_][A-Za-z0-9_]*: )+", "", text)
    return text.replace("error loading model: ", "") or None


_load_lock = threading.Lock()


@contextlib.contextmanager
def load_progress(report: Callable[[float], bool]) -> Iterator[None]:
    """Call `report(fraction)` (0.0 .. 1.0) as llama.cpp loads a model inside the block;
    `report` returning False cancels the load (llama.cpp then fails it).

    llama-cpp-python's `Llama()` takes no progress callback, but it builds its model
    parameters from `llama_model_default_params()` at the moment it is called: inside the
    block that function returns parameters carrying the callback. The swap is process-wide,
    so loads that report progress run one at a time.
    """
    llama_module()
    import llama_cpp.llama_cpp as low

    def _call(fraction: float, _user: Any) -> bool:
        try:
            return bool(report(float(fraction)))
        except Exception:  # a display callback must never break (or cancel) a load
            return True

    callback = low.llama_progress_callback(_call)  # kept alive by this frame during the load
    original = low.llama_model_default_params

    def with_progress() -> Any:
        params = original()
        params.progress_callback = callback
        return params

    with _load_lock:
        low.llama_model_default_params = with_progress
        try:
            yield
        finally:
            low.llama_model_default_params = original
