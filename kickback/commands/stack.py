"""``kickback stack up|down|status``: the local services on 127.0.0.1."""

from __future__ import annotations

import sys
import time

import click

from stack import control, profile
from stack.cluster.conf import client_summary
from stack.errors import StackError
from stack.paths import StackPaths


@click.group("stack")
def stack_group() -> None:
    """Start, stop and check the local HBase, Hadoop and HiveServer2 stack."""


@stack_group.command("up")
@click.pass_obj
def up(settings) -> None:
    """Start every service (harmless when already up) and wait until it answers."""
    started = time.monotonic()
    try:
        rows = control.up(settings, say=lambda line: click.echo(line, err=True))
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    _print(rows)
    _print_clients(settings)
    click.echo("stack up in %.1f s" % (time.monotonic() - started), err=True)


@stack_group.command("down")
@click.pass_obj
def down(settings) -> None:
    """Stop exactly the processes `up` started; data is kept."""
    stopped = control.down(settings, say=lambda line: click.echo(line, err=True))
    if not stopped:
        click.echo("nothing was running", err=True)


@stack_group.command("status")
@click.pass_obj
def status(settings) -> None:
    """Print each service, its endpoint and whether it answers; exit 1 if one does not."""
    try:
        rows = control.status(settings)
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    _print(rows)
    _print_clients(settings)
    running = profile.running_profile(StackPaths.under(settings.stack_dir))
    if running not in (None, settings.stack_profile):
        click.echo("note: the %s profile is running here; set KICKBACK_STACK_PROFILE=%s to see it"
                   % (running, running), err=True)
    if not all(row.answers for row in rows):
        sys.exit(1)


def _print_clients(settings) -> None:
    """In the cluster profile: the file system and ResourceManager clients use."""
    if profile.is_cluster(settings):
        for line in client_summary(settings):
            click.echo(line)


def _print(rows) -> None:
    width = max(len(row.name) for row in rows)
    for row in rows:
        state = "answers" if row.answers else "DOWN"
        pid = "pid %d" % row.pid if row.pid else "-"
        click.echo("%-*s  %-7s  %-9s  %s" % (width, row.name, state, pid, row.endpoint))
        if row.detail and not row.answers:
            click.echo("%-*s  %s" % (width, "", row.detail))

