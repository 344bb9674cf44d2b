"""MRValidateEvents through mrjob's inline runner on literal files: validation,
quarantine, and who owns each event id given the id index (``_state/ids``)."""

from __future__ import annotations

import base64
import gzip

import pytest

from mapreduce import id_index, ownership, tsv
from mapreduce.device_log import landing_hour_from_path
from mapreduce.id_filter import MIN_CAPACITY, IdFilter
from mapreduce.mr_sketch_event_ids import MRSketchEventIds
from mapreduce.mr_validate_events import MRValidateEvents, path_key
from mapreduce.records import QUARANTINE_COLUMNS
from warehouse import layout

N = "\\N"
DAY = "2026-11-27"
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


def event_rows(src: str) -> list[str]:
    """The events rows of RAW_INPUT landed at ``src``."""
    return [
        "\t".join(["e-1", "dev:1", "phone", "purchase", "m-1", "2026-11-27T08:15:00.123Z", "2026-11-27",
                   "false", "shop-9", N, "1250", "USD", "12", N, N, N, N, N, N, src]),
        "\t".join(["e-2", "pos-7", "pos", "heartbeat", N, "2026-11-26T23:33:20.000Z", "2026-11-26",
                   "true", N, N, N, N, N, "55.0", N, N, N, N, N, src]),
    ]


def expected_output(src: str) -> list[str]:
    """EXPECTED_OUTPUT for RAW_INPUT landed at ``src``, a new hour."""
    rows = event_rows(src)
    return sorted(
        [EVENTS_08 + "\t" + row for row in rows]
        + [ids_line("_state/ids/dt=2026-11-27/hour=08", row) for row in rows]
        + ["_changes/added/dt=2026-11-27/hour=08\tn\t" + row for row in rows]
        + ["\t".join([QUARANTINE_08, reason, detail, src, raw, base64.b64encode(raw.encode()).decode()])
           for reason, detail, raw in QUARANTINED]
    )


QUARANTINED = [
    ("missing_field", "event_id is required",
     '{"device_id":"pos-7","device_type":"pos","event_type":"app_open","ts":1795736000000}'),
    ("bad_value", "device_type must be one of phone, pos, beacon, sensor",
     '{"event_id":"e-4","device_id":"pos-7","device_type":"tablet","event_type":"app_open","ts":1795736000000}'),
    ("bad_timestamp", "ts is neither ISO 8601 with an offset nor epoch ms",
     '{"event_id":"e-5","device_id":"pos-7","device_type":"pos","event_type":"app_open","ts":"2026-11-27T08:15:00"}'),
    ("malformed", "invalid JSON: Expecting value: line 1 column 1 (char 0)", "not json"),
]


def ids_line(partition: str, row: str) -> str:
    """An id-index line (with its partition) for the events row ``row``."""
    return "%s\t%s\t%s\t%s" % (partition, row.split("\t", 1)[0], ownership.event_day(row), ownership.digest(row))


def write(root, name: str, data: bytes, append=False):
    """Write ``data`` to ``root/name`` (parents created, gzipped if .gz) and return the path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab" if append else "wb") as handle:
        handle.write(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def landed(root, hour, data, name="a.jsonl", day=DAY):
    """A raw landing file of hour ``hour`` of ``day``."""
    return write(root, "landing/dt=%s/hour=%s/%s" % (day, hour, name), data)


def write_index(root, lines, per_line=2):
    """Write a run's _state/ids entries into root/_state/ids, ``per_line`` to a line; every index file there."""
    index = id_index.Lines(per_line)
    written = []
    for line in of(lines, "_state/ids"):
        partition, entry = line.split("\t", 1)
        written.append((partition, index.add(partition, entry)))
    written += list(index.flush())
    for partition, text in written:
        if text is not None:
            write(root, partition + "/part-00000", text.encode() + b"\n", append=True)
    return [str(path) for path in sorted((root / "_state" / "ids").rglob("part-*"))]


def entries(lines):
    """The job's output lines with each id index line cut into its entries, one line each."""
    out = []
    for line in lines:
        if not line.startswith("_state/ids/"):
            out.append(line)
            continue
        partition, _, text = line.partition("\t")
        cells = text.split("\t")
        assert len(cells) % 3 == 0 and len(cells) <= 3 * id_index.ENTRIES_PER_LINE
        out += ["\t".join([partition] + cells[at:at + 3]) for at in range(0, len(cells), 3)]
    return sorted(out)


def run_job(*paths, ids_root=None, run_hours=None, run_ids=None):
    """Run the job inline; (sorted output lines, an id index line cut into its
    entries, non-zero counters but rows and index).

    ``run_hours`` defaults to the landing hours of the raw inputs;
    ``run_ids`` is an id filter file (``sketch``).
    """
    ids_key = ids_root and path_key(str(ids_root)).rstrip("/") + "/"
    raw = [path for path in map(str, paths) if not (ids_key and path.startswith(ids_key))]
    if run_hours is None:
        run_hours = sorted({layout.partition("events", *landing_hour_from_path(path)).path for path in raw})
    args = ["--ids-root", str(ids_root)] if ids_root else []
    args += [arg for hour in run_hours for arg in ("--run-hour", hour)]
    args += ["--run-ids", str(run_ids)] if run_ids else []
    job = MRValidateEvents(["-r", "inline", "--no-conf", *args, *map(str, paths)])
    with job.make_runner() as runner:
        runner.run()
        # RawProtocol.read leaves the line's "\n" on the value
        written = sorted("%s\t%s" % (key, value.rstrip("\n")) for key, value in job.parse_output(runner.cat_output()))
        lines = entries(written)
        counters = {group: {name: n for name, n in names.items() if n}
                    for group, names in runner.counters()[0].items()}
    # What the driver reads besides the outcomes must agree with them.
    rows, owners = counters.pop("rows", {}), counters.get("ownership", {})
    index = counters.pop("index", {})
    assert index.get("skipped", 0) <= index.get("read", 0)
    if not run_ids:
        assert "skipped" not in index
    read, valid, duplicate = (counters.get("lines", {}).get(name, 0) for name in ("read", "valid", "duplicate"))
    rejected = sum(counters.get("rejected", {}).values())
    assert read == valid + duplicate + rejected
    assert rows.get("events", 0) == len(of(lines, "_state/ids")) == valid
    assert rows.get("_state/ids", 0) == len(of(written, "_state/ids"))
    assert rows.get("quarantine", 0) == rejected
    # Added rows: every new and replaced id, and every id moved across landing
    # days; lost_days counts those moves, the replaced ids and the vanished ones.
    lost = sum(counters.get("lost_days", {}).values())
    assert rows.get("_changes/added", 0) == owners.get("new", 0) + lost - owners.get("vanished", 0)
    assert lost >= owners.get("replaced", 0) + owners.get("vanished", 0)
    assert sum(counters.get("event_days", {}).values()) == owners.get("new", 0)
    return lines, counters


def src(path) -> str:
    """What source_file records: the name relative to the landing root."""
    return str(path)[str(path).rindex("/dt=") + 1:]


def event(event_id, ts="2026-11-27T08:15:00.123Z", battery=50) -> bytes:
    """A raw heartbeat line."""
    return (b'{"event_id":"%s","device_id":"d-1","device_type":"phone","event_type":"heartbeat",'
            b'"ts":"%s","attrs":{"battery_pct":%d}}\n' % (event_id.encode(), ts.encode(), battery))


def of(lines, dataset):
    """The rows of ``dataset``'s partitions, with their partition."""
    return [line for line in lines if line.startswith(dataset + "/")]


# --- validation --------------------------------------------------------------

@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz"])
def test_valid_rejected_and_blank_lines(tmp_path, name):
    path = landed(tmp_path, "08", RAW_INPUT, name)
    lines, counters = run_job(path)
    assert lines == expected_output(src(path))
    assert counters == {
        "lines": {"read": 6, "valid": 2}, "ownership": {"new": 2}, "event_days": {"2026-11-26": 1, DAY: 1},
        "rejected": {"missing_field": 1, "bad_value": 1, "bad_timestamp": 1, "malformed": 1}}


def test_empty_input(tmp_path):
    lines, counters = run_job(landed(tmp_path, "08", b"", "empty.jsonl"), landed(tmp_path, "08", b"\n \n\r\n"))
    assert (lines, counters) == ([], {})


def test_invalid_utf8_and_oversize_lines_are_quarantined_verbatim(tmp_path):
    bad_utf8 = b'{"event_id":"caf\xe9\xff","device_id":"d"}'
    oversize = b'{"event_id":"big","pad":"' + b"\xc3\xa9" * 40000 + b'"}'
    path = landed(tmp_path, "08", bad_utf8 + b"\n" + oversize + b"\r\n" + event("ok"))
    lines, counters = run_job(path)
    assert counters["lines"] == {"read": 3, "valid": 1}
    assert counters["rejected"] == {"malformed": 1, "oversize": 1}
    records = (tsv.decode_record(line.split("\t", 1)[1], QUARANTINE_COLUMNS) for line in of(lines, "quarantine"))
    quarantined = {record["reason"]: record for record in records}
    assert base64.b64decode(quarantined["malformed"]["raw_base64"]) == bad_utf8
    assert quarantined["malformed"]["raw_line"] == '{"event_id":"caf\ufffd\ufffd","device_id":"d"}'
    assert base64.b64decode(quarantined["oversize"]["raw_base64"]) == oversize
    assert quarantined["oversize"]["raw_line"] == oversize.decode("utf-8")
    assert quarantined["oversize"]["source_file"] == src(path)


def test_accounting_invariant_on_mixed_input(tmp_path):
    a = landed(tmp_path, "08", RAW_INPUT + event("e-1") + event("x"))
    b = write(tmp_path, "landing/dt=2026-11-27/hour=09/b.jsonl.gz", RAW_INPUT + b"[]\n" + event("x"))
    _, counters = run_job(a, b)  # run_job checks the invariant
    assert counters["lines"] == {"read": 16, "valid": 3, "duplicate": 4}


def test_input_outside_the_landing_layout_fails_the_job(tmp_path):
    path = write(tmp_path, "somewhere/a.jsonl", event("x"))
    with pytest.raises(ValueError, match="dt=YYYY-MM-DD/hour=HH"):
        run_job(path, run_hours=[EVENTS_08])


# --- copies within a run -----------------------------------------------------

def test_duplicates_within_a_run_keep_the_smallest_copy(tmp_path):
    a = landed(tmp_path, "08",
               event("dup", battery=70) + event("dup", battery=30) + event("solo") + event("dup", battery=30))
    b = landed(tmp_path, "08", event("dup", battery=10), "b.jsonl")
    for order in ((a, b), (b, a)):
        lines, counters = run_job(*order)
        assert counters["lines"] == {"read": 5, "valid": 2, "duplicate": 3}
        dup = [line for line in lines if "\tdup\t" in line]
        # a.jsonl sorts before b.jsonl; within a.jsonl the smaller row (30.0) wins
        assert [line.split("\t", 1)[0] for line in dup] == [
            "_changes/added/dt=2026-11-27/hour=08", "_state/ids/dt=2026-11-27/hour=08", EVENTS_08]
        assert all("\t30.0\t" in line and line.endswith(src(a)) for line in dup if "/ids/" not in line)


def test_duplicates_across_landing_hours_keep_the_earliest_hour(tmp_path):
    h08 = landed(tmp_path, "08", event("dup", battery=90), "z.jsonl")
    h09 = landed(tmp_path, "09", event("dup") + event("new"))
    lines, counters = run_job(h09, h08)
    assert counters["lines"] == {"read": 3, "valid": 2, "duplicate": 1}
    dup, new = of(lines, "events")
    assert dup.startswith(EVENTS_08 + "\tdup\t") and dup.endswith(src(h08))
    assert new.startswith(EVENTS_09 + "\tnew\t")


def test_invalid_copy_is_rejected_not_duplicate(tmp_path):
    path = landed(tmp_path, "08", event("dup") + event("dup", ts="2020-01-01T00:00:00Z"))
    lines, counters = run_job(path)
    assert counters["lines"] == {"read": 2, "valid": 1}
    assert counters["rejected"] == {"bad_timestamp": 1}
    assert len(of(lines, "events")) == 1


# --- the id index --------------------------------------------------------------

@pytest.fixture
def ids(tmp_path):
    """The id index folder."""
    return tmp_path / "warehouse" / "_state" / "ids"


def test_an_earlier_hour_in_the_index_makes_copies_duplicates(tmp_path, ids):
    at_07 = "2026-11-27T07:15:00.000Z"
    first, _ = run_job(landed(tmp_path, "07", event("dup", ts=at_07, battery=99) + event("gone", ts=at_07)))
    index = write_index(tmp_path / "warehouse", first)
    assert len(index) == 1 and len(of(first, "_state/ids")) == 2
    h08 = landed(tmp_path, "08", event("dup") + event("dup", battery=1) + event("fresh") + b"{}\n")
    lines, counters = run_job(*index, h08, ids_root=ids)
    assert counters["lines"] == {"read": 4, "valid": 1, "duplicate": 2}
    assert counters["ownership"] == {"duplicate": 1, "new": 1}
    assert [line.split("\t", 2)[:2] for line in lines if not line.startswith("quarantine")] == [
        ["_changes/added/dt=2026-11-27/hour=08", "n"], ["_state/ids/dt=2026-11-27/hour=08", "fresh"], [EVENTS_08, "fresh"]]


def test_a_move_within_one_landing_day_adds_nothing_downstream(tmp_path, ids):
    first, _ = run_job(landed(tmp_path, "09", event("x") + event("y")))
    index = write_index(tmp_path / "warehouse", first)
    h08 = landed(tmp_path, "08", event("x"))
    lines, counters = run_job(*index, h08, ids_root="file://" + str(ids))
    row = of(lines, "events")[0].split("\t", 1)[1]
    assert row.endswith(src(h08))
    # hour 09 still loses x, but the landing day's delta and the rollups do not change
    assert lines == sorted([
        EVENTS_08 + "\t" + row,
        ids_line("_state/ids/dt=2026-11-27/hour=08", row),
        "_changes/dropped/dt=2026-11-27/hour=09\tx",
    ])
    assert counters["ownership"] == {"moved": 1}
    assert "lost_days" not in counters and "recompute_days" not in counters and "event_days" not in counters


def test_a_move_across_landing_days_adds_a_moved_row_and_loses_the_old_day(tmp_path, ids):
    at = "2026-11-27T22:30:00.000Z"
    first, _ = run_job(landed(tmp_path, "00", event("x", ts=at) + event("y", ts=at), day="2026-11-28"))
    index = write_index(tmp_path / "warehouse", first)
    h23 = landed(tmp_path, "23", event("x", ts=at))
    lines, counters = run_job(*index, h23, ids_root=ids)
    row = of(lines, "events")[0].split("\t", 1)[1]
    assert row.endswith(src(h23))
    assert lines == sorted([
        "events/dt=2026-11-27/hour=23\t" + row,
        ids_line("_state/ids/dt=2026-11-27/hour=23", row),
        "_changes/added/dt=2026-11-27/hour=23\tm\t" + row,
        "_changes/dropped/dt=2026-11-28/hour=00\tx",
    ])
    assert counters["ownership"] == {"moved": 1}
    assert counters["lost_days"] == {"2026-11-28": 1}
    # the content is unchanged: no event day is recomputed or gains anything
    assert "recompute_days" not in counters and "event_days" not in counters


def test_a_move_across_landing_days_within_the_run(tmp_path, ids):
    at = "2026-11-27T22:30:00.000Z"
    h00 = landed(tmp_path, "00", event("x", ts=at), day="2026-11-28")
    index = write_index(tmp_path / "warehouse", run_job(h00)[0])
    h23 = landed(tmp_path, "23", event("x", ts=at))
    lines, counters = run_job(*index, h23, h00, ids_root=ids)
    assert counters["ownership"] == {"moved": 1}
    assert counters["lines"] == {"read": 2, "valid": 1, "duplicate": 1}
    assert counters["lost_days"] == {"2026-11-28": 1}
    # the old hour is in the run, which rewrites it: nothing to drop
    assert [line.split("\t", 2)[:2] for line in of(lines, "_changes")] == [
        ["_changes/added/dt=2026-11-27/hour=23", "m"]]


def test_a_later_hour_outside_the_run_loses_a_replaced_id(tmp_path, ids):
    first, _ = run_job(landed(tmp_path, "09", event("x") + event("y")))
    index = write_index(tmp_path / "warehouse", first)
    h08 = landed(tmp_path, "08", event("x", battery=20))
    lines, counters = run_job(*index, h08, ids_root="file://" + str(ids))
    row = of(lines, "events")[0].split("\t", 1)[1]
    assert row.endswith(src(h08))
    assert lines == sorted([
        EVENTS_08 + "\t" + row,
        ids_line("_state/ids/dt=2026-11-27/hour=08", row),
        "_changes/added/dt=2026-11-27/hour=08\tn\t" + row,
        "_changes/dropped/dt=2026-11-27/hour=09\tx",
    ])
    assert counters["ownership"] == {"replaced": 1}
    # the content changed: the landing day's delta is recomputed, same day or not
    assert counters["lost_days"] == {DAY: 1}
    assert counters["recompute_days"] == {DAY: 2}


def test_the_run_hours_own_entries_are_replaced(tmp_path, ids):
    h09 = landed(tmp_path, "09", event("moves"))
    write_index(tmp_path / "warehouse", run_job(h09)[0])
    first, _ = run_job(landed(tmp_path, "08", event("kept") + event("replaced") + event("vanishes")))
    index = write_index(tmp_path / "warehouse", first)
    # The landing changes under the index (here only: landings are append-only).
    h08 = landed(tmp_path, "08", event("kept") + event("replaced", battery=1) + event("new") + event("moves"))

    lines, counters = run_job(*index, h08, h09, ids_root=ids)

    assert counters["ownership"] == {"kept": 1, "replaced": 1, "new": 1, "moved": 1, "vanished": 1}
    assert counters["vanished"] == {EVENTS_08: 1}
    # replaced and vanished; "moves" moved within the landing day
    assert counters["lost_days"] == {DAY: 2}
    assert counters["recompute_days"] == {DAY: 2}
    assert counters["lines"] == {"read": 5, "valid": 4, "duplicate": 1}
    assert {line.split("\t", 1)[0] for line in of(lines, "_changes")} == {"_changes/added/dt=2026-11-27/hour=08"}
    assert sorted(line.split("\t")[1:3] for line in of(lines, "_changes")) == [["n", "new"], ["n", "replaced"]]
    assert [line.split("\t")[:2] for line in of(lines, "_state/ids")] == [
        ["_state/ids/dt=2026-11-27/hour=08", name] for name in ("kept", "moves", "new", "replaced")]


def test_a_rerun_on_its_own_index_keeps_everything(tmp_path, ids):
    path = landed(tmp_path, "08", RAW_INPUT)
    first, _ = run_job(path)
    lines, counters = run_job(*write_index(tmp_path / "warehouse", first), path, ids_root=ids)
    assert lines == [line for line in first if not line.startswith("_changes/")]
    assert counters["ownership"] == {"kept": 2}
    assert "event_days" not in counters and "lost_days" not in counters


def test_raw_files_whose_path_looks_like_a_warehouse_path_are_raw(tmp_path, ids):
    raws = [
        write(tmp_path, "data/_state/ids/dt=2026-11-27/hour=08/a.jsonl", event("e-1")),
        write(tmp_path, "warehouse/_state/ids2/dt=2026-11-27/hour=08/a.jsonl", event("e-2")),
        write(tmp_path, "data/events/dt=2026-11-27/hour=08/a.jsonl", event("e-3")),
    ]
    for root in (ids, None):
        _, counters = run_job(*raws, ids_root=root)
        assert counters["lines"] == {"read": 3, "valid": 3}
        assert counters["ownership"] == {"new": 3}


# --- the run's id filter -------------------------------------------------------

def sketch(tmp_path, *raw, capacity=MIN_CAPACITY, dataset="_changes/run_ids"):
    """A filter file of the sketch job's output (the run's ids by default), as the driver passes it."""
    job = MRSketchEventIds(["-r", "inline", "--no-conf", "--capacity", str(capacity), "--day", DAY,
                            *map(str, raw)])
    with job.make_runner() as runner:
        runner.run()
        output = dict(job.parse_output(runner.cat_output()))
    assert sorted(output) == ["_changes/run_ids/dt=2026-11-27", "_changes/run_keys/dt=2026-11-27"]
    path = tmp_path / dataset.replace("/", "_") / "part-00000"
    path.parent.mkdir(exist_ok=True)
    path.write_text(output[dataset + "/dt=" + DAY])
    return path


def test_the_sketch_holds_every_accepted_event_id(tmp_path):
    a = landed(tmp_path, "08", RAW_INPUT)
    b = write(tmp_path, "landing/dt=2026-11-27/hour=09/b.jsonl.gz", event("gz-1") + b"[]\n" + event("gz-2"))
    held = IdFilter.load(str(sketch(tmp_path, a, b)))
    assert all(held.might_hold(event_id) for event_id in (b"e-1", b"e-2", b"gz-1", b"gz-2"))
    assert not any(held.might_hold(b"other-%d" % n) for n in range(20))


def test_the_local_runner_sketches_what_the_inline_runner_does(tmp_path):
    # Its map tasks take their split's lines a batch at a time (JobIO.run_mapper), gzip whole.
    a = landed(tmp_path, "08", RAW_INPUT * 50)
    b = write(tmp_path, "landing/dt=2026-11-27/hour=09/b.jsonl.gz", event("gz-1") + b"[]\n" + event("gz-2"))
    out = tmp_path / "out"
    job = MRSketchEventIds(["-r", "local", "--no-conf", "--capacity", str(MIN_CAPACITY), "--day", DAY,
                            "--paths-in-lines", "--write-partitions", "--output-dir", str(out), str(a), str(b)])
    with job.make_runner() as runner:
        runner.run()
        counters = runner.counters()
    # e-1, e-2 and e-4 of each copy (a device type is not checked: the filters may hold more), gz-1, gz-2
    assert counters[0]["sketch"] == {"events": 50 * 3 + 2}
    for dataset in ("_changes/run_ids", "_changes/run_keys"):
        written = (out / (dataset + "/dt=" + DAY) / "part-00000").read_text()
        assert written.strip() == sketch(tmp_path, a, b, dataset=dataset).read_text().strip()


def test_the_sketch_holds_the_daily_rows_the_events_change(tmp_path):
    held = IdFilter.load(str(sketch(tmp_path, landed(tmp_path, "08", RAW_INPUT), dataset="_changes/run_keys")))
    # e-1: a purchase of m-1 on dev:1 that day; e-2: a heartbeat of pos-7, the day before
    for key in ("2026-11-27\tdevice_daily\tdev:1", "2026-11-27\tmember_daily\tm-1",
                "2026-11-26\tdevice_daily\tpos-7"):
        assert held.might_hold(key.encode())
    for key in ("2026-11-27\tdevice_daily\tpos-7", "2026-11-26\tmember_daily\tm-1",
                "2026-11-27\tdevice_daily\ttablet-4"):
        assert not held.might_hold(key.encode())


def test_the_sketch_of_lines_without_events_is_empty(tmp_path):
    held = IdFilter.load(str(sketch(tmp_path, landed(tmp_path, "08", b"\n[]\nnot json\n"))))
    assert not any(held.might_hold(b"e-%d" % n) for n in range(100))


def _index_of_three_hours(tmp_path):
    # 07 and 09 are other hours, 08 the run's own (it is re-run with a changed landing).
    at_07 = "2026-11-27T07:15:00.000Z"
    index = []
    for hour, raw in (("07", event("early", ts=at_07) + event("quiet-7", ts=at_07)),
                      ("08", event("kept") + event("vanishes")),
                      ("09", event("late") + event("quiet-9") + event("moves"))):
        index = write_index(tmp_path / "warehouse", run_job(landed(tmp_path, hour, raw))[0])
    return index


def test_the_filter_skips_only_entries_no_copy_can_meet(tmp_path, ids):
    index = _index_of_three_hours(tmp_path)
    h08 = landed(tmp_path, "08", event("kept") + event("early") + event("late", battery=1) + event("moves")
                 + event("new"), "b.jsonl")
    plain = run_job(*index, h08, ids_root=ids, run_hours=[EVENTS_08])
    filtered = run_job(*index, h08, ids_root=ids, run_hours=[EVENTS_08], run_ids=sketch(tmp_path, h08))
    assert filtered == plain
    assert plain[1]["vanished"] == {EVENTS_08: 1}  # the run hour's own entries are never skipped


def test_the_filter_counts_what_it_skips(tmp_path, ids):
    index = _index_of_three_hours(tmp_path)
    h08 = landed(tmp_path, "08", event("kept") + event("vanishes") + event("early"), "b.jsonl")
    job = MRValidateEvents(["-r", "inline", "--no-conf", "--ids-root", str(ids), "--run-hour", EVENTS_08,
                            "--run-ids", str(sketch(tmp_path, h08)), *index, str(h08)])
    with job.make_runner() as runner:
        runner.run()
        counters = runner.counters()[0]
    # 7 entries; quiet-7, quiet-9, late and moves are of other hours and not in the run
    assert counters["index"] == {"read": 7, "skipped": 4}


def test_index_entries_fill_whole_lines(tmp_path):
    many = ["e%04d" % n for n in range(12 * id_index.ENTRIES_PER_LINE)]
    h08 = landed(tmp_path, "08", b"".join(event(name) for name in many))
    job = MRValidateEvents(["-r", "inline", "--no-conf", "--run-hour", EVENTS_08, str(h08)])
    with job.make_runner() as runner:
        runner.run()
        index = [value for key, value in job.parse_output(runner.cat_output()) if key.startswith("_state/ids/")]
        rows = runner.counters()[0]["rows"]
    sizes = [len(line.rstrip("\n").split("\t")) // 3 for line in index]
    # each reduce task fills its lines but the last: at most a line more per task than full lines
    assert sum(sizes) == len(many) and rows["_state/ids"] == len(index)
    assert sizes.count(id_index.ENTRIES_PER_LINE) >= len(index) - 8 > 0
    written = entries(["_state/ids/dt=2026-11-27/hour=08\t" + line.rstrip("\n") for line in index])
    assert [line.split("\t")[1] for line in written] == many


@pytest.mark.parametrize("per_line", [1, 3])
def test_index_lines_of_any_length_give_the_same_decisions(tmp_path, ids, per_line):
    # one entry to a line is how indexes were written before entries were grouped
    at_07 = "2026-11-27T07:15:00.000Z"
    first, _ = run_job(landed(tmp_path, "07", b"".join(event("e%d" % n, ts=at_07) for n in range(7))))
    index = write_index(tmp_path / "warehouse", first, per_line=per_line)
    with open(index[0], encoding="utf-8") as handle:
        assert len(handle.readlines()) == -(-7 // per_line)
    h08 = landed(tmp_path, "08", event("e1") + event("e5") + event("new"))
    out, counters = run_job(*index, h08, ids_root=ids)
    assert counters["lines"] == {"read": 3, "valid": 1, "duplicate": 2}
    assert counters["ownership"] == {"duplicate": 2, "new": 1}
    assert [line.split("\t")[1] for line in of(out, "_state/ids")] == ["new"]


def test_index_lines_that_are_not_entries_are_counted(tmp_path, ids):
    first, _ = run_job(landed(tmp_path, "07", event("a", ts="2026-11-27T07:15:00.000Z")))
    index = write_index(tmp_path / "warehouse", first)
    write(tmp_path / "warehouse", "_state/ids/dt=2026-11-27/hour=07/part-00001", b"b\t2026-11-27\n\tx\ty\n")
    h08 = landed(tmp_path, "08", event("a"))
    job = MRValidateEvents(["-r", "inline", "--no-conf", "--ids-root", str(ids), "--run-hour", EVENTS_08,
                            *index, str(ids / "dt=2026-11-27/hour=07/part-00001"), str(h08)])
    with job.make_runner() as runner:
        runner.run()
        counters = runner.counters()[0]
    assert {name: n for name, n in counters["index"].items() if n} == {"read": 1, "bad_line": 2}
    assert counters["lines"] == {"read": 1, "duplicate": 1}


@pytest.mark.parametrize("spelling, key", [
    ("/w/events/a", "/w/events/a"), ("file:/w/events/a", "/w/events/a"), ("file:///w/events/a", "/w/events/a"),
    ("//w//events/a", "/w/events/a"), ("hdfs://nn:8020/w/events/a", "hdfs://nn:8020/w/events/a"),
])
def test_path_key_spells_a_file_one_way(spelling, key):
    assert path_key(spelling) == key
