"""Import sparse-autoencoder decoder rows as features (SAELens and Gemma Scope files).

**Layer mapping.** In TransformerLens naming, `blocks.L.hook_resid_post` is the residual
stream after transformer block L, which is exactly the output of llama.cpp layer L (the
tensor `l_out-L`), where a control vector's row for layer L is added; so a resid_post SAE at
block L becomes a feature at llama.cpp layer L. `blocks.L.hook_resid_pre` is the input of
block L, i.e. the output of block L - 1: llama.cpp layer L - 1. `hook_attn_out` and
`hook_mlp_out` of block L are written into the residual stream inside block L, so their
decoder rows (residual-space directions) are added at the output of layer L, the nearest
point llama.cpp can steer. llama.cpp cannot steer layer 0, so `blocks.0.hook_resid_post` and
`blocks.0/1.hook_resid_pre` are refused. Gemma Scope's residual SAEs (`layer_L/.../params.npz`)
sit on the output of layer L, like resid_post.

**Files.** SAELens: a folder with `cfg.json` (`hook_name`, possibly under `metadata`, and
`d_in`/`d_sae`) and `sae_weights.safetensors` holding `W_dec` of shape `[d_sae, d_in]`.
Gemma Scope: `params.npz` with `W_dec` `[d_sae, d_model]`; the layer comes from `--layer`
or from a `layer_<L>` folder in its path. Labels: a Neuronpedia explanations export, a JSON
list of `{"index": ..., "description": ...}` (also accepted under an `explanations` key).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinymorph_tui.steering.feature import FeatureError

if TYPE_CHECKING:
    import numpy as np

_HOOK_RE = re.compile(
    r"^blocks\.(\d+)\.(hook_resid_post|hook_resid_pre|hook_attn_out|hook_mlp_out)$"
)


def hook_to_layer(hook_name: str) -> int:
    """The llama.cpp layer whose output a TransformerLens hook point corresponds to.

    Raises FeatureError for hooks outside the residual stream or at layer 0.
    """
    m = _HOOK_RE.match(hook_name.strip())
    if not m:
        raise FeatureError(
            f"hook {hook_name!r} is not a residual-stream hook (want blocks.L.hook_resid_post, "
            "hook_resid_pre, hook_attn_out or hook_mlp_out)"
        )
    block, kind = int(m.group(1)), m.group(2)
    layer = block - 1 if kind == "hook_resid_pre" else block
    if layer < 1:
        raise FeatureError(
            f"hook {hook_name!r} maps to llama.cpp layer {layer}, which cannot be steered"
        )
    return layer


def parse_rows(spec: str, limit: int, what: str = "row") -> list[int]:
    """Parse a selection like "1,5,10-20" into sorted unique indices below `limit`.

    `what` names the items in error messages ("row", "layer").
    """
    rows: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if not m:
            raise FeatureError(f"bad {what} selection {part!r}: use e.g. 1,5,10-20")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise FeatureError(f"bad {what} range {part!r}: end before start")
        if hi >= limit:
            raise FeatureError(
                f"row {hi} is out of range: the SAE has {limit} rows (0..{limit - 1})"
            )
        rows.update(range(lo, hi + 1))
    if not rows:
        raise FeatureError(f"empty {what} selection")
    return sorted(rows)


@dataclass
class SaeRows:
    """Decoder rows chosen from an SAE, with the llama.cpp layer they steer."""

    layer: int
    hook_name: str
    rows: list[int]
    vectors: np.ndarray  # (len(rows), d_in) float32
    d_sae: int
    labels: dict[int, str] = field(default_factory=dict)
    source: str = ""

    @property
    def d_in(self) -> int:
        """Width of the rows (must equal the model's n_embd)."""
        return int(self.vectors.shape[1])


def _safetensors_dec(path: Path) -> tuple[Any, int, int]:
    """Return (row getter, d_sae, d_in) for `W_dec` without loading the encoder."""
    import numpy as np

    try:
        with path.open("rb") as fh:
            header_len = int.from_bytes(fh.read(8), "little")
            if not 0 < header_len < 100_000_000:
                raise ValueError("bad header length")
            header = json.loads(fh.read(header_len))
    except (OSError, ValueError) as exc:
        raise FeatureError(f"{path}: not a safetensors file ({exc})") from None
    info = header.get("W_dec")
    if not isinstance(info, dict):
        raise FeatureError(f"{path}: no W_dec tensor")
    shape = [int(x) for x in info.get("shape", [])]
    if len(shape) != 2:
        raise FeatureError(f"{path}: W_dec has shape {shape}, want [d_sae, d_in]")
    dtypes = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "BF16": np.uint16}
    dtype = dtypes.get(str(info.get("dtype")))
    if dtype is None:
        raise FeatureError(f"{path}: W_dec has unsupported dtype {info.get('dtype')}")
    if str(info.get("dtype")) != "BF16":
        # numpy-representable: let the safetensors library do the reading.
        from safetensors import safe_open

        handle = safe_open(str(path), framework="numpy")
        dec = handle.get_slice("W_dec")

        def rows_of(idx: list[int]) -> np.ndarray:
            return np.stack([np.asarray(dec[i : i + 1, :]).reshape(-1) for i in idx]).astype(
                np.float32
            )

        return rows_of, shape[0], shape[1]
    # bfloat16 has no numpy dtype: memory-map the raw bits and widen them to float32.
    begin = 8 + header_len + int(info["data_offsets"][0])
    raw = np.memmap(path, dtype=np.uint16, mode="r", offset=begin, shape=tuple(shape))

    def bf16_rows(idx: list[int]) -> np.ndarray:
        bits = np.asarray(raw[idx]).astype(np.uint32) << 16
        return bits.view(np.float32)

    return bf16_rows, shape[0], shape[1]


def _saelens_hook(cfg: dict[str, Any]) -> str | None:
    hook = cfg.get("hook_name")
    if hook is None and isinstance(cfg.get("metadata"), dict):
        hook = cfg["metadata"].get("hook_name")
    return str(hook) if hook is not None else None


def load_sae_rows(
    path: str | os.PathLike[str],
    rows: str | None = None,
    *,
    layer: int | None = None,
    max_rows: int = 4096,
) -> SaeRows:
    """Read the chosen decoder rows of an SAELens folder or a Gemma Scope `params.npz`.

    `rows` is a selection like "1,5,10-20" (None: all rows, allowed up to `max_rows`);
    `layer` overrides the layer taken from the hook name or path.
    """
    import numpy as np  # deferred: numpy costs ~100 ms to import

    p = Path(path)
    if not p.exists():
        raise FeatureError(f"{p}: no such file or folder")
    npz = p if p.is_file() and p.suffix == ".npz" else p / "params.npz"
    st = p / "sae_weights.safetensors" if p.is_dir() else p
    hook_name = ""
    if st.is_file() and st.suffix == ".safetensors":
        cfg_path = st.parent / "cfg.json"
        cfg: dict[str, Any] = {}
        if cfg_path.is_file():
            try:
                cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise FeatureError(f"{cfg_path}: bad JSON ({exc})") from None
        hook = _saelens_hook(cfg)
        if layer is None:
            if hook is None:
                raise FeatureError(f"{cfg_path}: no hook_name (pass --layer)")
            layer = hook_to_layer(hook)
        hook_name = hook or ""
        get_rows, d_sae, d_in = _safetensors_dec(st)
        if "d_in" in cfg and int(cfg["d_in"]) != d_in:
            raise FeatureError(f"{cfg_path}: d_in {cfg['d_in']} but W_dec is {d_sae}x{d_in}")
        source = f"sae:{st.parent.name}"
    elif npz.is_file():
        try:
            with np.load(npz, allow_pickle=False) as data:
                if "W_dec" not in data.files:
                    raise FeatureError(f"{npz}: no W_dec array")
                w_dec = np.asarray(data["W_dec"], dtype=np.float32)
        except (OSError, ValueError) as exc:
            raise FeatureError(f"{npz}: not a Gemma Scope params.npz ({exc})") from None
        if w_dec.ndim != 2:
            raise FeatureError(f"{npz}: W_dec has shape {w_dec.shape}, want [d_sae, d_model]")
        if layer is None:
            m = re.search(r"layer_(\d+)", str(npz.resolve()))
            if not m:
                raise FeatureError(f"{npz}: no layer_<L> in the path (pass --layer)")
            layer = int(m.group(1))
            hook_name = f"blocks.{layer}.hook_resid_post"
        d_sae, d_in = w_dec.shape

        def get_rows(idx: list[int]) -> np.ndarray:
            return w_dec[idx]

        source = f"gemmascope:{npz.parent.name}"
    else:
        raise FeatureError(
            f"{p}: neither an SAELens folder (sae_weights.safetensors) nor params.npz"
        )
    if layer < 1:
        raise FeatureError(f"layer {layer} cannot be steered (llama.cpp starts at layer 1)")
    if rows is None:
        if d_sae > max_rows:
            raise FeatureError(f"the SAE has {d_sae} rows: choose some with --rows (e.g. 0-99)")
        chosen = list(range(d_sae))
    else:
        chosen = parse_rows(rows, d_sae)
    vectors = np.asarray(get_rows(chosen), dtype=np.float32).reshape(len(chosen), d_in)
    if not np.all(np.isfinite(vectors)):
        raise FeatureError(f"{p}: W_dec has NaN or inf values in the chosen rows")
    return SaeRows(
        layer=layer, hook_name=hook_name, rows=chosen, vectors=vectors, d_sae=d_sae, source=source
    )


def load_neuronpedia_labels(path: str | os.PathLike[str]) -> dict[int, str]:
    """Row index -> description from a Neuronpedia explanations export (first one wins)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeatureError(f"{p}: cannot read labels ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise FeatureError(f"{p}: bad JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("explanations", data.get("features"))
    if not isinstance(data, list):
        raise FeatureError(f"{p}: want a list of {{index, description}} objects")
    labels: dict[int, str] = {}
    for item in data:
        if not isinstance(item, dict) or "index" not in item:
            continue
        try:
            index = int(item["index"])
        except (TypeError, ValueError):
            continue
        desc = str(item.get("description") or item.get("explanation") or "").strip()
        if desc and index not in labels:
            labels[index] = " ".join(desc.split())
    return labels
