"""QA fix for the hint log: "shown" when the first text is drawn, "dismissed" only after it."""

from __future__ import annotations

import asyncio

from test_hints_controller import Doc, make, settle

from tinymorph_tui.hints.scripted import ScriptedBackend


async def wait_for(predicate, timeout: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "condition never became true"
        await asyncio.sleep(0.005)


async def test_a_hint_dismissed_while_streaming_was_logged_as_shown_first() -> None:
    backend = ScriptedBackend(text=" over the hills and far away", piece=3, delay=0.05)
    ctl, rec = make(backend)
    doc = Doc(ctl, "Once")
    doc.type(" ")
    await wait_for(lambda: ctl.hint is not None)
    assert ctl.state == "streaming"
    assert rec.kinds() == ["shown"]  # logged at the first text drawn, with its latency
    _kind, shown = rec.events[0]
    assert shown["latency_ms"] >= 0 and shown["text"]
    ctl.dismiss()
    await settle(ctl)
    assert rec.kinds() == ["shown", "dismissed"]


async def test_a_hint_never_drawn_is_never_dismissed() -> None:
    backend = ScriptedBackend(text=" slow words", first_delay=0.3)
    ctl, rec = make(backend)
    doc = Doc(ctl, "Once")
    doc.type(" ")
    await wait_for(lambda: ctl.state == "thinking")
    doc.type("x")  # an edit before any text arrived: cancelled, nothing was shown
    ctl.dismiss()
    await asyncio.sleep(0.05)
    assert "dismissed" not in rec.kinds()
    assert rec.kinds().count("shown") <= 1


async def test_counts_never_show_more_dismissed_than_shown() -> None:
    backend = ScriptedBackend(text=" a b c d e f g h", piece=2, delay=0.01)
    ctl, rec = make(backend)
    doc = Doc(ctl, "Start")
    for ch in "abcdef":
        doc.type(ch)
        await asyncio.sleep(0.03)
    await settle(ctl)
    kinds = rec.kinds()
    assert kinds.count("dismissed") + kinds.count("accepted") <= kinds.count("shown")
