"""Tests for MRValidateEvents, run through mrjob's inline runner on literal files."""

from __future__ import annotations

import base64
import gzip

import pytest

from mapreduce import tsv
from mapreduce.mr_validate_events import MRValidateEvents, path_key
from mapreduce.records import QUARANTINE_COLUMNS

N = "\\N"
EVENTS_08 = "events/dt=2026-11-27/hour=08"
EVENTS_09 = "events/dt=2026-11-27/hour=09"
QUARANTINE_08 = "quarantine/dt=2026-11-27/hour=08"

RAW_INPUT = (
    b'{"event_id":"e-1","device_id":"dev:1","device_type":"phone","event_type":"purchase",'
    b'"member_id":"m-1","ts":"2026-11-27T08:15:00.123Z",'
    b'"attrs":{"merchant_id":"shop-9","amount_cents":1250,"points":12}}\n'
    b"\n"
    b"   \r\n"
    b'{"event_id":"e-2","device_id":"pos-7","device_type":"pos","event_type":"heartbeat",'
    b'"ts":1795736000000,"attrs":{"battery_pct":55}}\r\n'
    b'{"device_id":"pos-7","device_type":"pos","event_type":"app_open","ts":1795736000000}\n'
    b'{"event_id":"e-4","device_id":"pos-7","device_type":"tablet","event_type":"app_open",'
    b'"ts":1795736000000}\n'
    b'{"event_id":"e-5","device_id":"pos-7","device_type":"pos","event_type":"app_open",'
    b'"ts":"2026-11-27T08:15:00"}\n'
    b"not json\n"
)


def expected_output(src: str) -> list[str]:
    """EXPECTED_OUTPUT for RAW_INPUT landed at ``src``."""
    return sorted(
        [
            "\t".join([
                EVENTS_08, "e-1", "dev:1", "phone", "purchase", "m-1",
                "2026-11-27T08:15:00.123Z", "2026-11-27", "false", "shop-9", N,
                "1250", "USD", "12", N, N, N, N, N, N, src,
            ]),
            "\t".join([
                EVENTS_08, "e-2", "pos-7", "pos", "heartbeat", N,
                "2026-11-26T23:33:20.000Z", "2026-11-26", "true", N, N,
                N, N, N, "55.0", N, N, N, N, N, src,
            ]),
            "\t".join([
                QUARANTINE_08, "missing_field", "event_id is required", src,
                '{"device_id":"pos-7","device_type":"pos","event_type":"app_open","ts":1795736000000}',
                "eyJkZXZpY2VfaWQiOiJwb3MtNyIsImRldmljZV90eXBlIjoicG9zIiwiZXZlbnRfdHlwZSI6ImFwcF9vcGVuIiwidHMiOjE3OTU3MzYwMDAwMDB9",
            ]),
            "\t".join([
                QUARANTINE_08, "bad_value", "device_type must be one of phone, pos, beacon, sensor", src,
                '{"event_id":"e-4","device_id":"pos-7","device_type":"tablet","event_type":"app_open","ts":1795736000000}',
                "eyJldmVudF9pZCI6ImUtNCIsImRldmljZV9pZCI6InBvcy03IiwiZGV2aWNlX3R5cGUiOiJ0YWJsZXQiLCJldmVudF90eXBlIjoiYXBwX29wZW4iLCJ0cyI6MTc5NTczNjAwMDAwMH0=",
            ]),
            "\t".join([
                QUARANTINE_08, "bad_timestamp", "ts is neither ISO 8601 with an offset nor epoch ms", src,
                '{"event_id":"e-5","device_id":"pos-7","device_type":"pos","event_type":"app_open","ts":"2026-11-27T08:15:00"}',
                "eyJldmVudF9pZCI6ImUtNSIsImRldmljZV9pZCI6InBvcy03IiwiZGV2aWNlX3R5cGUiOiJwb3MiLCJldmVudF90eXBlIjoiYXBwX29wZW4iLCJ0cyI6IjIwMjYtMTEtMjdUMDg6MTU6MDAifQ==",
            ]),
            "\t".join([
                QUARANTINE_08, "malformed", "invalid JSON: Expecting value: line 1 column 1 (char 0)",
                src, "not json", "bm90IGpzb24=",
            ]),
        ]
    )


def write(root, name: str, data: bytes):
    """Write ``data`` to ``root/name`` (parents created) and return the path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def run_job(*paths, prior_events=None):
    """Run the job inline on ``paths``; return (sorted output lines, counters)."""
    extra = ["--prior-events", str(prior_events)] if prior_events else []
    job = MRValidateEvents(["-r", "inline", "--no-conf", *extra, *map(str, paths)])
    with job.make_runner() as runner:
        runner.run()
        # RawProtocol.read leaves the line's "\n" on the value
        lines = sorted(
            "%s\t%s" % (key, value.rstrip("\n"))
            for key, value in job.parse_output(runner.cat_output())
        )
        counters = runner.counters()[0]
    # What the driver reads besides the outcomes: rows written per dataset and
    # events kept per event day. They must agree with the outcomes.
    rows = counters.pop("rows", {})
    event_days = counters.pop("event_days", {})
    assert rows.get("events", 0) == sum(event_days.values()) == counters.get("lines", {}).get("valid", 0)
    assert rows.get("quarantine", 0) == sum(counters.get("rejected", {}).values())
    return lines, counters


def src(path) -> str:
    """What source_file records: the name relative to the landing root."""
    text = str(path)
    return text[text.rindex("/dt=") + 1:]


def event(event_id, ts="2026-11-27T08:15:00.123Z", battery=50) -> bytes:
    return (
        b'{"event_id":"%s","device_id":"d-1","device_type":"phone","event_type":"heartbeat",'
        b'"ts":"%s","attrs":{"battery_pct":%d}}\n' % (event_id.encode(), ts.encode(), battery)
    )


def events_out(lines):
    return [line for line in lines if line.startswith("events/")]


def assert_invariant(counters):
    lines = counters.get("lines", {})
    rejected = sum(counters.get("rejected", {}).values())
    assert lines.get("read", 0) == lines.get("valid", 0) + lines.get("duplicate", 0) + rejected


def test_valid_rejected_and_blank_lines(tmp_path):
    path = write(tmp_path, "landing/dt=2026-11-27/hour=08/a.jsonl", RAW_INPUT)
    lines, counters = run_job(path)
    assert lines == expected_output(src(path))
    assert counters == {
        "lines": {"read": 6, "valid": 2},
        "rejected": {"missing_field": 1, "bad_value": 1, "bad_timestamp": 1, "malformed": 1},
    }
    assert_invariant(counters)


def test_gzip_input(tmp_path):
    path = write(tmp_path, "landing/dt=2026-11-27/hour=08/a.jsonl.gz", RAW_INPUT)
    lines, counters = run_job(path)
    assert lines == expected_output(src(path))
    assert counters["lines"] == {"read": 6, "valid": 2}


def test_empty_input(tmp_path):
    path = write(tmp_path, "landing/dt=2026-11-27/hour=08/empty.jsonl", b"")
    blank = write(tmp_path, "landing/dt=2026-11-27/hour=08/blank.jsonl", b"\n \n\r\n")
    lines, counters = run_job(path, blank)
    assert lines == []
    assert counters.get("lines", {}).get("read", 0) == 0


def test_duplicates_within_a_run_keep_the_smallest_copy(tmp_path):
    a = write(
        tmp_path,
        "landing/dt=2026-11-27/hour=08/a.jsonl",
        event("dup", battery=70) + event("dup", battery=30) + event("solo") + event("dup", battery=30),
    )
    b = write(tmp_path, "landing/dt=2026-11-27/hour=08/b.jsonl", event("dup", battery=10))
    for order in ((a, b), (b, a)):
        lines, counters = run_job(*order)
        assert counters["lines"] == {"read": 5, "valid": 2, "duplicate": 3}
        assert_invariant(counters)
        dup = [line for line in lines if "\tdup\t" in line]
        # a.jsonl sorts before b.jsonl; within a.jsonl the smaller row (30.0) wins
        assert len(dup) == 1
        assert "\t30.0\t" in dup[0] and dup[0].endswith(src(a))


def test_duplicates_across_landing_hours_keep_the_earliest_hour(tmp_path):
    h08 = write(tmp_path, "landing/dt=2026-11-27/hour=08/z.jsonl", event("dup", battery=90))
    h09 = write(tmp_path, "landing/dt=2026-11-27/hour=09/a.jsonl", event("dup") + event("new"))
    lines, counters = run_job(h09, h08)
    assert counters["lines"] == {"read": 3, "valid": 2, "duplicate": 1}
    out = events_out(lines)
    assert len(out) == 2
    assert out[0].startswith(EVENTS_08 + "\tdup\t") and out[0].endswith(src(h08))
    assert out[1].startswith(EVENTS_09 + "\tnew\t")


def test_copies_of_a_previously_accepted_event_are_duplicates(tmp_path):
    prior_row = tsv.encode_row(
        ["dup", "d-1", "phone", "heartbeat", None, "2026-11-27T07:15:00.123Z", "2026-11-27",
         False, None, None, None, None, None, 50.0, None, None, None, None, None, "old.jsonl"]
    )
    prior = write(
        tmp_path,
        "warehouse/events/dt=2026-11-27/hour=07/part-00000",
        (prior_row + "\n\n" + prior_row.replace("dup", "gone", 1) + "\n").encode(),
    )
    new = write(
        tmp_path,
        "landing/dt=2026-11-27/hour=08/a.jsonl",
        event("dup") + event("dup", battery=1) + event("fresh") + b"{}\n",
    )
    lines, counters = run_job(prior, new, prior_events=tmp_path / "warehouse" / "events")
    assert counters["lines"] == {"read": 4, "valid": 1, "duplicate": 2}
    assert counters["rejected"] == {"missing_field": 1}
    assert_invariant(counters)
    out = events_out(lines)
    assert len(out) == 1 and out[0].startswith(EVENTS_08 + "\tfresh\t")


def test_invalid_copy_is_rejected_not_duplicate(tmp_path):
    bad_copy = event("dup", ts="2020-01-01T00:00:00Z")
    path = write(tmp_path, "landing/dt=2026-11-27/hour=08/a.jsonl", event("dup") + bad_copy)
    lines, counters = run_job(path)
    assert counters == {"lines": {"read": 2, "valid": 1}, "rejected": {"bad_timestamp": 1}}
    assert len(events_out(lines)) == 1


def test_invalid_utf8_and_oversize_lines_are_quarantined_verbatim(tmp_path):
    bad_utf8 = b'{"event_id":"caf\xe9\xff","device_id":"d"}'
    oversize = b'{"event_id":"big","pad":"' + b"\xc3\xa9" * 40000 + b'"}'
    path = write(
        tmp_path,
        "landing/dt=2026-11-27/hour=08/a.jsonl",
        bad_utf8 + b"\n" + oversize + b"\r\n" + event("ok"),
    )
    lines, counters = run_job(path)
    assert counters == {
        "lines": {"read": 3, "valid": 1},
        "rejected": {"malformed": 1, "oversize": 1},
    }
    quarantined = {}
    for line in lines:
        dataset, row = line.split("\t", 1)
        if dataset == QUARANTINE_08:
            record = tsv.decode_record(row, QUARANTINE_COLUMNS)
            quarantined[record["reason"]] = record
    assert base64.b64decode(quarantined["malformed"]["raw_base64"]) == bad_utf8
    assert quarantined["malformed"]["raw_line"] == '{"event_id":"caf\ufffd\ufffd","device_id":"d"}'
    assert base64.b64decode(quarantined["oversize"]["raw_base64"]) == oversize
    assert quarantined["oversize"]["raw_line"] == oversize.decode("utf-8")
    assert quarantined["oversize"]["source_file"] == src(path)


def test_accounting_invariant_on_mixed_input(tmp_path):
    a = write(tmp_path, "landing/dt=2026-11-27/hour=08/a.jsonl", RAW_INPUT + event("e-1") + event("x"))
    b = write(tmp_path, "landing/dt=2026-11-27/hour=09/b.jsonl.gz", RAW_INPUT + b"[]\n" + event("x"))
    _, counters = run_job(a, b)
    assert counters["lines"]["read"] == 6 + 2 + 6 + 2
    assert_invariant(counters)


def test_input_outside_the_landing_layout_fails_the_job(tmp_path):
    path = write(tmp_path, "somewhere/a.jsonl", event("x"))
    with pytest.raises(ValueError, match="dt=YYYY-MM-DD/hour=HH"):
        run_job(path)


def test_raw_files_whose_path_looks_like_the_events_dataset_are_raw(tmp_path):
    raw = write(tmp_path, "data/events/dt=2026-11-27/hour=08/a.jsonl", event("e-1") + event("e-2"))
    lines, counters = run_job(raw, prior_events=tmp_path / "warehouse" / "events")
    assert counters["lines"] == {"read": 2, "valid": 2}
    lines, counters = run_job(raw)
    assert counters["lines"] == {"read": 2, "valid": 2}


@pytest.mark.parametrize("spelling, key", [
    ("/w/events/a", "/w/events/a"),
    ("file:/w/events/a", "/w/events/a"),
    ("file:///w/events/a", "/w/events/a"),
    ("//w//events/a", "/w/events/a"),
    ("hdfs://nn:8020/w/events/a", "hdfs://nn:8020/w/events/a"),
])
def test_path_key_spells_a_file_one_way(spelling, key):
    assert path_key(spelling) == key
