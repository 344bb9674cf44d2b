"""Result files: one JSON per benchmark and the README table over all of them.

A benchmark's result is plain data::

    {"benchmark": "api", "started_at": "...", "machine": {...},
     "params": {...}, "figures": [figure, ...], "notes": ["...", ...]}

and a figure (built by ``figure``) is a measured value, its unit, the
yardstick it is compared with (measured in the same run), their ratio, and
the goal with whether it was met and by how much. A result may also carry
``sections``: extra README sections of its own, each a title, optional text
lines and chart file, and a table over one of the result's lists of rows::

    {"title": "...", "text": ["..."], "image": "history.png",
     "rows": "days", "columns": [{"key": "stage_seconds.validate",
                                  "label": "validate (s)", "digits": 1}, ...]}

(a dotted ``key`` reaches into nested dicts). ``render_readme`` turns every
result into bench/results/README.md; it is pure.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.goals import Goal, evaluate
from bench.stats import ratio as ratio_of

logger = logging.getLogger(__name__)

GOAL_ON = ("ratio", "value")
_MACHINE_ROWS = (
    ("cpu_model", "CPU model"),
    ("nproc", "cores (nproc)"),
    ("memory_gib", "memory (GiB)"),
    ("python", "Python"),
    ("java", "Java"),
    ("loadavg_start", "load average at start (1/5/15 min)"),
    ("platform", "platform"),
)


def figure(
    name: str,
    value: float | None,
    unit: str,
    *,
    yardstick: str | None = None,
    yardstick_value: float | None = None,
    goal: Goal | None = None,
    goal_on: str = "ratio",
    note: str = "",
) -> dict[str, Any]:
    """One reported figure, with its ratio to the yardstick and its goal checked."""
    if goal_on not in GOAL_ON:
        raise ValueError("goal_on must be one of %s" % ", ".join(GOAL_ON))
    result: dict[str, Any] = {
        "name": name, "value": value, "unit": unit,
        "yardstick": yardstick, "yardstick_value": yardstick_value,
        "ratio": ratio_of(value, yardstick_value) if yardstick_value is not None else None,
        "goal": None, "goal_on": goal_on, "met": None, "margin": None, "note": note,
    }
    if goal is not None:
        result["goal"] = goal.to_dict()
        result.update(evaluate(goal, result[goal_on]))
    return result


def write_result(results_dir: Path, result: Mapping[str, Any]) -> Path:
    """Write ``<results_dir>/<benchmark>.json`` atomically; return its path."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / ("%s.json" % result["benchmark"])
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    os.replace(partial, path)
    return path


def read_results(results_dir: Path, names: Sequence[str]) -> list[dict[str, Any]]:
    """The results present in ``results_dir``, in the order of ``names``."""
    found = []
    for name in names:
        path = Path(results_dir) / ("%s.json" % name)
        if path.exists():
            found.append(json.loads(path.read_text()))
    return found


def format_value(value: float | None, unit: str = "") -> str:
    """A figure as text: thousands separators for rates, sensible decimals."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    magnitude = abs(value)
    if unit in ("ratio", "x", "exponent", "R²"):
        # Two significant digits for small ratios: 0.0016 must not print as 0.00.
        text = "%.2g" % value if 0 < magnitude < 0.1 else "%.2f" % value
    elif magnitude >= 100:
        text = "{:,.0f}".format(value)
    elif magnitude >= 10:
        text = "%.1f" % value
    else:
        text = "%.2f" % value
    return "%s %s" % (text, unit) if unit and unit not in ("ratio", "x", "exponent", "R²") else text


def format_margin(result: Mapping[str, Any]) -> str:
    """'met by +12%' / 'missed by -40%' / '' as table text."""
    if result.get("met") is None:
        return ""
    margin = result["margin"] * 100
    return "%+.0f%%" % margin if abs(margin) >= 1 else "%+.1f%%" % margin


def render_readme(results: Sequence[Mapping[str, Any]], title: str = "KickBack benchmark results") -> str:
    """The README markdown: machine details, then one table of every figure."""
    lines = ["# %s" % title, ""]
    lines += [
        "Written by `python -m bench` (`make bench`); do not edit by hand. Benchmarks are not",
        "tests: nothing fails on a figure. The machine is small, shared and noisy, so each",
        "figure is compared with a yardstick measured in the same run; the ratio is the",
        "figure to read, the absolute value only says what this run saw.",
        "",
    ]
    if not results:
        return "\n".join(lines + ["No results yet: run `python -m bench`.", ""])
    lines += _machine_table(results)
    lines += ["## Figures", "",
              "| benchmark | figure | value | yardstick | yardstick value | ratio | goal | met | by |",
              "|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        for fig in result.get("figures", []):
            lines.append(_figure_row(result["benchmark"], fig))
    lines.append("")
    lines.append("`by`: relative margin to the goal's target (positive: met with room to spare; "
                 "negative: missed by that share of the target).")
    lines.append("")
    for result in results:
        for section in result.get("sections", []):
            lines += render_section(result, section)
    for result in results:
        notes = list(result.get("notes", []))
        for fig in result.get("figures", []):
            if fig.get("note"):
                notes.append("%s: %s" % (fig["name"], fig["note"]))
        if notes:
            lines += ["## Notes: %s" % result["benchmark"], ""]
            lines += ["- %s" % note for note in notes]
            lines.append("")
    return "\n".join(lines)


def render_section(result: Mapping[str, Any], section: Mapping[str, Any]) -> list[str]:
    """A result's own README section: title, text, chart and a table over ``result[section["rows"]]``."""
    lines = ["## %s" % section["title"], ""]
    if section.get("text"):
        lines += list(section["text"]) + [""]
    if section.get("image"):
        lines += ["![%s](%s)" % (section["title"], section["image"]), ""]
    columns = section.get("columns") or []
    rows = result.get(section.get("rows", ""), []) if section.get("rows") else []
    if columns and rows:
        lines.append("| " + " | ".join(c["label"] for c in columns) + " |")
        lines.append("|---" * len(columns) + "|")
        for row in rows:
            cells = [_cell(_lookup(row, c["key"]), c.get("digits", 2)) for c in columns]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _lookup(row: Mapping[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _cell(value: Any, digits: int) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return "{:,}".format(value)
    if isinstance(value, float):
        return "{:,.{digits}f}".format(value, digits=digits)
    return str(value).replace("|", "/")


def _machine_table(results: Sequence[Mapping[str, Any]]) -> list[str]:
    header = "| | " + " | ".join(r["benchmark"] for r in results) + " |"
    lines = ["## Machine", "", header, "|---" * (len(results) + 1) + "|"]
    lines.append("| started at (UTC) | " + " | ".join(str(r.get("started_at", "")) for r in results) + " |")
    for key, label in _MACHINE_ROWS:
        cells = [_machine_cell(r.get("machine", {}).get(key)) for r in results]
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    lines.append("")
    return lines


def _machine_cell(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, (list, tuple)):
        return " / ".join("%.2f" % v if isinstance(v, float) else str(v) for v in value)
    return str(value).replace("|", "/")


def _figure_row(benchmark: str, fig: Mapping[str, Any]) -> str:
    goal = fig.get("goal")
    if goal:
        sign = ">=" if goal["kind"] == "at_least" else "<="
        goal_text = "%s %s %s" % (goal["text"], sign, format_value(goal["target"], "ratio" if fig.get(
            "goal_on") == "ratio" else fig.get("unit", "")))
    else:
        goal_text = "none given"
    met = {True: "met", False: "**missed**", None: ""}[fig.get("met")]
    cells = [
        benchmark,
        fig["name"],
        format_value(fig.get("value"), fig.get("unit", "")),
        fig.get("yardstick") or "",
        format_value(fig.get("yardstick_value"), fig.get("unit", "")) if fig.get("yardstick") else "",
        format_value(fig.get("ratio"), "ratio") if fig.get("ratio") is not None else "",
        goal_text,
        met,
        format_margin(fig),
    ]
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"
