"""HBase's own write benchmark, PerformanceEvaluation, as the loader's yardstick.

PE lives in the hbase-mapreduce *tests* jar, which ``bench/maven/pom.xml``
fetches (tried by hand: ``--nomapred ... randomWrite`` needs no other test
jar, not even those of hbase-common, hbase-server or hbase-zookeeper;
everything else is on the stack's HBase classpath). It is run as
``PerformanceEvaluation --nomapred --rows=N --valueSize=V [--columns=C]
--presplit=R --table=T randomWrite 1``: one client thread, a BufferedMutator
(autoFlush off), into a fresh table pre-split into R regions. Its rate is
rows per second over its timed write loop (JVM start and table creation
excluded), read from its own summary line.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hbase_schema.jvm import JavaTools, run_tool

logger = logging.getLogger(__name__)

PE_CLASS = "org.apache.hadoop.hbase.PerformanceEvaluation"
POM = Path(__file__).resolve().parent / "maven" / "pom.xml"
_TPS = re.compile(r"\[\s*Avg TPS/QPS\]\s+([0-9.]+)\s+row per second")
_TIMINGS = re.compile(r"Summary of timings \(ms\): \[([0-9, ]+)\]")
_FINISHED = re.compile(r"Finished TestClient-\d+ in (\d+)ms over (\d+) rows")


class PeUnavailable(RuntimeError):
    """PerformanceEvaluation's jars could not be had, or PE did not run."""


def pe_args(rows: int, value_size: int, table: str, *, columns: int = 1, regions: int = 16) -> list[str]:
    """PE's arguments for a one-thread random write of ``rows`` rows."""
    if rows < 1 or value_size < 1 or columns < 1 or regions < 1:
        raise ValueError("rows, value_size, columns and regions must be at least 1")
    return ["--nomapred", "--rows=%d" % rows, "--valueSize=%d" % value_size,
            "--columns=%d" % columns, "--presplit=%d" % regions, "--table=%s" % table,
            "randomWrite", "1"]


def parse_output(text: str) -> dict[str, Any]:
    """Rows, milliseconds and rows/s from PE's log; PeUnavailable without a summary."""
    finished = _FINISHED.findall(text)
    tps = _TPS.search(text)
    if not finished:
        raise PeUnavailable("PerformanceEvaluation printed no summary")
    millis = sum(int(ms) for ms, _ in finished)
    rows = sum(int(n) for _, n in finished)
    timings = _TIMINGS.search(text)
    result = {"rows": rows, "ms": millis,
              "rows_per_s": float(tps.group(1)) if tps else (rows * 1000.0 / millis if millis else 0.0)}
    if timings:
        result["timings_ms"] = [int(v) for v in timings.group(1).replace(" ", "").split(",") if v]
    return result


def ensure_jars(lib_dir: Path, mvn: str | None = None, pom: Path = POM) -> list[Path]:
    """The PE test jars in ``lib_dir``, fetched with Maven unless the pom is unchanged."""
    lib_dir = Path(lib_dir)
    stamp = lib_dir / ".pom.sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text() == digest and list(lib_dir.glob("*.jar"))):
        mvn = mvn or shutil.which("mvn")
        if not mvn:
            raise PeUnavailable("Maven (mvn) is not installed")
        staging = lib_dir.with_name(lib_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        done = subprocess.run(
            [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", "-Djars.dir=%s" % staging],
            capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            lines = [line for line in (done.stdout + done.stderr).splitlines() if "ERROR" in line]
            raise PeUnavailable("Maven could not fetch the PE test jars: %s"
                                % (lines[0][:300] if lines else "exit %d" % done.returncode))
        shutil.rmtree(lib_dir, ignore_errors=True)
        staging.rename(lib_dir)
        stamp.write_text(digest)
    jars = sorted(lib_dir.glob("*.jar"))
    if not jars:
        raise PeUnavailable("no PE test jars in %s" % lib_dir)
    return jars


def run_pe(tools: JavaTools, jars: list[Path], args: list[str], log_file: Path,
           timeout_s: float = 900) -> dict[str, Any]:
    """Run PE with the test jars first on the classpath; return ``parse_output`` of its log."""
    with_jars = JavaTools(tools.java, tools.classpath, tools.conf_dir, tools.jvm_flags, "1g",
                          tuple(jars))
    output = run_tool(with_jars, PE_CLASS, args, log_file=log_file, timeout_s=timeout_s)
    return parse_output(output)
