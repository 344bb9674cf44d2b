"""The jobs' Java side: ``PartitionedTextOutputFormat``, compiled on first use.

The jobs' output format (``mapreduce/java``) is compiled with the JDK's
``javac`` against the classpath the ``hadoop`` command reports, into
``<var_dir>/lib/kickback-mapred-<hash>.jar``; the hash is of the sources, so
a changed source builds a new jar and an unchanged one is never rebuilt.
The jar goes to the hadoop runner as ``--libjars``.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

logger = logging.getLogger(__name__)

SOURCES = Path(__file__).resolve().parent.parent / "mapreduce" / "java"


class JobJarError(RuntimeError):
    """The output format could not be built."""


def output_format_jar(var_dir: Path, hadoop_bin: str, java: str | None = None) -> Path:
    """The jar holding the jobs' output format, built if needed."""
    sources = sorted(SOURCES.rglob("*.java"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]
    jar = Path(var_dir).resolve() / "lib" / ("kickback-mapred-%s.jar" % digest)
    if jar.exists():
        return jar
    classpath = _hadoop_classpath(hadoop_bin)
    javac = _javac(java)
    with tempfile.TemporaryDirectory(prefix="kickback-javac-") as work:
        classes = Path(work) / "classes"
        classes.mkdir()
        argv = [javac, "--release", "8", "-nowarn", "-d", str(classes), "-cp", classpath, *map(str, sources)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise JobJarError("cannot run javac (%s): %s; install a JDK 11+" % (javac, exc)) from None
        if done.returncode != 0:
            raise JobJarError("javac failed on %s: %s" % (SOURCES, (done.stderr or done.stdout).strip()[:400]))
        jar.parent.mkdir(parents=True, exist_ok=True)
        partial = jar.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(classes.rglob("*.class")):
                archive.write(path, path.relative_to(classes).as_posix())
        partial.replace(jar)
    logger.info("built %s", jar)
    return jar


def _hadoop_classpath(hadoop_bin: str) -> str:
    try:
        done = subprocess.run([hadoop_bin, "classpath"], capture_output=True, text=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JobJarError("cannot run `%s classpath`: %s" % (hadoop_bin, exc)) from None
    if done.returncode != 0 or not done.stdout.strip():
        raise JobJarError("`%s classpath` failed: %s" % (hadoop_bin, done.stderr.strip()[:300]))
    return done.stdout.strip().splitlines()[-1]


def _javac(java: str | None) -> str:
    if java:
        sibling = Path(java).resolve().with_name("javac")
        if sibling.exists():
            return str(sibling)
    found = shutil.which("javac")
    if not found:
        raise JobJarError("javac not found: install a JDK 11+ (the hadoop runner builds the jobs' output format)")
    return found
