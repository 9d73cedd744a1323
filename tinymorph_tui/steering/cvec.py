"""Control-vector GGUF files, as written by repeng and llama.cpp's cvector-generator.

Format: `general.architecture = "controlvector"`, `controlvector.model_hint` (the model's
architecture, e.g. "llama"), `controlvector.layer_count`, and one F32 1-D tensor
`direction.N` (N >= 1) per steered layer, added by llama.cpp to the output of layer N. This
is what `llama-server --control-vector FILE` loads (common_control_vector_load_one: it
rejects `direction.0`, non-F32 and non-1-D tensors and mixed widths; we check the same).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tinymorph_tui.steering.feature import FeatureError

if TYPE_CHECKING:
    import numpy as np

_DIRECTION_RE = re.compile(r"^direction\.(\d+)$")


@dataclass
class ControlVectorFile:
    """The contents of a control-vector GGUF: per-layer directions and the model hint."""

    layers: dict[int, np.ndarray]
    model_hint: str = ""

    @property
    def n_embd(self) -> int:
        """Width of the directions."""
        return int(next(iter(self.layers.values())).shape[0])


def read_cvec(path: str | os.PathLike[str]) -> ControlVectorFile:
    """Read a control-vector GGUF; raises FeatureError with a one-line reason on bad files."""
    import gguf  # deferred: only steering commands read GGUF files
    import numpy as np

    from tinymorph_tui.steering.gguf_util import field_value, open_reader

    reader = open_reader(path)
    arch = field_value(reader, "general.architecture")
    if arch != "controlvector":
        raise FeatureError(f"{path}: not a control-vector GGUF (general.architecture is {arch!r})")
    hint = field_value(reader, "controlvector.model_hint") or ""
    layers: dict[int, np.ndarray] = {}
    for tensor in reader.tensors:
        m = _DIRECTION_RE.match(tensor.name)
        if not m:
            continue
        layer = int(m.group(1))
        if layer == 0:
            raise FeatureError(f"{path}: direction.0 is invalid (layer 0 cannot be steered)")
        if tensor.tensor_type != gguf.GGMLQuantizationType.F32:
            raise FeatureError(f"{path}: {tensor.name} is {tensor.tensor_type.name}, not F32")
        if len([d for d in tensor.shape if int(d) != 1]) > 1:
            raise FeatureError(f"{path}: {tensor.name} is not one-dimensional")
        layers[layer] = np.array(tensor.data, dtype=np.float32).reshape(-1)
    if not layers:
        raise FeatureError(f"{path}: no direction.N tensors")
    widths = {v.shape[0] for v in layers.values()}
    if len(widths) != 1:
        raise FeatureError(f"{path}: directions differ in width {sorted(widths)}")
    return ControlVectorFile(layers=dict(sorted(layers.items())), model_hint=str(hint))


def write_cvec(
    path: str | os.PathLike[str], layers: dict[int, np.ndarray], model_hint: str = "llama"
) -> Path:
    """Write a control-vector GGUF that llama.cpp's `--control-vector` loads.

    Layers with all-zero directions are still written (llama.cpp fills absent layers with
    zeros anyway). Raises FeatureError for layer 0, mixed widths or an empty mapping.
    """
    import gguf
    import numpy as np

    if not layers:
        raise FeatureError("a control vector needs at least one layer")
    if any(int(layer) < 1 for layer in layers):
        raise FeatureError("layer 0 cannot be written to a control vector")
    arrays = {
        int(k): np.ascontiguousarray(v, dtype=np.float32).reshape(-1) for k, v in layers.items()
    }
    if len({a.shape[0] for a in arrays.values()}) != 1:
        raise FeatureError("control-vector directions differ in width")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    writer = gguf.GGUFWriter(str(tmp), "controlvector")
    writer.add_string("controlvector.model_hint", model_hint)
    # llama.cpp's cvector-generator writes the number of layers that carry a direction.
    writer.add_uint32("controlvector.layer_count", len(arrays))
    for layer in sorted(arrays):
        writer.add_tensor(f"direction.{layer}", arrays[layer])
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    os.replace(tmp, path)
    return path
