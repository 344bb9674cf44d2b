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


def test_hadoop_runner_points_at_the_stack_or_says_to_start_it(tmp_settings, tmp_path):
    with pytest.raises(ConfigError, match="kickback stack up"):
        runner_args(tmp_settings, "hadoop", tmp_path)
    jar = tmp_settings.stack_dir / "lib" / "hadoop" / "hadoop-streaming-3.4.2.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    launcher = tmp_settings.stack_dir / "bin" / "hadoop"
    launcher.parent.mkdir(parents=True)
    launcher.touch()
    args = runner_args(tmp_settings, "hadoop", tmp_path)
    assert args[args.index("--hadoop-streaming-jar") + 1] == str(jar.resolve())
    assert args[args.index("--hadoop-tmp-dir") + 1].startswith("file:///")


def test_a_missing_mrjob_conf_is_an_error(tmp_settings, tmp_path):
    settings = tmp_settings.replace(mrjob_conf=str(tmp_path / "nope.conf"))
    with pytest.raises(ConfigError, match="nope.conf does not exist"):
        runner_args(settings, "emr", tmp_path)
