"""Helix-like TOML themes: a palette, `inherits`, and highlight/UI scope -> style.

A theme file (`themes/NAME.toml`, or the user's `$XDG_CONFIG_HOME/tinymorph/themes/NAME.toml`)
looks like::

    inherits = "default"            # optional: start from another theme
    "markup.heading.1" = { fg = "rose", modifiers = ["bold"] }
    "markup.link.url" = { fg = "sky", modifiers = ["underlined"] }
    "comment" = "muted"             # a plain string is the foreground colour
    "ui.background" = { bg = "base" }

    [palette]
    rose = "#f38ba8"
    sky = "#89dceb"

Colours are `#rrggbb` / `#rgb`, a palette name, one of the 16 ANSI names (Helix spelling
`light-red`, `gray`, `light-gray` or Rich spelling `bright_red`), or `default` / `reset` (the
terminal's own colour). Modifiers: bold, italic, underlined, dim, reversed, crossed_out,
slow_blink, rapid_blink, hidden.

`Theme.style(scope)` looks the scope up and falls back by dropping the last dot segment
("markup.heading.1" -> "markup.heading" -> "markup"); an unknown scope is the empty style.
A child theme's palette is merged over its parent's before any style is resolved, so a
child can recolour a whole parent by redefining palette names (Helix semantics).

Errors (bad TOML, unknown colour or modifier, an `inherits` cycle, a missing parent) raise
`ThemeError` naming the file and key; callers fall back with `load_theme_or_default`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rich.color import ANSI_COLOR_NAMES, Color, ColorParseError
from rich.style import Style
from rich.text import Text

from tinymorph_tui.resources import data_dir
from tinymorph_tui.state.startup_cache import load_toml

DEFAULT_THEME = "default"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

#: Helix's ANSI colour names -> Rich's (same terminal palette slots 0-15).
_HELIX_ANSI = {
    "black": "black",
    "red": "red",
    "green": "green",
    "yellow": "yellow",
    "blue": "blue",
    "magenta": "magenta",
    "cyan": "cyan",
    "gray": "bright_black",
    "grey": "bright_black",
    "light-red": "bright_red",
    "light-green": "bright_green",
    "light-yellow": "bright_yellow",
    "light-blue": "bright_blue",
    "light-magenta": "bright_magenta",
    "light-cyan": "bright_cyan",
    "light-gray": "white",
    "light-grey": "white",
    "white": "bright_white",
}
#: The 16 names Rich maps to terminal palette slots 0-15 (never to fixed RGB values).
_RICH_ANSI16 = {name for name, number in ANSI_COLOR_NAMES.items() if number < 16}

#: Modifier name -> Rich Style keyword.
_MODIFIERS = {
    "bold": "bold",
    "italic": "italic",
    "underlined": "underline",
    "underline": "underline",
    "dim": "dim",
    "reversed": "reverse",
    "crossed_out": "strike",
    "slow_blink": "blink",
    "rapid_blink": "blink2",
    "hidden": "conceal",
}
_STYLE_KEYS = {"fg", "bg", "modifiers", "underline"}


class ThemeError(Exception):
    """A theme file could not be used; the message names the file and the key."""


class ThemeColors(NamedTuple):
    """The few colours the UI needs to build a Textual `Theme` for the chrome.

    Colours are `#rrggbb` strings (ANSI names are given their usual RGB value, which Textual
    maps back to the terminal's palette when it lacks truecolor); `None` means "the terminal's
    own colour".
    """

    primary: str
    secondary: str
    accent: str
    foreground: str | None
    background: str | None
    surface: str | None
    panel: str | None
    error: str
    warning: str
    success: str
    dark: bool


class Theme:
    """A resolved theme: scope -> Rich style, with dot-segment fallback and a cache."""

    __slots__ = ("name", "styles", "path", "ansi_only", "_cache")

    def __init__(
        self,
        name: str,
        styles: dict[str, Style],
        path: Path | None = None,
        ansi_only: bool = False,
    ) -> None:
        self.name = name
        self.styles = styles
        self.path = path
        self.ansi_only = ansi_only
        self._cache: dict[str, Style] = {}

    def __repr__(self) -> str:
        return f"Theme(name={self.name!r}, path={self.path!r}, ansi_only={self.ansi_only})"

    def style(self, scope: str) -> Style:
        """The style for `scope`, falling back "a.b.c" -> "a.b" -> "a"; empty if none."""
        cached = self._cache.get(scope)
        if cached is not None:
            return cached
        probe = scope
        found = Style()
        while probe:
            style = self.styles.get(probe)
            if style is not None:
                found = style
                break
            probe = probe.rpartition(".")[0]
        self._cache[scope] = found
        return found

    def has(self, scope: str) -> bool:
        """Whether `scope` itself (no fallback) is defined."""
        return scope in self.styles

    def stylize_line(self, text: str, spans: Iterable[Any], base: str = "ui.text") -> Text:
        """A Rich `Text` for one line with highlight spans applied in order.

        `spans` are `(start_col, end_col, scope)` triples (e.g. `syntax.Span`); later spans
        are layered over earlier ones, as the highlighter emits outer constructs first.
        """
        line = Text(text, style=self.style(base))
        for start, end, scope in spans:
            style = self.style(scope)
            if style:
                line.stylize(style, start, end)
        return line

    @property
    def colors(self) -> ThemeColors:
        """The chrome colours derived from the UI scopes (see `ThemeColors`)."""
        bg = _hex(self.style("ui.background").bgcolor)
        fg = _hex(self.style("ui.text").color)
        primary = (
            _hex(self.style("ui.statusline.normal").bgcolor)
            or _hex(self.style("ui.cursor").bgcolor)
            or "#5f87d7"
        )
        secondary = _hex(self.style("ui.statusline.insert").bgcolor) or primary
        accent = (
            _hex(self.style("ui.statusline.visual").bgcolor)
            or _hex(self.style("markup.link.url").color)
            or primary
        )
        error = _hex(self.style("ui.message.error").color) or "#e06c75"
        warning = _hex(self.style("ui.message.warning").color) or "#e5c07b"
        success = _hex(self.style("ui.message.success").color) or "#98c379"
        surface = _hex(self.style("ui.statusline").bgcolor)
        panel = _hex(self.style("ui.panel").bgcolor) or surface
        dark = _is_dark(bg) if bg is not None else True
        return ThemeColors(
            primary=primary,
            secondary=secondary,
            accent=accent,
            foreground=fg,
            background=bg,
            surface=surface,
            panel=panel,
            error=error,
            warning=warning,
            success=success,
            dark=dark,
        )


def _hex(color: Color | None) -> str | None:
    if color is None or color.is_default:
        return None
    return color.get_truecolor().hex


def _is_dark(hex_color: str) -> bool:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


# ---------------------------------------------------------------------------------- files


def user_themes_dir() -> Path:
    """`$XDG_CONFIG_HOME/tinymorph/themes` (resolved now, so tests can move XDG dirs)."""
    from tinymorph_tui.state.paths import config_dir

    return config_dir() / "themes"


def shipped_themes_dir() -> Path:
    """The themes shipped with tinymorph."""
    return data_dir("themes")


def _search_dirs() -> list[Path]:
    return [user_themes_dir(), shipped_themes_dir()]


def available_themes() -> list[str]:
    """Names of every theme the user can pick (user themes and shipped ones), sorted."""
    names: set[str] = set()
    for folder in _search_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml") if _NAME_RE.match(p.stem))
    return sorted(names)


def find_theme_file(name: str, *, skip: Path | None = None) -> Path | None:
    """The file for theme `name`: the user's folder first, then the shipped themes.

    `skip` lets a user theme inherit the shipped theme of the same name (e.g. a user
    `default.toml` with `inherits = "default"` that tweaks a couple of scopes).
    """
    for folder in _search_dirs():
        candidate = folder / f"{name}.toml"
        if candidate.is_file() and (skip is None or candidate.resolve() != skip.resolve()):
            return candidate
    return None


def load_theme(name: str) -> Theme:
    """Load and resolve theme `name`; raises `ThemeError` with file and key on any problem."""
    if not _NAME_RE.match(name):
        raise ThemeError(f"bad theme name {name!r}: use letters, digits, '-', '_' or '.'")
    path = find_theme_file(name)
    if path is None:
        raise ThemeError(f"no theme named {name!r} (try one of: {', '.join(available_themes())})")
    palette, raw, chain = _load_chain(path, [])
    styles = {
        scope: _resolve_style(value, palette, file, scope) for scope, (value, file) in raw.items()
    }
    ansi_only = all(_is_ansi16(v) for v in palette.values()) and all(
        _is_ansi16_style(value, palette) for value, _ in raw.values()
    )
    return Theme(name=name, styles=styles, path=chain[0], ansi_only=ansi_only)


def load_theme_or_default(name: str) -> tuple[Theme, str | None]:
    """`load_theme(name)`, or the default theme and the error message if that fails."""
    try:
        return load_theme(name), None
    except ThemeError as exc:
        if name == DEFAULT_THEME:
            return Theme(name="fallback", styles={}), str(exc)
        try:
            return load_theme(DEFAULT_THEME), str(exc)
        except ThemeError as exc2:
            return Theme(name="fallback", styles={}), f"{exc}; {exc2}"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return load_toml(path)
    except ValueError as exc:  # tomllib.TOMLDecodeError, UnicodeDecodeError
        raise ThemeError(f"{path}: bad TOML: {exc}") from exc
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _load_chain(
    path: Path, stack: list[Path]
) -> tuple[dict[str, str], dict[str, tuple[Any, Path]], list[Path]]:
    """Merge `path` over its `inherits` chain: (palette, scope -> (raw value, file), files)."""
    resolved = path.resolve()
    if resolved in stack:
        cycle = " -> ".join(p.stem for p in [*stack, resolved])
        raise ThemeError(f"{path}: key 'inherits': inheritance cycle ({cycle})")
    data = _read_toml(path)
    palette: dict[str, str] = {}
    raw: dict[str, tuple[Any, Path]] = {}
    chain = [path]
    parent_name = data.pop("inherits", None)
    if parent_name is not None:
        if not isinstance(parent_name, str) or not _NAME_RE.match(parent_name):
            raise ThemeError(f"{path}: key 'inherits': expected a theme name, got {parent_name!r}")
        skip = path if parent_name == path.stem else None
        parent = find_theme_file(parent_name, skip=skip)
        if parent is None:
            raise ThemeError(f"{path}: key 'inherits': no theme named {parent_name!r}")
        palette, raw, parent_chain = _load_chain(parent, [*stack, resolved])
        chain += parent_chain
    own_palette = data.pop("palette", {})
    if not isinstance(own_palette, dict):
        raise ThemeError(f"{path}: key 'palette': expected a table")
    for key, value in own_palette.items():
        if not isinstance(value, str) or not _is_colour_literal(value):
            raise ThemeError(f"{path}: key 'palette.{key}': not a colour: {value!r}")
        palette[key] = value
    for scope, value in _flatten_scopes(data, path):
        raw[scope] = (value, path)
    return palette, raw, chain


def _flatten_scopes(data: Mapping[str, Any], path: Path, prefix: str = "") -> list[tuple[str, Any]]:
    """Scopes may be quoted dotted keys or nested TOML tables; flatten to dotted names."""
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        scope = f"{prefix}{key}"
        # a table with any style field is a style (so a typo next to "fg" is reported);
        # other tables are namespaces: [markup.heading] fg = ... works like "markup.heading"
        if isinstance(value, dict) and value and not set(value) & _STYLE_KEYS:
            out += _flatten_scopes(value, path, scope + ".")
        elif isinstance(value, (str, dict)):
            out.append((scope, value))
        else:
            raise ThemeError(f"{path}: key {scope!r}: expected a colour or a style table")
    return out


def _is_colour_literal(value: str) -> bool:
    return bool(
        _HEX_RE.match(value)
        or value in _HELIX_ANSI
        or value in _RICH_ANSI16
        or value in ("default", "reset")
    )


def _is_ansi16(value: str) -> bool:
    return value in _HELIX_ANSI or value in _RICH_ANSI16 or value in ("default", "reset")


def _is_ansi16_style(value: Any, palette: Mapping[str, str]) -> bool:
    colours = [value] if isinstance(value, str) else [value.get("fg"), value.get("bg")]
    for colour in colours:
        if colour is None:
            continue
        literal = palette.get(colour, colour)
        if not _is_ansi16(literal):
            return False
    return True


def _colour(value: Any, palette: Mapping[str, str], file: Path, key: str) -> Color:
    if not isinstance(value, str):
        raise ThemeError(f"{file}: key {key!r}: colour must be a string, got {value!r}")
    literal = palette.get(value, value)
    if literal in ("default", "reset"):
        return Color.default()
    literal = _HELIX_ANSI.get(literal, literal)
    if _HEX_RE.match(literal) and len(literal) == 4:
        literal = "#" + "".join(ch * 2 for ch in literal[1:])
    if _HEX_RE.match(literal) or literal in _RICH_ANSI16:
        try:
            return Color.parse(literal)
        except ColorParseError:
            pass
    raise ThemeError(f"{file}: key {key!r}: unknown colour {value!r}")


def _resolve_style(value: Any, palette: Mapping[str, str], file: Path, scope: str) -> Style:
    if isinstance(value, str):
        return Style(color=_colour(value, palette, file, scope))
    unknown = set(value) - _STYLE_KEYS
    if unknown:
        raise ThemeError(f"{file}: key {scope!r}: unknown field(s) {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    if "fg" in value:
        kwargs["color"] = _colour(value["fg"], palette, file, f"{scope}.fg")
    if "bg" in value:
        kwargs["bgcolor"] = _colour(value["bg"], palette, file, f"{scope}.bg")
    modifiers = value.get("modifiers", [])
    if not isinstance(modifiers, list):
        raise ThemeError(f"{file}: key '{scope}.modifiers': expected a list of names")
    for modifier in modifiers:
        keyword = _MODIFIERS.get(modifier) if isinstance(modifier, str) else None
        if keyword is None:
            raise ThemeError(f"{file}: key '{scope}.modifiers': unknown modifier {modifier!r}")
        kwargs[keyword] = True
    underline = value.get("underline")
    if underline is not None:
        # Helix allows `underline = { style = "line" }`; only "is it underlined" maps to Rich.
        kwargs["underline"] = bool(underline)
    return Style(**kwargs)
