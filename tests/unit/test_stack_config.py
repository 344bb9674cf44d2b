"""The stack's own configuration: built from Settings in one place, and the only way settings reach the stack."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

import stack
from kickback.cli import main
from kickback.commands.stack import stack_config
from kickback.config import Settings
from stack.config import StackConfig

STACK_SOURCES = sorted(Path(stack.__file__).parent.rglob("*.py"))


def test_every_field_is_the_setting_of_its_name(tmp_settings):
    settings = tmp_settings.replace(hbase_zk_port=12181, hive_heap="768m", stack_profile="cluster",
                                    hdfs_host="::1", api_port=18080, start_timeout_s=7)
    config = stack_config(settings)
    copied = {spec.name: getattr(config, spec.name) for spec in dataclasses.fields(StackConfig)}
    del copied["api_keys"]
    assert copied == {name: getattr(settings, name) for name in copied}
    # Settings' derived values come along as they are.
    assert config.stack_dir == settings.stack_dir == settings.var_dir / "stack"
    assert config.hdfs_uri == "hdfs://[::1]:8020"


def test_the_stack_gets_only_what_it_reads(tmp_settings):
    names = {spec.name for spec in dataclasses.fields(StackConfig)}
    assert {"hbase_table_prefix", "warehouse_dir", "landing_dir", "runner", "hive_database",
            "api_workers"}.isdisjoint(names)
    assert len(names) < len(dataclasses.fields(Settings))


def test_api_keys_arrive_as_a_list_without_blanks_and_are_never_shown(tmp_settings):
    config = stack_config(tmp_settings.replace(api_keys=" k1, ,k2 "))
    assert config.api_keys == ("k1", "k2")
    assert "k1" not in repr(config)
    assert stack_config(tmp_settings).api_keys == ()


def test_the_config_is_frozen(tmp_settings):
    config = stack_config(tmp_settings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.hbase_thrift_port = 1  # type: ignore[misc]


def _imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_stack_module_imports_the_top_floor():
    assert len(STACK_SOURCES) > 10
    upward = {str(path): name for path in STACK_SOURCES for name in _imported_modules(path)
              if name == "kickback" or name.startswith("kickback.")}
    assert upward == {}


def test_the_stack_commands_hand_the_stack_a_stack_config(clean_env, tmp_path, mocker):
    clean_env.setenv("KICKBACK_HIVE_PORT", "10123")
    down = mocker.patch("stack.control.down", return_value=["hbase"])
    result = CliRunner().invoke(main, ["stack", "down"])
    assert result.exit_code == 0, result.output
    config = down.call_args.args[0]
    assert isinstance(config, StackConfig)
    assert (config.stack_dir, config.hive_port) == (tmp_path / "var" / "stack", 10123)
