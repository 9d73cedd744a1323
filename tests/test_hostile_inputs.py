"""Hostile input (docs/reliability.md): the editor opens or refuses with a clear message,
stays responsive, and never writes a byte the user did not ask for.

Each test opens the file in the real app (Pilot), types where it makes sense, and compares
the file's bytes and its folder's listing before and after.
"""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tinymorph_tui.core.document import Document, DocumentError
from tinymorph_tui.state import paths
from tinymorph_tui.state.config import load_config
from tinymorph_tui.ui.app import TinymorphApp


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


async def _session(app: TinymorphApp, keys: str, quit_keys: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if keys:
            app.feed(keys)
            await pilot.pause()
        # Typing ":" clears the message line (as in Vim): keep what the keys left there.
        app.message_before_quit = (app.ed.message, app.ed.message_is_error)  # type: ignore[attr-defined]
        app.feed(quit_keys)
        await pilot.pause()


def open_and_quit(path: Path, keys: str = "", quit_keys: str = ":q!<CR>", **kw: Any) -> TinymorphApp:
    """Open `path`, type `keys`, quit; assert nothing in the folder changed unless saved."""
    folder = path.parent
    before = _snapshot(folder)
    app = TinymorphApp(path, **kw)
    asyncio.run(_session(app, keys, quit_keys))
    if ":w" not in keys and ":x" not in quit_keys and ":wq" not in quit_keys:
        assert _snapshot(folder) == before, "a byte was written that nobody asked for"
    return app


def test_invalid_utf8_opens_and_round_trips(tmp_path: Path) -> None:
    raw = b"caf\xe9 au lait \xff\xfe\n\xc3\x28 broken pair\nlast line\n"
    path = tmp_path / "latin1.md"
    path.write_bytes(raw)
    app = open_and_quit(path, "jj")
    assert app.ed.doc.encoding_errors
    # an edit elsewhere writes the undecodable bytes back exactly
    open_and_quit(path, "Goadded<Esc>", quit_keys=":wq<CR>")
    assert path.read_bytes() == raw + b"added\n"


def test_nul_byte_at_the_start_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError, match=r"binary file \(NUL byte at offset 8\)"):
        Document.load(path)
    with pytest.raises(DocumentError):
        TinymorphApp(path)  # the launcher prints this one-line message and exits
    assert path.read_bytes() == b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def test_nul_bytes_after_the_probe_open_and_round_trip(tmp_path: Path) -> None:
    raw = b"x" * 9000 + b"\n\x00\x00 nul in text\n"
    path = tmp_path / "late-nul.md"
    path.write_bytes(raw)
    app = open_and_quit(path, "G")
    assert "\x00" in app.ed.doc.text()
    open_and_quit(path, "ggAy<Esc>", quit_keys=":wq<CR>")
    assert path.read_bytes() == b"x" * 9000 + b"y\n\x00\x00 nul in text\n"


def test_crlf_file_round_trips(tmp_path: Path) -> None:
    raw = b"one\r\ntwo\r\nthree\r\n"
    path = tmp_path / "dos.md"
    path.write_bytes(raw)
    app = open_and_quit(path, "jdd")
    assert app.ed.doc.newline == "\r\n"
    open_and_quit(path, "ggjAX<Esc>", quit_keys=":wq<CR>")
    assert path.read_bytes() == b"one\r\ntwoX\r\nthree\r\n"


def test_mixed_newlines_are_never_rewritten_unasked(tmp_path: Path) -> None:
    raw = b"unix\ndos\r\nmac\rend\r\n\n"
    path = tmp_path / "mixed.md"
    path.write_bytes(raw)
    open_and_quit(path, "jjll")
    assert path.read_bytes() == raw


def test_bom_is_kept(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf# Title\nbody\n"
    path = tmp_path / "bom.md"
    path.write_bytes(raw)
    app = open_and_quit(path)
    assert app.ed.doc.text().startswith("# Title\nbody")  # the BOM is not a character
    open_and_quit(path, "Gomore<Esc>", quit_keys=":wq<CR>")
    assert path.read_bytes() == b"\xef\xbb\xbf# Title\nbody\nmore\n"


def test_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "notes.md"
    target.parent.mkdir()
    target.write_text("real text\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    open_and_quit(link)
    assert target.read_text() == "real text\n"
    open_and_quit(link, "Aand more<Esc>", quit_keys=":wq<CR>")
    assert link.is_symlink()
    assert target.read_text() == "real textand more\n"


def test_dangling_symlink_opens_empty_and_save_creates_the_target(tmp_path: Path) -> None:
    target = tmp_path / "missing.md"
    link = tmp_path / "dangling.md"
    link.symlink_to(target)
    open_and_quit(link)
    assert not target.exists()
    open_and_quit(link, "inew file<Esc>", quit_keys=":wq<CR>")
    assert link.is_symlink() and target.read_text().rstrip("\n") == "new file"


def test_read_only_file_opens_and_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.md"
    path.write_text("do not touch\n")
    path.chmod(0o444)
    app = open_and_quit(path, "Aedit<Esc>:w<CR>")
    message, is_error = app.message_before_quit  # type: ignore[attr-defined]
    assert "read-only" in message and is_error
    assert path.read_text() == "do not touch\n"


def test_unreadable_file_is_refused_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins

    from tinymorph_tui.cli import main

    path = tmp_path / "secret.md"
    path.write_text("private\n")
    real_open = builtins.open

    def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_open(file, *args, **kwargs)

    # Root reads anything whatever its mode: inject the EACCES an ordinary user gets.
    monkeypatch.setattr(builtins, "open", deny)
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: deny(self, *a, **k))
    with pytest.raises(DocumentError, match="Permission denied"):
        Document.load(path)
    assert main([str(path)]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_file_deleted_while_open(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"
    path.write_text("soon gone\n")

    async def go() -> None:
        app = TinymorphApp(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            path.unlink()
            app.feed(":q<CR>")  # unmodified: quitting must not bring the file back
            await pilot.pause()
        assert not path.exists()
        (tmp_path / "gone2.md").write_text("x\n")
        app = TinymorphApp(tmp_path / "gone2.md")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            (tmp_path / "gone2.md").unlink()
            app.feed("Atyped<Esc>:w<CR>")  # Vim writes it again: the words are wanted
            await pilot.pause()
            assert not app.ed.doc.modified
            app.feed(":q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert not path.exists()
    assert (tmp_path / "gone2.md").read_text() == "xtyped\n"


def test_file_replaced_while_open_is_not_overwritten_unasked(tmp_path: Path) -> None:
    path = tmp_path / "shared.md"
    path.write_text("mine\n")

    async def go() -> None:
        app = TinymorphApp(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.feed("Aedit<Esc>")
            replacement = tmp_path / "new.md"
            replacement.write_text("a new version from git\n")
            os.replace(replacement, path)
            app.feed(":wq<CR>")
            await pilot.pause()
            assert "changed since reading" in app.ed.message
            assert path.read_text() == "a new version from git\n"
            app.feed(":e!<CR>")
            await pilot.pause()
            assert app.ed.doc.text().rstrip("\n") == "a new version from git"
            app.feed(":q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert path.read_text() == "a new version from git\n"


def test_long_file_name_opens_and_saves(tmp_path: Path) -> None:
    path = tmp_path / ("n" * 250 + ".md")  # 253 bytes: NAME_MAX is 255
    path.write_text("x\n")
    open_and_quit(path, "Ay<Esc>", quit_keys=":wq<CR>")
    assert path.read_text() == "xy\n"


def test_path_longer_than_path_max_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tinymorph_tui.cli import main

    path = tmp_path.joinpath(*["d" * 200] * 25, "f.md")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "File name too long" in err and err.count("\n") == 1
    with pytest.raises(DocumentError, match="File name too long"):
        Document.load(path)


def _write_config(text: bytes) -> Path:
    cfg = paths.resolve().config_file
    paths.ensure_dir(cfg.parent)
    cfg.write_bytes(text)
    return cfg


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"[editor\nnumber = true\n", "invalid TOML"),
        (b"\xff\xfe\x00garbage", "cannot read"),
        (b"[editor]\ntabstop = 'wide'\n", "tabstop"),
        (b"[hints]\ndebounce_ms = true\n", "hints.debounce_ms must be int"),
    ],
)
def test_corrupt_config_starts_with_defaults_and_says_why(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    cfg = _write_config(content)
    path = tmp_path / "a.md"
    path.write_text("text\n")
    app = open_and_quit(path, "Aok<Esc>", config=load_config())
    assert app.ed.doc.text().rstrip("\n") == "textok"
    assert cfg.read_bytes() == content  # never "repaired" behind the writer's back
    config = load_config()
    assert any(needle in e for e in config.errors), config.errors


def test_corrupt_keymap_keeps_the_defaults(tmp_path: Path) -> None:
    keymap = paths.resolve().keymap_file
    paths.ensure_dir(keymap.parent)
    keymap.write_bytes(b'[normal]\n"x" = 5\n"Q" = "no-such-command"\n')
    path = tmp_path / "a.md"
    path.write_text("abc\n")
    seen: list[str] = []

    async def go() -> None:
        app = TinymorphApp(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            seen.append(app.ed.message)
            app.feed("x")
            assert app.ed.doc.text().rstrip("\n") == "bc"  # x still deletes
            app.feed(":q!<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert any("keymap" in m and "keymap.toml" in m for m in seen), seen
    keymap.write_bytes(b"\xff\xfe not UTF-8, not TOML [[[")

    async def garbage() -> None:
        app = TinymorphApp(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "keymap" in app.ed.message
            app.feed("x")
            assert app.ed.doc.text().rstrip("\n") == "bc"

    asyncio.run(garbage())
    assert path.read_text() == "abc\n"


def test_corrupt_theme_falls_back_with_a_message(tmp_path: Path) -> None:
    themes = paths.resolve().themes_dir
    paths.ensure_dir(themes)
    (themes / "broken.toml").write_bytes(b"[palette\nred = 12\n\xff")
    _write_config(b'[ui]\ntheme = "broken"\n')
    path = tmp_path / "a.md"
    path.write_text("abc\n")
    messages: list[str] = []

    async def go() -> None:
        app = TinymorphApp(path, config=load_config())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            messages.extend(m for m, _ in app.startup_messages)
            app.feed("x:wq<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert any("broken.toml" in m for m in messages), messages
    assert path.read_text() == "bc\n"


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    db = paths.resolve().database
    paths.ensure_dir(db.parent)
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    path = tmp_path / "a.md"
    path.write_text("abc\n")
    app = open_and_quit(path, "x", quit_keys=":wq<CR>")
    assert path.read_text() == "bc\n"
    assert list(db.parent.glob("state.sqlite3.corrupt-*"))
    assert app.session is not None and app.session.store is not None


PATHOLOGICAL = {
    "deep-quotes": ">" * 10_000 + " deep\n",
    "nested-lists": "".join("  " * i + "- item\n" for i in range(2_000)),
    "backticks": "`" * 10_000 + "\ncode?\n" + "`" * 9_999 + "\n",
    "brackets": "[" * 20_000 + "link" + "](" * 5_000 + "\n",
    "emphasis": "*_" * 20_000 + "\n",
    "html": "<div>" * 5_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_markdown_built_to_hurt_a_parser(tmp_path: Path, name: str) -> None:
    text = PATHOLOGICAL[name]
    path = tmp_path / f"{name}.md"
    path.write_text(text)

    async def go() -> None:
        app = TinymorphApp(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)  # give the highlighter its start
            app.feed("GOstill typing<Esc>")
            await pilot.pause()
            assert app.ed.doc.line(app.ed.doc.line_count - 2) == "still typing"
            app.feed("u:q<CR>")
            await pilot.pause()

    asyncio.run(go())
    assert path.read_text() == text
