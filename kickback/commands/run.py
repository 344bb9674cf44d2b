"""``kickback run``: the main job, every stage end to end on local defaults."""

from __future__ import annotations

import click

from stack import control
from stack.errors import StackError


@click.command("run")
@click.pass_obj
def run(settings) -> None:
    """Bring the local stack up and show its status (more stages follow)."""
    try:
        rows = control.up(settings, say=lambda line: click.echo(line, err=True))
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    for row in rows:
        click.echo("%-7s %s  %s" % (row.name, "answers" if row.answers else "DOWN", row.endpoint))
