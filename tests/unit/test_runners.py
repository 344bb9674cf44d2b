"""mrjob switches per runner."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from kickback.config import ConfigError
from kickback.runners import job_code_zip, runner_args, task_code_args


def test_local_runner_uses_this_interpreter(tmp_settings, tmp_path):
    args = runner_args(tmp_settings, "local", tmp_path)
    assert args[:3] == ["-r", "local", "--no-conf"]
    assert args[args.index("--python-bin") + 1] == sys.executable


def test_hadoop_runner_points_at_the_stack_or_says_to_start_it(tmp_settings, tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="kickback stack up"):
        runner_args(tmp_settings, "hadoop", tmp_path)
    built = tmp_path / "kickback-mapred-x.jar"
    monkeypatch.setattr("kickback.runners.output_format_jar", lambda var_dir, hadoop_bin: built)
    jar = tmp_settings.stack_dir / "lib" / "hadoop" / "hadoop-streaming-3.4.2.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    launcher = tmp_settings.stack_dir / "bin" / "hadoop"
    launcher.parent.mkdir(parents=True)
    launcher.touch()
    args = runner_args(tmp_settings, "hadoop", tmp_path, cluster_tmp="hdfs://nn:8020/tmp/run-1")
    assert args[args.index("--hadoop-streaming-jar") + 1] == str(jar.resolve())
    assert args[args.index("--hadoop-tmp-dir") + 1] == "hdfs://nn:8020/tmp/run-1"
    assert args[args.index("--libjars") + 1] == str(built)
    assert "--no-check-input-paths" in args
    assert "mapreduce.job.ubertask.enable=true" not in args   # local profile: no YARN
    # Without a cluster tmp the job files stay in the scratch folder (mrjob's
    # own default, hdfs:///user/..., has no NameNode in the local profile).
    args = runner_args(tmp_settings, "hadoop", tmp_path)
    assert args[args.index("--hadoop-tmp-dir") + 1] == (tmp_path / "hadoop").resolve().as_uri()


def test_the_cluster_profile_runs_small_jobs_in_uber_mode(tmp_settings, tmp_path, monkeypatch):
    monkeypatch.setattr("kickback.runners.output_format_jar", lambda var_dir, hadoop_bin: tmp_path / "x.jar")
    settings = tmp_settings.replace(stack_profile="cluster")
    jar = settings.stack_dir / "lib" / "hadoop" / "hadoop-streaming-3.4.2.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    (settings.stack_dir / "bin").mkdir(parents=True)
    (settings.stack_dir / "bin" / "hadoop").touch()
    args = runner_args(settings, "hadoop", tmp_path)
    assert args[args.index("--jobconf") + 1] == "mapreduce.job.ubertask.enable=true"


def test_a_missing_mrjob_conf_is_an_error(tmp_settings, tmp_path):
    settings = tmp_settings.replace(mrjob_conf=str(tmp_path / "nope.conf"))
    with pytest.raises(ConfigError, match="nope.conf does not exist"):
        runner_args(settings, "emr", tmp_path)


def test_the_local_runner_puts_the_jobs_code_on_the_tasks_path(tmp_path):
    code = tmp_path / "kickback-jobs.zip"
    # --py-files would wrap every task in a setup script that starts one more
    # interpreter to take a lock; local tasks can read the zip where it is.
    assert task_code_args("local", code) == ["--cmdenv", "PYTHONPATH=%s" % code]
    assert task_code_args("hadoop", code) == ["--py-files", str(code)]
    assert task_code_args("emr", code) == ["--py-files", str(code)]
    assert task_code_args("inline", code) == []


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="no distutils in the standard library")
def test_local_tasks_import_the_standard_librarys_distutils(tmp_settings, tmp_path):
    # mrjob imports distutils.version: setuptools' copy would import pkg_resources in every task.
    args = runner_args(tmp_settings, "local", tmp_path)
    assert ["--cmdenv", "SETUPTOOLS_USE_DISTUTILS=stdlib"] == args[args.index("--cmdenv"):][:2]
    assert "--cmdenv" not in runner_args(tmp_settings, "inline", tmp_path)


def test_the_jobs_code_zip_carries_compiled_modules_that_tasks_import(tmp_path):
    code = job_code_zip(tmp_path)
    names = set(zipfile.ZipFile(code).namelist())
    assert {"mapreduce/tsv.py", "mapreduce/tsv.pyc", "warehouse/layout.py", "warehouse/layout.pyc"} <= names
    script = "import mapreduce.mr_roll_up_days as job, mapreduce.tsv as tsv; print(tsv.__file__); print(job.__file__)"
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [str(code / "mapreduce" / "tsv.pyc"), str(code / "mapreduce" / "mr_roll_up_days.pyc")]
