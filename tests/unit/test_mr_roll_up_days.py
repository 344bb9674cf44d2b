"""MRRollUpDays through the inline runner: literal events in, literal rows out."""

from __future__ import annotations

import random

import pytest

from mapreduce.mr_roll_up_days import MRRollUpDays


def tsv_lines(text):
    """Literal TSV written with '|' for tabs, one row a line (blank lines skipped)."""
    return [line.strip().replace("|", "\t") for line in text.strip().splitlines() if line.strip()]


# EVENT_COLUMNS: event_id|device_id|device_type|event_type|member_id|event_time|event_dt|late|
# merchant_id|store_id|amount_cents|currency|points|battery_pct|temperature_c|humidity_pct|
# foot_traffic|app_version|os|source_file
RAW_INPUT_DAY_27 = tsv_lines(r"""
e01|phone-1|phone|app_open|m1|2026-11-27T08:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|3.1.0|ios-17|a.jsonl
e02|phone-1|phone|heartbeat|\N|2026-11-27T08:05:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|80.5|\N|\N|\N|3.1.1|ios-17.1|a.jsonl
e03|phone-1|phone|purchase|m1|2026-11-27T09:00:00.000Z|2026-11-27|false|mer-1|\N|1250|USD|12|\N|\N|\N|\N|\N|\N|a.jsonl
e04|phone-1|phone|purchase|m1|2026-11-27T09:30:00.000Z|2026-11-27|false|mer-2|\N|500|EUR|5|\N|\N|\N|\N|\N|\N|a.jsonl
e05|phone-1|phone|redeem|m1|2026-11-27T10:00:00.000Z|2026-11-27|false|mer-1|\N|\N|\N|10|\N|\N|\N|\N|\N|\N|a.jsonl
e06|phone-1|phone|checkin|m1|2026-11-27T11:00:00.000Z|2026-11-27|false|\N|st-1|\N|\N|\N|\N|\N|\N|\N|\N|\N|a.jsonl
e07|phone-1|phone|heartbeat|\N|2026-11-27T12:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|64|\N|\N|\N|\N|\N|a.jsonl
e08|pos-1|pos|purchase|m2|2026-11-27T09:00:00.000Z|2026-11-27|false|mer-1|\N|1000|USD|10|\N|\N|\N|\N|\N|\N|b.jsonl
e09|pos-1|pos|purchase|m1|2026-11-27T09:10:00.000Z|2026-11-27|false|mer-1|\N|300|USD|3|\N|\N|\N|\N|\N|\N|b.jsonl
e10|sensor-1|sensor|reading|\N|2026-11-27T10:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|21.5|40|3|\N|\N|b.jsonl
e11|sensor-1|sensor|reading|\N|2026-11-27T11:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|22.25|\N|5|\N|\N|b.jsonl
e12|sensor-1|sensor|reading|\N|2026-11-27T12:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|20.1|42.5|\N|\N|\N|b.jsonl
e13|phone-2|phone|app_open|m3|2026-11-27T13:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|b.jsonl
e14|phone-2|phone|app_open|m4|2026-11-27T13:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|b.jsonl
""")

RAW_INPUT_DAY_28 = tsv_lines(r"""
e15|phone-1|phone|app_open|m1|2026-11-28T07:00:00.000Z|2026-11-28|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|3.2.0|ios-17.1|c.jsonl
e16|beacon-1|beacon|checkin|m2|2026-11-28T07:30:00.000Z|2026-11-28|false|\N|st-2|\N|\N|\N|\N|\N|\N|\N|\N|\N|c.jsonl
""")

# partition|row; phone-2's owner is m4: its two events tie on time, e14 > e13.
EXPECTED_DAY_27 = tsv_lines(r"""
device_daily/dt=2026-11-27|phone-1|phone|m1|7|{"app_open":1,"checkin":1,"heartbeat":2,"purchase":2,"redeem":1}|2026-11-27T08:00:00.000Z|2026-11-27T12:00:00.000Z|2|{"EUR":500,"USD":1250}|17|10|64.0|64.0|3.1.1|ios-17.1|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
device_daily/dt=2026-11-27|pos-1|pos|\N|2|{"purchase":2}|2026-11-27T09:00:00.000Z|2026-11-27T09:10:00.000Z|2|{"USD":1300}|13|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|2
device_daily/dt=2026-11-27|sensor-1|sensor|\N|3|{"reading":3}|2026-11-27T10:00:00.000Z|2026-11-27T12:00:00.000Z|0|{}|0|0|\N|\N|\N|\N|20.1|22.25|21.283|40.0|42.5|41.25|3|5|4.0|0
device_daily/dt=2026-11-27|phone-2|phone|m4|2|{"app_open":2}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|0|{}|0|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|2
member_daily/dt=2026-11-27|m1|3|{"EUR":500,"USD":1550}|20|10|1|1|2|2|1|{"phone-1":"2026-11-27T11:00:00.000Z","pos-1":"2026-11-27T09:10:00.000Z"}|2026-11-27T08:00:00.000Z|2026-11-27T11:00:00.000Z
member_daily/dt=2026-11-27|m2|1|{"USD":1000}|10|0|0|0|1|1|0|{"pos-1":"2026-11-27T09:00:00.000Z"}|2026-11-27T09:00:00.000Z|2026-11-27T09:00:00.000Z
member_daily/dt=2026-11-27|m3|0|{}|0|0|0|0|1|0|0|{"phone-2":"2026-11-27T13:00:00.000Z"}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z
member_daily/dt=2026-11-27|m4|0|{}|0|0|0|0|1|0|0|{"phone-2":"2026-11-27T13:00:00.000Z"}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z
member_events/dt=2026-11-27|m1|2026-11-27T09:00:00.000Z|e03|purchase|phone-1|mer-1|\N|1250|USD|12
member_events/dt=2026-11-27|m1|2026-11-27T09:30:00.000Z|e04|purchase|phone-1|mer-2|\N|500|EUR|5
member_events/dt=2026-11-27|m1|2026-11-27T10:00:00.000Z|e05|redeem|phone-1|mer-1|\N|\N|\N|10
member_events/dt=2026-11-27|m1|2026-11-27T11:00:00.000Z|e06|checkin|phone-1|\N|st-1|\N|\N|\N
member_events/dt=2026-11-27|m2|2026-11-27T09:00:00.000Z|e08|purchase|pos-1|mer-1|\N|1000|USD|10
member_events/dt=2026-11-27|m1|2026-11-27T09:10:00.000Z|e09|purchase|pos-1|mer-1|\N|300|USD|3
""")

EXPECTED_DAY_28 = tsv_lines(r"""
device_daily/dt=2026-11-28|phone-1|phone|m1|1|{"app_open":1}|2026-11-28T07:00:00.000Z|2026-11-28T07:00:00.000Z|0|{}|0|0|\N|\N|3.2.0|ios-17.1|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
device_daily/dt=2026-11-28|beacon-1|beacon|\N|1|{"checkin":1}|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z|0|{}|0|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
member_daily/dt=2026-11-28|m1|0|{}|0|0|0|0|1|0|0|{"phone-1":"2026-11-28T07:00:00.000Z"}|2026-11-28T07:00:00.000Z|2026-11-28T07:00:00.000Z
member_daily/dt=2026-11-28|m2|0|{}|0|0|0|1|1|0|1|{"beacon-1":"2026-11-28T07:30:00.000Z"}|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z
member_events/dt=2026-11-28|m2|2026-11-28T07:30:00.000Z|e16|checkin|beacon-1|\N|st-2|\N|\N|\N
""")

# Landed in hour 00 of the 28th, but its event day is the 27th.
LATE_INPUT = tsv_lines(r"""
e20|pos-1|pos|purchase|m2|2026-11-27T23:50:00.000Z|2026-11-27|true|mer-1|\N|200|USD|2|\N|\N|\N|\N|\N|\N|d.jsonl
""")


def write_part(root, landing_dt, hour, lines, name="part-00000"):
    """Write events rows as one part file of events/dt=<landing_dt>/hour=<hour>."""
    folder = root / "events" / ("dt=" + landing_dt) / ("hour=" + hour)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def run_job(*args):
    """Run the job inline; (sorted 'partition<TAB>row' lines, counters)."""
    job = MRRollUpDays(["-r", "inline", "--no-conf", *args])
    with job.make_runner() as runner:
        runner.run()
        lines = sorted(
            key + "\t" + value.removesuffix("\n")
            for key, value in job.parse_output(runner.cat_output())
        )
        return lines, runner.counters()


@pytest.fixture
def landed(tmp_path):
    """The day-27 and day-28 events as two landing hours."""
    return [
        write_part(tmp_path, "2026-11-27", "13", RAW_INPUT_DAY_27),
        write_part(tmp_path, "2026-11-28", "07", RAW_INPUT_DAY_28),
    ]


def test_rolls_up_every_day_when_no_event_day_is_given(landed):
    lines, counters = run_job(*landed)
    assert lines == sorted(EXPECTED_DAY_27 + EXPECTED_DAY_28)
    assert counters[0]["roll_up_days"] == {"events": 16}


def test_event_day_keeps_only_that_day(landed):
    lines, counters = run_job("--event-day", "2026-11-28", *landed)
    assert lines == sorted(EXPECTED_DAY_28)
    assert counters[0]["roll_up_days"] == {"events": 2, "other_day": 14}


def test_event_day_is_repeatable(landed):
    lines, _ = run_job("--event-day", "2026-11-28", "--event-day", "2026-11-27", *landed)
    assert lines == sorted(EXPECTED_DAY_27 + EXPECTED_DAY_28)


def test_event_day_with_no_events_gives_nothing(landed):
    lines, _ = run_job("--event-day", "2026-11-20", *landed)
    assert lines == []


def test_empty_input_gives_no_rows(tmp_path):
    lines, _ = run_job(write_part(tmp_path, "2026-11-27", "13", []))
    assert lines == []


def test_late_event_is_added_to_its_event_day_once(tmp_path, landed):
    before, _ = run_job("--event-day", "2026-11-27", landed[0])
    assert before == sorted(EXPECTED_DAY_27)
    late = write_part(tmp_path, "2026-11-28", "00", LATE_INPUT)

    after, _ = run_job("--event-day", "2026-11-27", *landed, late)

    recomputed = {
        ("device_daily/dt=2026-11-27", "pos-1"): tsv_lines(r"""
device_daily/dt=2026-11-27|pos-1|pos|\N|3|{"purchase":3}|2026-11-27T09:00:00.000Z|2026-11-27T23:50:00.000Z|3|{"USD":1500}|15|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|2
""")[0],
        ("member_daily/dt=2026-11-27", "m2"): tsv_lines(r"""
member_daily/dt=2026-11-27|m2|2|{"USD":1200}|12|0|0|0|1|1|0|{"pos-1":"2026-11-27T23:50:00.000Z"}|2026-11-27T09:00:00.000Z|2026-11-27T23:50:00.000Z
""")[0],
    }
    expected = [recomputed.get(tuple(line.split("\t")[:2]), line) for line in EXPECTED_DAY_27]
    expected += tsv_lines(r"""
member_events/dt=2026-11-27|m2|2026-11-27T23:50:00.000Z|e20|purchase|pos-1|mer-1|\N|200|USD|2
""")
    assert after == sorted(expected)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_does_not_depend_on_order_or_splits(tmp_path, seed):
    rows = RAW_INPUT_DAY_27 + RAW_INPUT_DAY_28
    random.Random(seed).shuffle(rows)
    cuts = sorted(random.Random(seed).sample(range(1, len(rows)), 3))
    chunks = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)])]
    paths = [
        write_part(tmp_path, f"2026-11-2{7 + i % 2}", f"{i:02d}", chunk)
        for i, chunk in enumerate(chunks)
    ]

    lines, _ = run_job(*paths)

    assert lines == sorted(EXPECTED_DAY_27 + EXPECTED_DAY_28)


def test_bad_rows_are_counted_not_fatal(tmp_path):
    bad = [
        "not\tan\tevent",
        # event_dt is not the day of event_time
        RAW_INPUT_DAY_28[0].replace("\t2026-11-28\t", "\t2026-11-27\t"),
        # points is not an integer
        RAW_INPUT_DAY_27[2].replace("\t12\t", "\ttwelve\t"),
    ]
    path = write_part(tmp_path, "2026-11-28", "07", bad + RAW_INPUT_DAY_28[1:])

    lines, counters = run_job(path)

    assert lines == [line for line in EXPECTED_DAY_28 if "beacon-1" in line or "\tm2\t" in line]
    assert counters[0]["roll_up_days"] == {"events": 1, "bad_event": 3}


@pytest.mark.parametrize("day", ["2026-13-01", "2026-11-31", "20261127", "yesterday", ""])
def test_bad_event_day_fails_fast(day):
    with pytest.raises(ValueError, match="--event-day must be a date YYYY-MM-DD"):
        MRRollUpDays(["--event-day", day])
