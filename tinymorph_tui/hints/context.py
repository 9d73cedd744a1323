"""The prompt for a hint, built by the inference package's `build_context`.

One prompt format for the editor, `tinymorph complete` and the server lives in
`tinymorph_tui.inference.prompt`: the text before the cursor within a token budget,
starting at a paragraph boundary that only moves when it must (so the backend's KV prefix
cache stays valid while the writer types on), after a header with the document's title and
the heading path the excerpt sits under. This module only adapts the controller's
(prefix, suffix) pair to it.

The UI may pass a window of the document rather than all of it (the app sends a slice that
starts at a fixed multiple of 8 KiB before the cursor): headings and the title are then
looked for within that window, which costs time proportional to the window, not to the
document, on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The text after the cursor sent for fill-in-the-middle, in tokens (the backend uses it
#: only when the model has FIM tokens).
SUFFIX_TOKENS = 128


@dataclass(frozen=True)
class HintPrompt:
    """What a hint request sends: `prompt` (header + excerpt) and `suffix` (or None)."""

    prompt: str
    suffix: str | None


def hint_prompt(prefix: str, suffix: str, context_tokens: int) -> HintPrompt:
    """The prompt for a hint at the end of `prefix`, with `suffix` after the cursor."""
    from tinymorph_tui.inference.prompt import build_context, document_title

    text = prefix + suffix[: SUFFIX_TOKENS * 8]
    title = document_title(prefix) if "#" in prefix else None
    ctx = build_context(
        text,
        len(prefix),
        title=title,
        budget_tokens=context_tokens,
        suffix_tokens=SUFFIX_TOKENS,
        fim=True,  # the backend decides: without FIM tokens it ignores the suffix
    )
    return HintPrompt(prompt=ctx.prompt, suffix=ctx.suffix)
