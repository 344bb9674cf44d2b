"""Resolving the stack's jars from Maven Central with the repo's pom files.

Each bundle (``hbase``, ``hadoop``, ``hive``) has a pom under ``stack/maven/<bundle>``;
``mvn dependency:copy-dependencies`` copies its jars into the stack's lib
folder. A stamp holding the pom's hash makes the step a no-op when nothing
changed, so ``up`` twice downloads once.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

from stack.errors import StackError
from stack.paths import StackPaths

logger = logging.getLogger(__name__)

BUNDLES = ("hbase", "hadoop", "hive")


def pom_digest(pom: Path) -> str:
    """A hash of the pom: the jars must be fetched again when it changes."""
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def ensure_jars(paths: StackPaths, bundle: str, mvn: str | None = None) -> list[Path]:
    """Make sure ``bundle``'s jars are in place; return them, sorted."""
    target = paths.jars(bundle)
    stamp = target / ".pom.sha256"
    digest = pom_digest(paths.pom(bundle))
    if not (stamp.exists() and stamp.read_text() == digest):
        _copy_dependencies(paths, bundle, target, mvn)
        stamp.write_text(digest)
    jars = sorted(target.glob("*.jar"))
    if not jars:
        raise StackError("no jars in %s: delete it and run `kickback stack up` again" % target)
    return jars


def _copy_dependencies(paths: StackPaths, bundle: str, target: Path, mvn: str | None) -> None:
    mvn = mvn or shutil.which("mvn")
    if not mvn:
        raise StackError("Maven (mvn) is not installed: apt-get install maven")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    logger.info("resolving %s jars from Maven Central into %s", bundle, target)
    cmd = [
        mvn, "-q", "-B", "-f", str(paths.pom(bundle)),
        "dependency:copy-dependencies", "-Djars.dir=%s" % staging,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(
            "Maven could not resolve the %s jars: %s" % (bundle, _maven_reason(result.stdout + result.stderr))
        )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def _maven_reason(output: str) -> str:
    """The first useful ERROR line of Maven's output."""
    for line in output.splitlines():
        line = line.replace("\x1b[0m", "").strip()
        if line.startswith("[ERROR]") and len(line) > 10:
            return line[len("[ERROR]"):].strip()[:400]
    return output.strip()[-400:] or "unknown error"


def classpath(conf_dir: Path, jars: list[Path]) -> str:
    """A Java classpath: the configuration folder first, then the jars."""
    return ":".join([str(conf_dir)] + [str(jar) for jar in jars])
