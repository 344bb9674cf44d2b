"""mrjob command-line arguments for each runner, from Settings.

The jobs themselves know nothing of runners; this module turns the one
configuration into mrjob switches so that the same job runs inline, local,
on the local stack's real Hadoop streaming, or on a cluster (an mrjob.conf
given by ``mrjob_conf`` carries the cluster's settings).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kickback.config import ConfigError, Settings
from stack.hadoop import streaming_jar
from stack.paths import StackPaths


def runner_args(settings: Settings, runner: str, scratch: Path) -> list[str]:
    """The mrjob switches that select and configure ``runner``."""
    args = ["-r", runner]
    if settings.mrjob_conf:
        if not Path(settings.mrjob_conf).is_file():
            raise ConfigError("mrjob_conf %s does not exist" % settings.mrjob_conf)
        args += ["-c", settings.mrjob_conf]
    else:
        args += ["--no-conf"]
    if runner in ("inline", "local"):
        args += ["--local-tmp-dir", str(scratch)]
    if runner == "local":
        # Tasks run this interpreter, which has mrjob installed: importing
        # it from a fresh zip in every task would only add start-up time.
        args += ["--python-bin", sys.executable, "--no-bootstrap-mrjob"]
    if runner == "hadoop":
        hadoop_bin, jar = hadoop_paths(settings)
        args += [
            "--hadoop-bin", hadoop_bin,
            "--hadoop-streaming-jar", jar,
            "--hadoop-tmp-dir", (scratch / "hadoop").resolve().as_uri(),
            "--local-tmp-dir", str(scratch),
            "--python-bin", sys.executable,
            "--task-python-bin", sys.executable,
        ]
        if not settings.hadoop_bin:
            # The local stack's tasks run this interpreter (mrjob installed).
            args += ["--no-bootstrap-mrjob"]
    return args


def hadoop_paths(settings: Settings) -> tuple[str, str]:
    """The hadoop launcher and streaming jar: configured, else the local stack's."""
    paths = StackPaths.under(settings.stack_dir)
    hadoop_bin = settings.hadoop_bin or str(paths.hadoop_bin)
    jar = settings.hadoop_streaming_jar
    if not jar:
        jars = sorted(paths.jars("hadoop").glob("*.jar"))
        if not jars:
            raise ConfigError(
                "no hadoop streaming jar: run `kickback stack up` or set KICKBACK_HADOOP_STREAMING_JAR"
            )
        jar = str(streaming_jar(jars))
    if not Path(hadoop_bin).exists() and not settings.hadoop_bin:
        raise ConfigError("no hadoop launcher at %s: run `kickback stack up` first" % hadoop_bin)
    return hadoop_bin, jar
