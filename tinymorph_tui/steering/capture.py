"""Capture residual-stream activations from llama.cpp itself.

A llama.cpp context created with `cb_eval` set calls back for every graph tensor, first to
ask whether we want it (`ask=True`) and, if we said yes, again once it is computed. Each
layer's output is named `l_out-N` (after the control vector, if any, is added: the same
point a control vector steers). We read those tensors with ctypes on the bundled ggml
(`ggml_get_name`, `ggml_nelements`, `ggml_nbytes`, `ggml_backend_tensor_get`), which works
whichever backend (CPU or GPU) holds them.

Every token of an example is marked as an output: llama.cpp otherwise gathers only the
output rows of the last layer (`inp_out_ids`), and we want every position.

**Contrastive definition (CAA).** A feature's direction at layer L is the mean over positive
examples minus the mean over negative ones, where each example contributes the *mean of its
tokens'* activations (the BOS position excluded: its activation is an attention sink with an
outsized norm that says nothing about the text). The mean over tokens, rather than the last
token as in Panickssery et al. (who used A/B answer tokens), suits free-text examples: every
word of "the sun warmed the happy children" carries the feature, and averaging over them
cancels what is specific to one position.

**Typical residual norm.** The median, over the non-BOS tokens of a few neutral sentences,
of the L2 norm of `l_out-L`: the yardstick for slider units (see `mixer.py`).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinymorph_tui.steering.feature import FeatureError

if TYPE_CHECKING:
    import numpy as np

#: Called as progress(done, total) while examples are processed.
Progress = Callable[[int, int], None]

#: Neutral texts for measuring the typical residual norm (plain, varied, unemotional).
NEUTRAL_TEXTS: tuple[str, ...] = (
    "The report lists the number of trains that left the station each day last year.",
    "Once upon a time, there was a small town next to a river and a road.",
    "To make tea, boil the water, put the leaves in a pot and wait a few minutes.",
    "The library opens at nine in the morning and closes at six in the evening.",
    "She walked to the park, sat on a bench and looked at the trees.",
    "A table has four legs, a flat top and is usually made of wood or metal.",
)

_GGML_TYPE_F32 = 0
_ggml: Any = None


def _ggml_lib() -> Any:
    """The bundled libggml-base with the four functions we need typed (loaded once)."""
    global _ggml
    if _ggml is not None:
        return _ggml
    llama_cpp = _llama()  # deferred: loading llama.cpp takes ~0.3 s

    lib_dir = Path(llama_cpp.__file__).resolve().parent / "lib"
    candidates = sorted(lib_dir.glob("libggml-base.*")) + sorted(lib_dir.glob("ggml-base.*"))
    if not candidates:
        raise FeatureError(f"cannot find libggml-base in {lib_dir}")
    lib = ctypes.CDLL(str(candidates[0]))
    lib.ggml_get_name.argtypes = [ctypes.c_void_p]
    lib.ggml_get_name.restype = ctypes.c_char_p
    lib.ggml_nelements.argtypes = [ctypes.c_void_p]
    lib.ggml_nelements.restype = ctypes.c_int64
    lib.ggml_nbytes.argtypes = [ctypes.c_void_p]
    lib.ggml_nbytes.restype = ctypes.c_size_t
    lib.ggml_backend_tensor_get.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_size_t,
    ]
    lib.ggml_backend_tensor_get.restype = None
    _ggml = lib
    return lib


def _llama() -> Any:
    """llama_cpp with tinymorph's quiet logging (no load chatter over the editor's screen)."""
    try:
        from tinymorph_tui.inference.llama_runtime import llama_module
    except ImportError:  # pragma: no cover - the inference package ships with steering
        import llama_cpp

        return llama_cpp
    return llama_module()


class ResidualCapture:
    """A llama.cpp context on a model that records `l_out-N` for the layers asked for.

    Use as a context manager. `run(text, layers)` returns `{layer: (n_tokens, n_embd)}`.
    The model is memory-mapped, so opening a second context beside a generating one costs
    little memory.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        n_ctx: int = 512,
        n_threads: int | None = None,
        n_gpu_layers: int = 0,
    ) -> None:
        import numpy as np

        llama_cpp = _llama()
        self._np = np
        self._llama = llama_cpp
        self._lib = _ggml_lib()
        llama_cpp.llama_backend_init()
        path = Path(model_path)
        if not path.is_file():
            raise FeatureError(f"{path}: no such model file")
        mparams = llama_cpp.llama_model_default_params()
        mparams.n_gpu_layers = n_gpu_layers
        self._model = llama_cpp.llama_model_load_from_file(os.fsencode(path), mparams)
        if not self._model:
            raise FeatureError(f"{path}: llama.cpp could not load this model")
        self._ctx = None
        self.n_layer = int(llama_cpp.llama_model_n_layer(self._model))
        self.n_embd = int(llama_cpp.llama_model_n_embd(self._model))
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        self.bos = int(llama_cpp.llama_vocab_bos(self._vocab))
        self.n_ctx = n_ctx
        cparams = llama_cpp.llama_context_default_params()
        cparams.n_ctx = n_ctx
        cparams.n_batch = n_ctx
        cparams.n_ubatch = n_ctx  # one ubatch per example: each tensor is seen once
        threads = n_threads or max(1, min(8, os.cpu_count() or 1))
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        # Keep the callback object alive as long as the context: C holds only its address.
        self._callback = llama_cpp.ggml_backend_sched_eval_callback(self._on_tensor)
        cparams.cb_eval = self._callback
        cparams.cb_eval_user_data = None
        self._ctx = llama_cpp.llama_init_from_model(self._model, cparams)
        if not self._ctx:
            self.close()
            raise FeatureError(f"{path}: llama.cpp could not create a context")
        self._want: set[int] = set()
        self._got: dict[int, list[np.ndarray]] = {}
        self._error: str | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Free the context and model (idempotent)."""
        if getattr(self, "_ctx", None):
            self._llama.llama_free(self._ctx)
            self._ctx = None
        if getattr(self, "_model", None):
            self._llama.llama_model_free(self._model)
            self._model = None

    def __enter__(self) -> ResidualCapture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a safety net; callers should close()
        try:
            self.close()
        except Exception:
            pass

    def set_control_vector(self, vector: np.ndarray | None) -> None:
        """Steer this context too (None clears): to see what a control vector does inside."""
        from tinymorph_tui.steering.mixer import apply_control_vector

        apply_control_vector(self._ctx, vector, self.n_layer, self.n_embd)

    # -- capture ------------------------------------------------------------------------

    def _on_tensor(self, tensor: int, ask: bool, _user: int) -> bool:
        # Runs inside llama_decode on this thread; never let an exception cross into C.
        try:
            name = self._lib.ggml_get_name(tensor) or b""
            if not name.startswith(b"l_out-"):
                return not ask
            layer = int(name[6:])
            if layer not in self._want:
                return not ask
            if ask:
                return True
            n = int(self._lib.ggml_nelements(tensor))
            nbytes = int(self._lib.ggml_nbytes(tensor))
            ttype = ctypes.cast(tensor, ctypes.POINTER(ctypes.c_int32))[0]  # ggml_tensor.type
            if ttype != _GGML_TYPE_F32 or nbytes != 4 * n:
                self._error = f"l_out-{layer} is not an F32 tensor"
                return True
            out = self._np.empty(n, dtype=self._np.float32)
            self._lib.ggml_backend_tensor_get(tensor, out.ctypes.data, 0, nbytes)
            self._got.setdefault(layer, []).append(out.reshape(-1, self.n_embd))
        except Exception as exc:  # pragma: no cover - defensive
            self._error = f"capture failed: {exc}"
        return True

    def tokenize(self, text: str) -> list[int]:
        """Tokens of `text` with the model's BOS (as generation would see it)."""
        data = text.encode("utf-8")
        cap = len(data) + 8
        buf = (self._llama.llama_token * cap)()
        n = self._llama.llama_tokenize(self._vocab, data, len(data), buf, cap, True, False)
        if n < 0:
            raise FeatureError("text too long to tokenize")
        return list(buf[:n])

    def run(
        self, text: str | Sequence[int], layers: Iterable[int] | None = None
    ) -> dict[int, np.ndarray]:
        """Evaluate one text (or token list) and return `{layer: (n_tokens, n_embd)}`.

        `layers` defaults to every layer 0..n_layer-1. The KV cache is cleared first, so
        examples do not see each other.
        """
        llama = self._llama
        np = self._np
        tokens = self.tokenize(text) if isinstance(text, str) else [int(t) for t in text]
        if not tokens:
            raise FeatureError("empty example")
        if len(tokens) > self.n_ctx:
            raise FeatureError(f"example of {len(tokens)} tokens exceeds the {self.n_ctx} context")
        want = set(range(self.n_layer)) if layers is None else {int(x) for x in layers}
        bad = [x for x in want if not 0 <= x < self.n_layer]
        if bad:
            raise FeatureError(
                f"layer {bad[0]} does not exist (the model has {self.n_layer} layers)"
            )
        self._want, self._got, self._error = want, {}, None
        llama.llama_memory_clear(llama.llama_get_memory(self._ctx), True)
        batch = llama.llama_batch_init(len(tokens), 0, 1)
        try:
            for i, tok in enumerate(tokens):
                batch.token[i] = tok
                batch.pos[i] = i
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = True  # every position is an output: see the module docs
            batch.n_tokens = len(tokens)
            rc = llama.llama_decode(self._ctx, batch)
        finally:
            llama.llama_batch_free(batch)
        if rc != 0:
            raise FeatureError(f"llama_decode failed (code {rc})")
        if self._error:
            raise FeatureError(self._error)
        out: dict[int, np.ndarray] = {}
        for layer in sorted(want):
            parts = self._got.get(layer)
            if not parts:
                raise FeatureError(f"llama.cpp did not expose l_out-{layer} for this model")
            out[layer] = np.concatenate(parts, axis=0)
        return out

    def example_means(self, text: str, layers: Iterable[int]) -> dict[int, np.ndarray]:
        """Per layer, the mean activation over the example's tokens (BOS excluded)."""
        tokens = self.tokenize(text)
        skip = 1 if tokens and tokens[0] == self.bos else 0
        if len(tokens) <= skip:
            raise FeatureError(f"example {text!r} has no tokens")
        acts = self.run(tokens, layers)
        return {layer: a[skip:].mean(axis=0) for layer, a in acts.items()}


def _split_examples(texts: Iterable[str]) -> list[str]:
    examples = [t.strip() for t in texts if t and t.strip()]
    return examples


def contrastive_directions(
    capture: ResidualCapture,
    positives: Sequence[str],
    negatives: Sequence[str],
    layers: Iterable[int],
    progress: Progress | None = None,
) -> dict[int, np.ndarray]:
    """Mean-difference (CAA) directions per layer: mean(positives) - mean(negatives)."""
    import numpy as np

    pos, neg = _split_examples(positives), _split_examples(negatives)
    if not pos or not neg:
        raise FeatureError("need at least one positive and one negative example")
    layer_list = sorted({int(x) for x in layers})
    bad = [x for x in layer_list if not 1 <= x < capture.n_layer]
    if bad:
        raise FeatureError(
            f"layer {bad[0]} cannot be steered: this model's steerable layers are "
            f"1..{capture.n_layer - 1}"
        )
    total = len(pos) + len(neg)
    sums = {
        True: {x: np.zeros(capture.n_embd, np.float64) for x in layer_list},
        False: {x: np.zeros(capture.n_embd, np.float64) for x in layer_list},
    }
    done = 0
    for positive, group in ((True, pos), (False, neg)):
        for text in group:
            for layer, mean in capture.example_means(text, layer_list).items():
                sums[positive][layer] += mean
            done += 1
            if progress:
                progress(done, total)
    return {
        x: (sums[True][x] / len(pos) - sums[False][x] / len(neg)).astype(np.float32)
        for x in layer_list
    }


def residual_norms(
    capture: ResidualCapture, texts: Sequence[str] = NEUTRAL_TEXTS, progress: Progress | None = None
) -> dict[int, float]:
    """Median per-token residual norm of every layer over `texts` (BOS excluded)."""
    import numpy as np

    norms: dict[int, list[np.ndarray]] = {}
    for i, text in enumerate(texts):
        tokens = capture.tokenize(text)
        skip = 1 if tokens and tokens[0] == capture.bos else 0
        for layer, acts in capture.run(tokens).items():
            norms.setdefault(layer, []).append(np.linalg.norm(acts[skip:], axis=1))
        if progress:
            progress(i + 1, len(texts))
    return {layer: float(np.median(np.concatenate(v))) for layer, v in sorted(norms.items())}


def measure_residual_norms(
    model_path: str | os.PathLike[str], progress: Progress | None = None
) -> dict[int, float]:
    """Open the model, measure `residual_norms` over NEUTRAL_TEXTS and close it."""
    with ResidualCapture(model_path) as cap:
        return residual_norms(cap, NEUTRAL_TEXTS, progress)
