"""MRSummarizeEntities through the inline runner: literal daily rows in, summaries out."""

from __future__ import annotations

import random

import pytest

from mapreduce.mr_roll_up_days import MRRollUpDays
from mapreduce.mr_summarize_entities import MRSummarizeEntities


def tsv_lines(text):
    """Literal TSV written with '|' for tabs, one row a line (blank lines skipped)."""
    return [line.strip().replace("|", "\t") for line in text.strip().splitlines() if line.strip()]


# DEVICE_DAILY_COLUMNS
DEVICE_DAILY = {
    "2026-11-27": tsv_lines(r"""
phone-1|phone|m1|7|{"app_open":1,"checkin":1,"heartbeat":2,"purchase":2,"redeem":1}|2026-11-27T08:00:00.000Z|2026-11-27T12:00:00.000Z|2|{"EUR":500,"USD":1250}|17|10|64.0|64.0|3.1.1|ios-17.1|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
pos-1|pos|\N|2|{"purchase":2}|2026-11-27T09:00:00.000Z|2026-11-27T09:10:00.000Z|2|{"USD":1300}|13|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|2
sensor-1|sensor|\N|3|{"reading":3}|2026-11-27T10:00:00.000Z|2026-11-27T12:00:00.000Z|0|{}|0|0|\N|\N|\N|\N|20.1|22.25|21.283|40.0|42.5|41.25|3|5|4.0|0
phone-2|phone|m4|2|{"app_open":2}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|0|{}|0|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|2
"""),
    "2026-11-28": tsv_lines(r"""
phone-1|phone|m1|1|{"app_open":1}|2026-11-28T07:00:00.000Z|2026-11-28T07:00:00.000Z|0|{}|0|0|\N|\N|3.2.0|ios-17.1|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
beacon-1|beacon|\N|1|{"checkin":1}|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z|0|{}|0|0|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|1
"""),
}

# MEMBER_DAILY_COLUMNS; m5's device has no device_daily row, so its type is unknown.
MEMBER_DAILY = {
    "2026-11-27": tsv_lines(r"""
m1|3|{"EUR":500,"USD":1550}|20|10|1|1|2|2|1|{"phone-1":"2026-11-27T11:00:00.000Z","pos-1":"2026-11-27T09:10:00.000Z"}|2026-11-27T08:00:00.000Z|2026-11-27T11:00:00.000Z
m2|1|{"USD":1000}|10|0|0|0|1|1|0|{"pos-1":"2026-11-27T09:00:00.000Z"}|2026-11-27T09:00:00.000Z|2026-11-27T09:00:00.000Z
m3|0|{}|0|0|0|0|1|0|0|{"phone-2":"2026-11-27T13:00:00.000Z"}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z
m4|0|{}|0|0|0|0|1|0|0|{"phone-2":"2026-11-27T13:00:00.000Z"}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z
m5|1|{"USD":99}|1|0|0|0|1|1|0|{"ghost-1":"2026-11-27T15:00:00.000Z"}|2026-11-27T15:00:00.000Z|2026-11-27T15:00:00.000Z
"""),
    "2026-11-28": tsv_lines(r"""
m1|0|{}|0|0|0|0|1|0|0|{"phone-1":"2026-11-28T07:00:00.000Z"}|2026-11-28T07:00:00.000Z|2026-11-28T07:00:00.000Z
m2|0|{}|0|3|1|1|1|0|1|{"beacon-1":"2026-11-28T07:30:00.000Z"}|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z
"""),
}

# partition|row, with --as-of 2026-11-28T09
EXPECTED_OUTPUT = tsv_lines(r"""
device_summary/dt=2026-11-28|phone-1|phone|m1|2026-11-27T08:00:00.000Z|2026-11-28T07:00:00.000Z|3.2.0|ios-17.1|64.0|8|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|pos-1|pos|\N|2026-11-27T09:00:00.000Z|2026-11-27T09:10:00.000Z|\N|\N|\N|2|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|sensor-1|sensor|\N|2026-11-27T10:00:00.000Z|2026-11-27T12:00:00.000Z|\N|\N|\N|3|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|phone-2|phone|m4|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|\N|\N|\N|2|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|beacon-1|beacon|\N|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z|\N|\N|\N|1|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m1|20|10|10|{"EUR":500,"USD":1550}|2026-11-27T08:00:00.000Z|2026-11-28T07:00:00.000Z|2|{"phone-1":{"device_type":"phone","last_seen":"2026-11-28T07:00:00.000Z"},"pos-1":{"device_type":"pos","last_seen":"2026-11-27T09:10:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m2|10|3|7|{"USD":1000}|2026-11-27T09:00:00.000Z|2026-11-28T07:30:00.000Z|2|{"beacon-1":{"device_type":"beacon","last_seen":"2026-11-28T07:30:00.000Z"},"pos-1":{"device_type":"pos","last_seen":"2026-11-27T09:00:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m3|0|0|0|{}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|1|{"phone-2":{"device_type":"phone","last_seen":"2026-11-27T13:00:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m4|0|0|0|{}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|1|{"phone-2":{"device_type":"phone","last_seen":"2026-11-27T13:00:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m5|1|0|1|{"USD":99}|2026-11-27T15:00:00.000Z|2026-11-27T15:00:00.000Z|1|{"ghost-1":{"device_type":null,"last_seen":"2026-11-27T15:00:00.000Z"}}|2026-11-28T09:00:00.000Z
""")


def write_part(root, dataset, dt, lines, name="part-00000"):
    """Write rows as one part file of <dataset>/dt=<dt>."""
    folder = root / dataset / ("dt=" + dt)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def write_daily(root):
    """Every literal daily row, one part file per partition; the part file paths."""
    return [
        write_part(root, dataset, dt, lines)
        for dataset, by_dt in (("device_daily", DEVICE_DAILY), ("member_daily", MEMBER_DAILY))
        for dt, lines in by_dt.items()
    ]


def run_job(job_class, *args):
    """Run a job inline; (sorted 'partition<TAB>row' lines, counters)."""
    job = job_class(["-r", "inline", "--no-conf", *args])
    with job.make_runner() as runner:
        runner.run()
        lines = sorted(
            key + "\t" + value.removesuffix("\n")
            for key, value in job.parse_output(runner.cat_output())
        )
        return lines, runner.counters()


def test_summarizes_devices_and_members(tmp_path):
    lines, _ = run_job(MRSummarizeEntities, "--as-of", "2026-11-28T09", *write_daily(tmp_path))
    assert lines == sorted(EXPECTED_OUTPUT)


def test_reads_dataset_folders(tmp_path):
    write_daily(tmp_path)
    lines, _ = run_job(
        MRSummarizeEntities, "--as-of", "2026-11-28T09",
        str(tmp_path / "device_daily"), str(tmp_path / "member_daily"),
    )
    assert lines == sorted(EXPECTED_OUTPUT)


def test_snapshot_dt_names_the_partition(tmp_path):
    lines, _ = run_job(
        MRSummarizeEntities, "--as-of", "2026-11-28T23", "--snapshot-dt", "2026-11-29",
        *write_daily(tmp_path),
    )
    expected = [
        line.replace("/dt=2026-11-28\t", "/dt=2026-11-29\t").replace(
            "\t2026-11-28T09:00:00.000Z", "\t2026-11-28T23:00:00.000Z")
        for line in EXPECTED_OUTPUT
    ]
    assert lines == sorted(expected)


def test_empty_input_gives_no_rows(tmp_path):
    paths = [
        write_part(tmp_path, "device_daily", "2026-11-27", []),
        write_part(tmp_path, "member_daily", "2026-11-27", []),
    ]
    lines, _ = run_job(MRSummarizeEntities, "--as-of", "2026-11-28T09", *paths)
    assert lines == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_does_not_depend_on_order_or_splits(tmp_path, seed):
    rnd = random.Random(seed)
    paths = []
    for dataset, by_dt in (("member_daily", MEMBER_DAILY), ("device_daily", DEVICE_DAILY)):
        for dt, lines in by_dt.items():
            lines = list(lines)
            rnd.shuffle(lines)
            cut = rnd.randint(0, len(lines))
            paths.append(write_part(tmp_path, dataset, dt, lines[:cut], "part-00001"))
            paths.append(write_part(tmp_path, dataset, dt, lines[cut:], "part-00000"))
    rnd.shuffle(paths)

    lines, _ = run_job(MRSummarizeEntities, "--as-of", "2026-11-28T09", *paths)

    assert lines == sorted(EXPECTED_OUTPUT)


def test_bad_rows_are_counted_not_fatal(tmp_path):
    paths = [
        write_part(tmp_path, "device_daily", "2026-11-27",
                   ["short\trow", DEVICE_DAILY["2026-11-27"][1]]),
        write_part(tmp_path, "member_daily", "2026-11-27",
                   [MEMBER_DAILY["2026-11-27"][1].replace('{"USD":1000}', "[1]")]),
    ]

    lines, counters = run_job(MRSummarizeEntities, "--as-of", "2026-11-28T09", *paths)

    assert lines == [line for line in EXPECTED_OUTPUT if "\tpos-1\t" in line]
    assert counters[0]["summarize_entities"] == {"bad_device_daily": 1, "bad_member_daily": 1}


def test_input_outside_the_daily_datasets_fails(tmp_path):
    path = write_part(tmp_path, "events", "2026-11-27", MEMBER_DAILY["2026-11-27"])
    with pytest.raises(ValueError, match="not under device_daily"):
        run_job(MRSummarizeEntities, "--as-of", "2026-11-28T09", path)


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "--as-of is required"),
        (["--as-of", "2026-11-28"], "--as-of must be a landing hour"),
        (["--as-of", "2026-11-28T24"], "--as-of must be a landing hour"),
        (["--as-of", "2026-11-28T09", "--snapshot-dt", "28.11.2026"], "--snapshot-dt must be"),
    ],
)
def test_bad_options_fail_fast(args, message):
    with pytest.raises(ValueError, match=message):
        MRSummarizeEntities(args)


# EVENT_COLUMNS, for the end-to-end test
EVENTS = tsv_lines(r"""
e1|phone-7|phone|purchase|m7|2026-11-26T10:00:00.000Z|2026-11-26|false|mer-1|\N|400|USD|4|\N|\N|\N|\N|2.0|android-14|a.jsonl
e2|pos-7|pos|redeem|m7|2026-11-27T10:00:00.000Z|2026-11-27|false|mer-1|\N|\N|\N|3|\N|\N|\N|\N|\N|\N|a.jsonl
e3|phone-7|phone|heartbeat|\N|2026-11-27T11:00:00.000Z|2026-11-27|true|\N|\N|\N|\N|\N|55.5|\N|\N|\N|\N|\N|b.jsonl
""")


def test_summarizes_what_the_rollup_job_writes(tmp_path):
    events = tmp_path / "events" / "dt=2026-11-27" / "hour=12" / "part-00000"
    events.parent.mkdir(parents=True)
    events.write_text("".join(line + "\n" for line in EVENTS), encoding="utf-8")
    rolled, _ = run_job(MRRollUpDays, str(events))
    by_partition = {}
    for line in rolled:
        partition, row = line.split("\t", 1)
        by_partition.setdefault(partition, []).append(row)
    warehouse = tmp_path / "warehouse"
    paths = [
        write_part(warehouse, *partition.split("/dt="), rows)
        for partition, rows in by_partition.items()
        if not partition.startswith("member_events/")
    ]

    lines, _ = run_job(MRSummarizeEntities, "--as-of", "2026-11-27T12", *paths)

    assert lines == sorted(tsv_lines(r"""
device_summary/dt=2026-11-27|phone-7|phone|m7|2026-11-26T10:00:00.000Z|2026-11-27T11:00:00.000Z|2.0|android-14|55.5|2|2026-11-27T12:00:00.000Z
device_summary/dt=2026-11-27|pos-7|pos|\N|2026-11-27T10:00:00.000Z|2026-11-27T10:00:00.000Z|\N|\N|\N|1|2026-11-27T12:00:00.000Z
member_summary/dt=2026-11-27|m7|4|3|1|{"USD":400}|2026-11-26T10:00:00.000Z|2026-11-27T10:00:00.000Z|2|{"phone-7":{"device_type":"phone","last_seen":"2026-11-26T10:00:00.000Z"},"pos-7":{"device_type":"pos","last_seen":"2026-11-27T10:00:00.000Z"}}|2026-11-27T12:00:00.000Z
"""))
