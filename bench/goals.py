"""Goals as data, and whether a measured figure met one (and by how much).

A goal is ``at_least`` or ``at_most`` a target. The margin is relative:
``value / target - 1`` for ``at_least`` (positive when met) and
``1 - value / target`` for ``at_most`` (positive when met), so "+25%"
always reads "better than the goal by a quarter of the target".
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

logger = logging.getLogger(__name__)

KINDS = ("at_least", "at_most")


@dataclass(frozen=True)
class Goal:
    """A target for one figure: ``kind`` is ``at_least`` or ``at_most``."""

    kind: str
    target: float
    text: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError("goal kind must be one of %s, got %r" % (", ".join(KINDS), self.kind))
        if self.target <= 0:
            raise ValueError("goal target must be positive, got %r" % self.target)

    def to_dict(self) -> dict[str, Any]:
        """The goal as plain JSON data."""
        return asdict(self)


def at_least(target: float, text: str) -> Goal:
    """A goal met when the figure is ``>= target``."""
    return Goal("at_least", float(target), text)


def at_most(target: float, text: str) -> Goal:
    """A goal met when the figure is ``<= target``."""
    return Goal("at_most", float(target), text)


def evaluate(goal: Goal, value: float | None) -> dict[str, Any]:
    """``{"met": bool|None, "margin": float|None}`` of ``value`` against ``goal``."""
    if value is None:
        return {"met": None, "margin": None}
    if goal.kind == "at_least":
        return {"met": value >= goal.target, "margin": value / goal.target - 1.0}
    return {"met": value <= goal.target, "margin": 1.0 - value / goal.target}
