"""The demo's live log: who says what, how loudly, with the facts behind it for ``--json``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["info", "good", "warn", "alert"]


@dataclass(frozen=True, slots=True)
class Line:
    source: str
    """Who speaks: service, city, firm, operator, fleet, bridge, regulator."""
    text: str
    level: Level = "info"
    data: dict[str, Any] = field(default_factory=dict)
    """Machine-readable facts (e.g. ``{"event": ...}`` for what the regulator saw)."""


Tell = Callable[[Line], None]
"""Prints a line; called from the story's loop and from the fleet's thread."""
