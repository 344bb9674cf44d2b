"""`kickback hive` end to end against the real HiveServer2."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kickback.commands.hive import hive as hive_group
from tests.integration.conftest_hive import event

DAY = "2026-05-04"


def invoke(settings, *args):
    return CliRunner().invoke(hive_group, list(args), obj=settings)


def test_init_register_query_and_errors(settings, hive_cursor, warehouse):
    warehouse.partition("events", DAY, [
        event("c1", DAY + "T01:00:00.000Z", DAY),
        event("c2", "2026-05-03T23:00:00.000Z", DAY),
    ], hour="01")

    assert invoke(settings, "init").exit_code == 0
    registered = invoke(settings, "register", "--date", DAY)
    shown = invoke(settings, "query", "late_share", "-p", "start_dt=2026-05-03", "-p", "end_dt=" + DAY,
                   "--format", "json")
    table = invoke(settings, "query", "late_share", "-p", "start_dt=2026-05-03", "-p", "end_dt=" + DAY)
    failed = invoke(settings, "sql", "SELECT no_such_column FROM events")

    assert registered.exit_code == 0, registered.output
    assert "events_dedup rebuilt for event day(s): 2026-05-03, 2026-05-04" in registered.output
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == [
        {"event_dt": "2026-05-03", "events": 1, "late_events": 1, "late_share": 1.0},
        {"event_dt": DAY, "events": 1, "late_events": 0, "late_share": 0.0},
    ]
    assert table.output.splitlines()[0].split() == ["event_dt", "events", "late_events", "late_share"]
    assert failed.exit_code == 1
    assert len(failed.output.strip().splitlines()) == 1
    assert "no_such_column" in failed.output
    assert "Traceback" not in failed.output
