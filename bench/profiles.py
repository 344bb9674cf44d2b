"""pyinstrument profiles of the yardstick and of one pipeline job run inline.

The text of each profile (its top lines) is saved next to the results so
the report can say what bounds the rate: the per-line parse, the job's
per-record work, or what surrounds them.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.parse_only import parse_files

logger = logging.getLogger(__name__)

TOP_LINES = 70


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise RuntimeError("pyinstrument is not installed: pip install -e '.[bench]'") from None
    return Profiler(interval=0.001)


def _save(profiler: Any, path: Path, header: str) -> str:
    """Write the top of the call tree (library frames folded) under ``header``."""
    tree = profiler.output_text(unicode=False, color=False)
    text = "\n".join([header.rstrip(), "", "Call tree, top %d lines:" % TOP_LINES, "",
                      *tree.splitlines()[:TOP_LINES], ""])
    Path(path).write_text(text)
    return text


def profile_yardstick(files: Sequence[Path], path: Path) -> dict[str, Any]:
    """Profile the parse-only loop over ``files``; save the top of the profile to ``path``."""
    profiler = _profiler()
    profiler.start()
    counts = parse_files(files)
    profiler.stop()
    _save(profiler, path, "# pyinstrument: yardstick (parse_line over %d lines, one process)"
          % counts["read"])
    return {"lines": counts["read"], "seconds": counts["seconds"], "file": Path(path).name}


def profile_inline_validate(files: Sequence[Path], path: Path, tmp_root: Path) -> dict[str, Any]:
    """Profile MRValidateEvents on ``files`` with mrjob's inline runner (one process)."""
    from mapreduce.mr_validate_events import MRValidateEvents

    tmp_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="profile-", dir=tmp_root))
    job = MRValidateEvents(["-r", "inline", "--no-conf", "--local-tmp-dir", str(scratch)]
                           + [str(Path(f).resolve()) for f in files])
    profiler = _profiler()
    rows = 0
    try:
        started = time.perf_counter()
        profiler.start()
        with job.make_runner() as runner:
            runner.run()
            for _ in job.parse_output(runner.cat_output()):
                rows += 1
        profiler.stop()
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _save(profiler, path, "# pyinstrument: MRValidateEvents, inline runner, %d input files, %d output rows"
          % (len(files), rows))
    return {"files": len(files), "output_rows": rows, "seconds": seconds, "file": Path(path).name}
