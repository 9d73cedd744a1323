"""Named steering presets ({feature: scale}) per model, in the catalog folder.

Stored as `features/<model_id>/presets.json` (mode 0600, written atomically): a JSON object
mapping a preset name to its `{feature: scale}` mapping.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tinymorph_tui.steering.catalog import atomic_write_json, features_root
from tinymorph_tui.steering.feature import FeatureError


def presets_path(model_id: str) -> Path:
    """The presets file of a model's catalog."""
    return features_root() / model_id / "presets.json"


def _read(model_id: str) -> dict[str, dict[str, float]]:
    path = presets_path(model_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FeatureError(f"{path}: unreadable presets ({exc})") from None
    if not isinstance(data, dict):
        return {}
    out: dict[str, dict[str, float]] = {}
    for name, feats in data.items():
        if isinstance(feats, dict):
            out[str(name)] = {
                str(k): float(v) for k, v in feats.items() if isinstance(v, int | float)
            }
    return out


def _check_preset_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean or len(clean) > 80:
        raise FeatureError("a preset name needs 1-80 characters")
    return clean


def save_preset(model_id: str, name: str, features: dict[str, float]) -> str:
    """Save (or overwrite) a preset; returns the cleaned name. Non-finite scales are refused."""
    clean = _check_preset_name(name)
    values: dict[str, float] = {}
    for feat, scale in features.items():
        if not isinstance(scale, int | float) or not math.isfinite(scale):
            raise FeatureError(f"preset {clean!r}: scale of {feat!r} is not a number")
        values[str(feat)] = float(scale)
    data = _read(model_id)
    data[clean] = values
    atomic_write_json(presets_path(model_id), data)
    return clean


def load_preset(model_id: str, name: str) -> dict[str, float]:
    """A preset's `{feature: scale}`; raises FeatureError when there is none of that name."""
    data = _read(model_id)
    key = " ".join(name.split())
    if key not in data:
        raise FeatureError(f"no preset named {name!r}")
    return dict(data[key])


def list_presets(model_id: str) -> list[str]:
    """Preset names, sorted case-insensitively."""
    return sorted(_read(model_id), key=str.casefold)


def delete_preset(model_id: str, name: str) -> bool:
    """Remove a preset; returns False when there was none of that name."""
    data = _read(model_id)
    if data.pop(" ".join(name.split()), None) is None:
        return False
    atomic_write_json(presets_path(model_id), data)
    return True
