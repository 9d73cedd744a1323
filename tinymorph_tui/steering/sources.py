"""Make features from each source (contrastive examples, control-vector files, SAE rows)
and export them; the `tinymorph features` command is a thin shell over these.

Every function stores what it makes in the catalog, with the feature's logit-lens effect
computed from the catalog's model file, and makes sure the model's residual norms are
measured (so slider units are comparable, see `mixer.py`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from tinymorph_tui.steering.catalog import FeatureCatalog
from tinymorph_tui.steering.feature import Feature, FeatureError, check_name

#: progress(stage, done, total): stage is "model", "norms", "capture", "import" or "lens".
StageProgress = Callable[[str, int, int], None]


def _need_model(catalog: FeatureCatalog) -> Path:
    if catalog.model_path is None:
        raise FeatureError("this needs the model file (--model PATH or TINYMORPH_MODEL)")
    return catalog.model_path


def _stage(progress: StageProgress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def attach_logit_effect(catalog: FeatureCatalog, features: Sequence[Feature]) -> None:
    """Compute and set each feature's logit-lens effect from the catalog's model."""
    import numpy as np  # deferred: numpy costs ~100 ms to import

    from tinymorph_tui.steering.logit_bias import feature_direction, logit_lens

    if not features:
        return
    norms = catalog.residual_norms()
    dirs = np.stack([feature_direction(f, norms) for f in features])
    for feature, effect in zip(features, logit_lens(_need_model(catalog), dirs), strict=True):
        feature.logit_effect = effect


def define_contrastive(
    catalog: FeatureCatalog,
    name: str,
    positives: Sequence[str],
    negatives: Sequence[str],
    layers: Sequence[int],
    *,
    label: str = "",
    progress: StageProgress | None = None,
) -> Feature:
    """Define a feature as the CAA mean difference of positive and negative examples."""
    from tinymorph_tui.steering.capture import (
        NEUTRAL_TEXTS,
        ResidualCapture,
        contrastive_directions,
        residual_norms,
    )

    name = check_name(name)
    model = _need_model(catalog)
    if progress:
        progress("model", 0, 1)
    with ResidualCapture(model) as cap:
        if progress:
            progress("model", 1, 1)
        if not catalog.residual_norms():
            catalog.set_residual_norms(
                residual_norms(cap, NEUTRAL_TEXTS, _stage(progress, "norms"))
            )
        dirs = contrastive_directions(
            cap, positives, negatives, layers, _stage(progress, "capture")
        )
    n_pos = len([t for t in positives if t.strip()])
    n_neg = len([t for t in negatives if t.strip()])
    feature = Feature(
        name=name,
        model_id=catalog.model_id,
        layers=dirs,
        label=label or name,
        source=f"contrastive ({n_pos} positive, {n_neg} negative)",
    )
    attach_logit_effect(catalog, [feature])
    catalog.add(feature)
    return feature


def import_cvec(
    catalog: FeatureCatalog,
    path: str | os.PathLike[str],
    name: str,
    *,
    label: str = "",
    progress: StageProgress | None = None,
) -> Feature:
    """Import a control-vector GGUF as one multi-layer feature."""
    from tinymorph_tui.steering.cvec import read_cvec

    name = check_name(name)
    cv = read_cvec(path)
    info = catalog.model_info()
    if info is not None and cv.n_embd != info.n_embd:
        raise FeatureError(
            f"{path}: directions have width {cv.n_embd} but the model's n_embd is {info.n_embd}"
        )
    if catalog.model_path is not None:
        catalog.ensure_residual_norms(progress=_stage(progress, "norms"))
    feature = Feature(
        name=name,
        model_id=catalog.model_id,
        layers=cv.layers,
        label=label or name,
        source=f"cvec {Path(path).name}" + (f" ({cv.model_hint})" if cv.model_hint else ""),
    )
    if catalog.model_path is not None:
        attach_logit_effect(catalog, [feature])
    catalog.add(feature)
    return feature


def import_sae(
    catalog: FeatureCatalog,
    path: str | os.PathLike[str],
    *,
    rows: str | None = None,
    labels_path: str | os.PathLike[str] | None = None,
    layer: int | None = None,
    prefix: str | None = None,
    progress: StageProgress | None = None,
) -> list[Feature]:
    """Import SAE decoder rows as features named `<prefix>-<row>` (prefix: `sae<layer>`)."""
    from tinymorph_tui.steering.sae import load_neuronpedia_labels, load_sae_rows

    sae = load_sae_rows(path, rows, layer=layer)
    info = catalog.model_info()
    if info is not None:
        if sae.d_in != info.n_embd:
            raise FeatureError(
                f"{path}: the SAE's d_in is {sae.d_in} but the model's n_embd is {info.n_embd}"
            )
        if sae.layer >= info.n_layer:
            raise FeatureError(
                f"{path}: layer {sae.layer} does not exist (the model has {info.n_layer} layers)"
            )
    labels = load_neuronpedia_labels(labels_path) if labels_path else {}
    stem = check_name(prefix) if prefix else f"sae{sae.layer}"
    if catalog.model_path is not None:
        catalog.ensure_residual_norms(progress=_stage(progress, "norms"))
    features: list[Feature] = []
    for i, (row, vec) in enumerate(zip(sae.rows, sae.vectors, strict=True)):
        features.append(
            Feature(
                name=f"{stem}-{row}",
                model_id=catalog.model_id,
                layers={sae.layer: vec},
                label=labels.get(row, ""),
                source=f"{sae.source} {sae.hook_name} row {row}".strip(),
            )
        )
        if progress:
            progress("import", i + 1, len(sae.rows))
    if catalog.model_path is not None:
        # Batches of 1024 bound memory (a vocabulary block x the batch) for huge selections.
        for start in range(0, len(features), 1024):
            attach_logit_effect(catalog, features[start : start + 1024])
            if progress:
                progress("lens", min(start + 1024, len(features)), len(features))
    catalog.add_many(features)
    return features


def export_cvec(
    catalog: FeatureCatalog,
    name: str,
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    raw: bool = False,
) -> Path:
    """Write a feature as a control-vector GGUF.

    By default the file holds the feature at slider `scale` (so `llama-server
    --control-vector FILE` steers like the slider at that value); `raw=True` writes the
    stored directions unchanged (an exact round trip of an imported file).
    """
    from tinymorph_tui.steering.cvec import write_cvec
    from tinymorph_tui.steering.mixer import unit_directions

    feature = catalog.get(name)
    if feature is None:
        raise FeatureError(f"no feature named {name!r}")
    if raw:
        layers = dict(feature.layers)
    else:
        layers = {
            k: v * scale for k, v in unit_directions(feature, catalog.residual_norms()).items()
        }
    info = catalog.model_info()
    hint = info.arch if info is not None and info.arch else "llama"
    return write_cvec(path, layers, hint)
