"""Theme files: shipped themes, user overrides, inheritance, fallback and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.color import Color
from rich.style import Style

from tinymorph_tui.syntax.scopes import BLOCK_QUERY, INLINE_QUERY, capture_ranks
from tinymorph_tui.theme import (
    ThemeError,
    available_themes,
    load_theme,
    load_theme_or_default,
)

SHIPPED = ["ansi16", "default", "light"]
UI_SCOPES = [
    "ui.background",
    "ui.text",
    "ui.cursor",
    "ui.cursor.insert",
    "ui.cursor.visual",
    "ui.selection",
    "ui.linenr",
    "ui.linenr.selected",
    "ui.statusline",
    "ui.statusline.insert",
    "ui.statusline.visual",
    "ui.statusline.normal",
    "ui.search",
    "ui.search.current",
    "ui.virtual.ghost",
    "ui.virtual.tilde",
    "ui.cursor.replace",
    "ui.statusline.replace",
    "ui.popup.key",
    "ui.panel",
    "ui.slider",
    "ui.slider.fill",
    "ui.message.error",
    "ui.popup",
]


def user_theme(name: str, body: str) -> Path:
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "tinymorph" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_shipped_themes_are_available_and_load() -> None:
    assert set(SHIPPED) <= set(available_themes())
    for name in SHIPPED:
        theme = load_theme(name)
        assert theme.name == name
        for scope in UI_SCOPES:
            assert theme.has(scope), (name, scope)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_highlight_scope_is_styled(name: str) -> None:
    theme = load_theme(name)
    scopes = [
        s
        for s in {**capture_ranks(BLOCK_QUERY), **capture_ranks(INLINE_QUERY)}
        if not s.startswith("_")
    ]
    scopes += ["code.keyword", "code.string", "code.comment", "code.number", "code.function"]
    for scope in scopes:
        assert theme.style(scope), (name, scope)


def test_default_theme_looks_right_for_prose() -> None:
    theme = load_theme("default")
    levels = {theme.style(f"markup.heading.{n}").color for n in range(1, 7)}
    assert len(levels) == 6  # each heading level is distinct
    assert all(theme.style(f"markup.heading.{n}").bold for n in range(1, 7))
    assert theme.style("markup.link.url").underline and theme.style("markup.link.text").underline
    assert theme.style("markup.raw.inline").bgcolor is not None
    ghost = theme.style("ui.virtual.ghost")
    assert ghost.italic and ghost.color is not None


def test_ansi16_uses_only_palette_colours() -> None:
    theme = load_theme("ansi16")
    assert theme.ansi_only
    for style in theme.styles.values():
        for color in (style.color, style.bgcolor):
            assert (
                color is None or color.is_default or color.number is not None and color.number < 16
            )
    assert not load_theme("default").ansi_only


def test_colors_summary_for_textual() -> None:
    dark, light = load_theme("default").colors, load_theme("light").colors
    assert dark.dark and not light.dark
    assert dark.background and dark.background.startswith("#") and dark.foreground
    assert dark.primary.startswith("#") and dark.error.startswith("#")
    ansi = load_theme("ansi16").colors
    assert ansi.background is None and ansi.dark  # the terminal's own background


def test_scope_fallback_drops_segments() -> None:
    theme = load_theme("default")
    assert theme.style("markup.heading.1.extra") == theme.style("markup.heading.1")
    assert theme.style("code.keyword.constant") == theme.style("code.keyword")
    assert theme.style("no.such.scope") == Style()


def test_user_theme_inherits_and_overrides_palette() -> None:
    user_theme(
        "mine",
        'inherits = "default"\n"markup.bold" = "accent"\n'
        '[palette]\naccent = "#123456"\npeach = "#abcdef"\n',
    )
    theme = load_theme("mine")
    assert theme.style("markup.bold").color == Color.parse("#123456")
    # the parent's scopes are resolved with the child's palette (Helix semantics)
    assert theme.style("markup.heading.1").color == Color.parse("#abcdef")
    assert "mine" in available_themes()


def test_user_theme_overrides_shipped_theme_of_same_name() -> None:
    user_theme(
        "default",
        'inherits = "default"\n'
        '"markup.italic" = { fg = "#ff0000", modifiers = ["italic", "underlined"] }\n',
    )
    theme = load_theme("default")
    style = theme.style("markup.italic")
    assert style.color == Color.parse("#ff0000") and style.italic and style.underline
    assert theme.style("markup.heading.2").bold  # still inherits the shipped default


def test_nested_tables_short_hex_and_ansi_names() -> None:
    user_theme("nested", '[markup.heading]\nfg = "#f00"\n[ui.text]\nfg = "light-blue"\n')
    theme = load_theme("nested")
    assert theme.style("markup.heading.3").color == Color.parse("#ff0000")
    assert theme.style("ui.text").color == Color.parse("bright_blue")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('"ui.text" = { fg = ', "bad TOML"),
        ('"markup.bold" = "blurple"\n', "'markup.bold'"),
        ('"markup.bold" = { modifiers = ["sparkly"] }\n', "sparkly"),
        ('"markup.bold" = { fg = "red", colour = "red" }\n', "colour"),
        ('inherits = "nope"\n', "'inherits'"),
        ("[palette]\nx = 3\n", "palette.x"),
    ],
)
def test_errors_name_file_and_key(body: str, needle: str) -> None:
    path = user_theme("broken", body)
    with pytest.raises(ThemeError) as err:
        load_theme("broken")
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_inherits_cycle_is_an_error() -> None:
    user_theme("a", 'inherits = "b"\n')
    user_theme("b", 'inherits = "a"\n')
    with pytest.raises(ThemeError, match="cycle"):
        load_theme("a")


def test_unknown_theme_and_bad_name() -> None:
    with pytest.raises(ThemeError, match="no theme named"):
        load_theme("does-not-exist")
    with pytest.raises(ThemeError, match="bad theme name"):
        load_theme("../etc/passwd")


def test_load_or_default_falls_back_with_a_message() -> None:
    user_theme("broken", '"markup.bold" = "blurple"\n')
    theme, error = load_theme_or_default("broken")
    assert theme.name == "default"
    assert error is not None and "blurple" in error
    theme, error = load_theme_or_default("light")
    assert theme.name == "light" and error is None


def test_stylize_line_layers_spans() -> None:
    theme = load_theme("default")
    text = theme.stylize_line("> a **b**", [(0, 9, "markup.quote"), (4, 9, "markup.bold")])
    assert text.plain == "> a **b**"
    styles = {str(span.style) for span in text.spans}
    assert str(theme.style("markup.bold")) in styles
