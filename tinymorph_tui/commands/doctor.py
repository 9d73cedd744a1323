"""`tinymorph doctor`: check the terminal, the model, the server and the state folders.

Each check prints one line: `✓` fine, `!` works but could be better, `✗` broken, followed
by an indented "fix:" line saying what to do. Exit status 0 when nothing is broken, 1 when
something is (a model that does not load, a server that cannot be reached or refuses the
key, a data folder that cannot be written, so recovery journals could not be kept).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from tinymorph_tui.state import paths
from tinymorph_tui.state.config import Config, apply_cli, load_config

Status = Literal["ok", "warn", "fail", "info"]
_MARK = {"ok": "✓", "warn": "!", "fail": "✗", "info": "•"}
_ASCII_MARK = {"ok": "ok", "warn": "!!", "fail": "XX", "info": "--"}


@dataclass(frozen=True)
class Check:
    """The outcome of one check: `area` (terminal, model, ...), what was found, how to fix."""

    area: str
    status: Status
    message: str
    fix: str = ""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `tinymorph doctor` options."""
    parser.add_argument("--model", metavar="PATH", help="check this model instead of the config's")
    parser.add_argument("--server", metavar="URL", help="check this server instead of the config's")
    parser.add_argument("--no-model", action="store_true", help="skip loading the model")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")


# -- terminal ---------------------------------------------------------------------------------


def check_terminal(env: Mapping[str, str], *, isatty: bool, color_system: str | None) -> list[Check]:
    """TERM, colour depth and the key notes that matter over SSH and in tmux/screen."""
    out: list[Check] = []
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "").lower()
    if not term or term == "dumb":
        out.append(
            Check("terminal", "fail", f"TERM is {term or 'not set'}: no cursor movement or colours",
                  "run tinymorph in a terminal emulator, or export TERM=xterm-256color")
        )
    else:
        out.append(Check("terminal", "ok", f"TERM={term}"))
    if not isatty:
        out.append(Check("terminal", "info", "stdout is not a terminal (checks below assume one)"))
    if colorterm in ("truecolor", "24bit") or color_system == "truecolor":
        out.append(Check("colours", "ok", "truecolor (24-bit): every theme shows as designed"))
    elif color_system == "256" or "256color" in term:
        out.append(
            Check("colours", "warn", "256 colours: themes are approximated",
                  "if your terminal does truecolor, export COLORTERM=truecolor "
                  "(over SSH: add `SendEnv COLORTERM` / `AcceptEnv COLORTERM`); "
                  "or pick the 16-colour theme: tinymorph --theme ansi16")
        )
    else:
        out.append(
            Check("colours", "warn", f"{color_system or 'no'} colours: use a 16-colour theme",
                  "tinymorph --theme ansi16, or set a 256-colour TERM (xterm-256color)")
        )
    if term.startswith(("screen", "tmux")) and "256color" not in term:
        out.append(
            Check("colours", "warn", f"TERM={term} inside tmux/screen allows 8 colours",
                  "tmux: set -g default-terminal tmux-256color (or screen-256color), and "
                  "set -as terminal-features ',*:RGB' for truecolor")
        )
    locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf-8" not in locale.lower() and "utf8" not in locale.lower():
        out.append(
            Check("locale", "warn", f"locale {locale or 'not set'} is not UTF-8: "
                  "non-ASCII text and the screen's lines may show as '?'",
                  "export LANG=C.UTF-8 (or en_US.UTF-8); over SSH also set it on the server")
        )
    if env.get("TMUX"):
        out.append(
            Check("keys", "info", "inside tmux: <Esc> waits for tmux's escape-time",
                  "in ~/.tmux.conf: set -sg escape-time 10 (Esc then feels instant)")
        )
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        out.append(
            Check("keys", "info", "over SSH: Alt/Meta keys arrive as <Esc> followed by the key",
                  "set your terminal to send Esc for Alt/Meta (e.g. macOS Terminal: "
                  "'Use Option as Meta key'); F-keys need a TERM that matches the terminal")
        )
    return out


# -- model and server -------------------------------------------------------------------------


def check_model(config: Config, *, load: bool = True) -> list[Check]:
    """Is a model or server configured, does the model load, can it use the GPU?"""
    from tinymorph_tui.inference.factory import resolve_source
    from tinymorph_tui.inference.types import BackendError

    try:
        source = resolve_source(config=config)
    except BackendError as exc:
        return [Check("model", "fail", exc.reason, "give either --model or --server")]
    if source is None:
        return [
            Check("model", "warn", "no model or server configured: hints are off",
                  "tinymorph --model FILE.gguf, or set [model] path / server in config.toml "
                  "(see docs/configuration.md)")
        ]
    kind, where = source
    if kind == "server":
        return check_server(config, where)
    path = Path(where).expanduser()
    if not path.is_file():
        return [Check("model", "fail", f"model file {path} not found",
                      "fix [model] path in config.toml or TINYMORPH_MODEL")]
    if not load:
        return [Check("model", "info", f"model {path} (not loaded: --no-model)")]
    from tinymorph_tui.inference.factory import make_backend

    try:
        backend: Any = make_backend(config=config)
        info = backend.load_sync()
    except BackendError as exc:
        return [Check("model", "fail", f"model {path} does not load: {exc.reason}",
                      "check the file is a GGUF model llama.cpp supports (re-download it?)")]
    except Exception as exc:  # llama.cpp raises plain errors for unsupported files
        return [Check("model", "fail", f"model {path} does not load: {exc}",
                      "check the file is a GGUF model llama.cpp supports")]
    out = [
        Check("model", "ok", f"{info.name}: {info.n_layer} layers, n_embd {info.n_embd}, "
              f"context {info.n_ctx}")
    ]
    if info.supports_gpu_offload:
        out.append(Check("gpu", "ok", f"GPU offload: {info.n_gpu_layers} layers on the GPU"))
    else:
        out.append(
            Check("gpu", "warn", "this llama-cpp-python build runs on the CPU only",
                  "for a GPU: CMAKE_ARGS='-DGGML_CUDA=on' pip install --force-reinstall "
                  "--no-cache-dir llama-cpp-python (Metal is on by default on macOS)")
        )
    with _suppress_all():
        asyncio.run(backend.aclose())
    return out


def check_server(config: Config, url: str) -> list[Check]:
    """Reachable? API key accepted? Native steering, or logit bias only?"""
    from tinymorph_tui.inference.remote import RemoteBackend
    from tinymorph_tui.inference.types import BackendError

    var = str(config.get("model", "api_key_env") or "TINYMORPH_API_KEY")
    key = os.environ.get(var) or None
    backend = RemoteBackend(url, key, connect_timeout=3.0, read_timeout=10.0, retries=0)

    async def probe() -> Any:
        try:
            return await backend.probe()
        finally:
            await backend.aclose()

    try:
        info = asyncio.run(probe())
    except BackendError as exc:
        reason = exc.reason
        lowered = reason.lower()
        # The reason names the status as "(401)"; a bare "401" could be part of a port.
        if any(w in lowered for w in ("(401", "(403", "api key", "unauthor", "forbidden")):
            fix = f"set the server's API key in ${var} (config: [model] api_key_env)"
        else:
            fix = "start the server (tinymorph serve --model FILE) or fix [model] server"
        return [Check("server", "fail", f"{url}: {reason}", fix)]
    out = [Check("server", "ok", f"{url} answers" + (f" (model {info.model})" if info.model else ""))]
    out.append(Check("server", "ok", "API key accepted" if key else "no API key needed"))
    if info.steering:
        out.append(Check("steering", "ok", "native steering (tinymorph serve)"))
    else:
        out.append(
            Check("steering", "warn", "a stock server: steering works through logit bias only",
                  "for activation steering run `tinymorph serve` on the GPU box")
        )
    return out


# -- paths and state ----------------------------------------------------------------------


def check_paths() -> list[Check]:
    """Every folder tinymorph writes to can be created and written."""
    where = paths.resolve()
    out = []
    for label, folder, fatal in (
        ("config", where.config_dir, False),
        ("data", where.data_dir, True),
        ("recovery", where.recovery_dir, True),
        ("state", where.state_dir, False),
        ("cache", where.cache_dir, False),
    ):
        problem = _writable(folder)
        if problem is None:
            out.append(Check("paths", "ok", f"{label}: {folder}"))
        else:
            what = "recovery journals and state cannot be kept" if fatal else "it is not saved"
            out.append(
                Check("paths", "fail" if fatal else "warn", f"{label}: {folder}: {problem}; {what}",
                      f"make it writable (chmod u+w), or point XDG_{_xdg_var(label)}_HOME elsewhere")
            )
    return out


def _xdg_var(label: str) -> str:
    return {"config": "CONFIG", "state": "STATE", "cache": "CACHE"}.get(label, "DATA")


def _writable(folder: Path) -> str | None:
    """None when a file can be created in `folder` (made if missing), else why not."""
    try:
        paths.ensure_dir(folder)
        probe = folder / f".doctor-{os.getpid()}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_database(path: Path | None = None) -> list[Check]:
    """Open the state database read-only (doctor never moves or repairs it) and check it."""
    from tinymorph_tui.state.store import MIGRATIONS

    path = path or paths.resolve().database
    if not path.exists():
        return [Check("state", "ok", f"no state database yet ({path} is made on first start)")]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
        try:
            status = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        status, version = str(exc), 0
    if status != "ok":
        return [Check("state", "warn", f"{path} is damaged ({status})",
                      "nothing to do: the editor moves it aside and starts a fresh one")]
    if version > len(MIGRATIONS):
        return [Check("state", "warn", f"{path} has schema {version}, newer than this tinymorph",
                      "upgrade tinymorph (an older one moves the database aside)")]
    return [Check("state", "ok", f"state database healthy (schema {version})")]


def check_config(config: Config) -> list[Check]:
    """config.toml, keymap.toml and the theme: problems with file and line."""
    out = [
        Check("config", "warn", message, "edit the file at that line (docs/configuration.md)")
        for message in config.errors + config.warnings
    ]
    if not out:
        shown = config.source if config.source and config.source.exists() else "defaults"
        out.append(Check("config", "ok", f"config: {shown}"))
    try:
        from tinymorph_tui.core.editor import Editor

        errors = [e for e in Editor().keymap_errors if "file not found" not in e]
    except Exception as exc:  # the engine failing to start is worth one line, not a trace
        errors = [f"keymap: {exc}"]
    out.extend(Check("keymap", "warn", e, "fix or remove that entry in keymap.toml") for e in errors)
    try:
        from tinymorph_tui.theme.loader import load_theme_or_default

        _, warning = load_theme_or_default(str(config.get("ui", "theme")))
    except Exception as exc:
        warning = str(exc)
    if warning:
        out.append(Check("theme", "warn", warning, "fix the theme file or choose another theme"))
    return out


# -- running ------------------------------------------------------------------------------


class _suppress_all:  # noqa: N801 - used like contextlib.suppress
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def run_checks(config: Config, *, load_model: bool = True,
               env: Mapping[str, str] | None = None,
               color_system: Callable[[], str | None] | None = None) -> list[Check]:
    """All checks, in the order they are printed."""
    env = os.environ if env is None else env
    if color_system is None:
        def color_system() -> str | None:
            from rich.console import Console  # deferred: only doctor asks rich about colours

            return Console(force_terminal=True).color_system

    checks = check_terminal(env, isatty=sys.stdout.isatty(), color_system=color_system())
    checks += check_config(config)
    checks += check_paths()
    checks += check_database()
    checks += check_model(config, load=load_model)
    return checks


def render(checks: list[Check]) -> str:
    """The report as text: one line per check, an indented fix under problems."""
    encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower()
    marks = _MARK if "utf" in encoding else _ASCII_MARK
    lines = []
    for c in checks:
        lines.append(f"{marks[c.status]} {c.area:<9} {c.message}")
        if c.fix and c.status != "ok":
            lines.append(f"  {'':<9} fix: {c.fix}")
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    if failed:
        lines.append(f"\n{failed} problem{'s' if failed != 1 else ''} to fix"
                     + (f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""))
    elif warned:
        lines.append(f"\nready, with {warned} warning{'s' if warned != 1 else ''}")
    else:
        lines.append("\nall good")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print every check; exit 1 when one of them failed."""
    config = apply_cli(load_config(), args)
    checks = run_checks(config, load_model=not getattr(args, "no_model", False))
    if getattr(args, "json", False):
        print(json.dumps([asdict(c) for c in checks], indent=2, ensure_ascii=False))
    else:
        print(render(checks))
    return 1 if any(c.status == "fail" for c in checks) else 0
