"""mrjob command-line arguments for each runner, from Settings.

The jobs themselves know nothing of runners; this module turns the one
configuration into mrjob switches so that the same job runs inline, local,
on the stack's real Hadoop (streaming in local mode, or YARN in the
cluster profile), or on a cluster (an mrjob.conf given by ``mrjob_conf``
carries the cluster's settings).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from kickback.config import ConfigError, Settings
from kickback.jobjar import JobJarError, output_format_jar
from stack.hadoop import streaming_jar
from stack.paths import StackPaths

# mrjob's runners that run tasks on this machine, reading local files.
SIM_RUNNERS = ("inline", "local")
# Runners that run Hadoop streaming, with the jobs' Java output format.
CLUSTER_RUNNERS = ("hadoop", "emr", "dataproc")
_CLOUD_RUNNERS = ("emr", "dataproc")


def runner_args(settings: Settings, runner: str, scratch: Path, cluster_tmp: str | None = None) -> list[str]:
    """The mrjob switches that select and configure ``runner``.

    ``scratch`` is a local folder of the run; ``cluster_tmp`` the URI where
    cluster runners keep the run's job files (for the hadoop runner, a
    folder of ``scratch`` when not given: mrjob's own default is in HDFS).
    """
    args = ["-r", runner]
    if settings.mrjob_conf:
        if not Path(settings.mrjob_conf).is_file():
            raise ConfigError("mrjob_conf %s does not exist" % settings.mrjob_conf)
        args += ["-c", settings.mrjob_conf]
    else:
        args += ["--no-conf"]
    args += ["--local-tmp-dir", str(scratch)]
    if runner == "local":
        # Tasks run this interpreter, which has mrjob installed: importing
        # it from a fresh zip in every task would only add start-up time.
        args += ["--python-bin", sys.executable, "--no-bootstrap-mrjob"]
        if sys.version_info < (3, 12):
            # mrjob imports distutils.version; with setuptools installed that
            # is setuptools' copy, which imports pkg_resources: about 0.12 s
            # of every task's start, for a module the standard library has.
            args += ["--cmdenv", "SETUPTOOLS_USE_DISTUTILS=stdlib"]
    if runner in CLUSTER_RUNNERS:
        # The driver listed every input already; mrjob would run one
        # `hadoop fs -ls` (a JVM) per input to check them again.
        args += ["--no-check-input-paths", "--libjars", str(_jobs_jar(settings))]
    if runner == "hadoop":
        hadoop_bin, jar = hadoop_paths(settings)
        args += [
            "--hadoop-bin", hadoop_bin,
            "--hadoop-streaming-jar", jar,
            "--python-bin", sys.executable,
            "--task-python-bin", sys.executable,
        ]
        args += ["--hadoop-tmp-dir", cluster_tmp or (scratch / "hadoop").resolve().as_uri()]
        if not settings.hadoop_bin:
            # The stack's tasks run this interpreter (mrjob installed); its
            # YARN keeps task logs where mrjob looks for tracebacks.
            paths = StackPaths.under(settings.stack_dir)
            args += ["--no-bootstrap-mrjob", "--hadoop-log-dirs", str(paths.logs)]
            if settings.stack_profile == "cluster":
                # Small jobs run inside their ApplicationMaster: one container
                # start per step instead of one per task.
                args += ["--jobconf", "mapreduce.job.ubertask.enable=true"]
    if runner in _CLOUD_RUNNERS and cluster_tmp:
        args += ["--cloud-tmp-dir", cluster_tmp]
    return args


def job_code_zip(folder: Path) -> Path:
    """The packages the jobs import (``mapreduce``, ``warehouse.layout``), zipped for tasks.

    Tasks import them from this zip, so they need no installed copy of the
    project (cluster nodes have none). Each module is in it as source and
    compiled by this interpreter: tasks that run it (local, the stack's
    Hadoop) load the compiled module instead of compiling the source again
    at every task's start; another interpreter falls back to the source.
    """
    root = Path(__file__).resolve().parent.parent
    target = folder / "kickback-jobs.zip"
    sources = [("mapreduce", path) for path in sorted((root / "mapreduce").glob("*.py"))]
    sources.append(("warehouse", root / "warehouse" / "layout.py"))
    with zipfile.PyZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for package, source in sources:
            archive.write(source, "%s/%s" % (package, source.name))
            archive.writepy(str(source), package)
        # warehouse/__init__ is left empty: tasks need the layout only.
        archive.writestr("warehouse/__init__.py", "")
    return target


def task_code_args(runner: str, code_zip: Path) -> list[str]:
    """The mrjob switches that give ``runner``'s tasks the jobs' code zip."""
    if runner == "inline":
        return []  # the job runs in this process
    if runner == "local":
        # Tasks run on this machine and read the zip where it is. --py-files
        # would wrap every task in a setup script that starts one more
        # interpreter, only to take a lock.
        return ["--cmdenv", "PYTHONPATH=%s" % code_zip]
    return ["--py-files", str(code_zip)]


def _jobs_jar(settings: Settings) -> Path:
    """The jobs' output format jar, built against the stack's (or the given) Hadoop."""
    hadoop_bin, _ = hadoop_paths(settings)
    try:
        return output_format_jar(settings.var_dir, hadoop_bin)
    except JobJarError as exc:
        raise ConfigError(str(exc)) from None


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
