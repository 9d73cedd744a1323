"""Turning chat messages into one prompt: the model's own chat template, or a plain fallback.

A GGUF model may carry its chat template (`tokenizer.chat_template`, a Jinja template as in
Hugging Face tokenizers). It is rendered with llama-cpp-python's `Jinja2ChatFormatter` (a
sandboxed Jinja environment, the same one `Llama.create_chat_completion` uses) and the
result is tokenized with special tokens parsed, so `<|im_start|>` becomes its token.

A model without a template (base models such as stories260K) gets this documented format,
tokenized as ordinary text with the model's start token:

    {system message}

    User: {user message}
    Assistant: {assistant message}
    User: {user message}
    Assistant:

and generation also stops at a new "User:" turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinymorph_tui.server.errors import bad_request

#: Stop sequences of the fallback format (the model starting the user's next turn).
FALLBACK_STOP = ("\nUser:",)


@dataclass(frozen=True)
class ChatPrompt:
    """A rendered conversation: its text, whether special tokens are parsed, extra stops."""

    text: str
    special: bool
    add_bos: bool
    stop: tuple[str, ...]


class ChatFormatter:
    """Formats messages for one model (built once at start from the GGUF metadata)."""

    def __init__(self, template: str | None, bos_token: str = "", eos_token: str = "") -> None:
        self.template = template or None
        self.bos_token = bos_token
        self.eos_token = eos_token
        self._jinja: Any = None
        if self.template is not None:
            # Deferred: jinja2 and llama_cpp's chat module load only for a model with a template.
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            self._jinja = Jinja2ChatFormatter(
                template=self.template,
                eos_token=eos_token,
                bos_token=bos_token,
                add_generation_prompt=True,
            )

    @classmethod
    def for_model(cls, model_path: str | Path) -> ChatFormatter:
        """Read `tokenizer.chat_template` and the start/end token texts from the GGUF."""
        from tinymorph_tui.steering.gguf_util import field_value, open_reader

        reader = open_reader(model_path)
        template = field_value(reader, "tokenizer.chat_template")
        tokens = reader.fields.get("tokenizer.ggml.tokens")

        def token_text(key: str) -> str:
            tid = field_value(reader, key)
            if tokens is None or not isinstance(tid, int) or not 0 <= tid < len(tokens.data):
                return ""
            return bytes(tokens.parts[tokens.data[tid]]).decode("utf-8", errors="replace")

        return cls(
            template if isinstance(template, str) else None,
            bos_token=token_text("tokenizer.ggml.bos_token_id"),
            eos_token=token_text("tokenizer.ggml.eos_token_id"),
        )

    @property
    def has_template(self) -> bool:
        """Whether the model's own template is used (else the fallback format)."""
        return self._jinja is not None

    def render(self, messages: list[dict[str, str]]) -> ChatPrompt:
        """The prompt for `messages` (role/content dicts); a template error is a 400."""
        if self._jinja is None:
            return ChatPrompt(fallback_prompt(messages), False, True, FALLBACK_STOP)
        try:
            result = self._jinja(messages=messages)
        except Exception as exc:  # a template may raise_exception() on unsupported turns
            raise bad_request(
                f"the model's chat template refused the messages: {exc}", "messages"
            ) from None
        stop = tuple(
            s for s in (result.stop if isinstance(result.stop, list) else [result.stop]) if s
        )
        # The template writes the start token itself (as llama-cpp-python assumes).
        return ChatPrompt(result.prompt, True, not result.added_special, stop)


def fallback_prompt(messages: list[dict[str, str]]) -> str:
    """The plain format for models without a chat template (see the module docstring)."""
    parts: list[str] = []
    for msg in messages:
        role, content = msg["role"], msg["content"]
        if role == "system":
            parts.append(content + "\n\n")
        elif role == "user":
            parts.append(f"User: {content}\n")
        else:
            parts.append(f"Assistant: {content}\n")
    parts.append("Assistant:")
    return "".join(parts)
