"""`tinymorph complete`: print a continuation of a prompt from a local model or a server.

The text streams to stdout as it is generated; `--json` prints one object at the end
instead (text, tokens, ttft_ms, tokens_per_s, cached_tokens, total_ms). Progress (model
loading) goes to stderr so stdout stays clean for pipes. Failures are one line on stderr and
exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from tinymorph_tui.inference.types import BackendError, CompletionRequest, CompletionStats


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `complete` options."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--model", metavar="PATH", help="GGUF model run in process (llama.cpp)")
    where.add_argument(
        "--server", metavar="URL", help="OpenAI-compatible server (TINYMORPH_API_KEY)"
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--prompt", metavar="TEXT", help="the text to continue")
    source.add_argument("--file", metavar="PATH", help="read the text to continue from a file")
    source.add_argument("stdin", nargs="?", choices=["-"], help="- reads the text from stdin")
    parser.add_argument(
        "--max-tokens", type=int, default=64, metavar="N", help="tokens to generate (64)"
    )
    parser.add_argument(
        "--temperature", type=float, default=0.7, metavar="T", help="0 = greedy (0.7)"
    )
    parser.add_argument(
        "--top-p", type=float, default=0.95, metavar="P", help="nucleus sampling (0.95)"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="sampling seed")
    parser.add_argument(
        "--stop", action="append", default=[], metavar="S", help="stop sequence (repeatable)"
    )
    parser.add_argument(
        "--feature",
        action="append",
        default=[],
        metavar="NAME=SCALE",
        help="steer with a feature from the model's catalog (repeatable)",
    )
    parser.add_argument("--n-ctx", type=int, default=None, metavar="N", help="local context length")
    parser.add_argument(
        "--n-gpu-layers", type=int, default=-1, metavar="N", help="layers on the GPU (-1 = all)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object with stats")


class _Usage(Exception):
    """Bad arguments: one line, exit 2."""


def _parse_features(items: list[str]) -> dict[str, float] | None:
    if not items:
        return None
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise _Usage(f"--feature wants NAME=SCALE, got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise _Usage(f"--feature {name.strip()}: scale {value!r} is not a number") from None
    return out


def _read_prompt(args: argparse.Namespace) -> str:
    if args.prompt is not None:
        return str(args.prompt)
    if args.file is not None:
        path = Path(args.file)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _Usage(f"{path}: no such file") from None
        except IsADirectoryError:
            raise _Usage(f"{path}: is a directory") from None
        except UnicodeDecodeError:
            raise _Usage(f"{path}: not UTF-8 text") from None
        except OSError as exc:
            raise _Usage(f"{path}: {exc.strerror or exc}") from None
    if args.stdin == "-":
        return sys.stdin.read()
    raise _Usage("nothing to continue: give --prompt TEXT, --file PATH or - (stdin)")


def _make(args: argparse.Namespace) -> Any:
    """The backend the flags (or the environment) ask for."""
    from tinymorph_tui.inference.factory import make_backend, resolve_source

    source = resolve_source(args.model, args.server)
    if source is None:
        raise _Usage(
            "no model: give --model PATH or --server URL "
            "(or set TINYMORPH_MODEL / TINYMORPH_SERVER)"
        )
    kind, where = source
    if kind == "model":
        # The backend opens the model's own feature catalog when steering asks for one.
        return make_backend(model=where, n_ctx=args.n_ctx, n_gpu_layers=args.n_gpu_layers)
    return make_backend(server=where)


async def _load_with_progress(backend: Any, quiet: bool) -> None:
    """Load a local model, with a progress bar on stderr while it takes."""
    from tinymorph_tui.inference.local import LocalBackend

    if not isinstance(backend, LocalBackend):
        return
    if quiet or not sys.stderr.isatty():
        await backend.load()
        return
    from rich.console import Console  # deferred: only an interactive load shows progress

    from tinymorph_tui.commands.load_progress import model_load_progress

    with model_load_progress(backend, backend.model_path.name, Console(stderr=True)):
        await backend.load()


async def _run(args: argparse.Namespace, prompt: str, features: dict[str, float] | None) -> int:
    backend = _make(args)
    try:
        await _load_with_progress(backend, quiet=args.json)
        if features and any(features.values()):
            probe = getattr(backend, "probe", None)
            if probe is not None:
                await probe()
            if backend.steering_mode == "none":
                raise BackendError(f"{backend.name} cannot apply steering features")
        req = CompletionRequest(
            prompt=prompt,
            max_tokens=args.max_tokens,
            temperature=args.temperature,
            top_p=args.top_p,
            seed=args.seed,
            stop=tuple(args.stop),
            steering=features,
        )
        parts: list[str] = []
        stats: CompletionStats | None = None
        stream = backend.stream(req)
        try:
            async for chunk in stream:
                if chunk.text:
                    parts.append(chunk.text)
                    if not args.json:
                        sys.stdout.write(chunk.text)
                        sys.stdout.flush()
                if chunk.done:
                    stats = chunk.stats
        finally:
            await stream.aclose()
    finally:
        await backend.aclose()
    if args.json:
        out: dict[str, Any] = {"text": "".join(parts), "backend": backend.name}
        if stats is not None:
            out.update(
                tokens=stats.tokens,
                ttft_ms=round(stats.ttft_ms, 3),
                tokens_per_s=round(stats.tokens_per_s, 3),
                cached_tokens=stats.cached_tokens,
                total_ms=round(stats.total_ms, 3),
            )
        out["steering"] = features or {}
        out["steering_mode"] = backend.steering_mode
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    elif parts and not parts[-1].endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


def run(args: argparse.Namespace) -> int:
    """Run `tinymorph complete`; returns the exit status."""
    try:
        if args.max_tokens < 0:
            raise _Usage("--max-tokens must not be negative")
        features = _parse_features(args.feature)
        prompt = _read_prompt(args)
        return asyncio.run(_run(args, prompt, features))
    except (_Usage, BackendError) as exc:
        sys.stdout.flush()
        print(f"tinymorph complete: {exc}", file=sys.stderr)
        return 2
