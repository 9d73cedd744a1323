"""HintController against a scripted backend: debounce, cancel, stale results, type-through,
cache, prefetch, accept, dismiss, alternatives, cuts, errors, steering, toggles."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tinymorph_tui.hints.controller import NO_MODEL_REASON, HintController
from tinymorph_tui.hints.scripted import ScriptedBackend
from tinymorph_tui.inference.types import BackendError, CompletionRequest

DEBOUNCE_MS = 10


class Recorder:
    """Collects on_change calls and on_event events."""

    def __init__(self) -> None:
        self.changes = 0
        self.events: list[tuple[str, dict[str, Any]]] = []

    def change(self) -> None:
        self.changes += 1

    def event(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((kind, data))

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]


def make(backend: ScriptedBackend | None, **kw: Any) -> tuple[HintController, Recorder]:
    rec = Recorder()
    kw.setdefault("debounce_ms", DEBOUNCE_MS)
    kw.setdefault("adaptive_debounce", False)
    kw.setdefault("prefetch", False)
    ctl = HintController(backend, on_change=rec.change, on_event=rec.event, **kw)
    ctl.on_mode("insert")
    return ctl, rec


async def settle(ctl: HintController, timeout: float = 3.0) -> None:
    """Wait until no request (or debounce) is pending."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while ctl.busy:
        assert loop.time() < end, "controller never settled"
        await asyncio.sleep(0.002)


class Doc:
    """A tiny document model that drives the controller like the UI does."""

    def __init__(self, ctl: HintController, text: str = "", cursor: int | None = None) -> None:
        self.ctl = ctl
        self.text = text
        self.cursor = len(text) if cursor is None else cursor
        self.version = 0

    def notify(self, typed: str | None = None) -> None:
        self.ctl.on_edit(
            self.version, self.text[: self.cursor], self.text[self.cursor :], typed=typed
        )

    def type(self, s: str) -> None:
        for ch in s:
            self.text = self.text[: self.cursor] + ch + self.text[self.cursor :]
            self.cursor += 1
            self.version += 1
            self.notify(typed=ch)

    def insert(self, s: str) -> None:
        self.text = self.text[: self.cursor] + s + self.text[self.cursor :]
        self.cursor += len(s)
        self.version += 1
        self.notify()

    def backspace(self, n: int = 1) -> None:
        self.text = self.text[: self.cursor - n] + self.text[self.cursor :]
        self.cursor -= n
        self.version += 1
        self.notify()

    def accept(self, unit: str) -> str:
        got = self.ctl.accept(unit)  # type: ignore[arg-type]
        if got:
            self.insert(got)
        return got


async def test_no_backend_is_off_with_a_reason() -> None:
    ctl, _ = make(None)
    assert ctl.state == "off"
    assert ctl.reason == NO_MODEL_REASON
    Doc(ctl, "Hello").type("!")
    await asyncio.sleep(0.03)
    assert ctl.hint is None and not ctl.busy


async def test_debounce_coalesces_rapid_edits_into_one_request() -> None:
    backend = ScriptedBackend(text=" and the sea.")
    ctl, rec = make(backend)
    doc = Doc(ctl, "Once")
    doc.type(" upon a time")  # 12 edits, each well inside the debounce
    await settle(ctl)
    assert len(backend.requests) == 1
    assert backend.requests[0].prompt == "Once upon a time"
    assert ctl.hint is not None and ctl.hint.text == " and the sea."
    assert ctl.hint.version == doc.version
    assert ctl.state == "idle"
    assert rec.kinds() == ["shown"]
    assert rec.changes > 0


async def test_requests_only_in_insert_mode_and_leaving_dismisses() -> None:
    backend = ScriptedBackend(text=" more")
    ctl, rec = make(backend)
    ctl.on_mode("normal")
    doc = Doc(ctl, "Text")
    doc.type("s")
    await asyncio.sleep(0.04)
    assert backend.requests == []
    ctl.on_mode("insert")
    doc.type("!")
    await settle(ctl)
    assert ctl.hint is not None
    ctl.on_mode("normal")
    assert ctl.hint is None
    assert rec.events[-1][0] == "dismissed" and rec.events[-1][1]["reason"] == "mode"


async def test_an_edit_cancels_the_stream_in_flight() -> None:
    backend = ScriptedBackend(text=" one two three four five six", piece=2, delay=0.02)
    ctl, _ = make(backend)
    doc = Doc(ctl, "Count:")
    doc.type(" ")
    for _ in range(300):
        await asyncio.sleep(0.002)
        if ctl.state == "streaming":
            break
    assert ctl.state == "streaming"
    doc.type("x")  # does not match the hint: cancel, dismiss, ask again
    assert ctl.hint is None
    await asyncio.sleep(0.005)
    assert backend.cancelled + backend.closed_early == 1
    await settle(ctl)
    assert len(backend.requests) == 2
    assert backend.requests[1].prompt == "Count: x"


async def test_late_result_for_an_older_version_is_dropped() -> None:
    # This backend swallows the cancellation and still yields text for the old request.
    stubborn = ScriptedBackend(text=" fresh", first_delay=0.5, ignore_cancel=True)
    ctl, _ = make(stubborn)
    doc = Doc(ctl, "Start")
    doc.type(".")
    await asyncio.sleep(0.03)  # the first request is now waiting for its first token
    assert len(stubborn.requests) == 1
    doc.type(" ")
    stubborn.first_delay = 0.0  # for the next request
    await asyncio.sleep(0.01)
    assert stubborn.cancelled == 1
    assert ctl.hint is None  # "LATE" never shown
    stubborn.ignore_cancel = False
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == "fresh"
    assert "LATE" not in ctl.hint.text


async def test_type_through_consumes_matching_chars_without_a_request() -> None:
    backend = ScriptedBackend(text=" brown fox jumps")
    ctl, rec = make(backend)
    doc = Doc(ctl, "The quick")
    doc.type(" ")
    await settle(ctl)
    # The writer already typed the space: the hint does not repeat it.
    assert ctl.hint is not None and ctl.hint.text == "brown fox jumps"
    doc.type("brow")
    await asyncio.sleep(0.03)
    assert ctl.hint is not None and ctl.hint.text == "n fox jumps"
    assert ctl.hint.version == doc.version
    assert len(backend.requests) == 1
    # Backspace stays consistent with the hint: the characters come back.
    doc.backspace(2)
    assert ctl.hint is not None and ctl.hint.text == "own fox jumps"
    # A mismatch dismisses and asks again.
    doc.type("z")
    assert ctl.hint is None
    assert rec.events[-1][0] == "dismissed" and rec.events[-1][1]["reason"] == "edit"
    await settle(ctl)
    assert len(backend.requests) == 2
    assert backend.requests[1].prompt == "The quick brz"


async def test_cache_shows_a_known_context_at_once() -> None:
    backend = ScriptedBackend(respond=lambda req: f" after {req.prompt[-1]}")
    ctl, rec = make(backend)
    doc = Doc(ctl, "abc")
    doc.type("d")
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " after d"
    doc.type("q")
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " after q"
    assert len(backend.requests) == 2
    doc.backspace()  # back to "abcd": known context
    assert ctl.hint is not None and ctl.hint.text == " after d"  # at once, no await
    assert not ctl.busy
    assert rec.events[-1][0] == "shown" and rec.events[-1][1]["cached"] is True
    await asyncio.sleep(0.03)
    assert len(backend.requests) == 2


async def test_cache_finds_a_partly_typed_hint_after_leaving_it() -> None:
    backend = ScriptedBackend(text=" lighthouse keeper")
    ctl, _ = make(backend)
    doc = Doc(ctl, "The old")
    doc.notify()
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " lighthouse keeper"
    doc.type(" light")
    ctl.on_cursor_moved()  # e.g. arrow keys away and back
    assert ctl.hint is None
    doc.notify()  # the UI asks again at this place
    assert ctl.hint is not None and ctl.hint.text == "house keeper"
    assert len(backend.requests) == 1


async def test_prefetch_fetches_the_next_hint_as_if_accepted() -> None:
    backend = ScriptedBackend(respond=lambda req: " next" if req.prompt.endswith("first") else " first")
    ctl, _ = make(backend, prefetch=True)
    doc = Doc(ctl, "Go")
    doc.type(":")
    await settle(ctl)
    assert len(backend.requests) == 2  # the hint, then the prefetch
    assert backend.requests[1].prompt == "Go: first"
    assert ctl.hint is not None and ctl.hint.text == " first"
    assert doc.accept("all") == " first"
    # The prefetched continuation shows at once after accepting.
    assert ctl.hint is not None and ctl.hint.text == " next"
    await settle(ctl)
    assert len(backend.requests) == 3  # and the one after it is prefetched in turn


async def test_prefetch_in_flight_is_adopted_when_the_writer_gets_there() -> None:
    def respond(req: CompletionRequest) -> str:
        return " two" if req.prompt.endswith("one") else " one"

    backend = ScriptedBackend(respond=respond, first_delay=0.03)
    ctl, _ = make(backend, prefetch=True)
    doc = Doc(ctl, "Count")
    doc.type(":")
    for _ in range(500):
        await asyncio.sleep(0.002)
        if len(backend.requests) == 2:
            break
    assert ctl.hint is not None and ctl.hint.text == " one"
    doc.accept("all")  # the prefetch is still waiting for its first token
    await settle(ctl)
    assert [r.prompt for r in backend.requests] == ["Count:", "Count: one", "Count: one two"], backend.cancelled
    assert backend.cancelled == 0
    assert ctl.hint is not None and ctl.hint.text == " two"


async def test_prefetch_can_be_switched_off() -> None:
    backend = ScriptedBackend(text=" more")
    ctl, _ = make(backend, prefetch=False)
    Doc(ctl, "a").type("b")
    await settle(ctl)
    await asyncio.sleep(0.02)
    assert len(backend.requests) == 1


async def test_accept_units_update_the_remaining_hint() -> None:
    text = ' "Stop!" she said. Mr. Lee left.\nNew line here'
    backend = ScriptedBackend(text=text)
    ctl, rec = make(backend)
    doc = Doc(ctl, "It ended")
    doc.type(".")
    await settle(ctl)
    assert doc.accept("word") == ' "Stop!"'
    assert doc.accept("sentence") == " she said."
    assert doc.accept("sentence") == " Mr. Lee left."
    assert ctl.hint is not None and ctl.hint.text == "\nNew line here"
    assert doc.accept("line") == "\nNew line here"
    assert ctl.hint is None
    assert doc.text == "It ended." + text
    accepted = [d for k, d in rec.events if k == "accepted"]
    assert [d["unit"] for d in accepted] == ["word", "sentence", "sentence", "line"]
    assert all(d["steering"] == {} for d in accepted)
    assert len(backend.requests) == 1  # every insertion stayed consistent with the hint
    assert ctl.accept("all") == ""


async def test_dismiss_hides_and_waits_for_the_next_edit() -> None:
    backend = ScriptedBackend(text=" again")
    ctl, rec = make(backend)
    doc = Doc(ctl, "Say it")
    doc.type("!")
    await settle(ctl)
    ctl.dismiss()
    assert ctl.hint is None
    assert rec.events[-1][0] == "dismissed" and rec.events[-1][1]["reason"] == "dismiss"
    await asyncio.sleep(0.03)
    assert len(backend.requests) == 1
    doc.type("!")
    await settle(ctl)
    assert len(backend.requests) == 2 and ctl.hint is not None


async def test_cycling_asks_for_alternatives_with_other_seeds_then_wraps() -> None:
    backend = ScriptedBackend(respond=lambda req: f" alt{req.n_alternative}")
    ctl, _ = make(backend, max_alternatives=3)
    doc = Doc(ctl, "Pick")
    doc.type(":")
    await settle(ctl)
    seen = [ctl.hint.text if ctl.hint else None]
    for _ in range(3):
        ctl.cycle()
        await settle(ctl)
        seen.append(ctl.hint.text if ctl.hint else None)
    assert seen == [" alt0", " alt1", " alt2", " alt0"]
    seeds = [r.seed for r in backend.requests]
    temps = [r.temperature for r in backend.requests]
    assert len(backend.requests) == 3
    assert len(set(seeds)) == 3
    assert temps[1] > temps[0] and temps[2] > temps[1]
    ctl.cycle()
    assert ctl.hint is not None and ctl.hint.text == " alt1"  # known: shown at once
    assert ctl.hint.alternatives_index == 1 and ctl.hint.alternatives_count == 3
    assert len(backend.requests) == 3


async def test_hint_stops_at_a_paragraph_end_and_closes_the_stream() -> None:
    backend = ScriptedBackend(text=" the end.\n\nA new paragraph that goes on", piece=3)
    ctl, _ = make(backend)
    Doc(ctl, "This is").type(" ")
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == "the end."
    assert backend.requests[0].stop == ("\n\n",)
    assert backend.closed_early == 1


async def test_max_words_cuts_at_a_word_boundary() -> None:
    backend = ScriptedBackend(text=" one two, three four five six", piece=5)
    ctl, _ = make(backend, max_words=3)
    Doc(ctl, "Count").type(":")
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " one two, three"


async def test_multiline_hint_keeps_newlines() -> None:
    backend = ScriptedBackend(text=" first line\n- item two\n- item three")
    ctl, _ = make(backend)
    Doc(ctl, "- item").type(" ")
    await settle(ctl)
    hint = ctl.hint
    assert hint is not None
    assert hint.first_line == "first line"
    assert hint.more_lines == ["- item two", "- item three"]


async def test_backend_error_sets_error_state_and_recovers_on_the_next_edit() -> None:
    backend = ScriptedBackend(text=" ok", error=BackendError("server refused the API key"))
    ctl, _ = make(backend)
    doc = Doc(ctl, "x")
    doc.type("y")
    await settle(ctl)
    assert ctl.state == "error"
    assert ctl.reason == "server refused the API key"
    assert ctl.hint is None
    backend.error = None
    doc.type("z")
    await settle(ctl)
    assert ctl.state == "idle" and ctl.reason == ""
    assert ctl.hint is not None and ctl.hint.text == " ok"


async def test_unexpected_exception_is_an_error_state_not_a_crash() -> None:
    def boom(req: CompletionRequest) -> str:
        raise RuntimeError("kaput")

    ctl, _ = make(ScriptedBackend(respond=boom))
    Doc(ctl, "x").type("y")
    await settle(ctl)
    assert ctl.state == "error" and "kaput" in ctl.reason


async def test_steering_change_regenerates_at_once_and_hints_record_it() -> None:
    backend = ScriptedBackend(respond=lambda req: " joy" if req.steering else " plain")
    ctl, rec = make(backend, debounce_ms=5000)  # a debounce the test would notice
    doc = Doc(ctl, "Feel")
    doc.notify()
    ctl.cycle()  # no hint yet: asks now, skipping the debounce
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " plain" and ctl.hint.steering == {}
    ctl.set_steering({"joy": 0.8, "sea": 0.0})
    assert ctl.hint is None  # the old hint was made with other steering
    await asyncio.wait_for(settle(ctl), 1.0)
    assert ctl.hint is not None and ctl.hint.text == " joy"
    assert ctl.hint.steering == {"joy": 0.8}
    assert backend.requests[-1].steering == {"joy": 0.8}
    shown = [d for k, d in rec.events if k == "shown"]
    assert shown[-1]["steering"] == {"joy": 0.8}
    ctl.set_steering({})  # back to unsteered: that hint is cached
    assert ctl.hint is not None and ctl.hint.text == " plain"
    assert len(backend.requests) == 2
    assert doc.version == 0


async def test_set_steering_cancels_the_request_in_flight() -> None:
    backend = ScriptedBackend(text=" slow", first_delay=0.2)
    ctl, _ = make(backend)
    Doc(ctl, "a").type("b")
    await asyncio.sleep(0.03)
    assert len(backend.requests) == 1
    ctl.set_steering({"formal": 1.0})
    await asyncio.sleep(0.01)
    assert backend.cancelled == 1
    assert len(backend.requests) == 2
    await ctl.aclose()


async def test_toggle_off_hides_and_on_asks_again() -> None:
    backend = ScriptedBackend(text=" hi")
    ctl, _ = make(backend)
    doc = Doc(ctl, "Say")
    doc.type(":")
    await settle(ctl)
    assert ctl.toggle() is False
    assert ctl.hint is None and ctl.state == "off" and ctl.reason == "hints off"
    doc.type(" ")
    await asyncio.sleep(0.03)
    assert len(backend.requests) == 1
    ctl.set_enabled(True)
    assert ctl.state == "idle"
    await settle(ctl)
    assert ctl.hint is not None


async def test_set_backend_from_none_starts_working() -> None:
    ctl, _ = make(None)
    doc = Doc(ctl, "Now")
    doc.type(":")
    assert ctl.state == "off"
    backend = ScriptedBackend(text=" go")
    ctl.set_backend(backend)
    assert ctl.state == "idle"
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " go"
    ctl.set_backend(None)
    assert ctl.hint is None and ctl.state == "off" and ctl.reason == NO_MODEL_REASON


async def test_stats_and_adaptive_debounce_follow_the_backend() -> None:
    backend = ScriptedBackend(text=" quick")
    ctl, _ = make(backend, debounce_ms=150, adaptive_debounce=True)
    assert ctl.debounce.delay_ms == 150
    Doc(ctl, "a").type("b")
    await settle(ctl)
    assert ctl.last_stats is not None and ctl.last_stats.tokens == 2
    # A fast backend brings the pause down toward twice its time to first token.
    ttft = ctl.last_stats.ttft_ms
    assert ctl.debounce.delay_ms == pytest.approx(max(30.0, min(150.0, 2 * ttft)))


async def test_injected_sleep_drives_the_debounce() -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    backend = ScriptedBackend(text=" x")
    ctl, _ = make(backend, debounce_ms=150, sleep=fake_sleep)
    Doc(ctl, "a").type("b")
    await settle(ctl)
    assert sleeps == [0.15]
    assert ctl.hint is not None


async def test_cursor_move_dismisses_and_aclose_stops_everything() -> None:
    backend = ScriptedBackend(text=" long text here", piece=1, delay=0.01)
    ctl, rec = make(backend)
    Doc(ctl, "a").type("b")
    for _ in range(300):
        await asyncio.sleep(0.002)
        if ctl.hint is not None:
            break
    ctl.on_cursor_moved()
    assert ctl.hint is None and ctl.state == "idle"
    assert rec.events[-1][1]["reason"] == "cursor"
    await ctl.aclose()
    assert not ctl.busy


async def test_accept_while_streaming_keeps_the_rest_coming() -> None:
    backend = ScriptedBackend(text=" alpha beta gamma", piece=6, delay=0.03)
    ctl, _ = make(backend)
    doc = Doc(ctl, "Greek:")
    doc.notify()
    for _ in range(500):
        await asyncio.sleep(0.002)
        if ctl.hint is not None:
            break
    assert ctl.state == "streaming"
    first = doc.accept("all")
    assert first == " alpha"
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " beta gamma"
    assert len(backend.requests) == 1


async def test_events_carry_latency_and_what_was_shown() -> None:
    backend = ScriptedBackend(text=" word", first_delay=0.02)
    ctl, rec = make(backend)
    doc = Doc(ctl, "A")
    doc.type("b")
    await settle(ctl)
    doc.accept("word")
    kind, shown = rec.events[0]
    assert kind == "shown"
    # "shown" goes out with the first text drawn (it may still be streaming then).
    assert shown["text"] and " word".startswith(shown["text"])
    assert shown["cached"] is False and shown["alternative"] == 0
    assert shown["latency_ms"] >= 15 and shown["wait_ms"] >= shown["latency_ms"]
    assert shown["version"] == 1
    kind, accepted = rec.events[1]
    assert kind == "accepted" and accepted["text"] == " word" and accepted["latency_ms"] >= 0


async def test_positional_cursor_and_a_windowed_prefix_with_typed() -> None:
    backend = ScriptedBackend(text=" sunrise over the bay")
    ctl, _ = make(backend)
    window = "x" * 50 + " We watched the"
    ctl.on_edit(1, window, "", (0, len(window)))  # the architecture's positional cursor
    await settle(ctl)
    assert ctl.hint is not None and ctl.hint.text == " sunrise over the bay"
    # The UI sends a fixed-size window: lengths say nothing, `typed` does.
    window = window[1:] + " "
    ctl.on_edit(2, window, "", typed=" ")
    window = window[1:] + "s"
    ctl.on_edit(3, window, "", typed="s")
    assert ctl.hint is not None and ctl.hint.text == "unrise over the bay"
    assert len(backend.requests) == 1


async def test_empty_result_is_cached_but_cycle_asks_again() -> None:
    calls = iter([" \n\n", " now"])
    backend = ScriptedBackend(respond=lambda req: next(calls))
    ctl, _ = make(backend)
    doc = Doc(ctl, "End of paragraph.")
    doc.notify()
    await settle(ctl)
    assert ctl.hint is None and ctl.state == "idle"
    doc.type("x")
    doc.backspace()  # back to a context where the model had nothing: not asked again
    await asyncio.sleep(0.03)
    await settle(ctl)
    assert len(backend.requests) == 1  # the empty context was not asked again
    ctl.cycle()  # the writer explicitly asks
    await settle(ctl)
    assert len(backend.requests) == 2
    assert ctl.hint is not None and ctl.hint.text == " now"


@pytest.mark.parametrize(
    ("prefix", "answer", "prompt", "hint"),
    [
        ("there was a ", " little girl", "there was a", "little girl"),
        ("Once upon a time ", ", there was", "Once upon a time", "there was"),
        ("She was walk ", "ing", "She was walk", None),
        ("Two spaces  ", " then", "Two spaces  ", "then"),
        ("No space", " at all", "No space", " at all"),
    ],
)
async def test_a_typed_trailing_space_is_held_back_from_the_prompt(
    prefix: str, answer: str, prompt: str, hint: str | None
) -> None:
    backend = ScriptedBackend(text=answer, piece=2)
    ctl, _ = make(backend)
    Doc(ctl, prefix).notify()
    await settle(ctl)
    assert backend.requests[0].prompt == prompt
    assert (ctl.hint.text if ctl.hint else None) == hint


class StallingBackend:
    """Streams two chunks at once, stalls, then a last one."""

    name = "stalling"
    steering_mode = "none"

    async def stream(self, req: CompletionRequest):  # type: ignore[no-untyped-def]
        from tinymorph_tui.inference.types import Chunk

        yield Chunk(" ab")
        yield Chunk("cd")
        await asyncio.sleep(0.1)
        yield Chunk("ef")
        yield Chunk("", done=True)

    async def aclose(self) -> None:
        pass


async def test_streaming_redraws_are_merged_but_never_lost() -> None:
    seen: list[str | None] = []
    backend = ScriptedBackend(text=" " + "x" * 199, piece=1)  # 200 chunks, no pauses
    ctl, _ = make(backend)
    ctl.on_change = lambda: seen.append(ctl.hint.text if ctl.hint else None)
    Doc(ctl, "Go").type(":")
    await settle(ctl)
    await asyncio.sleep(0.03)
    assert ctl.hint is not None and ctl.hint.text == " " + "x" * 199
    assert seen[-1] == ctl.hint.text
    assert len(seen) <= 6  # not one redraw per chunk

    seen.clear()
    ctl2, _ = make(StallingBackend())  # type: ignore[arg-type]
    ctl2.on_change = lambda: seen.append(ctl2.hint.text if ctl2.hint else None)
    Doc(ctl2, "Go").type(":")
    await settle(ctl2)
    # The merged redraw came during the stall, with the newest text at that time.
    assert " abcd" in seen
    assert seen[-1] == " abcdef"


async def test_accepting_all_of_a_streaming_hint_goes_on_after_it() -> None:
    def respond(req: CompletionRequest) -> list[str]:
        # The first answer pauses after its text, so it is accepted before it ends.
        return [" more"] if req.prompt.endswith("one") else [" one", ""]

    backend = ScriptedBackend(respond=respond, delay=0.05)
    ctl, _ = make(backend)
    doc = Doc(ctl, "Count:")
    doc.notify()
    for _ in range(500):
        await asyncio.sleep(0.002)
        if ctl.hint is not None:
            break
    assert ctl.state == "streaming"
    doc.accept("all")  # everything streamed so far; the stream then ends with nothing more
    await settle(ctl)
    assert [r.prompt for r in backend.requests] == ["Count:", "Count: one"]
    assert ctl.hint is not None and ctl.hint.text == " more"
