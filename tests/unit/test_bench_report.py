"""bench.report: figures, result files and the README table."""

from __future__ import annotations

import json

import pytest

from bench import goals, report


def _result(name="api", figures=None, notes=None):
    return {
        "benchmark": name,
        "started_at": "2026-11-28 02:00:00",
        "machine": {"nproc": 2, "cpu_model": "Test CPU | x", "memory_gib": 23.4, "python": "3.11.2",
                    "java": 'openjdk version "17.0.15"', "loadavg_start": [1.5, 2.25, 3.0],
                    "platform": "Linux"},
        "figures": figures or [],
        "notes": notes or [],
    }


def test_figure_ratio_and_goal_on_ratio():
    fig = report.figure("rows/s", 400.0, "rows/s", yardstick="PE", yardstick_value=1000.0,
                        goal=goals.at_least(0.5, "loader/PE"))
    assert fig["ratio"] == pytest.approx(0.4)
    assert fig["met"] is False
    assert fig["margin"] == pytest.approx(-0.2)
    assert fig["goal"]["target"] == 0.5


def test_figure_goal_on_value():
    fig = report.figure("p99", 12.0, "ms", goal=goals.at_most(25.0, "p99"), goal_on="value")
    assert fig["ratio"] is None
    assert fig["met"] is True
    assert fig["margin"] == pytest.approx(0.52)


def test_figure_without_goal_is_neither_met_nor_missed():
    fig = report.figure("x", 1.0, "s", yardstick="y", yardstick_value=2.0)
    assert fig["met"] is None
    assert fig["ratio"] == 0.5


def test_figure_rejects_unknown_goal_target():
    with pytest.raises(ValueError):
        report.figure("x", 1.0, "s", goal_on="median")


@pytest.mark.parametrize("value,unit,text", [
    (12345.6, "rows/s", "12,346 rows/s"),
    (42.25, "ms", "42.2 ms"),
    (3.14159, "s", "3.14 s"),
    (0.456, "ratio", "0.46"),
    (0.0016, "ratio", "0.0016"),
    (0.0, "ratio", "0.00"),
    (1.234, "exponent", "1.23"),
    (None, "s", "n/a"),
])
def test_format_value(value, unit, text):
    assert report.format_value(value, unit) == text


def test_format_margin():
    assert report.format_margin({"met": True, "margin": 0.25}) == "+25%"
    assert report.format_margin({"met": False, "margin": -0.004}) == "-0.4%"
    assert report.format_margin({"met": None, "margin": None}) == ""


def test_readme_has_machine_and_every_figure():
    figures = [
        report.figure("member req/s", 300.0, "req/s", yardstick="raw row()", yardstick_value=1000.0,
                      goal=goals.at_least(0.6, "API/raw")),
        report.figure("p99 at half peak", 12.0, "ms", goal=goals.at_most(25.0, "p99"), goal_on="value"),
    ]
    text = report.render_readme([_result(figures=figures, notes=["a note"])])
    assert "| cores (nproc) | 2 |" in text
    assert "| load average at start (1/5/15 min) | 1.50 / 2.25 / 3.00 |" in text
    # A pipe inside a value must not break the table.
    assert "Test CPU / x" in text
    assert "| api | member req/s | 300 req/s | raw row() | 1,000 req/s | 0.30 | API/raw >= 0.60 | **missed** | -50% |" in text
    assert "| api | p99 at half peak | 12.0 ms |  |  |  | p99 <= 25.0 ms | met | +52% |" in text
    assert "- a note" in text


def test_readme_orders_benchmarks_and_puts_figure_notes_in_notes():
    fig = report.figure("k", 0.9, "exponent", note="fit R² 0.99")
    text = report.render_readme([_result("pipeline", [fig]), _result("hive")])
    assert text.index("| pipeline |") < text.index("## Notes: pipeline")
    assert "- k: fit R² 0.99" in text
    assert "| | pipeline | hive |" in text


def test_readme_without_results():
    assert "No results yet" in report.render_readme([])


def test_write_and_read_results(tmp_path):
    path = report.write_result(tmp_path, _result("hive"))
    assert path.name == "hive.json"
    assert json.loads(path.read_text())["benchmark"] == "hive"
    assert not list(tmp_path.glob("*.tmp"))
    report.write_result(tmp_path, _result("api"))
    found = report.read_results(tmp_path, ["pipeline", "api", "hive"])
    assert [r["benchmark"] for r in found] == ["api", "hive"]
