"""Registration of every built-in engine command id (motions, text objects, operators,
normal / visual / insert / command-line actions) with its docstring."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tinymorph_tui.core.commands import CommandRegistry

_OPERATOR_DOCS = {
    "operator-delete": "Delete {motion} text [into register x] (d).",
    "operator-yank": "Yank {motion} text [into register x] (y).",
    "operator-change": "Delete {motion} text [into register x] and start insert (c).",
    "operator-lowercase": "Make {motion} text lowercase (gu).",
    "operator-uppercase": "Make {motion} text uppercase (gU).",
    "operator-toggle-case": "Switch case of {motion} text (g~).",
    "operator-rot13": "Rot13-encode {motion} text (g?).",
    "operator-indent": "Shift {motion} lines one 'shiftwidth' right (>).",
    "operator-dedent": "Shift {motion} lines one 'shiftwidth' left (<).",
    "operator-reindent": "Re-indent {motion} lines (=).",
    "operator-format": "Format {motion} lines at 'textwidth', cursor to the last line (gq).",
    "operator-format-keep-cursor": "Format {motion} lines, keeping the cursor (gw).",
    "operator-join": "Join the {motion} lines (J in visual mode).",
    "operator-join-nospace": "Join the {motion} lines without spaces (gJ in visual mode).",
    "operator-filter": "Filter {motion} lines through an external program (!).",
}


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[str, Any, str, dict[str, Any]], ...]:
    from tinymorph_tui.core import cmdline, insert, normal_cmds, scroll, visual
    from tinymorph_tui.core.motions import MOTIONS
    from tinymorph_tui.core.text_objects import TEXT_OBJECTS

    out: list[tuple[str, Any, str, dict[str, Any]]] = []
    for cid, (fn, doc, arg) in MOTIONS.items():
        out.append((cid, fn, doc, {"kind": "motion", "arg": arg}))
    for cid, (fn, doc) in TEXT_OBJECTS.items():
        out.append((cid, fn, doc, {"kind": "textobject"}))
    for cid, doc in _OPERATOR_DOCS.items():
        out.append((cid, _no_call, doc, {"kind": "operator"}))
    for cid, (fn, doc, flags) in normal_cmds.ACTIONS.items():
        out.append((cid, fn, doc, {"kind": "action", **flags}))
    for cid, fn in scroll.SCROLL_ACTIONS.items():
        flags: dict[str, Any] = {"kind": "action"}
        if cid in ("scroll-line-down", "scroll-line-up", "scroll-cursor-top",
                   "scroll-cursor-middle", "scroll-cursor-bottom"):
            flags["keep_curswant"] = True
        out.append((cid, fn, (fn.__doc__ or "").strip(), flags))
    for cid, (fn, doc, flags) in visual.VISUAL_ACTIONS.items():
        out.append((cid, fn, doc or (fn.__doc__ or "").strip(), {"kind": "action", **flags}))
    for cid, (fn, doc) in insert.INSERT_COMMANDS.items():
        out.append((cid, fn, doc, {"kind": "insert"}))
    for cid, (fn, doc) in cmdline.CMDLINE_COMMANDS.items():
        out.append((cid, fn, doc, {"kind": "cmdline"}))
    # "/" and "?" are motions when an operator is pending (d/pat<CR>).
    return tuple(out)


def _no_call(*_a: Any) -> None:
    """Operators are applied by the engine, not called."""


def register_all(reg: CommandRegistry) -> None:
    """Register all built-in commands into `reg`."""
    for cid, fn, doc, flags in _entries():
        flags = dict(flags)
        kind = flags.pop("kind")
        arg = flags.pop("arg", None)
        reg.register(cid, fn, doc, kind=kind, arg=arg, internal=True, data=flags or None)
