"""``kickback stack up|down|status``: the local services on 127.0.0.1.

The stack never reads ``Settings``: ``stack_config`` hands it the
``StackConfig`` built from them, here and for ``kickback run``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import fields

import click

from kickback.config import Settings
from stack import control, profile
from stack.cluster.conf import client_summary
from stack.config import StackConfig
from stack.errors import StackError
from stack.paths import StackPaths


def stack_config(settings: Settings) -> StackConfig:
    """The stack's configuration: each field is the setting (or ``Settings`` property) of its name."""
    values = {spec.name: getattr(settings, spec.name) for spec in fields(StackConfig) if spec.name != "api_keys"}
    return StackConfig(api_keys=tuple(settings.api_key_list), **values)


@click.group("stack")
def stack_group() -> None:
    """Start, stop and check the local HBase, Hadoop and HiveServer2 stack."""


@stack_group.command("up")
@click.pass_obj
def up(settings: Settings) -> None:
    """Start every service (harmless when already up) and wait until it answers."""
    config = stack_config(settings)
    started = time.monotonic()
    try:
        rows = control.up(config, say=lambda line: click.echo(line, err=True))
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    _print(rows)
    _print_clients(config)
    click.echo("stack up in %.1f s" % (time.monotonic() - started), err=True)


@stack_group.command("down")
@click.pass_obj
def down(settings: Settings) -> None:
    """Stop exactly the processes `up` (and `kickback run`, the API) started; data is kept."""
    stopped = control.down(stack_config(settings), say=lambda line: click.echo(line, err=True))
    if not stopped:
        click.echo("nothing was running", err=True)


@stack_group.command("status")
@click.pass_obj
def status(settings: Settings) -> None:
    """Print each service, its endpoint and whether it answers; exit 1 if one does not."""
    config = stack_config(settings)
    try:
        rows = control.status(config)
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    _print(rows)
    _print_clients(config)
    running = profile.running_profile(StackPaths.under(config.stack_dir))
    if running not in (None, config.stack_profile):
        click.echo("note: the %s profile is running here; set KICKBACK_STACK_PROFILE=%s to see it"
                   % (running, running), err=True)
    if not all(row.answers for row in rows):
        sys.exit(1)


def _print_clients(config: StackConfig) -> None:
    """In the cluster profile: the file system and ResourceManager clients use."""
    if profile.is_cluster(config):
        for line in client_summary(config):
            click.echo(line)


def _print(rows) -> None:
    width = max(len(row.name) for row in rows)
    for row in rows:
        state = "answers" if row.answers else "DOWN"
        pid = "pid %d" % row.pid if row.pid else "-"
        click.echo("%-*s  %-7s  %-9s  %s" % (width, row.name, state, pid, row.endpoint))
        if row.detail and not row.answers:
            click.echo("%-*s  %s" % (width, "", row.detail))
