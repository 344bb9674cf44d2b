"""The ``hadoop`` launcher that mrjob's hadoop runner calls.

mrjob needs only ``hadoop version``, ``hadoop fs ...`` and ``hadoop jar``;
each maps to the Hadoop class that implements it, run from the stack's jars
with the local-mode configuration (local filesystem, LocalJobRunner), or,
in the cluster profile, with the cluster's client configuration
(``stack.cluster.conf.launcher_options``).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Sequence

from stack.conf import write_if_changed
from stack.java import JDK17_FLAGS
from stack.paths import StackPaths

LAUNCHER = """\
#!/bin/sh
# The `hadoop` command of the KickBack local stack (written by
# `kickback stack up`): Hadoop {version_hint} {mode}.
JAVA={java}
CP={classpath}
OPTS={opts}
case "$1" in
  version) shift; exec "$JAVA" $OPTS -cp "$CP" org.apache.hadoop.util.VersionInfo "$@" ;;
  fs|dfs) shift; exec "$JAVA" $OPTS -cp "$CP" org.apache.hadoop.fs.FsShell "$@" ;;
  jar)
    # Local mode links the job's -files into the current folder: give every
    # job a fresh one so that two jobs never share it.
    shift
    WORK=$(mktemp -d "${{TMPDIR:-/tmp}}/kickback-hadoop-job.XXXXXX") || exit 1
    cd "$WORK" || exit 1
    "$JAVA" $OPTS -cp "$CP" org.apache.hadoop.util.RunJar "$@"
    RC=$?
    cd / && rm -rf "$WORK"
    exit $RC ;;
  classpath) echo "$CP" ;;
  *) echo "hadoop: '$1' is not supported by the local stack launcher (version, fs, jar, classpath)" >&2; exit 1 ;;
esac
"""


def streaming_jar(jars: list[Path]) -> Path:
    """The hadoop-streaming jar among the bundle's jars."""
    for jar in jars:
        if jar.name.startswith("hadoop-streaming-"):
            return jar
    raise FileNotFoundError("hadoop-streaming jar missing from the hadoop bundle")


def write_launcher(paths: StackPaths, java: Path, jars: list[Path], heap: str = "1g",
                   conf_dir: Path | None = None, extra_opts: Sequence[str] = (),
                   mode: str = "in local mode") -> Path:
    """Write (or refresh) the launcher script; return its path.

    ``conf_dir`` replaces the local-mode configuration folder, ``extra_opts``
    are added JVM flags, ``mode`` is said in the script's header.
    """
    classpath = ":".join([str(conf_dir or paths.conf / "hadoop"), str(paths.jars("hadoop") / "*")])
    opts = " ".join(["-Xmx" + heap, *extra_opts, "-Dhadoop.log.dir=" + str(paths.logs)] + list(JDK17_FLAGS[1:]))
    version = streaming_jar(jars).name[len("hadoop-streaming-"):-len(".jar")]
    text = LAUNCHER.format(
        version_hint=version,
        mode=mode,
        java=shlex.quote(str(java)),
        classpath=shlex.quote(classpath),
        opts=shlex.quote(opts),
    )
    write_if_changed(paths.hadoop_bin, text)
    paths.hadoop_bin.chmod(0o755)
    return paths.hadoop_bin
