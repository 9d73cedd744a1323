"""Styles for the editor's chrome: theme look-ups with fallbacks, and Textual themes.

The view asks a theme for scopes such as "ui.cursor.insert"; a theme that lacks a scope
falls back to its parents ("ui.cursor"), then to the built-in defaults here, so any theme
file (or none, while highlighting is still loading) gives a usable screen.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.style import Style


class ThemeLike(Protocol):
    """What the UI needs from a theme (`tinymorph_tui.theme.Theme` provides it)."""

    name: str

    def style(self, scope: str) -> Style:
        """The rich style for a scope (a null Style when the theme does not set it)."""
        ...


#: Built-in look of the chrome when a theme leaves a scope unset (ANSI colours, so the
#: fallbacks look right on any terminal).
DEFAULT_SCOPES: dict[str, Style] = {
    "ui.text": Style(),
    "ui.background": Style(),
    "ui.cursor": Style(reverse=True),
    "ui.cursor.insert": Style(bgcolor="bright_green", color="black"),
    # Replace mode keeps Vim's underline cursor even when the theme colours the block cursor.
    "ui.cursor.replace": Style(underline=True, bold=True),
    "ui.selection": Style(bgcolor="blue", color="white"),
    "ui.search": Style(bgcolor="yellow", color="black"),
    "ui.linenr": Style(color="bright_black"),
    "ui.linenr.selected": Style(color="yellow", bold=True),
    "ui.virtual": Style(color="bright_black"),
    "ui.virtual.tilde": Style(color="blue", bold=True),
    "ui.virtual.ghost": Style(color="bright_black", italic=True),
    "ui.statusline": Style(bgcolor="grey23", color="white"),
    "ui.statusline.normal": Style(bgcolor="blue", color="black", bold=True),
    "ui.statusline.insert": Style(bgcolor="green", color="black", bold=True),
    "ui.statusline.visual": Style(bgcolor="magenta", color="black", bold=True),
    "ui.statusline.replace": Style(bgcolor="red", color="black", bold=True),
    "ui.statusline.command": Style(bgcolor="yellow", color="black", bold=True),
    # Drawn over the status line's own background: foreground only.
    "ui.statusline.hint": Style(color="cyan"),
    "ui.statusline.error": Style(color="red", bold=True),
    "ui.commandline": Style(),
    "ui.message": Style(),
    "ui.message.mode": Style(bold=True),
    "ui.message.error": Style(bgcolor="red", color="bright_white"),
    "ui.popup": Style(bgcolor="grey19", color="white"),
    "ui.popup.key": Style(color="yellow", bold=True),
}


#: The Textual chrome colours of a 16-colour theme (names of the terminal's palette).
ANSI_CHROME: dict[str, Any] = {
    "primary": "ansi_blue",
    "secondary": "ansi_green",
    "accent": "ansi_magenta",
    "foreground": "ansi_default",
    "background": "ansi_default",
    "surface": "ansi_black",
    "panel": "ansi_black",
    "error": "ansi_red",
    "warning": "ansi_yellow",
    "success": "ansi_green",
}


class FallbackTheme:
    """A theme made of the defaults above, used until (or when) no theme file loads."""

    name = "builtin"
    colors: dict[str, str] = {}

    def style(self, scope: str) -> Style:
        """The default style for `scope` or its nearest parent."""
        return DEFAULT_SCOPES.get(scope, Style())


def _is_null(style: Style | None) -> bool:
    return style is None or not style or style == Style()


def resolve(theme: Any, *scopes: str) -> Style:
    """The first scope (or its parents) the theme sets; else the built-in default.

    `resolve(theme, "ui.cursor.insert")` tries "ui.cursor.insert" then "ui.cursor" in the
    theme, and only then the defaults.
    """
    key = (id(theme), scopes)
    style = _CACHE.get(key)
    if style is None:
        if len(_CACHE) > 4096:
            _CACHE.clear()
        style = _CACHE[key] = _resolve(theme, scopes)
    return style


#: (id(theme), scopes) -> resolved style; themes may be unhashable dataclasses.
_CACHE: dict[tuple[int, tuple[str, ...]], Style] = {}


def _theme_sets(theme: Any, name: str) -> Style | None:
    """The theme's own style for exactly `name`, or None when it does not set it."""
    has = getattr(theme, "has", None)
    try:
        if has is not None:
            return theme.style(name) if has(name) else None
        style = theme.style(name)
    except Exception:  # a broken theme must never break drawing
        return None
    return None if _is_null(style) else style


def _resolve(theme: Any, scopes: tuple[str, ...]) -> Style:
    # Walk each scope up its parents; at each level the theme's own style wins, then a
    # built-in default for that level (so replace mode keeps its underline cursor even
    # when the theme only colours "ui.cursor").
    for scope in scopes:
        parts = scope.split(".")
        for k in range(len(parts), 0, -1):
            name = ".".join(parts[:k])
            style = _theme_sets(theme, name)
            if style is not None:
                return style
            if name in DEFAULT_SCOPES:
                return DEFAULT_SCOPES[name]
    return Style()


def clear_cache() -> None:
    """Forget resolved styles (after a theme change or a theme file reloaded in place)."""
    _CACHE.clear()


def _hex(style: Style, attr: str) -> str | None:
    color = getattr(style, attr)
    if color is None:
        return None
    try:
        triplet = color.get_truecolor()
    except Exception:
        return None
    return triplet.hex


def _theme_colors(theme: Any) -> dict[str, Any]:
    """`theme.colors` as a dict (a ThemeColors dataclass or a plain mapping)."""
    colors = getattr(theme, "colors", None)
    if colors is None:
        return {}
    if isinstance(colors, dict):
        return dict(colors)
    as_dict = getattr(colors, "_asdict", None)  # theme.loader.ThemeColors (a NamedTuple)
    return dict(as_dict()) if callable(as_dict) else {}


def textual_theme(theme: Any) -> Any:
    """A Textual `Theme` whose colours follow `theme`, so the chrome matches the text.

    Uses `theme.colors` (H4's ThemeColors, or a mapping) when the theme provides them, else
    colours read from its ui scopes.
    """
    from textual.theme import Theme as TextualTheme

    colors = _theme_colors(theme)
    ansi = bool(getattr(theme, "ansi_only", False))
    if ansi:
        # A 16-colour theme follows the terminal's own palette: the chrome uses the ANSI
        # colour names too, and `ansi=True` makes Textual send ANSI codes instead of its
        # RGB guesses (and keeps "default" the terminal's own background).
        colors = {**colors, **ANSI_CHROME}
    text = resolve(theme, "ui.text")
    bg = resolve(theme, "ui.background")
    status = resolve(theme, "ui.statusline")
    # None from the theme means "the terminal's own colour" (ansi16 themes): Textual's
    # "ansi_default" keeps the chrome on the terminal's background too.
    background = colors.get("background") or _hex(bg, "bgcolor") or "ansi_default"
    foreground = colors.get("foreground") or _hex(text, "color") or "ansi_default"
    primary = colors.get("primary") or _hex(resolve(theme, "ui.statusline.normal"), "bgcolor")
    dark = bool(colors["dark"]) if "dark" in colors else _is_dark(str(background))
    return TextualTheme(
        name=f"tinymorph-{getattr(theme, 'name', 'theme')}",
        primary=primary or "#89b4fa",
        secondary=colors.get("secondary"),
        accent=colors.get("accent"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        foreground=foreground,
        background=background,
        surface=colors.get("surface")
        or _hex(status, "bgcolor")
        or (background if background != "ansi_default" else None),
        panel=colors.get("panel") or _hex(status, "bgcolor"),
        dark=dark,
        ansi=ansi,
        variables=_ansi_variables(dark) if ansi else {},
    )


def _ansi_variables(dark: bool) -> dict[str, str]:
    """The CSS variables Textual's own ANSI themes set (an ANSI theme needs them)."""
    try:
        from textual.theme import BUILTIN_THEMES
    except ImportError:  # pragma: no cover - another Textual layout
        return {}
    builtin = BUILTIN_THEMES.get("ansi-dark" if dark else "ansi-light")
    return dict(getattr(builtin, "variables", {}) or {})


def _is_dark(hex_color: str) -> bool:
    try:
        value = hex_color.lstrip("#")
        r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return True
    return (0.299 * r + 0.587 * g + 0.114 * b) < 128


def shorten_middle(text: str, width: int, *, tail_share: float = 0.6) -> str:
    """`text` cut to `width` cells by an ellipsis in the middle (as Vim shortens messages).

    The end keeps `tail_share` of the room: a file name or the word "written" at the end of
    a message is what a reader looks for.  Wide characters count as two cells.
    """
    from rich.cells import cell_len

    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    if width == 1:
        return "…"
    room = width - 1
    tail_room = max(1, int(room * tail_share))
    head_room = room - tail_room
    head: list[str] = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > head_room:
            break
        head.append(ch)
        used += w
    tail: list[str] = []
    used_tail = 0
    for ch in reversed(text):
        w = cell_len(ch)
        if used_tail + w > room - used:
            break
        tail.append(ch)
        used_tail += w
    return "".join(head) + "…" + "".join(reversed(tail))
