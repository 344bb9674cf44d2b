"""One measured pipeline run, as a child process of the benchmark.

``python -m bench.run_pipeline --landing DIR --warehouse DIR --date D
[--runner local]`` runs ``kickback.pipeline.run_pipeline`` on a landing day
with the stack's settings (``var_dir`` as configured) and prints one JSON
line: lines read, counters, rows written, each stage's seconds, the whole
call's seconds, the landing's bytes and the bytes every job read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time

from kickback.config import Settings
from kickback.pipeline import run_pipeline

logger = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    """Entry point: run the pipeline once, print the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.run_pipeline")
    # Paths or URIs (hdfs://... for the cluster benchmark).
    parser.add_argument("--landing", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--date", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--runner", default="local")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = Settings.load(landing_dir=args.landing, warehouse_dir=args.warehouse)
    started = time.perf_counter()
    report = run_pipeline(settings, args.date, input_root=args.landing, runner=args.runner,
                          say=lambda line: sys.stderr.write(line + "\n"))
    result = {
        "lines_read": report.lines_read,
        "counters": report.counters,
        "rows": report.rows,
        "stage_seconds": report.seconds,
        "seconds": time.perf_counter() - started,
        "input_bytes": report.input_bytes,
        "bytes_read": report.bytes_read,
        "event_days": report.event_days,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
