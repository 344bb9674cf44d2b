"""mrjob switches per runner."""

from __future__ import annotations

import sys

import pytest

from kickback.config import ConfigError
from kickback.runners import runner_args


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
