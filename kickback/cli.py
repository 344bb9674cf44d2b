"""The ``kickback`` console script: one click group, one subgroup per concern.

Subcommand modules are imported only when their command runs, so a broken
optional dependency of one concern cannot break the others, and
``kickback --help`` stays fast.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from kickback.config import ConfigError, Settings

# name -> (module, attribute, one-line help)
SUBCOMMANDS = {
    "stack": ("kickback.commands.stack", "stack_group", "Start, stop and check the local stack."),
    "generate": ("kickback.commands.generate", "generate", "Write synthetic device-log landings."),
    "pipeline": ("kickback.commands.pipeline", "pipeline", "Validate, deduplicate and roll up landings."),
    "hbase": ("kickback.commands.hbase", "hbase", "Create, describe and load the HBase tables."),
    "hive": ("kickback.commands.hive", "hive", "Create Hive tables, register partitions, run queries."),
    "api": ("kickback.commands.api", "api", "Serve the lookup API."),
    "run": ("kickback.commands.run", "run", "The main job: every stage end to end."),
}


class ConfigProblem(click.ClickException):
    """A setting that cannot be used: one line on stderr, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo("kickback: configuration error: %s" % self.format_message(), err=True, file=file)


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use.

    A ``ConfigError`` from any subcommand ends as a ``ConfigProblem``.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attr, _ = SUBCOMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """KickBack device analytics."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        ctx.obj = Settings.load()
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


def run() -> None:
    """Entry point of the console script."""
    try:
        main(prog_name="kickback")
    except ConfigError as exc:
        click.echo("kickback: configuration error: %s" % exc, err=True)
        sys.exit(2)
