"""The landing day on the command line, shared by every ``kickback`` command that takes one.

An option of type ``DAY`` hands its command a ``datetime.date``, parsed by
``kickback.landing.parse_day``; a bad value is one usage error naming the
option (exit status 2) before the command starts. The day becomes text only
where text is the contract, through ``day_text``: a ``dt`` partition value,
or a YYYY-MM-DD value a library parses itself.
"""

from __future__ import annotations

import datetime as dt

import click

from kickback.landing import LandingError, parse_day


class Day(click.ParamType):
    """A YYYY-MM-DD option value as a ``datetime.date``."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        # A date already (a callable default, a caller's value) passes; a datetime is no day.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return parse_day(value)
        except LandingError as exc:
            self.fail(str(exc), param, ctx)


DAY = Day()


def yesterday_utc() -> dt.date:
    """The default landing day: yesterday in UTC."""
    return dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)


def day_text(day: dt.date) -> str:
    """The day where text is the contract: a ``dt`` partition value, a YYYY-MM-DD parameter."""
    return day.isoformat()
