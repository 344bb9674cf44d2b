"""The benchmarks' charts (matplotlib, Agg backend, no display).

``throughput_chart``: the pipeline's events/s against input size, with its
yardstick. ``history_chart``: seconds and megabytes read per run against
the day of warehouse history.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def throughput_chart(
    path: Path,
    sizes: Sequence[int],
    pipeline_rates: Sequence[float],
    yardstick_rates: Sequence[float],
    cores: int,
    title: str,
) -> Path:
    """Write a log-log PNG of events/s per input size (Agg backend, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.2), dpi=100)
    try:
        axes.plot(sizes, yardstick_rates, "o-", label="yardstick: parse_line only (1 core)")
        axes.plot(sizes, pipeline_rates, "s-", label="pipeline, local runner (%d cores)" % cores)
        axes.plot(sizes, [r / cores for r in pipeline_rates], "s--", alpha=0.6,
                  label="pipeline per core")
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xticks(list(sizes))
        axes.set_xticklabels(["{:,}".format(s) for s in sizes])
        axes.set_xlabel("input size (events)")
        axes.set_ylabel("events per second (log)")
        axes.set_title(title, fontsize=10)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
    finally:
        pyplot.close(figure)
    return Path(path)


def history_chart(
    path: Path,
    days: Sequence[int],
    seconds: Sequence[float],
    mb_read: Sequence[float],
    mb_raw: Sequence[float],
    title: str,
    seconds_fit: tuple[float, float] | None = None,
    mb_read_fit: tuple[float, float] | None = None,
) -> Path:
    """Write a two-panel PNG: seconds, then MB read (and raw MB) per run against the day index.

    ``*_fit`` are ``(slope, intercept)`` of a least-squares line drawn dashed.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import MaxNLocator

    figure, (top, bottom) = pyplot.subplots(2, 1, sharex=True, figsize=(7, 6), dpi=100)
    try:
        top.plot(days, seconds, "o-", markersize=3, label="pipeline seconds")
        _fit_line(top, days, seconds_fit, "%.2f s per day")
        top.set_ylabel("seconds per run")
        top.set_ylim(bottom=0)
        top.set_title(title, fontsize=10)
        bottom.plot(days, mb_read, "s-", markersize=3, label="MB read by the run's jobs")
        bottom.plot(days, mb_raw, "^-", markersize=3, alpha=0.7, label="MB of the day's raw landing")
        _fit_line(bottom, days, mb_read_fit, "%.2f MB per day")
        bottom.set_ylabel("megabytes (10^6 bytes)")
        bottom.set_ylim(bottom=0)
        bottom.set_xlabel("day of history (runs into one warehouse, in date order)")
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        for axes in (top, bottom):
            axes.grid(True, alpha=0.3)
            axes.legend(fontsize=8, loc="upper left")
        figure.tight_layout()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
    finally:
        pyplot.close(figure)
    return Path(path)


def _fit_line(axes: Any, days: Sequence[int], fit: tuple[float, float] | None, label: str) -> None:
    if fit is None or not days:
        return
    slope, intercept = fit
    ends = [min(days), max(days)]
    axes.plot(ends, [intercept + slope * day for day in ends], "--", color="gray",
              label="least-squares fit: " + label % slope)
