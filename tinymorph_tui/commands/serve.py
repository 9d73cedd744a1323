"""`tinymorph serve`: an OpenAI-compatible completion server with per-request steering.

    tinymorph serve --model PATH [--host 127.0.0.1] [--port 8741] [--n-gpu-layers N]
                    [--n-ctx N] [--api-key-env VAR] [--max-queue N] [--cors-origin ORIGIN]...

Listens on loopback by default; reach it from a laptop through an SSH tunnel. Listening on
any other address requires an API key, read from the environment variable named by
`--api-key-env` (default TINYMORPH_API_KEY), never from the command line (it would show in
`ps`). Refusals and load failures are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for types only: the real imports are deferred in run()
    from rich.console import Console

    from tinymorph_tui.inference.local import ModelInfo
    from tinymorph_tui.server.engine import Engine

#: The default port (the SSH examples in docs/remote.md use it too).
DEFAULT_PORT = 8741
#: Keys shorter than this are accepted with a warning (guessable over a network).
_WEAK_KEY_CHARS = 16


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `serve` options."""
    parser.add_argument(
        "--model",
        metavar="PATH",
        default=os.environ.get("TINYMORPH_MODEL"),
        help="GGUF model to serve (default: $TINYMORPH_MODEL)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, loopback)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--n-gpu-layers", type=int, default=-1, metavar="N", help="layers on the GPU (-1 = all)"
    )
    parser.add_argument(
        "--n-ctx",
        type=int,
        default=None,
        metavar="N",
        help="context length (default: min(4096, trained))",
    )
    parser.add_argument("--n-threads", type=int, default=None, metavar="N", help="CPU threads")
    parser.add_argument(
        "--api-key-env",
        default="TINYMORPH_API_KEY",
        metavar="VAR",
        help="environment variable holding the API key (default TINYMORPH_API_KEY)",
    )
    parser.add_argument(
        "--max-queue",
        type=int,
        default=32,
        metavar="N",
        help="requests that may wait behind the running one before 503 (default 32)",
    )
    parser.add_argument(
        "--max-body-kib",
        type=int,
        default=1024,
        metavar="KIB",
        help="largest request body in KiB (default 1024)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser origin allowed to call the API (repeatable; none by default)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default info)",
    )


def _fail(message: str) -> int:
    print(f"tinymorph serve: {message}", file=sys.stderr)
    return 2


def _listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket now, so a taken port is a clear message, not a traceback."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError:
        sock.close()
        raise
    return sock


def run(args: argparse.Namespace) -> int:
    """Check the bind, load the model with a progress display, then serve until Ctrl-C."""
    from tinymorph_tui.server.security import bind_refusal

    env = str(args.api_key_env)
    api_key = os.environ.get(env) or None
    refusal = bind_refusal(args.host, api_key, env)
    if refusal is not None:
        return _fail(refusal)
    if not args.model:
        return _fail("no model: pass --model PATH (a GGUF file) or set TINYMORPH_MODEL")
    model = Path(args.model).expanduser()
    if not model.is_file():
        return _fail(f"{model}: no such model file")
    if not 1 <= args.port <= 65535:
        return _fail(f"--port {args.port} is not a TCP port")
    if args.max_queue < 0 or args.max_body_kib <= 0:
        return _fail("--max-queue must be >= 0 and --max-body-kib > 0")
    try:
        sock = _listen(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    try:
        return _serve(args, model, api_key, env, sock)
    finally:
        sock.close()


def _serve(
    args: argparse.Namespace, model: Path, api_key: str | None, env: str, sock: socket.socket
) -> int:
    # Deferred: rich, uvicorn, Starlette and llama.cpp load only for `serve`.
    from rich.console import Console

    from tinymorph_tui.commands.load_progress import model_load_progress
    from tinymorph_tui.inference.types import BackendError
    from tinymorph_tui.server.engine import Engine

    console = Console(stderr=True, highlight=False, soft_wrap=True)  # URLs stay whole
    engine = Engine.from_model(
        model,
        n_ctx=args.n_ctx,
        n_gpu_layers=args.n_gpu_layers,
        n_threads=args.n_threads,
        max_queue=args.max_queue,
    )
    try:
        if console.is_terminal:
            with model_load_progress(engine.backend, model.name, console):
                info = engine.load()
        else:  # a log file or a pipe: no spinner frames, one plain line
            console.print(f"loading {model.name} ...")
            info = engine.load()
    except BackendError as exc:
        engine.close()
        return _fail(exc.reason)
    try:
        _banner(console, args, engine, info, api_key, env)
        return _run_uvicorn(args, engine, api_key, sock)
    finally:
        engine.close()


def _banner(
    console: Console,
    args: argparse.Namespace,
    engine: Engine,
    info: ModelInfo,
    api_key: str | None,
    env: str,
) -> None:
    """Say where the server listens and how to reach it (never printing the key)."""
    from tinymorph_tui.server.security import is_loopback_host

    host = args.host
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{args.port}"
    gpu = info.n_gpu_layers if info.n_gpu_layers >= 0 else info.n_layer
    console.print(
        f"[bold]tinymorph serve[/]: {engine.model_id} (n_ctx {info.n_ctx}, "
        f"{gpu} layers on the GPU, {engine.feature_count()} steering features)"
    )
    console.print(f"  listening on [bold]{url}[/]  (OpenAI API under {url}/v1)")
    if api_key:
        note = (
            " [yellow](short: prefer 24+ random characters)[/]"
            if len(api_key) < _WEAK_KEY_CHARS
            else ""
        )
        console.print(f"  API key required: Authorization: Bearer ${env}{note}")
    if is_loopback_host(host):
        here = socket.gethostname()
        console.print("  from a laptop, tunnel over SSH and point the editor at the tunnel:")
        console.print(f"    ssh -N -L {args.port}:localhost:{args.port} {here}")
        console.print(f"    tinymorph notes.md --server http://localhost:{args.port}")
    else:
        console.print(f"  editor: TINYMORPH_API_KEY=... tinymorph notes.md --server {url}")
    console.print("  Ctrl-C stops the server")


def _run_uvicorn(
    args: argparse.Namespace, engine: Engine, api_key: str | None, sock: socket.socket
) -> int:
    """Serve until Ctrl-C (uvicorn handles the signals and a graceful shutdown)."""
    import uvicorn

    from tinymorph_tui.server.app import create_app
    from tinymorph_tui.server.security import ServerSettings, allowed_hosts_for

    settings = ServerSettings(
        api_key=api_key,
        max_body_bytes=int(args.max_body_kib) * 1024,
        cors_origins=tuple(args.cors_origin),
        allowed_hosts=allowed_hosts_for(args.host),
    )
    app = create_app(engine, settings)
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises the Ctrl-C it handled once it has shut down gracefully:
        # that is the normal way to stop a server, not a failure.
        pass
    return 0
