"""Finding Java and the flags HBase and Hadoop need on JDK 17."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from stack.errors import StackError

MIN_JAVA = 11

# What HBase's own launcher adds on JDK 11+ (bin/hbase, "add-opens").
JDK17_FLAGS = (
    "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true",
    "--add-modules", "jdk.unsupported",
    "--add-opens", "java.base/java.io=ALL-UNNAMED",
    "--add-opens", "java.base/java.nio=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens", "java.base/java.util=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens", "java.base/java.net=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports", "java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "--add-exports", "java.base/sun.net.dns=ALL-UNNAMED",
    "--add-exports", "java.base/sun.net.util=ALL-UNNAMED",
)


# What Hive and the MapReduce tasks it launches need on JDK 17: the broad
# set (/work/shared/CLUSTER_NOTES.md). The prototype's
# minimum (java.util for the metastore; java.lang, java.net, java.nio,
# java.util, java.util.concurrent.atomic, java.util.regex for HiveServer2)
# was found by running one flow and adding each package an
# InaccessibleObjectException named; other query shapes reflect elsewhere
# (Kryo plan serialisation, ORC and Parquet buffers, time zones).
JDK17_OPENS_BROAD = tuple(
    "--add-opens=%s=ALL-UNNAMED" % package for package in (
        "java.base/java.lang", "java.base/java.lang.invoke", "java.base/java.lang.reflect",
        "java.base/java.io", "java.base/java.net", "java.base/java.nio", "java.base/java.util",
        "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
        "java.base/java.util.regex", "java.base/java.time", "java.base/java.text",
        "java.sql/java.sql", "java.base/sun.nio.ch", "java.base/sun.nio.cs",
        "java.base/sun.security.action", "java.base/sun.util.calendar",
    )
)


def find_java() -> Path:
    """The ``java`` to use: $JAVA_HOME/bin/java, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return Path(home) / "bin" / "java"
    found = shutil.which("java")
    if not found:
        raise StackError(
            "no Java found: install OpenJDK 17 (apt-get install openjdk-17-jdk-headless) "
            "or set JAVA_HOME"
        )
    return Path(found)


def java_major(java: Path) -> int:
    """The major version of ``java`` (8, 11, 17, ...)."""
    out = subprocess.run(
        [str(java), "-version"], capture_output=True, text=True, check=False
    ).stderr
    return parse_java_major(out)


def parse_java_major(version_output: str) -> int:
    """Parse ``java -version`` output into a major version number."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        raise StackError("cannot tell the Java version from: %r" % version_output[:200])
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def check_java(java: Path) -> None:
    """Fail with one line unless ``java`` is recent enough."""
    major = java_major(java)
    if major < MIN_JAVA:
        raise StackError(
            "Java %d at %s is too old: HBase 2.6 here needs Java %d+ (17 recommended)"
            % (major, java, MIN_JAVA)
        )
