"""MRRollUpDays through the inline runner: added events merge into the stored
partials of their event days and landing days; the rare recompute paths read events."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapreduce.mr_roll_up_days import MRRollUpDays

PUBLISHED = ("device_daily/", "member_daily/", "member_events/")
H13, H00, H07 = "dt=2026-11-27/hour=13", "dt=2026-11-28/hour=00", "dt=2026-11-28/hour=07"
DELTA_27, DELTA_28 = "_state/deltas/dt=2026-11-27", "_state/deltas/dt=2026-11-28"


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


def expected_day_27_with_late():
    """EXPECTED_DAY_27 once LATE_INPUT is in it."""
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
    return sorted(expected)


def write(root, partition, lines, name="part-00000"):
    """Write rows as one part file of ``partition``; its path."""
    path = root / partition / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def added(root, hour, rows, flag="n", name="part-00000"):
    """An _changes/added part file of ``hour``."""
    return write(root, "_changes/added/" + hour, [flag + "\t" + row for row in rows], name)


def stored(root, lines, keep=("_state/",)):
    """Write a run's output state back as the warehouse's (one part file a partition); the paths."""
    by_partition = {}
    for line in lines:
        partition, row = line.split("\t", 1)
        if partition.startswith(keep):
            by_partition.setdefault(partition, []).append(row)
    return [write(root, partition, rows) for partition, rows in sorted(by_partition.items())]


def run_job(*args):
    """Run the job inline; (sorted 'partition<TAB>row' lines, counters)."""
    job = MRRollUpDays(["-r", "inline", "--no-conf", *map(str, args)])
    with job.make_runner() as runner:
        runner.run()
        lines = sorted(key + "\t" + value.removesuffix("\n") for key, value in job.parse_output(runner.cat_output()))
        return lines, runner.counters()[0]


def published(lines):
    """The rows of the published datasets."""
    return [line for line in lines if line.startswith(PUBLISHED)]


def of(lines, prefix):
    """The lines of partitions whose path starts with ``prefix``."""
    return [line for line in lines if line.startswith(prefix)]


def test_added_rows_roll_up_their_event_days_and_landing_days(tmp_path):
    lines, counters = run_job(added(tmp_path, H13, RAW_INPUT_DAY_27), added(tmp_path, H07, RAW_INPUT_DAY_28))
    assert published(lines) == sorted(EXPECTED_DAY_27 + EXPECTED_DAY_28)
    # one state line per device_daily and member_daily row; one delta line per device and member of each landing day
    assert len(of(lines, "_state/daily/")) == len(of(lines, "device_daily/")) + len(of(lines, "member_daily/"))
    assert {line.split("\t", 1)[0] for line in of(lines, "_state/deltas/")} == {DELTA_27, DELTA_28}
    assert len(of(lines, DELTA_27 + "\t")) == 4 + 4  # phone-1, pos-1, sensor-1, phone-2; m1-m4
    assert len(of(lines, DELTA_28 + "\t")) == 2 + 2  # phone-1, beacon-1; m1, m2
    assert counters["roll_up_days"] == {"events": 16}


def test_the_hours_of_a_landing_day_share_its_delta(tmp_path):
    lines, _ = run_job(added(tmp_path, H00, LATE_INPUT), added(tmp_path, H07, RAW_INPUT_DAY_28))
    # the late event's delta is its landing day's (the 28th), not its event day's
    assert {line.split("\t", 1)[0] for line in of(lines, "_state/deltas/")} == {DELTA_28}
    one_hour, _ = run_job(added(tmp_path / "one", H07, LATE_INPUT + RAW_INPUT_DAY_28))
    assert of(lines, "_state/deltas/") == of(one_hour, "_state/deltas/")
    assert len(of(lines, DELTA_28 + "\t")) == 3 + 2  # phone-1, beacon-1, pos-1; m1, m2


def test_added_rows_merge_into_the_stored_delta_of_their_landing_day(tmp_path):
    first, _ = run_job(added(tmp_path / "one", H00, LATE_INPUT))
    state = stored(tmp_path / "warehouse", first, keep=("_state/deltas/",))
    lines, _ = run_job(*state, added(tmp_path / "two", H07, RAW_INPUT_DAY_28))
    at_once, _ = run_job(added(tmp_path / "all", H00, LATE_INPUT), added(tmp_path / "all", H07, RAW_INPUT_DAY_28))
    assert of(lines, "_state/deltas/") == of(at_once, "_state/deltas/")
    # the stored delta counted: without it the day's delta is another
    without, _ = run_job(added(tmp_path / "two", H07, RAW_INPUT_DAY_28))
    assert of(lines, "_state/deltas/") != of(without, "_state/deltas/")


def test_added_rows_merge_into_the_stored_partials_of_their_day(tmp_path):
    first, _ = run_job(added(tmp_path / "one", H13, RAW_INPUT_DAY_27))
    # the driver passes the stored state of the days the added rows touch
    state = stored(tmp_path / "warehouse", first, keep=("_state/daily/",))
    lines, _ = run_job(*state, added(tmp_path / "two", H00, LATE_INPUT))
    # member_events rows never change: the job writes the added event's row,
    # which the driver adds to the day's published rows
    assert of(lines, "member_events/") == [line for line in expected_day_27_with_late()
                                           if line.startswith("member_events/") and "\te20\t" in line]
    assert sorted(published(lines) + of(first, "member_events/")) == expected_day_27_with_late()
    # the 27th's delta was not an input: it is not rewritten
    assert {line.split("\t", 1)[0] for line in of(lines, "_state/deltas/")} == {DELTA_28}


def test_moved_rows_feed_only_the_deltas(tmp_path):
    new, _ = run_job(added(tmp_path / "n", H13, RAW_INPUT_DAY_27))
    moved, counters = run_job(added(tmp_path / "m", H13, RAW_INPUT_DAY_27, flag="m"))
    assert moved == of(new, "_state/deltas/")
    assert "events" not in counters.get("roll_up_days", {})


def test_recompute_day_rolls_the_day_up_from_events(tmp_path):
    events = [write(tmp_path, "events/" + H13, RAW_INPUT_DAY_27),
              write(tmp_path, "events/" + H00, LATE_INPUT),
              write(tmp_path, "events/" + H07, RAW_INPUT_DAY_28)]
    # The run's added rows: the late event (in the events too) and day 28's.
    changes = [added(tmp_path, H00, LATE_INPUT), added(tmp_path, H07, RAW_INPUT_DAY_28)]
    lines, counters = run_job("--recompute-day", "2026-11-27", *events, *changes)
    assert published(lines) == sorted(expected_day_27_with_late() + EXPECTED_DAY_28)
    assert counters["roll_up_days"] == {"events": 17}
    # deltas come from the added rows only: no landing day's delta is recomputed
    plain, _ = run_job(*changes)
    assert of(lines, "_state/deltas/") == of(plain, "_state/deltas/")


def test_recompute_delta_recomputes_the_landing_days_delta_from_events(tmp_path):
    events = [write(tmp_path, "events/" + H00, LATE_INPUT), write(tmp_path, "events/" + H07, RAW_INPUT_DAY_28)]
    # the run's added rows of the 28th (in the events too) and of the 27th
    some = [added(tmp_path, H07, RAW_INPUT_DAY_28[:1]), added(tmp_path, H13, RAW_INPUT_DAY_27)]
    lines, counters = run_job("--recompute-delta", "2026-11-28", *events, *some)
    everything, _ = run_job(added(tmp_path / "all", H00, LATE_INPUT), added(tmp_path / "all", H07, RAW_INPUT_DAY_28),
                            added(tmp_path / "all", H13, RAW_INPUT_DAY_27))
    # the 28th's delta is every event of its hours, once (its added rows do not feed it too);
    # the 27th's comes from its added rows
    assert of(lines, "_state/deltas/") == of(everything, "_state/deltas/")
    # the added rows still feed their event days; the events do not (no day is recomputed)
    only_some, _ = run_job(*some)
    assert published(lines) == published(only_some)
    assert published(lines) != published(everything)
    assert counters["roll_up_days"] == {"events": 15}


def test_a_recomputed_delta_ignores_the_events_of_other_landing_days(tmp_path):
    events = [write(tmp_path, "events/" + H13, RAW_INPUT_DAY_27), write(tmp_path, "events/" + H07, RAW_INPUT_DAY_28)]
    lines, _ = run_job("--recompute-delta", "2026-11-28", *events)
    only_28, _ = run_job(added(tmp_path / "28", H07, RAW_INPUT_DAY_28))
    assert of(lines, "_state/deltas/") == of(only_28, "_state/deltas/")
    assert published(lines) == []


def test_an_hourly_delta_partition_fails_the_job(tmp_path):
    path = write(tmp_path, "_state/deltas/" + H07, ['["device","d"]\t{}'])
    with pytest.raises(ValueError, match="have no an hour"):
        run_job(path)


ALL_ROWS = RAW_INPUT_DAY_27 + LATE_INPUT + RAW_INPUT_DAY_28
HOURS = [H13, H13, H00, H07]


@settings(max_examples=8)
@given(batches=st.lists(st.integers(0, 3), min_size=len(ALL_ROWS), max_size=len(ALL_ROWS)),
       hours=st.lists(st.sampled_from(HOURS), min_size=len(ALL_ROWS), max_size=len(ALL_ROWS)))
def test_merging_batch_by_batch_equals_rolling_up_at_once(tmp_path_factory, batches, hours):
    root = tmp_path_factory.mktemp("batches")

    def files(rows_of, tag):
        by_hour = {}
        for row, hour in rows_of:
            by_hour.setdefault(hour, []).append(row)
        return [added(root / tag, hour, rows) for hour, rows in sorted(by_hour.items())]

    everything = list(zip(ALL_ROWS, hours))
    at_once, _ = run_job(*files(everything, "once"))
    warehouse = {}
    for batch in sorted(set(batches)):
        state = [write(root / ("state%d" % batch), partition, rows) for partition, rows in warehouse.items()
                 if partition.startswith("_state/")]
        lines, _ = run_job(*state, *files([e for e, b in zip(everything, batches) if b == batch], "b%d" % batch))
        out = {}
        for line in lines:
            partition, row = line.split("\t", 1)
            out.setdefault(partition, []).append(row)
        for partition, rows in out.items():
            # member_events is published as an addition, the rest replaced
            kept = warehouse.get(partition, []) if partition.startswith("member_events/") else []
            warehouse[partition] = kept + rows
    assert sorted(p + "\t" + row for p, rows in warehouse.items() for row in rows) == at_once


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_does_not_depend_on_order_or_splits(tmp_path, seed):
    first, _ = run_job(added(tmp_path / "one", H13, RAW_INPUT_DAY_27[:8]))
    expected, _ = run_job(*stored(tmp_path / "w", first), added(tmp_path / "two", H13, RAW_INPUT_DAY_27[8:]))
    rnd = random.Random(seed)
    state = [line for line in first if line.startswith("_state/")]
    rnd.shuffle(state)
    rows = rnd.sample(RAW_INPUT_DAY_27[8:], 6)
    paths = stored(tmp_path / "a", state[::2]) + [added(tmp_path, H13, rows[:2], name="part-00001")]
    paths += stored(tmp_path / "b", state[1::2]) + [added(tmp_path, H13, rows[2:])]
    lines, _ = run_job(*rnd.sample(paths, len(paths)))
    assert lines == expected


def test_the_local_runner_writes_what_the_inline_runner_emits(tmp_path):
    # The local runner's map tasks take their split's lines a batch at a time
    # (JobIO.run_mapper -> map_lines) and its reducers write the partitions themselves.
    first, _ = run_job(added(tmp_path / "one", H13, RAW_INPUT_DAY_27[:8]))
    paths = stored(tmp_path / "w", first) + [added(tmp_path / "two", H13, RAW_INPUT_DAY_27[8:]),
                                             added(tmp_path / "two", H07, RAW_INPUT_DAY_28, flag="m")]
    expected, counters = run_job(*paths)
    out = tmp_path / "out"
    job = MRRollUpDays(["-r", "local", "--no-conf", "--paths-in-lines", "--write-partitions",
                        "--output-dir", str(out), *paths])
    with job.make_runner() as runner:
        runner.run()
        local_counters = runner.counters()[0]
    written = sorted("%s\t%s" % (part.parent.relative_to(out).as_posix(), line)
                     for part in out.rglob("part-*") for line in part.read_text().splitlines())
    assert written == expected and of(expected, "_state/deltas/dt=2026-11-")
    assert local_counters["roll_up_days"] == counters["roll_up_days"] == {"events": len(RAW_INPUT_DAY_27) - 8}


def map_task(path, *args):
    """One map task over the file at ``path``, in process: the records it writes, as (key, value)."""
    job = MRRollUpDays(["--no-conf", *args])
    job.mapper_init()
    with open(path, "rb") as handle:
        lines = handle.read().splitlines()
    return [*job.map_lines(path, lines), *job.mapper_final()]


def test_a_map_task_writes_each_key_of_its_events_once(tmp_path):
    path = added(tmp_path, H13, RAW_INPUT_DAY_27 + LATE_INPUT)
    records = map_task(path)
    keys = [tuple(key) for key, _ in records]
    assert len(keys) == len(set(keys))
    # phone-1's 7 events of the 27th are one device record; each member_events row is its own.
    assert keys.count(("2026-11-27", "device", "phone-1")) == 1
    assert sum(kind == "event" for _, kind, _ in keys) == 7
    one_by_one = map_task(path, "--combine-buffer", "1")
    assert len(one_by_one) > len(records)


@settings(max_examples=10)
@given(size=st.integers(1, 40), seed=st.integers(0, 3))
def test_the_combining_buffer_does_not_change_the_output(tmp_path_factory, size, seed):
    root = tmp_path_factory.mktemp("buffer")
    rows = random.Random(seed).sample(ALL_ROWS, len(ALL_ROWS))
    paths = [added(root, H13, rows[:9]), added(root, H00, rows[9:], name="part-00001")]
    expected, counters = run_job(*paths)
    lines, buffered_counters = run_job("--combine-buffer", size, *paths)
    assert lines == expected and buffered_counters == counters


def test_empty_input_gives_no_rows(tmp_path):
    lines, _ = run_job(added(tmp_path, H13, []))
    assert lines == []


def test_bad_rows_are_counted_not_fatal(tmp_path):
    bad_events = [
        "not\tan\tevent",
        # event_dt is not the day of event_time
        RAW_INPUT_DAY_28[0].replace("\t2026-11-28\t", "\t2026-11-27\t"),
        # points is not an integer
        RAW_INPUT_DAY_27[2].replace("\t12\t", "\ttwelve\t"),
    ]
    paths = [
        added(tmp_path, H07, bad_events + RAW_INPUT_DAY_28[1:]),
        write(tmp_path, "_changes/added/" + H13, ["x\t" + RAW_INPUT_DAY_27[0]]),
        write(tmp_path, "events/" + H07, ["short"]),
        write(tmp_path, "_state/daily/dt=2026-11-28", ["not a state line", '["device_daily"]\t{}']),
        write(tmp_path, "_state/deltas/dt=2026-11-27", ['["device"\t{}']),
        # not an input of the job: member_events rows are never read back
        write(tmp_path, "member_events/dt=2026-11-28", ["m9\tshort"]),
    ]
    lines, counters = run_job("--recompute-delta", "2026-11-28", *paths)
    assert published(lines) == [line for line in EXPECTED_DAY_28 if "beacon-1" in line or "\tm2\t" in line]
    assert counters["roll_up_days"] == {
        "events": 1, "bad__changes_added": 4, "bad_events": 1, "bad__state_daily": 2,
        "bad__state_deltas": 1, "bad_member_events": 1,
    }


@pytest.mark.parametrize("args, message", [
    (["--recompute-day", day], "--recompute-day must be a date YYYY-MM-DD")
    for day in ["2026-13-01", "2026-11-31", "20261127", "yesterday", ""]
] + [
    (["--recompute-delta", day], "--recompute-delta must be a date YYYY-MM-DD")
    for day in ["2026-02-29", "events/dt=2026-11-27/hour=08", "dt=2026-11-27", "2026-11-27T08", ""]
] + [
    (["--combine-buffer", size], "--combine-buffer must be at least 1") for size in ["0", "-3"]
] + [
    (["--recompute-hour", "events/dt=2026-11-27/hour=08"], "unrecognized arguments: --recompute-hour"),
])
def test_bad_options_fail_fast(args, message):
    with pytest.raises(ValueError, match=message):
        MRRollUpDays(args)


def test_stored_partials_of_recomputed_days_are_not_read(tmp_path):
    stored = ['["device_daily","beacon-1"]\t{"not":"read"}']
    paths = [
        write(tmp_path, "events/" + H07, RAW_INPUT_DAY_28),
        write(tmp_path, "_state/daily/dt=2026-11-28", stored),
        write(tmp_path, DELTA_28, ['["device","beacon-1"]\t{"not":"read"}']),
    ]
    lines, counters = run_job("--recompute-day", "2026-11-28", "--recompute-delta", "2026-11-28", *paths)
    assert not any(name.startswith("bad_") for name in counters["roll_up_days"])
    assert '"not"' not in "".join(lines)
