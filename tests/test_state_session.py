"""The session wired into the app: positions, history, registers, hint log, journal, recovery."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from tinymorph_tui.core.document import Document
from tinymorph_tui.state import recovery
from tinymorph_tui.state.config import load_config
from tinymorph_tui.state.store import Store
from tinymorph_tui.ui.app import TinymorphApp

TEXT = "".join(f"line {i} of the draft\n" for i in range(60))


def _loaded(text: str) -> str:
    """The buffer text a file holding `text` loads as (the final newline is not a line)."""
    return Document.from_bytes(text.encode()).text()


def _file(tmp_path: Path, text: str = TEXT, name: str = "draft.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def _run(app: TinymorphApp, keys: str = "", *, quit_keys: str = ":q<CR>") -> TinymorphApp:
    """Open `app`, type `keys` through the engine, then quit with `quit_keys`."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if keys:
            app.feed(keys)
            await pilot.pause()
        if quit_keys:
            app.feed(quit_keys)
            await pilot.pause()
    return app


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_cursor_and_scroll_come_back_where_the_file_was_left(tmp_path: Path) -> None:
    path = _file(tmp_path)
    run(_run(TinymorphApp(path), "40G3w"))
    second = TinymorphApp(path)

    async def check() -> None:
        async with second.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert second.ed.cursor == (39, 11)
            assert second.ed.top_row > 0

    run(check())


def test_restore_cursor_can_be_switched_off(tmp_path: Path) -> None:
    path = _file(tmp_path)
    run(_run(TinymorphApp(path), "40G"))
    (tmp_path / "cfg").mkdir()
    cfg = tmp_path / "cfg" / "config.toml"
    cfg.write_text("[state]\nrestore_cursor = false\n")
    second = TinymorphApp(path, config=load_config(cfg))

    async def check() -> None:
        async with second.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert second.ed.cursor == (0, 0)

    run(check())


def test_a_position_past_the_end_of_a_shortened_file_is_clamped(tmp_path: Path) -> None:
    path = _file(tmp_path)
    run(_run(TinymorphApp(path), "50G$"))
    path.write_text("short\nfile\n")
    second = TinymorphApp(path)

    async def check() -> None:
        async with second.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            row, col = second.ed.cursor
            assert row < second.ed.doc.line_count
            assert col <= len(second.ed.doc.line(row))

    run(check())


def test_command_and_search_history_persist(tmp_path: Path) -> None:
    path = _file(tmp_path)
    run(_run(TinymorphApp(path), ":set number<CR>/draft<CR>:echo 'hi'<CR>"))
    store = Store()
    assert store.history(":")[-3:] == ["set number", "echo 'hi'", "q"]
    assert "draft" in store.history("/")
    store.close()
    second = TinymorphApp(path)

    async def check() -> None:
        async with second.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "set number" in second.ed.cmdline_history[":"]
            assert second.ed.cmdline_history["/"][-1] == "draft"
            # <Up> on an empty command line recalls the newest entry from last session
            second.feed(":<Up>")
            assert second.ed.cmdline == ":q"
            second.feed("<Esc>")

    run(check())


def test_registers_persist_like_shada(tmp_path: Path) -> None:
    path = _file(tmp_path)
    run(_run(TinymorphApp(path), '"ayy3G"byiwjdd'))
    second = TinymorphApp(path)

    async def check() -> None:
        async with second.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            regs = second.ed.registers
            assert regs["a"] == "line 0 of the draft\n"
            assert regs["b"] == "line"
            assert regs["1"] == "line 3 of the draft\n"
            # the unnamed register points where it pointed: `p` puts the deleted line
            assert regs['"'] == "line 3 of the draft\n"

    run(check())


def test_journal_follows_edits_syncs_on_escape_and_goes_on_clean_quit(tmp_path: Path) -> None:
    path = _file(tmp_path)
    app = TinymorphApp(path)
    jpath = recovery.journal_path(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            journal = app.session.journal
            journal.interval_s = 3600.0  # only leaving insert mode may sync in this test
            journal.sync()
            app.feed("Otyped words")
            # each edit is in the journal at once, before any fsync
            assert recovery.recover_text(path, _loaded(TEXT)) == app.ed.doc.text()
            assert app.session.journal.pending
            app.feed("<Esc>")
            # leaving insert mode asks the journal's syncer thread to fsync at once
            assert app.session.journal.wait_synced()
            assert not app.session.journal.pending
            assert recovery.recover_text(path, _loaded(TEXT)) == app.ed.doc.text()
            app.feed(":w<CR>")
            # after the save the journal starts again from the file on disk
            assert recovery.find_journal(path).edits == 0
            app.feed(":q<CR>")
            await pilot.pause()

    run(go())
    assert not jpath.exists()
    assert path.read_text().startswith("typed words\n")


def test_journal_tick_fsyncs_within_the_interval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path)
    (tmp_path / "cfg").mkdir()
    cfg = tmp_path / "cfg" / "config.toml"
    cfg.write_text("[state]\njournal_interval_s = 0.2\n")
    app = TinymorphApp(path, config=load_config(cfg))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.session.journal.sync()  # start from a synced journal
            app.feed("ix")
            assert app.session.journal.pending
            for _ in range(150):  # the 0.5 s app timer syncs it; no wall-clock assert
                await pilot.pause(0.1)
                if not app.session.journal.pending:
                    break
            assert not app.session.journal.pending
            app.feed("<Esc>:q!<CR>")
            await pilot.pause()

    run(go())


def _crash_journal(path: Path, edits: str) -> None:
    """Leave a journal as a killed editor would: edits typed, never saved or closed."""
    from tinymorph_tui.core.editor import Editor

    ed = Editor.open(path)
    journal = recovery.Journal.attach(ed.doc)
    ed.feed(edits)
    journal.sync()
    os.close(journal._fd)  # no clean close: the process "died"


def test_crash_journal_offers_recover(tmp_path: Path) -> None:
    from tinymorph_tui.ui.recovery_screen import RecoveryScreen

    path = _file(tmp_path)
    _crash_journal(path, "Ggg0iLOST WORDS <Esc>")
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, RecoveryScreen)
            await pilot.press("x")  # swallowed: nothing reaches the buffer
            await pilot.press("d")
            assert app.screen.diff_shown
            assert "+LOST WORDS line 0" in app.screen.diff
            assert all(line[:1] in " +-@" for line in app.screen.diff.splitlines())
            await pilot.press("r")
            await pilot.pause()
            assert not isinstance(app.screen, RecoveryScreen)
            assert app.ed.doc.text().startswith("LOST WORDS line 0")
            assert app.ed.doc.modified
            assert path.read_text() == TEXT  # nothing written until :w
            app.feed(":wq<CR>")
            await pilot.pause()

    run(go())
    assert path.read_text().startswith("LOST WORDS line 0")
    assert recovery.find_journal(path) is None


def test_crash_journal_open_as_on_disk_keeps_the_journal_aside(tmp_path: Path) -> None:
    path = _file(tmp_path)
    _crash_journal(path, "ddddiMORE<Esc>")
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("o")
            await pilot.pause()
            assert app.ed.doc.text() == _loaded(TEXT)
            assert not app.ed.doc.modified
            assert "kept as" in app.ed.message
            app.feed(":q<CR>")
            await pilot.pause()

    run(go())
    stale = list(recovery.journal_path(path).parent.glob("*.stale"))
    assert len(stale) == 1
    assert b'"M"' in stale[0].read_bytes()


def test_recover_flag_replays_without_asking(tmp_path: Path) -> None:
    path = _file(tmp_path, "one\r\ntwo\r\n")  # a CRLF file: offsets are in the loaded text
    _crash_journal(path, "jAthree<Esc>")
    app = TinymorphApp(path, recover=True)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.ed.doc.text() == _loaded("one\ntwothree\n")
            assert "recovered" in app.ed.message
            app.feed(":wq<CR>")
            await pilot.pause()

    run(go())
    assert path.read_bytes() == b"one\r\ntwothree\r\n"


def test_recover_flag_without_a_journal_says_so(tmp_path: Path) -> None:
    path = _file(tmp_path)
    app = TinymorphApp(path, recover=True)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "no recovery journal" in app.ed.message
            assert app.ed.doc.text() == _loaded(TEXT)

    run(go())


def test_a_journal_for_a_changed_file_is_kept_aside_not_replayed(tmp_path: Path) -> None:
    path = _file(tmp_path)
    _crash_journal(path, "iNEW<Esc>")
    path.write_text("someone else wrote this\n")
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.ed.doc.text() == _loaded("someone else wrote this\n")
            assert "cannot be replayed" in app.ed.message

    run(go())
    assert list(recovery.journal_path(path).parent.glob("*.stale"))


def test_write_refuses_when_the_file_changed_on_disk_and_bang_overwrites(tmp_path: Path) -> None:
    path = _file(tmp_path, "mine\n")
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed("Aedit<Esc>")
            path.write_text("theirs, longer\n")
            app.feed(":w<CR>")
            assert app.ed.message_is_error
            assert "changed since reading" in app.ed.message
            assert path.read_text() == "theirs, longer\n"
            assert app.ed.doc.modified
            app.feed(":w!<CR>")
            assert path.read_text() == "mineedit\n"
            assert not app.ed.doc.modified
            app.feed(":q<CR>")
            await pilot.pause()

    run(go())


def test_edit_another_file_moves_the_journal(tmp_path: Path) -> None:
    first = _file(tmp_path, "first\n", "a.md")
    second = _file(tmp_path, "second\n", "b.md")
    app = TinymorphApp(first)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed(f":e {second}<CR>")
            await pilot.pause()
            app.feed("Amore<Esc>")
            assert not recovery.journal_path(first).exists()
            assert recovery.recover_text(second, _loaded("second\n")) == _loaded("secondmore\n")
            app.feed(":wq<CR>")
            await pilot.pause()

    run(go())
    assert second.read_text() == "secondmore\n"
    assert not recovery.journal_path(second).exists()


def test_hint_events_are_logged_with_their_steering(tmp_path: Path) -> None:
    path = _file(tmp_path, "Once upon a time\n")
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            session = app.session
            session.on_hint_event("shown", {"text": "there was", "steering": {"joy": 0.5},
                                            "latency_ms": 42.0})
            session.on_hint_event("accepted", {"text": "there was", "steering": {"joy": 0.5}})
            session.on_hint_event("dismissed", {"text": "x", "steering": {}})

    run(go())
    store = Store()
    stats = store.hint_stats()
    assert (stats.shown, stats.accepted, stats.dismissed) == (1, 1, 1)
    assert stats.by_steering == {"joy+0.5": 1}
    assert store.hint_events("accepted")[0]["path"] == str(path)
    store.close()


def test_the_real_hint_controller_is_hooked_up(tmp_path: Path) -> None:
    from tinymorph_tui.hints.scripted import ScriptedBackend

    path = _file(tmp_path, "Once upon a time\n")
    app = TinymorphApp(path, backend=ScriptedBackend(text=" there was a fox"))

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                if app.controller is not None and app.session._controller is not None:
                    break
            assert app.session._controller is app.controller
            app.feed("A")
            for _ in range(200):
                await pilot.pause(0.05)
                if app.controller.hint is not None:
                    break
            assert app.controller.hint is not None

    run(go())
    assert Store().hint_stats().shown >= 1


def test_broken_database_never_stops_the_editor(tmp_path: Path) -> None:
    from tinymorph_tui.state import paths

    db = paths.resolve().database
    paths.ensure_dir(db.parent)
    db.write_bytes(b"this is not sqlite" * 100)
    path = _file(tmp_path)
    app = TinymorphApp(path)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "moved it to" in app.ed.message
            app.feed("ix<Esc>:wq<CR>")
            await pilot.pause()

    run(go())
    assert path.read_text().startswith("x")


def test_journal_write_failure_is_reported_and_typing_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = _file(tmp_path, "abc\n")
    app = TinymorphApp(path)
    real_write = os.write

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            jfd = app.session.journal._fd

            def full(fd: int, data: Any) -> int:
                if fd == jfd:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return real_write(fd, data)

            monkeypatch.setattr(os, "write", full)
            app.feed("ixyz")
            assert app.ed.doc.text() == _loaded("xyzabc\n")
            assert "No space left on device" in app.ed.message
            monkeypatch.setattr(os, "write", real_write)
            app.feed("<Esc>:wq<CR>")
            await pilot.pause()

    run(go())
    assert path.read_text() == "xyzabc\n"


def test_unnamed_buffer_runs_without_a_journal() -> None:
    app = TinymorphApp(None)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.session.journal is None
            app.feed("ihello<Esc>")
            assert app.ed.doc.text() == "hello"

    run(go())


def test_document_roundtrip_helper_is_untouched(tmp_path: Path) -> None:
    # The journal's base text is the Document's text after load (BOM and CRLF removed).
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\r\n")
    assert Document.load(path).text() == _loaded("a\nb\n")


def test_config_file_applies_and_cli_flags_win(tmp_path: Path) -> None:
    import argparse

    from tinymorph_tui.state import paths
    from tinymorph_tui.ui.launch import build_config

    cfg = paths.resolve().config_file
    paths.ensure_dir(cfg.parent)
    cfg.write_text(
        '[editor]\nnumber = true\nts = 2\nnosuchoption = 1\n'
        '[ui]\ntheme = "light"\n[hints]\nenabled = false\ndebounce_ms = "soon"\n'
    )
    args = argparse.Namespace(model=None, server=None, theme="ansi16", no_hints=False)
    config = build_config(args)
    path = _file(tmp_path, "text\n")
    app = TinymorphApp(path, config=config)
    seen: list[str] = []
    real_set = app._set_message

    def record(text: str, is_error: bool = False) -> None:
        seen.append(text)
        real_set(text, is_error)

    app._set_message = record  # type: ignore[method-assign]

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.2)
            assert app.ed.options["number"] is True
            assert app.ed.options["tabstop"] == 2
            assert app.theme_obj.name == "ansi16"  # --theme over [ui] theme
            assert app.controller is not None and not app.controller.enabled

    run(go())
    assert any(f"{cfg}:9: hints.debounce_ms must be int" in m for m in seen), seen
    assert any(f"{cfg}:4: unknown option editor.nosuchoption" in m for m in seen), seen
    assert "ts" not in config.editor and config.editor["tabstop"] == 2


def test_mouse_setting_reaches_the_terminal_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from tinymorph_tui.state import paths
    from tinymorph_tui.ui import launch

    cfg = paths.resolve().config_file
    paths.ensure_dir(cfg.parent)
    cfg.write_text("[ui]\nmouse = false\n")
    seen: dict[str, Any] = {}
    monkeypatch.setattr(TinymorphApp, "run", lambda self, **kw: seen.update(kw))
    args = argparse.Namespace(model=None, server=None, theme=None, no_hints=False, recover=False)
    assert launch.launch(_file(tmp_path), args) == 0
    assert seen == {"mouse": False}


def test_a_journal_of_a_running_tinymorph_is_left_alone(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from tinymorph_tui.ui.recovery_screen import RecoveryScreen

    path = _file(tmp_path, "shared\n")
    _crash_journal(path, "Aother window<Esc>")
    # A live process that looks like tinymorph owns the journal.
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "tinymorph"])
    try:
        jpath = recovery.journal_path(path)
        head, rest = jpath.read_bytes().split(b"\n", 1)
        header = json.loads(head)
        header["pid"] = other.pid
        jpath.write_bytes(json.dumps(header).encode() + b"\n" + rest)
        before = jpath.read_bytes()
        app = TinymorphApp(path)

        async def go() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                assert f"open in another tinymorph (pid {other.pid})" in app.ed.message
                assert app.session.journal is None
                app.feed("Amine<Esc>:w<CR>")
                await pilot.pause()
                assert app.session.journal is None  # a save does not take it over
                app.feed(":q<CR>")
                await pilot.pause()

        run(go())
        assert jpath.read_bytes() == before
    finally:
        other.kill()
        other.wait()
    path.write_text("shared\n")
    app = TinymorphApp(path)

    async def later() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, RecoveryScreen)  # its owner is gone: offer it

    run(later())
