"""`tinymorph features`: define, import, export, list, search, show and remove features.

Every action works on the catalog of one model, chosen with `--model PATH` (or the
TINYMORPH_MODEL environment variable). Progress bars go to stderr; results to stdout.
Problems print one line, `tinymorph: ...`, and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tinymorph_tui.steering.catalog import FeatureCatalog
    from tinymorph_tui.steering.sources import StageProgress

_STAGE_TEXT = {
    "model": "loading model",
    "norms": "measuring residual norms",
    "capture": "capturing activations",
    "import": "importing rows",
    "lens": "logit lens",
}


def _add_model(p: argparse.ArgumentParser, dest: str = "model") -> None:
    # No default here: argparse lets a subparser's default overwrite a value given before
    # the action, so the TINYMORPH_MODEL fallback is applied in `_catalog`.
    p.add_argument(
        "--model",
        dest=dest,
        metavar="PATH",
        help="GGUF model whose catalog to use (default: $TINYMORPH_MODEL)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `features` actions to `parser`."""
    _add_model(parser, dest="model_before_action")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("define", help="define a feature from contrastive examples (CAA)")
    p.add_argument("name")
    _add_model(p)
    p.add_argument("--layer", required=True, help="llama.cpp layer(s) to steer, e.g. 3 or 2-4")
    p.add_argument("--positive", action="append", default=[], metavar="TEXT", help="repeatable")
    p.add_argument("--negative", action="append", default=[], metavar="TEXT", help="repeatable")
    p.add_argument("--positive-file", metavar="FILE", help="positive examples, one per paragraph")
    p.add_argument("--negative-file", metavar="FILE", help="negative examples, one per paragraph")
    p.add_argument("--label", default="", help="a description shown in the panel")

    p = sub.add_parser(
        "import-cvec", help="import a control-vector GGUF (repeng, cvector-generator)"
    )
    p.add_argument("file")
    p.add_argument("--name", required=True)
    p.add_argument("--label", default="")
    _add_model(p)

    p = sub.add_parser("export", help="write a feature as a control-vector GGUF")
    p.add_argument("name")
    p.add_argument("file")
    _add_model(p)
    p.add_argument("--scale", type=float, default=1.0, help="slider value to bake in (default 1)")
    p.add_argument("--raw", action="store_true", help="write the stored directions unchanged")

    p = sub.add_parser("import-sae", help="import SAE decoder rows (SAELens folder or params.npz)")
    p.add_argument("dir", help="SAELens folder (cfg.json + sae_weights.safetensors) or params.npz")
    _add_model(p)
    p.add_argument("--labels", metavar="JSON", help="Neuronpedia explanations export")
    p.add_argument("--rows", metavar="SPEC", help="rows to import, e.g. 1,5,10-20")
    p.add_argument("--layer", type=int, help="override the layer from the hook name/path")
    p.add_argument("--prefix", help="feature name prefix (default sae<layer>)")

    p = sub.add_parser("list", help="list the model's features")
    _add_model(p)

    p = sub.add_parser("search", help="fuzzy search names and labels")
    p.add_argument("query")
    _add_model(p)

    p = sub.add_parser("show", help="draw a feature: logit-lens tokens and per-layer norms")
    p.add_argument("name")
    _add_model(p)

    p = sub.add_parser("remove", help="delete a feature")
    p.add_argument("name")
    _add_model(p)


class _Fail(Exception):
    """A one-line user error."""


def _catalog(args: argparse.Namespace) -> FeatureCatalog:
    from tinymorph_tui.steering.catalog import FeatureCatalog

    chosen = (
        getattr(args, "model", None)
        or getattr(args, "model_before_action", None)
        or os.environ.get("TINYMORPH_MODEL")
    )
    if not chosen:
        raise _Fail("no model: pass --model PATH or set TINYMORPH_MODEL")
    path = Path(chosen)
    if not path.is_file():
        raise _Fail(f"{path}: no such model file")
    catalog = FeatureCatalog.for_model(path)
    catalog.model_info()  # fails early, with a clear message, on a file that is not a model
    return catalog


@contextmanager
def _progress() -> Iterator[StageProgress]:
    """A Rich progress display on stderr; yields a `progress(stage, done, total)` callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    console = Console(stderr=True)
    tasks: dict[str, Any] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGE_TEXT.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _paragraphs(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _Fail(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _Fail(f"{path}: not UTF-8 text") from None
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _layers(spec: str) -> list[int]:
    from tinymorph_tui.steering.sae import parse_rows

    return parse_rows(spec, 1 << 16, "layer")


def _bar(value: float, peak: float, width: int = 20) -> str:
    """A left-aligned unicode bar of `value / peak` of `width` cells (eighth-cell steps)."""
    blocks = " ▏▎▍▌▋▊▉█"
    if peak <= 0:
        return ""
    eighths = int(round(min(1.0, abs(value) / peak) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (blocks[rest] if rest else "")


def _token_repr(text: str) -> str:
    """A token made visible: spaces as "␣", control characters escaped."""
    shown = text.replace(" ", "␣")
    return shown if shown.isprintable() else repr(shown)[1:-1]


def _cmd_define(args: argparse.Namespace) -> int:
    from tinymorph_tui.steering.sources import define_contrastive

    catalog = _catalog(args)
    pos = list(args.positive) + (_paragraphs(args.positive_file) if args.positive_file else [])
    neg = list(args.negative) + (_paragraphs(args.negative_file) if args.negative_file else [])
    if not pos or not neg:
        raise _Fail("define needs --positive and --negative examples (or --*-file)")
    with _progress() as progress:
        feature = define_contrastive(
            catalog, args.name, pos, neg, _layers(args.layer), label=args.label, progress=progress
        )
    layers = ",".join(str(x) for x in feature.layers)
    print(f"defined {feature.name} at layer {layers} from {len(pos)}+/{len(neg)}- examples")
    return 0


def _cmd_import_cvec(args: argparse.Namespace) -> int:
    from tinymorph_tui.steering.sources import import_cvec

    catalog = _catalog(args)
    with _progress() as progress:
        feature = import_cvec(catalog, args.file, args.name, label=args.label, progress=progress)
    print(f"imported {feature.name}: layers {','.join(str(x) for x in feature.layers)}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from tinymorph_tui.steering.sources import export_cvec

    catalog = _catalog(args)
    path = export_cvec(catalog, args.name, args.file, scale=args.scale, raw=args.raw)
    print(f"wrote {path}")
    return 0


def _cmd_import_sae(args: argparse.Namespace) -> int:
    from tinymorph_tui.steering.sources import import_sae

    catalog = _catalog(args)
    with _progress() as progress:
        features = import_sae(
            catalog,
            args.dir,
            rows=args.rows,
            labels_path=args.labels,
            layer=args.layer,
            prefix=args.prefix,
            progress=progress,
        )
    first, last = features[0].name, features[-1].name
    span = first if len(features) == 1 else f"{first} .. {last}"
    print(f"imported {len(features)} features at layer {next(iter(features[0].layers))}: {span}")
    return 0


def _describe(catalog: FeatureCatalog, names: list[str]) -> None:
    if not names:
        return
    width = max(len(n) for n in names)
    for name in names:
        meta = catalog.meta(name) or {}
        layers = ",".join(str(x) for x in meta.get("layers", []))
        label = meta.get("label", "")
        label = "" if label == name else label
        print(
            f"{name:<{width}}  L{layers:<6} {meta.get('source', '')}"
            + (f"  — {label}" if label else "")
        )


def _cmd_list(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    names = catalog.names()
    if not names:
        print("no features yet: try `tinymorph features define`", file=sys.stderr)
        return 0
    _describe(catalog, names)
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    names = catalog.search(args.query)
    if not names:
        print(f"no feature matches {args.query!r}", file=sys.stderr)
        return 1
    _describe(catalog, names)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    feature = catalog.get(args.name)
    if feature is None:
        raise _Fail(f"no feature named {args.name!r}")
    print(f"{feature.name}" + (f" — {feature.label}" if feature.label != feature.name else ""))
    print(f"source: {feature.source}   range: {feature.scale_min:+g} .. {feature.scale_max:+g}")
    residual = catalog.residual_norms()
    relative = all(residual.get(layer) for layer in feature.norm)
    if relative:
        print("\nper-layer norm (and its ratio to the typical residual norm there):")
        sizes = {layer: n / residual[layer] for layer, n in feature.norm.items()}
    else:
        print("\nper-layer norm (residual norms not measured yet):")
        sizes = dict(feature.norm)
    peak = max(sizes.values(), default=0.0)
    for layer, size in sizes.items():
        ratio = f" ({size:.2f}x)" if relative else ""
        print(f"  L{layer:<3} {_bar(size, peak, 24):<24} {feature.norm[layer]:.4g}{ratio}")
    effect = feature.logit_effect
    if effect:
        peak_w = max(abs(w) for _, _, w in effect)
        promoted = [e for e in effect if e[2] > 0][:10]
        suppressed = [e for e in effect if e[2] < 0][:10]
        for title, rows in (("promotes", promoted), ("suppresses", suppressed)):
            if not rows:
                continue
            print(f"\n{title} (logit lens):")
            tw = max(len(_token_repr(t)) for _, t, _ in rows)
            for _, text, w in rows:
                print(f"  {_token_repr(text):<{tw}} {_bar(w, peak_w, 24):<24} {w:+.3f}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    if not catalog.remove(args.name):
        raise _Fail(f"no feature named {args.name!r}")
    print(f"removed {args.name}")
    return 0


_ACTIONS = {
    "define": _cmd_define,
    "import-cvec": _cmd_import_cvec,
    "export": _cmd_export,
    "import-sae": _cmd_import_sae,
    "list": _cmd_list,
    "search": _cmd_search,
    "show": _cmd_show,
    "remove": _cmd_remove,
}


def run(args: argparse.Namespace) -> int:
    """Run one `features` action; returns the exit status (2 on a user error)."""
    from tinymorph_tui.steering.feature import FeatureError

    try:
        return _ACTIONS[args.action](args)
    except (_Fail, FeatureError) as exc:
        print(f"tinymorph: {exc}", file=sys.stderr)
        return 2
