"""Named steering presets ({feature: scale}) per model, kept in the state database.

The presets live in the SQLite store (`state/store.py`, table `presets`, keyed by model id
and name) with the rest of what the editor remembers; the store's own safety applies (WAL,
migrations, a damaged database moved aside). Errors reach callers as `FeatureError`.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from tinymorph_tui.steering.feature import FeatureError

T = TypeVar("T")


def _with_store(fn: Callable[..., T]) -> T:
    """Run `fn(store)` on a short-lived connection (presets change rarely)."""
    from tinymorph_tui.state.store import open_store

    store, warnings = open_store()
    if store is None:
        raise FeatureError(f"presets are not available: {warnings[0] if warnings else 'no store'}")
    try:
        return fn(store)
    except sqlite3.Error as exc:
        raise FeatureError(f"presets: state database error ({exc})") from None
    finally:
        store.close()


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
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale):
            raise FeatureError(f"preset {clean!r}: scale of {feat!r} is not a number")
        values[str(feat)] = float(scale)
    _with_store(lambda store: store.save_preset(model_id, clean, values))
    return clean


def load_preset(model_id: str, name: str) -> dict[str, float]:
    """A preset's `{feature: scale}`; raises FeatureError when there is none of that name."""
    found = _with_store(lambda store: store.preset(model_id, " ".join(name.split())))
    if found is None:
        raise FeatureError(f"no preset named {name!r}")
    return found


def list_presets(model_id: str) -> list[str]:
    """Preset names, sorted case-insensitively."""
    return sorted(_with_store(lambda store: store.presets(model_id)), key=str.casefold)


def delete_preset(model_id: str, name: str) -> bool:
    """Remove a preset; returns False when there was none of that name."""
    return bool(_with_store(lambda store: store.delete_preset(model_id, " ".join(name.split()))))
