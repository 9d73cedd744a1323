"""Run real Vim as an oracle: start text + cursor + keys -> text, cursor, mode, registers.

Vim runs in a pseudo-terminal of the requested size (so H, M, L and scrolling see the same
window as the engine), started as `vim -u NONE -N -n -i NONE` with the given options.  The
keys are fed with feedkeys(..., 'tx') followed by a <Cmd> call that records the state
(so a test may end in insert, visual or command-line mode).

    res = run_vim("foo bar\\nbaz", (0, 4), "dw", {"tabstop": 2, "expandtab": True})
    res.text, res.cursor, res.mode

`available()` tells whether a usable vim is installed (tests skip otherwise).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinymorph_tui.core.keys import parse_keys

#: The options the hidden corpus runs with (plus the 120x40 window).
CORPUS_OPTIONS: dict[str, Any] = {
    "tabstop": 2,
    "expandtab": True,
    "ignorecase": True,
    "smartcase": True,
    "autoindent": True,
    "joinspaces": True,
    "textwidth": 80,
}

_MODE_NAMES = {
    "n": "normal",
    "i": "insert",
    "R": "replace",
    "v": "visual",
    "V": "visual_line",
    "\x16": "visual_block",
    "c": "command",
}

_SPECIAL = {
    "<Esc>": "\\<Esc>",
    "<CR>": "\\<CR>",
    "<NL>": "\\<NL>",
    "<BS>": "\\<BS>",
    "<Tab>": "\\<Tab>",
    "<Del>": "\\<Del>",
    "<Nul>": "\\<Nul>",
}


@dataclass
class VimResult:
    """What Vim ended with."""

    text: str
    cursor: tuple[int, int]
    mode: str
    registers: dict[str, str] = field(default_factory=dict)
    cmdline: str = ""
    errmsg: str = ""
    top_row: int = 0


def available() -> bool:
    """True when a vim binary with +eval is installed."""
    exe = shutil.which("vim")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "+eval" in out


def _vim_string(keys: str) -> str:
    """A Vim double-quoted string expression for keys in <> notation."""
    out = []
    for tok in parse_keys(keys):
        if len(tok) == 1:
            if tok in ('"', "\\"):
                out.append("\\" + tok)
            elif tok == "<":
                out.append("<")
            else:
                out.append(tok)
        else:
            out.append("\\" + tok)
    return '"' + "".join(out) + '"'


def _option_cmds(options: dict[str, Any]) -> list[str]:
    cmds = []
    for name, val in options.items():
        if name in ("lines", "columns"):
            continue
        if isinstance(val, bool):
            cmds.append(f"set {'' if val else 'no'}{name}")
        else:
            cmds.append(f"set {name}={str(val).replace(' ', chr(92) + ' ')}")
    return cmds


_CAPTURE = r"""
function! TmCapture()
  let l:m = mode(1)
  let l:r = {}
  for l:n in ['"', '0', '1', '2', '-', 'a', 'b', '.', ':', '/']
    let l:r[l:n] = getreg(l:n)
  endfor
  let l:pos = getcursorcharpos()
  let l:d = {'lines': getline(1, '$'), 'row': l:pos[1] - 1, 'col': l:pos[2] - 1,
        \ 'mode': l:m, 'regs': l:r, 'cmdline': getcmdtype() . getcmdline(),
        \ 'errmsg': v:errmsg, 'top': line('w0') - 1}
  call writefile([json_encode(l:d)], g:tm_out)
  return ''
endfunction
"""


def run_vim(
    text: str,
    cursor: tuple[int, int],
    keys: str,
    options: dict[str, Any] | None = None,
    *,
    lines: int = 40,
    columns: int = 120,
    timeout: float = 10.0,
) -> VimResult:
    """Run Vim on `text` with the cursor at `cursor`, type `keys`, return its state."""
    options = dict(CORPUS_OPTIONS if options is None else options)
    lines = int(options.pop("lines", lines))
    columns = int(options.pop("columns", columns))
    with tempfile.TemporaryDirectory(prefix="tmvim") as tmp:
        d = Path(tmp)
        buf = d / "buf.txt"
        buf.write_text(text + "\n", encoding="utf-8")
        out = d / "out.json"
        script = d / "run.vim"
        row, col = cursor
        body = [
            "set nocompatible",
            "set shortmess+=I",
            "set nomore",
            "set noesckeys ttimeoutlen=0",
            *_option_cmds(options),
            f"let g:tm_out = {json.dumps(str(out))}",
            _CAPTURE,
            f"call setcursorcharpos({row + 1}, {col + 1})",
            "let v:errmsg = ''",
            f"call feedkeys({_vim_string(keys)} . \"\\<Cmd>call TmCapture()\\<CR>\", 'tx')",
            "qa!",
        ]
        script.write_text("\n".join(body) + "\n", encoding="utf-8")
        _run_in_pty(
            [
                "vim",
                "-u",
                "NONE",
                "-N",
                "-n",
                "-i",
                "NONE",
                "--noplugin",
                "-S",
                str(script),
                str(buf),
            ],
            lines,
            columns,
            timeout,
        )
        if not out.exists():
            raise RuntimeError(f"vim produced no result for keys {keys!r}")
        data = json.loads(out.read_text(encoding="utf-8").strip())
    mode_raw = data["mode"]
    mode = _MODE_NAMES.get(mode_raw[:1], "normal")
    if mode_raw.startswith("no"):
        mode = "normal"
    if mode_raw.startswith("Rv"):
        mode = "replace"
    if mode_raw in ("niI", "niR", "niV"):
        mode = "normal"
    return VimResult(
        "\n".join(data["lines"]),
        (int(data["row"]), int(data["col"])),
        mode,
        data["regs"],
        data["cmdline"],
        data["errmsg"],
        int(data["top"]),
    )


def _run_in_pty(argv: list[str], lines: int, columns: int, timeout: float) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
            env = dict(os.environ, TERM="xterm", HOME=os.environ.get("HOME", "/tmp"))
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                break
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                # answer terminal queries so vim never waits for them
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
    finally:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        os.close(fd)


def run_engine(
    text: str,
    cursor: tuple[int, int],
    keys: str,
    options: dict[str, Any] | None = None,
    *,
    lines: int = 40,
    columns: int = 120,
) -> VimResult:
    """The same run on tinymorph's engine, for comparison."""
    from tinymorph_tui.core.editor import Editor

    opts = dict(CORPUS_OPTIONS if options is None else options)
    opts.setdefault("lines", lines)
    opts.setdefault("columns", columns)
    ed = Editor.from_text(text, cursor=cursor, options=opts)
    ed.feed(keys)
    regs = {n: ed.registers[n] for n in ['"', "0", "1", "2", "-", "a", "b", ".", ":", "/"]}
    return VimResult(
        ed.text,
        ed.cursor,
        ed.mode,
        regs,
        ed.cmdline,
        ed.message if ed.message_is_error else "",
        ed.top_row,
    )


def run_vim_script(script: str, payload: Any, *, timeout: float = 60) -> Any:
    """Run a Vim script once over a JSON payload and return the JSON it writes.

    The script reads `g:infile` (the payload) and writes its result to `g:outfile`; one
    headless Vim (`vim -u NONE -i NONE -N -es`) runs a whole batch of cases this way.
    """
    vim = shutil.which("vim")
    assert vim is not None, "vim is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        inp, out, sc = Path(tmp, "in.json"), Path(tmp, "out.json"), Path(tmp, "run.vim")
        inp.write_text(json.dumps(payload), encoding="utf-8")
        sc.write_text(script, encoding="utf-8")
        subprocess.run(
            [
                vim,
                "-u",
                "NONE",
                "-i",
                "NONE",
                "-N",
                "-es",
                "--cmd",
                f"let g:infile = '{inp}'",
                "--cmd",
                f"let g:outfile = '{out}'",
                "-S",
                str(sc),
            ],
            check=False,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )
        return json.loads(out.read_text(encoding="utf-8"))
