"""Per-model feature catalogs on disk.

A catalog lives in `$XDG_DATA_HOME/tinymorph/features/<model_id>/`:

- `index.json`: the model's description (file name, n_layer, n_embd), its typical residual
  norm per layer (measured once, see `capture.measure_residual_norms`) and every feature's
  metadata (label, source, slider range, layers, norms, logit-lens effect, vector file);
- `<slug>.npz`: one file per feature holding its directions as arrays `layer_<L>`;
- `presets.json`: named slider presets (see `presets.py`).

Folders are created 0700 and files 0600 (features can encode what a writer works on), and
every write is atomic (temporary file + rename) so a crash never leaves half a catalog. The
index is re-read whenever its modification time changes, so an editor sees features the CLI
added while it runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinymorph_tui.steering.feature import Feature, FeatureError, check_name
from tinymorph_tui.steering.fuzzy import fuzzy_rank

#: Bytes hashed from the start of a model file for its identity (with the file size): the
#: GGUF header and metadata live there, and hashing a 10 GB file on every start is too slow.
_ID_HEAD_BYTES = 1 << 20
_INDEX_VERSION = 1


def data_root() -> Path:
    """`$XDG_DATA_HOME/tinymorph`, the same folder as the state database."""
    from tinymorph_tui.state.paths import data_dir

    return data_dir()


def features_root() -> Path:
    """The folder holding one catalog folder per model."""
    from tinymorph_tui.state.paths import resolve

    return resolve().features_dir


def model_id(model_path: str | os.PathLike[str]) -> str:
    """A stable identity for a model file: sha256 of its first MiB and its size (16 hex).

    Renaming or moving the file keeps the id; a different file (even of the same name) gets
    another catalog.
    """
    path = Path(model_path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_ID_HEAD_BYTES)
    except OSError as exc:
        raise FeatureError(f"{path}: cannot read model ({exc.strerror or exc})") from None
    digest = hashlib.sha256(head)
    digest.update(str(size).encode())
    return digest.hexdigest()[:16]


def _mkdir_private(path: Path) -> None:
    """Create `path` and any missing parents with mode 0700 (existing folders are left)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process raced us: fine
            folder.mkdir(mode=0o700)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` atomically with mode 0600.

    `durable=False` skips the fsync: for bulk writes (thousands of SAE rows) where the
    flush costs more than the work and the index, written last and durably, commits them.
    """
    _mkdir_private(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    """Write `obj` as indented JSON to `path` atomically with mode 0600."""
    atomic_write_bytes(path, (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode())


@dataclass(frozen=True)
class ModelInfo:
    """What the catalog needs to know about its model (read from the GGUF header)."""

    name: str
    arch: str
    n_layer: int
    n_embd: int


def read_model_info(model_path: str | os.PathLike[str]) -> ModelInfo:
    """Read architecture, layer count and embedding size from a GGUF file's metadata."""
    from tinymorph_tui.steering.gguf_util import field_value, open_reader

    reader = open_reader(model_path)
    arch = str(field_value(reader, "general.architecture") or "")
    n_layer = field_value(reader, f"{arch}.block_count")
    n_embd = field_value(reader, f"{arch}.embedding_length")
    if not arch or n_layer is None or n_embd is None:
        raise FeatureError(f"{model_path}: not a model GGUF (no block_count/embedding_length)")
    name = field_value(reader, "general.name") or Path(model_path).stem
    return ModelInfo(name=str(name), arch=arch, n_layer=int(n_layer), n_embd=int(n_embd))


def _slug(name: str) -> str:
    """A file-name-safe, collision-free stem for a feature name."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")[:40] or "feature"
    return f"{base}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


class FeatureCatalog:
    """The features of one model, stored under `features_root()/<model_id>/`."""

    def __init__(self, model_id: str, *, model_path: Path | None = None, root: Path | None = None):
        self.model_id = model_id
        self.model_path = model_path
        self.root = (root or features_root()) / model_id
        self._index: dict[str, Any] | None = None
        self._index_mtime: int | None = None
        self._vectors: dict[str, tuple[int, Feature]] = {}
        self._info: ModelInfo | None = None

    # -- construction -------------------------------------------------------------------

    @classmethod
    def for_model(cls, model_path: str | os.PathLike[str]) -> FeatureCatalog:
        """The catalog of the model file at `model_path` (created on first write)."""
        path = Path(model_path)
        if not path.is_file():
            raise FeatureError(f"{path}: no such model file")
        cat = cls(model_id(path), model_path=path)
        return cat

    @property
    def index_path(self) -> Path:
        """The catalog's JSON index."""
        return self.root / "index.json"

    # -- index --------------------------------------------------------------------------

    def _load_index(self) -> dict[str, Any]:
        try:
            mtime = self.index_path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if self._index is not None and mtime == self._index_mtime:
            return self._index
        index: dict[str, Any] = {"version": _INDEX_VERSION, "features": {}}
        if mtime is not None:
            try:
                loaded = json.loads(self.index_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise FeatureError(f"{self.index_path}: unreadable catalog index ({exc})") from None
            if isinstance(loaded, dict):
                index.update(loaded)
                if not isinstance(index.get("features"), dict):
                    index["features"] = {}
        self._index = index
        self._index_mtime = mtime
        return index

    def _save_index(self, index: dict[str, Any]) -> None:
        index["version"] = _INDEX_VERSION
        atomic_write_json(self.index_path, index)
        self._index = index
        self._index_mtime = self.index_path.stat().st_mtime_ns

    # -- model description --------------------------------------------------------------

    def model_info(self) -> ModelInfo | None:
        """The model's shape: from the model file when known, else as recorded in the index."""
        if self._info is not None:
            return self._info
        if self.model_path is not None:
            self._info = read_model_info(self.model_path)
            index = self._load_index()
            recorded = {
                "name": self._info.name,
                "arch": self._info.arch,
                "n_layer": self._info.n_layer,
                "n_embd": self._info.n_embd,
                "file": self.model_path.name,
            }
            if index.get("model") != recorded and self.index_path.exists():
                index["model"] = recorded
                self._save_index(index)
            elif not self.index_path.exists():
                index["model"] = recorded
            return self._info
        rec = self._load_index().get("model")
        if isinstance(rec, dict) and "n_layer" in rec and "n_embd" in rec:
            self._info = ModelInfo(
                str(rec.get("name", "")),
                str(rec.get("arch", "")),
                int(rec["n_layer"]),
                int(rec["n_embd"]),
            )
        return self._info

    def residual_norms(self) -> dict[int, float]:
        """Typical residual-stream norm per llama.cpp layer, as measured and cached (or {})."""
        raw = self._load_index().get("residual_norms") or {}
        return {int(k): float(v) for k, v in raw.items()}

    def set_residual_norms(self, norms: dict[int, float]) -> None:
        """Cache measured residual norms (see `capture.measure_residual_norms`)."""
        index = self._load_index()
        index["residual_norms"] = {str(k): float(v) for k, v in sorted(norms.items())}
        self.model_info()
        if self._info is not None:
            index.setdefault("model", {}).update(
                n_layer=self._info.n_layer, n_embd=self._info.n_embd
            )
        self._save_index(index)

    def ensure_residual_norms(self, progress: Any = None) -> dict[int, float]:
        """The residual norms, measuring them with the model once when missing."""
        norms = self.residual_norms()
        info = self.model_info()
        if info is not None and all(layer in norms for layer in range(1, info.n_layer)):
            return norms
        if self.model_path is None:
            return norms
        from tinymorph_tui.steering.capture import measure_residual_norms

        norms = measure_residual_norms(self.model_path, progress=progress)
        self.set_residual_norms(norms)
        return norms

    # -- features -----------------------------------------------------------------------

    def names(self) -> list[str]:
        """Feature names in insertion order."""
        return list(self._load_index()["features"].keys())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._load_index()["features"]

    def __len__(self) -> int:
        return len(self._load_index()["features"])

    def meta(self, name: str) -> dict[str, Any] | None:
        """A feature's metadata (label, source, layers, scale range, norms, logit effect)
        without loading its vectors; None when unknown."""
        entry = self._load_index()["features"].get(name)
        return dict(entry) if isinstance(entry, dict) else None

    def label(self, name: str) -> str:
        """A feature's label ("" when it has none or is unknown)."""
        entry = self.meta(name)
        return str(entry.get("label", "")) if entry else ""

    def get(self, name: str) -> Feature | None:
        """Load a feature (vectors cached until its file changes); None when unknown."""
        import numpy as np  # deferred: numpy costs ~100 ms to import

        entry = self.meta(name)
        if entry is None:
            return None
        path = self.root / str(entry["file"])
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise FeatureError(f"feature {name!r}: vector file {path.name} is missing") from None
        cached = self._vectors.get(name)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            with np.load(path, allow_pickle=False) as data:
                layers = {
                    int(key.split("_", 1)[1]): np.array(data[key], dtype=np.float32)
                    for key in data.files
                    if key.startswith("layer_")
                }
        except (OSError, ValueError) as exc:
            raise FeatureError(f"feature {name!r}: unreadable vector file ({exc})") from None
        feature = Feature(
            name=name,
            model_id=self.model_id,
            layers=layers,
            label=str(entry.get("label", "")),
            source=str(entry.get("source", "")),
            scale_min=float(entry.get("scale_min", -2.0)),
            scale_max=float(entry.get("scale_max", 2.0)),
            norm={int(k): float(v) for k, v in (entry.get("norm") or {}).items()},
            logit_effect=[(int(t), str(s), float(w)) for t, s, w in entry.get("logit_effect", [])],
        )
        self._vectors[name] = (mtime, feature)
        return feature

    def add(self, feature: Feature, *, replace: bool = True) -> None:
        """Store `feature` (replacing one of the same name unless `replace` is False).

        Raises FeatureError when its width differs from the model's n_embd or it names a
        layer the model does not have.
        """
        self.add_many([feature], replace=replace)

    def add_many(self, features: list[Feature], *, replace: bool = True) -> None:
        """Store several features, writing the index once (SAE imports add thousands).

        All are checked before anything is written, so a bad one stores none.
        """
        import io

        import numpy as np

        index = self._load_index()
        info = self.model_info()
        names: set[str] = set()
        for feature in features:
            name = check_name(feature.name)
            if name in names or (not replace and name in index["features"]):
                raise FeatureError(f"feature {name!r} already exists")
            names.add(name)
            if info is None:
                continue
            if feature.n_embd != info.n_embd:
                raise FeatureError(
                    f"feature {name!r} has width {feature.n_embd} but the model's n_embd is "
                    f"{info.n_embd}"
                )
            bad = [layer for layer in feature.layers if not 1 <= layer < info.n_layer]
            if bad:
                raise FeatureError(
                    f"feature {name!r}: layer {bad[0]} is out of range for a model with "
                    f"{info.n_layer} layers (steerable layers are 1..{info.n_layer - 1})"
                )
        stale: list[str] = []
        for feature in features:
            name = feature.name
            file_name = _slug(name) + ".npz"
            buf = io.BytesIO()
            np.savez(buf, **{f"layer_{k}": v.astype(np.float32) for k, v in feature.layers.items()})
            atomic_write_bytes(self.root / file_name, buf.getvalue(), durable=len(features) < 8)
            old = index["features"].get(name)
            if isinstance(old, dict) and old.get("file") != file_name:
                stale.append(str(old["file"]))
            index["features"][name] = {
                "label": feature.label,
                "source": feature.source,
                "scale_min": feature.scale_min,
                "scale_max": feature.scale_max,
                "layers": sorted(feature.layers),
                "norm": {str(k): v for k, v in sorted(feature.norm.items())},
                "logit_effect": [[t, s, round(float(w), 6)] for t, s, w in feature.logit_effect],
                "file": file_name,
            }
            self._vectors.pop(name, None)
            feature.model_id = self.model_id
        if info is not None:
            index.setdefault("model", {}).update(n_layer=info.n_layer, n_embd=info.n_embd)
        self._save_index(index)
        for file_name in stale:
            with contextlib.suppress(OSError):
                (self.root / file_name).unlink()

    def remove(self, name: str) -> bool:
        """Delete a feature; returns False when there was none of that name."""
        index = self._load_index()
        entry = index["features"].pop(name, None)
        if entry is None:
            return False
        self._save_index(index)
        with contextlib.suppress(OSError):
            (self.root / str(entry["file"])).unlink()
        self._vectors.pop(name, None)
        return True

    def search(self, query: str, limit: int | None = None) -> list[str]:
        """Feature names whose name or label fuzzily match `query`, best first."""
        feats = self._load_index()["features"]
        items = [
            (n, f"{n} {e.get('label', '')}" if isinstance(e, dict) else n) for n, e in feats.items()
        ]
        return fuzzy_rank(query, items, limit)
