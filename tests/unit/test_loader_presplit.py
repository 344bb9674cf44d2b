"""Pre-splitting through the Java tool and running JVM tools (no JVM here)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hbase_schema import jvm, presplit
from hbase_schema.errors import LoadError
from hbase_schema.jvm import JavaTools

TOOLS = JavaTools("/opt/jdk/bin/java", "/conf:/jars/*", None, ("-Dx=1",))


class Recorder:
    """Records commands; 'javac' writes the class file like the real one."""

    def __init__(self, returncode=0, output="SplitTable: t has 16 regions\n"):
        self.calls = []
        self.returncode = returncode
        self.output = output

    def __call__(self, argv, **kwargs):
        self.calls.append(argv)
        if Path(argv[0]).name == "javac":
            target = Path(argv[argv.index("-d") + 1]) / "com/kickback/hbase/SplitTable.class"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"\xca\xfe")
            return subprocess.CompletedProcess(argv, 0, "")
        return subprocess.CompletedProcess(argv, self.returncode, self.output)


def test_the_java_source_is_where_the_compiler_looks():
    assert presplit.SOURCE.exists()
    assert "class SplitTable" in presplit.SOURCE.read_text()


def test_split_compiles_once_then_runs_the_tool_with_the_keys(tmp_path):
    run = Recorder()
    for _ in range(2):
        presplit.split_tables({"kb_member_daily": [b"01", b"0f"], "kb_x": [b"02"]},
                              TOOLS, tmp_path, run=run)
    javac_calls = [c for c in run.calls if c[0].endswith("javac")]
    java_calls = [c for c in run.calls if c[0] == "/opt/jdk/bin/java"]
    assert len(javac_calls) == 1
    assert javac_calls[0][javac_calls[0].index("-cp") + 1] == "/conf:/jars/*"
    assert len(java_calls) == 2
    argv = java_calls[0]
    assert argv[argv.index("-cp") + 1] == "%s:/conf:/jars/*" % tmp_path
    assert argv[argv.index(presplit.MAIN_CLASS) + 1:] == [
        "--timeout-seconds", "300", "--table", "kb_member_daily", "01", "0f",
        "--table", "kb_x", "02"]


def test_a_changed_source_is_recompiled(tmp_path):
    run = Recorder()
    presplit.compile_split_tool("/cp", tmp_path, "java", run=run)
    target = tmp_path / "com/kickback/hbase/SplitTable.class"
    old = presplit.SOURCE.stat().st_mtime - 10
    os.utime(target, (old, old))
    presplit.compile_split_tool("/cp", tmp_path, "java", run=run)
    assert len(run.calls) == 2


def test_a_failing_split_is_a_load_error_with_the_tool_message(tmp_path):
    run = Recorder(returncode=1, output="INFO a\nSplitTable: timed out after 300s: x\n")
    with pytest.raises(LoadError, match="SplitTable failed .exit 1.: SplitTable: timed out"):
        presplit.split_tables({"kb_t": [b"01"]}, TOOLS, tmp_path, run=run)


def test_a_compile_error_is_reported(tmp_path):
    def failing(argv, **kwargs):
        return subprocess.CompletedProcess(argv, 1, "SplitTable.java:1: error: boom")

    with pytest.raises(LoadError, match="error: boom"):
        presplit.compile_split_tool("/cp", tmp_path, "java", run=failing)


def test_java_splitter_adapts_split_table_to_admin(tmp_path, mocker):
    split_tables = mocker.patch("hbase_schema.presplit.split_tables")
    presplit.java_splitter(TOOLS, tmp_path, timeout_s=9)({"kb_t": [b"01"]})
    split_tables.assert_called_once_with({"kb_t": [b"01"]}, TOOLS, tmp_path, timeout_s=9)


def test_binary_string_escapes_what_is_not_plain_printable():
    assert presplit.binary_string(b"0a") == "0a"
    assert presplit.binary_string(b"a b\\\x00\xff") == "a\\x20b\\x5C\\x00\\xFF"


def test_javac_comes_from_the_same_jdk_as_java(tmp_path):
    (tmp_path / "javac").touch()
    assert presplit.javac_for(str(tmp_path / "java")) == str(tmp_path / "javac")
    assert presplit.javac_for("java") == "javac"


def test_run_tool_reports_a_missing_java():
    tools = JavaTools("/nonexistent/java", "/cp")
    with pytest.raises(LoadError, match="cannot run /nonexistent/java"):
        jvm.run_tool(tools, "a.Main", [])


def test_last_error_prefers_exception_lines():
    output = "INFO ok\njava.io.IOException: no table\n\tat x.y(Z.java:1)\nINFO done\n"
    assert jvm.last_error(output) == "java.io.IOException: no table"
    assert jvm.last_error("") == "no output"
