"""Markdown highlighting: tree-sitter (block + inline grammars) and pygments for code fences.

`MarkdownHighlighter` (in `syntax.markdown`) is what the editor view uses; `highlight_text`
highlights a string synchronously. Both are imported lazily so that importing the package
does not load tree-sitter before the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinymorph_tui.syntax.scopes import Span

if TYPE_CHECKING:
    from tinymorph_tui.syntax.markdown import MarkdownHighlighter, highlight_text

__all__ = ["MarkdownHighlighter", "Span", "highlight_text"]


def __getattr__(name: str) -> Any:
    if name in ("MarkdownHighlighter", "highlight_text"):
        from tinymorph_tui.syntax import markdown

        return getattr(markdown, name)
    raise AttributeError(name)
