"""The steering side panel: feature sliders driven from the keyboard (one Textual widget).

Keys (list view):
  j / k, down / up    move between sliders
  h / l, left / right nudge by 0.1;  H / L by 0.5
  = or Enter          type a value
  0                   reset this slider;  R  reset all
  x or d              remove this slider
  / or a              fuzzy search the catalog to add a feature
  s                   save the sliders as a named preset;  p  load a preset
  Escape              post `FeaturePanel.Closed` (the app hides the panel)
Inside a prompt (value, search, preset name, preset list): type, Backspace, up/down (or
Ctrl-P/Ctrl-N, Tab) choose, Enter confirms, Escape cancels.

The panel posts `FeaturePanel.SteeringChanged(features)` (handler
`on_feature_panel_steering_changed`) whenever a value changes; `panel.steering` is the
current non-zero steering and `panel.summary()` a short status-line text. Keys it does not
use are left to bubble up, so the app's own bindings (e.g. the panel toggle) keep working.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from tinymorph_tui.steering.feature import DEFAULT_SCALE_MAX, DEFAULT_SCALE_MIN, FeatureError

if TYPE_CHECKING:
    from tinymorph_tui.steering.catalog import FeatureCatalog

SMALL_STEP = 0.1
LARGE_STEP = 0.5
#: Most search results / presets listed at once.
LIST_ROWS = 8

Mode = Literal["list", "value", "search", "preset_name", "preset_pick"]


def format_scale(value: float) -> str:
    """Signed, short: 0.8 -> "+0.8", -1.25 -> "-1.25", 2.0 -> "+2"."""
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text


def draw_bar(value: float, lo: float, hi: float, width: int) -> str:
    """A slider bar of `width` cells with a centre line; negatives grow leftwards.

    The right half uses eighth blocks for resolution; the left half, lacking right-aligned
    eighth glyphs in Unicode, uses half blocks.
    """
    width = max(3, width)
    half = (width - 1) // 2
    cells = [" "] * half + ["│"] + [" "] * (width - 1 - half)
    span = max(abs(lo), abs(hi)) or 1.0
    frac = min(1.0, abs(value) / span)
    if value > 0:
        eighths = int(round(frac * (width - 1 - half) * 8))
        full, rest = divmod(eighths, 8)
        for i in range(full):
            cells[half + 1 + i] = "█"
        if rest and half + 1 + full < width:
            cells[half + 1 + full] = " ▏▎▍▌▋▊▉"[rest]
    elif value < 0:
        halves = int(round(frac * half * 2))
        full, rest = divmod(halves, 2)
        for i in range(full):
            cells[half - 1 - i] = "█"
        if rest and half - 1 - full >= 0:
            cells[half - 1 - full] = "▐"
    return "".join(cells)


class FeaturePanel(Widget, can_focus=True):
    """Keyboard-driven feature sliders over one model's catalog."""

    DEFAULT_CSS = """
    FeaturePanel {
        width: 36;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $primary 50%;
    }
    """

    class SteeringChanged(Message):
        """The steering changed: `features` maps feature name -> non-zero scale."""

        def __init__(self, features: dict[str, float]) -> None:
            super().__init__()
            self.features = features

    class Closed(Message):
        """Escape in the slider list: the app may hide the panel and refocus the text."""

    def __init__(
        self,
        catalog: FeatureCatalog | None = None,
        *,
        backend: Any = None,
        config: Any = None,
        controller: Any = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`catalog` is the model's feature catalog; without one, it is taken from
        `backend.catalog` or opened for `backend.model_path` (the app passes its backend,
        config and hint controller; only the backend is used), on first need."""
        super().__init__(name=name, id=id, classes=classes)
        self._catalog = catalog
        self._catalog_resolved = catalog is not None
        self._backend = backend
        self._values: dict[str, float] = {}
        self.cursor = 0
        self.mode: Mode = "list"
        self.input = ""
        self.choices: list[str] = []
        self.choice = 0
        self.message = ""
        self._remote_loading = False  # GET /v1/features in flight (a remote server)
        # A prefilled value prompt: the first typed character replaces the text.
        self._fresh = False

    # -- public API ---------------------------------------------------------------------

    @property
    def catalog(self) -> FeatureCatalog | None:
        """The catalog features are searched in (None: no model, nothing to add)."""
        if not self._catalog_resolved:
            self._catalog_resolved = True
            self._catalog = _catalog_of(self._backend)
        return self._catalog

    @catalog.setter
    def catalog(self, value: FeatureCatalog | None) -> None:
        self._catalog, self._catalog_resolved = value, True

    def on_mount(self) -> None:
        """With a remote tinymorph server, list its features (GET /v1/features)."""
        if self._catalog is None and _is_remote(self._backend):
            self._catalog_resolved = True
            self._remote_loading = True
            self.message = "asking the server for its features…"
            self.run_worker(self._load_remote_catalog(), exclusive=True, group="catalog")

    async def _load_remote_catalog(self) -> None:
        """Worker: fetch the server's catalog; the server steers with its own vectors."""
        from tinymorph_tui.steering.remote_catalog import fetch_remote_catalog

        try:
            catalog = await fetch_remote_catalog(self._backend)
        except FeatureError as exc:
            self.message = f"no features to add: {exc}"
        except Exception as exc:  # a bad server must never break the panel
            self.message = f"no features to add: {type(exc).__name__}: {exc}"
        else:
            self.message = "" if len(catalog) else "the server lists no features"
            self.set_catalog(catalog)  # type: ignore[arg-type]
        finally:
            self._remote_loading = False
        self.refresh()

    @property
    def steering(self) -> dict[str, float]:
        """The active steering: every slider with a non-zero value."""
        return {k: v for k, v in self._values.items() if v != 0.0}

    @property
    def features(self) -> dict[str, float]:
        """Every slider in the panel, zeros included, in display order."""
        return dict(self._values)

    def summary(self) -> str:
        """Short status-line text such as "joy+0.8 sea+0.3" ("" when nothing steers)."""
        return " ".join(f"{k}{format_scale(v)}" for k, v in self.steering.items())

    def set_catalog(self, catalog: FeatureCatalog | None) -> None:
        """Switch to another model's catalog (sliders of unknown features are dropped)."""
        self.catalog = catalog
        before = self.steering
        self._values = {
            k: v for k, v in self._values.items() if catalog is not None and k in catalog
        }
        self.cursor = min(self.cursor, max(0, len(self._values) - 1))
        self._changed(before)

    def add_feature(self, name: str, value: float = 0.0) -> None:
        """Add a slider (or move the cursor to it if present) and set its value."""
        before = self.steering
        self._values.setdefault(name, 0.0)
        self._values[name] = self._clamp(name, value)
        self.cursor = list(self._values).index(name)
        self._changed(before)

    def set_value(self, name: str, value: float) -> None:
        """Set one slider's value (clamped to the feature's range)."""
        if name not in self._values:
            self.add_feature(name, value)
            return
        before = self.steering
        self._values[name] = self._clamp(name, value)
        self._changed(before)

    def remove_feature(self, name: str) -> None:
        """Remove a slider."""
        if name in self._values:
            before = self.steering
            del self._values[name]
            self.cursor = min(self.cursor, max(0, len(self._values) - 1))
            self._changed(before)

    def reset_all(self) -> None:
        """Set every slider to 0 (the sliders stay)."""
        before = self.steering
        self._values = dict.fromkeys(self._values, 0.0)
        self._changed(before)

    def load_features(self, features: dict[str, float]) -> None:
        """Replace the sliders with `features` (unknown features are skipped, and said so)."""
        before = self.steering
        known = {k: v for k, v in features.items() if self._meta(k) is not None}
        missing = [k for k in features if k not in known]
        self._values = {k: self._clamp(k, v) for k, v in known.items()}
        self.cursor = 0
        if missing:
            self.message = f"not in catalog: {', '.join(missing)}"
        self._changed(before)

    # -- internals ----------------------------------------------------------------------

    def _meta(self, name: str) -> dict[str, Any] | None:
        """A feature's metadata, or None; a broken catalog must never break the panel."""
        if self.catalog is None:
            return None
        try:
            return self.catalog.meta(name)
        except FeatureError as exc:
            self.message = str(exc)
            return None

    def _label(self, name: str) -> str:
        meta = self._meta(name)
        return str(meta.get("label", "")) if meta else ""

    def _range(self, name: str) -> tuple[float, float]:
        meta = self._meta(name)
        if not meta:
            return DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX
        return float(meta.get("scale_min", DEFAULT_SCALE_MIN)), float(
            meta.get("scale_max", DEFAULT_SCALE_MAX)
        )

    def _clamp(self, name: str, value: float) -> float:
        lo, hi = self._range(name)
        # Round so repeated 0.1 nudges land on clean values (0.30000000000000004).
        v = round(max(lo, min(hi, float(value))), 4)
        return 0.0 if v == 0 else v

    def _changed(self, before: dict[str, float]) -> None:
        if self.steering != before:
            self.post_message(self.SteeringChanged(self.steering))
        self.refresh()

    def _current(self) -> str | None:
        names = list(self._values)
        return names[self.cursor] if 0 <= self.cursor < len(names) else None

    def _nudge(self, delta: float) -> None:
        name = self._current()
        if name is not None:
            self.set_value(name, self._values[name] + delta)

    def _search_choices(self) -> list[str]:
        if self.catalog is None:
            return []
        try:
            found = self.catalog.search(self.input)
        except FeatureError as exc:
            self.message = str(exc)
            return []
        return [n for n in found if n not in self._values][:50]

    def _preset_names(self) -> list[str]:
        from tinymorph_tui.steering.presets import list_presets

        if self.catalog is None:
            return []
        try:
            return list_presets(self.catalog.model_id)
        except FeatureError as exc:
            self.message = str(exc)
            return []

    def _open(self, mode: Mode) -> None:
        self.mode = mode
        self.input = ""
        self.choice = 0
        self.message = ""
        if mode == "value":
            name = self._current()
            self.input = format_scale(self._values[name]).lstrip("+") if name else ""
            self._fresh = True
        elif mode == "search":
            if self.catalog is None:
                if getattr(self, "_remote_loading", False):
                    self.mode, self.message = "list", "still asking the server for its features…"
                elif not (self.message or "").startswith("no features to add"):
                    self.mode, self.message = "list", "no model: no features to add"
                else:
                    self.mode = "list"
                self.refresh()
                return
            self.choices = self._search_choices()
        elif mode == "preset_pick":
            self.choices = self._preset_names()
            if not self.choices:
                self.mode, self.message = "list", self.message or "no presets saved yet"
        self.refresh()

    def _confirm(self) -> None:
        mode = self.mode
        self.mode = "list"
        if mode == "value":
            name = self._current()
            try:
                value = float(self.input.strip())
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                self.mode, self.message = "value", f"not a number: {self.input!r}"
                self.refresh()
                return
            if name is not None:
                self.set_value(name, value)
        elif mode == "search":
            if self.choices:
                self.add_feature(self.choices[self.choice])
        elif mode == "preset_name":
            from tinymorph_tui.steering.presets import save_preset

            if self.catalog is None:
                self.message = "no model: cannot save presets"
            else:
                try:
                    saved = save_preset(self.catalog.model_id, self.input, self.features)
                    self.message = f"saved preset {saved!r}"
                except FeatureError as exc:
                    self.mode, self.message = "preset_name", str(exc)
        elif mode == "preset_pick":
            from tinymorph_tui.steering.presets import load_preset

            if self.choices and self.catalog is not None:
                chosen = self.choices[self.choice]
                try:
                    self.message = ""
                    self.load_features(load_preset(self.catalog.model_id, chosen))
                    if not self.message:
                        self.message = f"loaded preset {chosen!r}"
                except FeatureError as exc:
                    self.message = str(exc)
        self.refresh()

    def _on_prompt_key(self, event: events.Key) -> bool:
        key = event.key
        if key == "escape":
            self.mode, self.message = "list", ""
        elif key == "enter":
            self._confirm()
        elif key in ("down", "ctrl+n", "tab") and self.choices:
            self.choice = (self.choice + 1) % len(self.choices)
        elif key in ("up", "ctrl+p", "shift+tab") and self.choices:
            self.choice = (self.choice - 1) % len(self.choices)
        elif self.mode == "preset_pick" and key in ("j", "k"):
            if self.choices:
                step = 1 if key == "j" else -1
                self.choice = (self.choice + step) % len(self.choices)
        elif key == "backspace":
            self.input = self.input[:-1]
            self._fresh = False
            self._refilter()
        elif event.character and event.is_printable and self.mode != "preset_pick":
            self.input = event.character if self._fresh else self.input + event.character
            self._fresh = False
            self._refilter()
        else:
            return False
        self.refresh()
        return True

    def _refilter(self) -> None:
        if self.mode == "search":
            self.choices = self._search_choices()
            self.choice = 0

    def _on_list_key(self, event: events.Key) -> bool:
        key, char = event.key, event.character
        n = len(self._values)
        if key in ("j", "down"):
            self.cursor = min(n - 1, self.cursor + 1) if n else 0
        elif key in ("k", "up"):
            self.cursor = max(0, self.cursor - 1)
        elif key in ("h", "left"):
            self._nudge(-SMALL_STEP)
        elif key in ("l", "right"):
            self._nudge(SMALL_STEP)
        elif char == "H":
            self._nudge(-LARGE_STEP)
        elif char == "L":
            self._nudge(LARGE_STEP)
        elif char == "=" or key == "enter":
            if self._current() is not None:
                self._open("value")
        elif char == "0":
            name = self._current()
            if name is not None:
                self.set_value(name, 0.0)
        elif char == "R":
            self.reset_all()
        elif char in ("x", "d"):
            name = self._current()
            if name is not None:
                self.remove_feature(name)
        elif char in ("/", "a"):
            self._open("search")
        elif char == "s":
            self._open("preset_name")
        elif char == "p":
            self._open("preset_pick")
        elif key == "escape":
            self.post_message(self.Closed())
        else:
            return False
        self.refresh()
        return True

    def on_key(self, event: events.Key) -> None:
        """Handle the panel's keys; others bubble to the app."""
        handled = self._on_list_key(event) if self.mode == "list" else self._on_prompt_key(event)
        if handled:
            event.stop()
            event.prevent_default()

    # -- drawing ------------------------------------------------------------------------

    def render(self) -> Text:
        """Draw the sliders, then the active prompt and the last message."""
        width = max(12, self.size.width or 34)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("steering", style="bold")
        out.append("\n")
        if not self._values:
            out.append("no sliders: / to add a feature\n", style="dim")
        for i, (name, value) in enumerate(self._values.items()):
            selected = i == self.cursor and self.has_focus_within_or_self()
            marker = "▸ " if i == self.cursor else "  "
            val = format_scale(value)
            label = self._label(name)
            room = width - len(marker) - len(val) - 1
            head = name if len(name) <= room else name[: max(1, room - 1)] + "…"
            line = Text(
                marker + head, style="reverse" if selected else "bold" if i == self.cursor else ""
            )
            if label and label != name and room - len(head) > 4:
                extra = " " + label
                free = room - len(head)
                line.append(extra if len(extra) <= free else extra[: free - 1] + "…", style="dim")
            line.pad_right(max(0, width - len(line.plain) - len(val)))
            line.append(val, style="bold" if value else "dim")
            out.append_text(line)
            out.append("\n")
            lo, hi = self._range(name)
            colour = "green" if value > 0 else "red" if value < 0 else "dim"
            out.append("  " + draw_bar(value, lo, hi, width - 2), style=colour)
            out.append("\n")
        prompt = {
            "value": "value: ",
            "search": "add /",
            "preset_name": "save preset as: ",
            "preset_pick": "load preset:",
        }.get(self.mode)
        if prompt is not None:
            out.append("\n")
            out.append(prompt, style="bold")
            if self.mode != "preset_pick":
                out.append(self.input)
                out.append("▏", style="blink")
            out.append("\n")
            if self.mode in ("search", "preset_pick"):
                start = max(0, min(self.choice - LIST_ROWS + 1, len(self.choices) - LIST_ROWS))
                for j, choice in enumerate(self.choices[start : start + LIST_ROWS], start):
                    label = self._label(choice) if self.mode == "search" else ""
                    row = choice + (f" — {label}" if label and label != choice else "")
                    row = row if len(row) <= width - 2 else row[: width - 3] + "…"
                    out.append(
                        ("▸ " if j == self.choice else "  ") + row,
                        style="reverse" if j == self.choice else "",
                    )
                    out.append("\n")
                if not self.choices:
                    out.append("  (nothing matches)\n", style="dim")
        if self.message:
            out.append("\n")
            out.append(self.message, style="italic")
        return out

    def has_focus_within_or_self(self) -> bool:
        """True when the panel has the keyboard focus (the cursor row is drawn reversed)."""
        return self.has_focus


def _is_remote(backend: Any) -> bool:
    """A backend that talks to a server (its catalog is fetched, not opened from a file)."""
    return (
        backend is not None
        and callable(getattr(backend, "_http", None))
        and bool(getattr(backend, "url", ""))
    )


def _catalog_of(backend: Any) -> FeatureCatalog | None:
    """The catalog a backend steers with: its own, or its model file's; None if neither."""
    catalog = getattr(backend, "catalog", None)
    if catalog is not None:
        return catalog
    path = getattr(backend, "model_path", None)
    if path is None:
        return None
    from tinymorph_tui.steering.catalog import FeatureCatalog

    try:
        return FeatureCatalog.for_model(path)
    except (FeatureError, OSError):
        return None


#: Module-level alias for callers that import the message directly.
SteeringChanged = FeaturePanel.SteeringChanged
