"""The pipeline's yardstick: read, parse and validate landing files, nothing else.

One process, one core: every line of every file goes through
``mapreduce.device_log.parse_line`` (the validation the pipeline's first job
does per line), with no dedupe, no shuffle and no output. Run as
``python -m bench.parse_only FILE...``; prints one JSON line of counts and
the loop's own seconds.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mapreduce.device_log import Rejection, landing_hour_from_path, parse_line
from mapreduce.utc import landing_hour_start_ms

logger = logging.getLogger(__name__)


def parse_files(paths: Iterable[Path]) -> dict[str, Any]:
    """Parse every line of ``paths``; return the counts and the loop's seconds."""
    counts = {"read": 0, "valid": 0, "rejected": 0, "files": 0}
    started = time.perf_counter()
    for path in paths:
        day, hour = landing_hour_from_path(str(path))
        start_ms = landing_hour_start_ms(day, hour)
        counts["files"] += 1
        with open(path, "rb") as lines:
            for line in lines:
                # mrjob hands the mapper each line without its newline.
                outcome = parse_line(line[:-1] if line.endswith(b"\n") else line, start_ms)
                if outcome is None:
                    continue
                counts["read"] += 1
                counts["rejected" if type(outcome) is Rejection else "valid"] += 1
    counts["seconds"] = time.perf_counter() - started
    return counts


def main(argv: list[str]) -> int:
    """Entry point: parse the files named in ``argv``, print the JSON result."""
    if not argv:
        sys.stderr.write("usage: python -m bench.parse_only FILE...\n")
        return 2
    sys.stdout.write(json.dumps(parse_files(Path(p) for p in argv)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
