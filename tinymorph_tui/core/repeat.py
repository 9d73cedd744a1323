"""`.` repeat, macro recording (q) and execution (@).

Registers hold macros the way Vim does: characters as typed, with <Esc> <CR> and control
keys as their control characters; other special keys (arrows...) are kept in <> notation
wrapped in "\\x80" markers so they survive a round trip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinymorph_tui.core.keys import _RAW, parse_keys

if TYPE_CHECKING:
    from tinymorph_tui.core.editor import Editor

_TO_RAW = {name: raw for raw, name in _RAW.items() if raw not in ("\x08",)}
_TO_RAW["<C-h>"] = "\x08"


def tokens_to_register(tokens: list[str]) -> str:
    """Key tokens as register text (Vim's raw form)."""
    out = []
    for t in tokens:
        if len(t) == 1:
            out.append(t)
        elif t in _TO_RAW:
            out.append(_TO_RAW[t])
        elif t.startswith("<C-") and len(t) == 5 and t[3].isalpha():
            out.append(chr(ord(t[3]) & 0x1F))
        else:
            out.append("\x80" + t + "\x80")
    return "".join(out)


def register_to_tokens(text: str) -> list[str]:
    """Register text back into key tokens."""
    toks: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\x80":
            j = text.find("\x80", i + 1)
            if j > i:
                toks.extend(parse_keys(text[i + 1 : j]))
                i = j + 1
                continue
        toks.extend(parse_keys(ch) if ch != "<" else ["<"])
        i += 1
    return toks


def toggle_recording(ed: Editor, reg: str | None) -> bool:
    """q{reg} starts recording, q stops it."""
    if ed.recording is not None:
        toks = ed._record_tokens[:-1]  # without the final q
        name = ed.recording
        ed.recording = None
        ed._record_tokens = []
        text = tokens_to_register(toks)
        # recording does not change what the unnamed register points to
        ed.registers.set_recorded(name, text)
        ed.set_message("")
        return True
    if reg is None or not (reg.isalnum() or reg == '"'):
        return False
    ed.recording = reg
    ed._record_tokens = []
    ed.set_message(f"recording @{reg}")
    return True


def execute_register(ed: Editor, name: str, count: int) -> bool:
    """@{reg}: run a register's contents as typed keys, count times."""
    if name == "@":
        if ed.last_macro is None:
            ed.set_error("E748: No previously used register")
            return False
        name = ed.last_macro
    if name == ":":
        last = ed.registers[":"]
        if not last:
            ed.set_error("E30: No previous command line")
            return False
        ed.last_macro = ":"
        from tinymorph_tui.core.cmdline import run_ex

        for _ in range(count):
            run_ex(ed, last)
        return True
    entry = ed.registers.get_entry(name)
    if entry is None:
        return False
    ed.last_macro = name
    text = entry.text + ("\n" if entry.kind == "line" else "")
    toks = register_to_tokens(text)
    if entry.kind == "line":
        toks = [("<CR>" if t == "<NL>" else t) for t in toks]
    for _ in range(count):
        if not ed.run_keys(toks):
            return True
    return True


def repeat_dot(ed: Editor, count: int | None) -> bool:
    """`.`: run the last change again (a count replaces its count)."""
    rec = ed.dot
    if rec is None:
        return False
    if count is not None:
        rec.count = count
    reg = rec.reg
    if reg is not None and reg.isdigit() and reg != "0" and reg != "9":
        # "1p... puts "2, "3, ... on each repeat
        reg = str(int(reg) + 1)
        rec.reg = reg
    toks: list[str] = []
    if reg is not None:
        toks += ['"', reg]
    if rec.visual is not None:
        from tinymorph_tui.core.visual import reselect_for_repeat

        reselect_for_repeat(ed, rec.visual, rec.count)
        toks += rec.body + rec.tail
    else:
        if rec.count is not None:
            toks += list(str(rec.count))
        toks += rec.body + rec.tail
    ed._replaying += 1
    ed.begin_change()
    try:
        for tok in toks:
            ed._beeped = False
            ed.process_key(tok)
            if ed._beeped and ed.mode == "normal" and not ed._pending:
                # a failing command flushes the rest of the redo buffer (beep_flush())
                break
        if ed.mode in ("insert", "replace"):
            ed.process_key("<Esc>")
    finally:
        ed.end_change()
        ed._replaying -= 1
    return True
