"""The Feature: a named direction in one model's residual stream.

Layer numbers are llama.cpp layer indices everywhere in tinymorph: the direction stored for
layer L is added to the output of llama.cpp layer L (the tensor `l_out-L`), exactly as row
L - 1 of a llama.cpp control vector and as tensor `direction.L` of a control-vector GGUF.
Layer 0 cannot be steered by llama.cpp control vectors, so no feature holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported lazily at run time (see catalog.py)
    import numpy as np

#: Default slider range; a unit is defined in `mixer.py` (STEER_FRACTION of the residual norm).
DEFAULT_SCALE_MIN = -2.0
DEFAULT_SCALE_MAX = 2.0

#: (token_id, token_text, weight): one token of a feature's logit-lens effect.
LogitEffect = tuple[int, str, float]

_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f/\\=]{1,100}$")


class FeatureError(Exception):
    """A user-facing problem with a feature or a feature file (one-line message)."""


def check_name(name: str) -> str:
    """Return `name` stripped, or raise FeatureError when it cannot name a feature.

    Names may hold spaces and punctuation but no control characters, slashes or "=" (the
    CLI's `--feature NAME=SCALE` splits on it), and at most 100 characters.
    """
    clean = name.strip()
    if not _NAME_RE.match(clean):
        raise FeatureError(
            f"bad feature name {name!r}: use 1-100 characters, without '/', '\\', '=' "
            "or control characters"
        )
    return clean


@dataclass(eq=False)  # identity equality: comparing dicts of arrays is ambiguous
class Feature:
    """A steering feature of one model.

    `layers` maps a llama.cpp layer index (1 .. n_layer-1) to a float32 direction of n_embd
    values, in the units it was defined or imported in (its length carries no meaning for
    the slider: `mixer.py` rescales it against the model's typical residual norm).
    `norm` holds the length of each stored direction (for display), and `logit_effect` the
    tokens it promotes (positive weight) and suppresses (negative), by logit lens.
    """

    name: str
    model_id: str
    layers: dict[int, np.ndarray]
    label: str = ""
    source: str = ""
    scale_min: float = DEFAULT_SCALE_MIN
    scale_max: float = DEFAULT_SCALE_MAX
    norm: dict[int, float] = field(default_factory=dict)
    logit_effect: list[LogitEffect] = field(default_factory=list)

    def __post_init__(self) -> None:
        import numpy as np  # deferred: Feature is importable without numpy for type use

        self.name = check_name(self.name)
        clean: dict[int, np.ndarray] = {}
        for layer, vec in self.layers.items():
            arr = np.asarray(vec, dtype=np.float32).reshape(-1)
            if int(layer) < 1:
                raise FeatureError(
                    f"feature {self.name!r}: layer {layer} cannot be steered "
                    "(llama.cpp control vectors start at layer 1)"
                )
            if not np.all(np.isfinite(arr)):
                raise FeatureError(f"feature {self.name!r}: layer {layer} has NaN or inf values")
            clean[int(layer)] = arr
        if not clean:
            raise FeatureError(f"feature {self.name!r} has no layers")
        sizes = {v.shape[0] for v in clean.values()}
        if len(sizes) != 1:
            raise FeatureError(f"feature {self.name!r}: layers differ in size {sorted(sizes)}")
        self.layers = dict(sorted(clean.items()))
        if not self.norm:
            self.norm = {k: float(np.linalg.norm(v)) for k, v in self.layers.items()}
        if self.scale_min >= self.scale_max:
            raise FeatureError(f"feature {self.name!r}: scale_min must be below scale_max")

    @property
    def n_embd(self) -> int:
        """Width of the directions (the model's embedding size)."""
        return int(next(iter(self.layers.values())).shape[0])

    def clamp(self, scale: float) -> float:
        """`scale` limited to this feature's slider range."""
        return max(self.scale_min, min(self.scale_max, float(scale)))
