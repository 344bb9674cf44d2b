"""Java detection, Maven error reporting, rendered configs and the hadoop launcher."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kickback.commands.stack import stack_config
from stack import conf, hadoop, jars, java
from stack.errors import StackError
from stack.paths import StackPaths


@pytest.mark.parametrize(
    "output, major",
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21" 2023-09-19', 21),
    ],
)
def test_parse_java_major(output, major):
    assert java.parse_java_major(output) == major


def test_unparsable_java_version_is_a_clear_error():
    with pytest.raises(StackError, match="cannot tell the Java version"):
        java.parse_java_major("command not found")


def test_old_java_is_refused(mocker):
    mocker.patch.object(java, "java_major", return_value=8)
    with pytest.raises(StackError, match="Java 8 .* is too old"):
        java.check_java(Path("/usr/bin/java"))


def test_missing_java_is_one_line(mocker, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    mocker.patch("shutil.which", return_value=None)
    with pytest.raises(StackError, match="no Java found"):
        java.find_java()


def test_maven_failure_reports_its_error_line(tmp_path, mocker):
    paths = StackPaths.under(tmp_path)
    mocker.patch("shutil.which", return_value="/usr/bin/mvn")
    mocker.patch(
        "subprocess.run",
        return_value=subprocess.CompletedProcess(
            [], 1, stdout="[INFO] x\n[ERROR] Could not resolve dependencies for project x\n", stderr=""
        ),
    )
    with pytest.raises(StackError, match="Maven could not resolve the hbase jars: Could not resolve"):
        jars.ensure_jars(paths, "hbase")


def test_jars_are_not_fetched_again_when_the_pom_is_unchanged(tmp_path, mocker):
    paths = StackPaths.under(tmp_path)
    target = paths.jars("hbase")
    target.mkdir(parents=True)
    (target / "a.jar").write_bytes(b"")
    (target / ".pom.sha256").write_text(jars.pom_digest(paths.pom("hbase")))
    run = mocker.patch("subprocess.run")
    assert jars.ensure_jars(paths, "hbase") == [target / "a.jar"]
    run.assert_not_called()


def test_hbase_site_binds_loopback_and_keeps_data_under_the_stack(tmp_settings):
    paths = StackPaths.under(tmp_settings.stack_dir)
    site = conf.hbase_site(stack_config(tmp_settings), paths)
    assert site["hbase.zookeeper.quorum"] == "127.0.0.1"
    assert site["hbase.rootdir"].startswith((paths.data / "hbase").as_uri())
    assert site["hbase.unsafe.stream.capability.enforce"] == "false"


def test_site_xml_escapes_values():
    xml = conf.site_xml({"a": "x<y&z"})
    assert "<value>x&lt;y&amp;z</value>" in xml


def test_write_if_changed_reports_changes(tmp_path):
    path = tmp_path / "f.xml"
    assert conf.write_if_changed(path, "one") is True
    assert conf.write_if_changed(path, "one") is False
    assert conf.write_if_changed(path, "two") is True


def test_launcher_maps_mrjob_commands(tmp_path):
    paths = StackPaths.under(tmp_path)
    paths.make_dirs()
    jar = paths.jars("hadoop") / "hadoop-streaming-3.4.2.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"")
    script = hadoop.write_launcher(paths, Path("/usr/bin/java"), [jar]).read_text()
    assert "org.apache.hadoop.util.VersionInfo" in script
    assert "org.apache.hadoop.fs.FsShell" in script
    assert "org.apache.hadoop.util.RunJar" in script
    assert "Hadoop 3.4.2" in script


def test_unsupported_launcher_command_fails(tmp_path):
    paths = StackPaths.under(tmp_path)
    paths.make_dirs()
    jar = tmp_path / "hadoop-streaming-3.4.2.jar"
    launcher = hadoop.write_launcher(paths, Path("/usr/bin/java"), [jar])
    result = subprocess.run([str(launcher), "namenode"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not supported" in result.stderr
