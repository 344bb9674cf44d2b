"""The pipeline throughput chart: events/s against input size, pipeline and yardstick."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

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
