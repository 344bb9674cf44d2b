"""Pre-split tables at the salt boundaries with our small Java tool.

Thrift1 can create a table but not split it. HBase's own
``org.apache.hadoop.hbase.util.RegionSplitter`` does not fit either: ``-c``
creates the table itself with default families (no TTL, compression, bloom
filter or version limit, so the spec would have to be repeated in Java) and
refuses an existing table; ``-r`` splits existing regions at computed
midpoints, not at given keys, and waits for compactions between rounds. So
``hbase_schema/java/.../SplitTable.java`` calls ``Admin.splitRegionAsync`` at each
missing key of existing tables (all tables in one JVM, in parallel rounds)
and waits until the regions are online.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from hbase_schema.admin import Splitter
from hbase_schema.errors import LoadError
from hbase_schema.jvm import JavaTools, Runner, run_tool

logger = logging.getLogger(__name__)

MAIN_CLASS = "com.kickback.hbase.SplitTable"
SOURCE = Path(__file__).resolve().parent / "java" / "com" / "kickback" / "hbase" / "SplitTable.java"


def compile_split_tool(
    classpath: str,
    classes_dir: Path,
    java: str = "java",
    *,
    source: Path = SOURCE,
    run: Runner = subprocess.run,
) -> Path:
    """Compile SplitTable.java into ``classes_dir`` unless already up to date."""
    classes_dir = Path(classes_dir)
    target = classes_dir / "com" / "kickback" / "hbase" / "SplitTable.class"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    classes_dir.mkdir(parents=True, exist_ok=True)
    argv = [javac_for(java), "-nowarn", "-d", str(classes_dir), "-cp", classpath, str(source)]
    try:
        done = run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                   check=False)
    except OSError as exc:
        raise LoadError("cannot run javac (%s): %s; install a JDK 17" % (argv[0], exc)) from None
    if done.returncode != 0:
        raise LoadError("compiling %s failed: %s" % (source.name, (done.stdout or "")[-500:]))
    logger.info("compiled %s into %s", source.name, classes_dir)
    return target


def javac_for(java: str) -> str:
    """The javac next to ``java`` (same JDK), else the one on PATH."""
    path = Path(java)
    if path.parent != Path("."):
        sibling = path.with_name("javac")
        if sibling.exists():
            return str(sibling)
    return "javac"


def split_tables(
    plan: Mapping[str, Sequence[bytes]],
    tools: JavaTools,
    classes_dir: Path,
    *,
    timeout_s: int = 300,
    run: Runner = subprocess.run,
) -> str:
    """Split each table (full HBase name) at every key that does not start a region yet."""
    compile_split_tool(tools.classpath, classes_dir, tools.java, run=run)
    args = ["--timeout-seconds", str(timeout_s)]
    for table, split_keys in plan.items():
        args += ["--table", table, *(binary_string(key) for key in split_keys)]
    output = run_tool(tools.with_classes(classes_dir), MAIN_CLASS, args,
                      timeout_s=timeout_s + 120, run=run)
    logger.info("split %s", ", ".join("%s at %d keys" % (t, len(k)) for t, k in plan.items()))
    return output


def java_splitter(tools: JavaTools, classes_dir: Path, timeout_s: int = 300) -> Splitter:
    """A splitter for ``admin.create_tables`` that runs SplitTable."""
    def splitter(plan: dict[str, list[bytes]]) -> None:
        split_tables(plan, tools, classes_dir, timeout_s=timeout_s)
    return splitter


def binary_string(key: bytes) -> str:
    """A key in HBase's ``Bytes.toBytesBinary`` notation (``\\xNN`` escapes)."""
    return "".join(
        chr(byte) if 0x20 < byte < 0x7F and byte != 0x5C else "\\x%02X" % byte
        for byte in key
    )
