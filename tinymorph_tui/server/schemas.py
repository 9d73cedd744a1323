"""Validation of request bodies for `/v1/completions` and `/v1/chat/completions`.

Hand-written rather than pydantic: the runtime dependencies stay small, and each check
gives OpenAI's kind of message with the offending field as `param`. Only the shape of a
request is checked here; limits that need the model (context length, vocabulary size,
feature names) are checked by the engine. Unknown fields are ignored, as OpenAI clients
send many optional ones; fields whose non-default values we cannot honour are refused
rather than silently ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tinymorph_tui.server.errors import bad_request

#: Most stop sequences and top log-probabilities a request may ask for.
MAX_STOP = 16
MAX_LOGPROBS = 20
#: Largest |scale| a steering feature may take (the slider unit is a quarter residual norm).
MAX_STEERING_SCALE = 100.0
#: Most features one request may steer with.
MAX_STEERING_FEATURES = 64


@dataclass(frozen=True)
class Sampling:
    """Fields shared by both completion endpoints."""

    max_tokens: int | None
    temperature: float
    top_p: float
    seed: int | None
    stop: tuple[str, ...]
    logit_bias: dict[int, float] | None
    steering: dict[str, float] | None
    stream: bool
    include_usage: bool
    model: str | None


@dataclass(frozen=True)
class CompletionBody:
    """A validated `/v1/completions` request.

    `prompt` is text, or `prompt_tokens` token ids (OpenAI accepts both); `logprobs` is the
    number of top alternatives per generated token (None: no log-probabilities).
    """

    prompt: str
    prompt_tokens: tuple[int, ...] | None
    suffix: str | None
    logprobs: int | None
    sampling: Sampling


@dataclass(frozen=True)
class ChatBody:
    """A validated `/v1/chat/completions` request (messages as plain role/content dicts)."""

    messages: list[dict[str, str]]
    sampling: Sampling
    logprobs: bool = False
    top_logprobs: int = 0


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) and math.isfinite(value)


def _number(data: dict[str, Any], name: str, default: float, lo: float, hi: float) -> float:
    value = data.get(name)
    if value is None:
        return default
    if not _is_number(value):
        raise bad_request(f"{name} must be a number", name)
    if not lo <= value <= hi:
        raise bad_request(f"{name} must be between {lo:g} and {hi:g}, got {value!r}", name)
    return float(value)


def _optional_int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if not _is_int(value):
        raise bad_request(f"{name} must be an integer", name)
    return int(value)


def _must_be(data: dict[str, Any], name: str, allowed: Any, why: str) -> None:
    """Refuse a field whose value is not the one we support (absent or null is fine)."""
    value = data.get(name)
    # `type(...) is` so that True is not taken for 1 (bool is an int in Python).
    if value is not None and (type(value) is not type(allowed) or value != allowed):
        raise bad_request(f"{name}={value!r} is not supported ({why})", name)


def _stop(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        raise bad_request("stop must be a string or a list of strings", "stop")
    if len(items) > MAX_STOP:
        raise bad_request(f"stop takes at most {MAX_STOP} sequences", "stop")
    return tuple(s for s in items if s)


def _logit_bias(value: Any) -> dict[int, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("logit_bias must be an object of token id -> bias", "logit_bias")
    out: dict[int, float] = {}
    for key, bias in value.items():
        try:
            token = int(key)
        except (TypeError, ValueError):
            raise bad_request(f"logit_bias key {key!r} is not a token id", "logit_bias") from None
        if token < 0:
            raise bad_request(f"logit_bias token id {key!r} is negative", "logit_bias")
        if not _is_number(bias) or not -100 <= bias <= 100:
            raise bad_request(
                f"logit_bias for token {key} must be a number between -100 and 100", "logit_bias"
            )
        out[token] = float(bias)
    return out or None


def _steering(value: Any) -> dict[str, float] | None:
    """`{"features": {NAME: SCALE}}` -> {NAME: SCALE}; None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("features", {}), dict):
        raise bad_request(
            'steering must be an object like {"features": {"NAME": SCALE}}', "steering"
        )
    unknown = sorted(set(value) - {"features"})
    if unknown:
        raise bad_request(f"steering has an unknown field {unknown[0]!r}", "steering")
    features = value.get("features") or {}
    if len(features) > MAX_STEERING_FEATURES:
        raise bad_request(
            f"steering takes at most {MAX_STEERING_FEATURES} features", "steering.features"
        )
    out: dict[str, float] = {}
    for name, scale in features.items():
        if not _is_number(scale) or abs(scale) > MAX_STEERING_SCALE:
            raise bad_request(
                f"steering scale of feature {name!r} must be a number between "
                f"-{MAX_STEERING_SCALE:g} and {MAX_STEERING_SCALE:g}",
                "steering.features",
            )
        out[name] = float(scale)
    return out


def _sampling(
    data: dict[str, Any], *, max_tokens_names: tuple[str, ...], default_max: int | None
) -> Sampling:
    max_tokens: int | None = default_max
    for name in max_tokens_names:
        value = _optional_int(data, name)
        if value is not None:
            if value <= 0:
                raise bad_request(f"{name} must be a positive integer, got {value}", name)
            max_tokens = value
            break
    _must_be(data, "n", 1, "this server returns one choice per request")
    for name in ("presence_penalty", "frequency_penalty"):
        value = data.get(name)
        if value is not None and (not _is_number(value) or value != 0):
            raise bad_request(f"{name} is not supported (only 0)", name)
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("model must be a string", "model")
    stream = data.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise bad_request("stream must be true or false", "stream")
    options = data.get("stream_options")
    include_usage = False
    if options is not None:
        if not isinstance(options, dict):
            raise bad_request("stream_options must be an object", "stream_options")
        include_usage = bool(options.get("include_usage", False))
    seed = _optional_int(data, "seed")
    return Sampling(
        max_tokens=max_tokens,
        temperature=_number(data, "temperature", 1.0, 0.0, 2.0),
        top_p=_number(data, "top_p", 1.0, 0.0, 1.0),
        seed=seed,
        stop=_stop(data.get("stop")),
        logit_bias=_logit_bias(data.get("logit_bias")),
        steering=_steering(data.get("steering")),
        stream=stream,
        include_usage=include_usage,
        model=model,
    )


def _require_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise bad_request("the request body must be a JSON object")
    return data


def parse_completion(data: Any) -> CompletionBody:
    """Validate a `/v1/completions` body (raises APIError 400 naming the field)."""
    data = _require_object(data)
    prompt = data.get("prompt")
    prompt_tokens: tuple[int, ...] | None = None
    if prompt is None:
        raise bad_request("prompt is required", "prompt")
    if isinstance(prompt, list):
        if prompt and all(_is_int(t) for t in prompt):
            if any(t < 0 for t in prompt):
                raise bad_request("prompt token ids must not be negative", "prompt")
            prompt_tokens, prompt = tuple(int(t) for t in prompt), ""
        elif len(prompt) == 1 and isinstance(prompt[0], str):
            prompt = prompt[0]
        else:
            raise bad_request(
                "prompt must be a string, a list of one string or a list of token ids "
                "(one prompt per request)",
                "prompt",
            )
    elif not isinstance(prompt, str):
        raise bad_request("prompt must be a string", "prompt")
    suffix = data.get("suffix")
    if suffix is not None and not isinstance(suffix, str):
        raise bad_request("suffix must be a string", "suffix")
    _must_be(data, "echo", False, "the prompt is never echoed")
    _must_be(data, "best_of", 1, "one candidate per request")
    logprobs = _optional_int(data, "logprobs")
    if logprobs is not None and not 0 <= logprobs <= MAX_LOGPROBS:
        raise bad_request(f"logprobs must be between 0 and {MAX_LOGPROBS}", "logprobs")
    return CompletionBody(
        prompt=prompt,
        prompt_tokens=prompt_tokens,
        suffix=suffix or None,
        logprobs=logprobs,
        sampling=_sampling(data, max_tokens_names=("max_tokens",), default_max=16),
    )


_ROLES = ("system", "developer", "user", "assistant")


def _content(value: Any, index: int) -> str:
    """A message's content: a string, or a list of `{"type": "text", "text": ...}` parts."""
    param = f"messages[{index}].content"
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if not isinstance(part, dict) or part.get("type") != "text":
                raise bad_request("only text content parts are supported", param)
            text = part.get("text")
            if not isinstance(text, str):
                raise bad_request("a text content part needs a string text", param)
            parts.append(text)
        return "".join(parts)
    raise bad_request("content must be a string or a list of text parts", param)


def parse_chat(data: Any) -> ChatBody:
    """Validate a `/v1/chat/completions` body (raises APIError 400 naming the field)."""
    data = _require_object(data)
    raw = data.get("messages")
    if not isinstance(raw, list) or not raw:
        raise bad_request("messages must be a non-empty list", "messages")
    messages: list[dict[str, str]] = []
    for i, msg in enumerate(raw):
        if not isinstance(msg, dict):
            raise bad_request("each message must be an object", f"messages[{i}]")
        role = msg.get("role")
        if role not in _ROLES:
            raise bad_request(
                f"role must be one of {', '.join(_ROLES)}, got {role!r}", f"messages[{i}].role"
            )
        messages.append(
            {
                "role": "system" if role == "developer" else role,
                "content": _content(msg.get("content"), i),
            }
        )
    for name in ("tools", "functions", "response_format"):
        if data.get(name) not in (None, [], {"type": "text"}):
            raise bad_request(f"{name} is not supported by this server", name)
    logprobs = data.get("logprobs", False)
    if logprobs is None:
        logprobs = False
    if not isinstance(logprobs, bool):
        raise bad_request("logprobs must be true or false", "logprobs")
    top = _optional_int(data, "top_logprobs") or 0
    if not 0 <= top <= MAX_LOGPROBS:
        raise bad_request(f"top_logprobs must be between 0 and {MAX_LOGPROBS}", "top_logprobs")
    return ChatBody(
        messages=messages,
        logprobs=logprobs,
        top_logprobs=top,
        sampling=_sampling(
            data, max_tokens_names=("max_completion_tokens", "max_tokens"), default_max=None
        ),
    )
