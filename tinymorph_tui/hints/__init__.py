"""Ghost-text hints: the controller the UI drives, accept units, cache, prompt context.

`HintController` is the entry point (see `tinymorph_tui.hints.controller`). Nothing here
imports Textual; everything runs on asyncio and can be driven headless.
"""

from __future__ import annotations

from tinymorph_tui.hints.controller import Hint, HintController, HintState
from tinymorph_tui.hints.units import ACCEPT_UNITS, AcceptUnit, take_unit

__all__ = ["ACCEPT_UNITS", "AcceptUnit", "Hint", "HintController", "HintState", "take_unit"]
