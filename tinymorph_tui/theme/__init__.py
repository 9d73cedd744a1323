"""Theme loading: themes/*.toml -> styles per highlight scope (see `theme.loader`)."""

from tinymorph_tui.theme.loader import (
    DEFAULT_THEME,
    Theme,
    ThemeColors,
    ThemeError,
    available_themes,
    load_theme,
    load_theme_or_default,
)

__all__ = [
    "DEFAULT_THEME",
    "Theme",
    "ThemeColors",
    "ThemeError",
    "available_themes",
    "load_theme",
    "load_theme_or_default",
]
