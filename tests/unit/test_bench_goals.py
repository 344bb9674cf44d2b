"""bench.goals: goals met or missed, and by how much."""

from __future__ import annotations

import pytest

from bench import goals


def test_at_least_met_with_margin():
    assert goals.evaluate(goals.at_least(0.5, "r"), 0.75) == {"met": True, "margin": pytest.approx(0.5)}


def test_at_least_missed_by_share_of_target():
    result = goals.evaluate(goals.at_least(0.5, "r"), 0.1)
    assert result["met"] is False
    assert result["margin"] == pytest.approx(-0.8)


def test_at_least_exactly_on_target_is_met():
    assert goals.evaluate(goals.at_least(1.0, "r"), 1.0)["met"] is True


def test_at_most_met_and_missed():
    goal = goals.at_most(25.0, "p99")
    assert goals.evaluate(goal, 20.0) == {"met": True, "margin": pytest.approx(0.2)}
    missed = goals.evaluate(goal, 50.0)
    assert missed["met"] is False
    assert missed["margin"] == pytest.approx(-1.0)


def test_missing_value_is_neither_met_nor_missed():
    assert goals.evaluate(goals.at_most(1.1, "k"), None) == {"met": None, "margin": None}


@pytest.mark.parametrize("kind,target", [("between", 1.0), ("at_least", 0.0), ("at_most", -1.0)])
def test_bad_goals_are_rejected(kind, target):
    with pytest.raises(ValueError):
        goals.Goal(kind, target, "x")


def test_goal_as_data():
    assert goals.at_most(1.1, "exponent").to_dict() == {"kind": "at_most", "target": 1.1, "text": "exponent"}
