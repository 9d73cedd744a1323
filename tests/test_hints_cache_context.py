"""The hint cache (LRU, steering in the key, typed-through lookups), the prompt window and
the adaptive debounce."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tinymorph_tui.hints.cache import HintCache, context_key, steering_key
from tinymorph_tui.hints.context import HintPrompt, hint_prompt
from tinymorph_tui.hints.debounce import AdaptiveDebounce


def test_cache_is_lru_bounded() -> None:
    cache = HintCache(capacity=2)
    a, b, c = (context_key(p, "", ()) for p in ("a", "b", "c"))
    cache.put(a, "1")
    cache.put(b, "2")
    assert cache.get(a) is not None  # a is now the most recent
    cache.put(c, "3")
    assert a in cache and c in cache and b not in cache
    assert len(cache) == 2


def test_steering_is_part_of_the_key_and_order_independent() -> None:
    assert steering_key({"b": 0.5, "a": 1.0, "z": 0.0}) == (("a", 1.0), ("b", 0.5))
    assert steering_key(None) == steering_key({}) == ()
    cache = HintCache()
    cache.put(context_key("text", "", steering_key({"joy": 1.0})), " happy")
    assert cache.lookup("text", "", ()) is None
    hit = cache.lookup("text", "", steering_key({"joy": 1.0}))
    assert hit is not None and hit[1].texts == [" happy"]


def test_key_uses_the_tail_of_the_prefix_and_head_of_the_suffix() -> None:
    long_a = "x" * 1000 + "same tail"
    long_b = "y" * 1000 + "same tail"
    assert context_key(long_a, "after", ()) != context_key(long_b, "after", ())  # 256 chars
    tail = "z" * 300
    assert context_key("a" + tail, "s", ()) == context_key("b" + tail, "s", ())
    assert context_key("p", "s" * 64 + "1", ()) == context_key("p", "s" * 64 + "2", ())


def test_lookup_finds_a_partly_typed_hint() -> None:
    cache = HintCache()
    cache.put(context_key("Once upon", "", ()), " a time there was")
    hit = cache.lookup("Once upon a ti", "", (), lookback=64)
    assert hit is not None
    key, entry, typed = hit
    assert typed == len(" a ti") and entry.texts[0][typed:] == "me there was"
    assert cache.lookup("Once upon a tx", "", (), lookback=64) is None
    # Typed all of it: nothing left to show, not a hit.
    assert cache.lookup("Once upon a time there was", "", (), lookback=64) is None


def test_alternatives_are_kept_in_order_without_repeats() -> None:
    cache = HintCache()
    key = context_key("p", "", ())
    cache.put(key, " one")
    assert cache.add_alternative(key, " two") == 1
    assert cache.add_alternative(key, " one") == 0
    entry = cache.get(key)
    assert entry is not None and entry.texts == [" one", " two"]


def test_prompt_start_is_stable_while_typing() -> None:
    text = "".join(f"Paragraph {i} of some prose.\n\n" for i in range(200))
    prompts = [hint_prompt(text + "x" * k, "", 100).prompt for k in range(20)]
    # The excerpt grows at its end and keeps its start (the KV cache stays valid), moving
    # by a whole ~30-character paragraph at most once while 20 characters are typed.
    assert len({p[:24] for p in prompts}) <= 2
    runs = sum(1 for a, b in zip(prompts, prompts[1:], strict=False) if b.startswith(a))
    assert runs >= 18
    assert all(len(p) <= 100 * 4 for p in prompts)


def test_short_prefix_is_sent_whole_with_the_suffix() -> None:
    got = hint_prompt("Short text", " and after.", 512)
    assert got == HintPrompt(prompt="Short text", suffix=" and after.")
    assert hint_prompt("Short", "  \n ", 512).suffix is None


def test_prompt_keeps_title_and_heading_path_when_cut() -> None:
    body = "word " * 400
    text = (
        "# My Novel\n\nIntro.\n\n## Part One\n\n### The Storm\n\n"
        + body
        + "\n\n### The Calm\n\n"
        + body
    )
    prompt = hint_prompt(text, "", 150).prompt
    assert prompt.startswith("# My Novel\n## Part One\n### The Calm\n\n")
    assert prompt.endswith(text[-100:])
    assert "### The Storm" not in prompt


def test_adaptive_debounce() -> None:
    d = AdaptiveDebounce(150, min_ms=30)
    assert d.delay_ms == 150
    d.observe_ttft(5)
    assert d.delay_ms == 30  # a fast model: short pause
    for _ in range(30):
        d.observe_ttft(400)
    assert d.delay_ms == 150  # a slow one: never longer than configured
    d.observe_ttft(-1)  # ignored
    fixed = AdaptiveDebounce(80, adaptive=False)
    fixed.observe_ttft(1)
    assert fixed.delay_ms == 80 and fixed.delay_s == 0.08


@settings(max_examples=150, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.text("ab ", max_size=8), st.text("ab ", min_size=1, max_size=6)),
        max_size=6,
    ),
    prefix=st.text("ab ", max_size=14),
    capacity=st.integers(1, 4),
)
def test_typed_through_lookup_matches_a_plain_search(
    entries: list[tuple[str, str]], prefix: str, capacity: int
) -> None:
    cache = HintCache(capacity)
    for anchor, text in entries:
        cache.put(context_key(anchor, "", ()), text)
    kept = {k: e.texts[0] for k, e in cache._entries.items()}  # after LRU eviction

    def expected() -> tuple[str, int] | None:
        key = context_key(prefix, "", ())
        if key in kept:
            return kept[key], 0
        for back in range(1, min(8, len(prefix)) + 1):
            key = context_key(prefix[: len(prefix) - back], "", ())
            text = kept.get(key)
            if text is not None and len(text) > back and text.startswith(prefix[-back:]):
                return text, back
        return None

    hit = cache.lookup(prefix, "", (), lookback=8)
    assert (None if hit is None else (hit[1].texts[0], hit[2])) == expected()
