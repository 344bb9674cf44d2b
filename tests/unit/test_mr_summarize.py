"""MRSummarizeDevices, then MRSummarizeMembers, through the inline runner: the previous
snapshot's state and the landing day's summary delta in, device and member summaries
and the new state out (the devices' state in its own files, as the driver puts it)."""

from __future__ import annotations

import pathlib
import random

import pytest

from mapreduce import rollups, summaries
from mapreduce.merges import parse_state_line, state_line
from warehouse import layout
from mapreduce.mr_summarize_devices import MRSummarizeDevices
from mapreduce.mr_summarize_members import MRSummarizeMembers


def tsv_lines(text):
    """Literal TSV written with '|' for tabs, one row a line (blank lines skipped)."""
    return [line.strip().replace("|", "\t") for line in text.strip().splitlines() if line.strip()]


# EVENT_COLUMNS, landed in hour 13 of the 27th; e7 is phone-2's owner (a tie on time, e7 > e6).
EVENTS_27 = tsv_lines(r"""
e1|phone-1|phone|app_open|m1|2026-11-27T08:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|3.1.0|ios-17|a
e2|phone-1|phone|heartbeat|\N|2026-11-27T08:05:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|80.5|\N|\N|\N|3.1.1|ios-17.1|a
e3|phone-1|phone|purchase|m1|2026-11-27T09:00:00.000Z|2026-11-27|false|mer-1|\N|1250|USD|12|\N|\N|\N|\N|\N|\N|a
e4|pos-1|pos|purchase|m2|2026-11-27T09:00:00.000Z|2026-11-27|false|mer-1|\N|1000|USD|10|\N|\N|\N|\N|\N|\N|b
e5|pos-1|pos|redeem|m1|2026-11-27T09:10:00.000Z|2026-11-27|false|mer-1|\N|\N|\N|3|\N|\N|\N|\N|\N|\N|b
e6|phone-2|phone|app_open|m3|2026-11-27T13:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|b
e7|phone-2|phone|app_open|m4|2026-11-27T13:00:00.000Z|2026-11-27|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|b
""")
# Landed in hours 07 and 08 of the 28th.
EVENTS_28 = {"07": tsv_lines(r"""
e8|phone-1|phone|app_open|m1|2026-11-28T07:00:00.000Z|2026-11-28|false|\N|\N|\N|\N|\N|\N|\N|\N|\N|3.2.0|ios-17.1|c
e9|beacon-1|beacon|checkin|m2|2026-11-28T07:30:00.000Z|2026-11-28|false|\N|st-2|\N|\N|\N|\N|\N|\N|\N|\N|\N|c
"""), "08": tsv_lines(r"""
e10|pos-1|pos|purchase|m2|2026-11-28T06:00:00.000Z|2026-11-28|false|mer-1|\N|500|EUR|5|\N|\N|\N|\N|\N|\N|d
""")}

# partition|row, with --as-of 2026-11-28T09
EXPECTED_28 = tsv_lines(r"""
device_summary/dt=2026-11-28|phone-1|phone|m1|2026-11-27T08:00:00.000Z|2026-11-28T07:00:00.000Z|3.2.0|ios-17.1|80.5|4|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|pos-1|pos|\N|2026-11-27T09:00:00.000Z|2026-11-28T06:00:00.000Z|\N|\N|\N|3|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|phone-2|phone|m4|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|\N|\N|\N|2|2026-11-28T09:00:00.000Z
device_summary/dt=2026-11-28|beacon-1|beacon|\N|2026-11-28T07:30:00.000Z|2026-11-28T07:30:00.000Z|\N|\N|\N|1|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m1|12|3|9|{"USD":1250}|2026-11-27T08:00:00.000Z|2026-11-28T07:00:00.000Z|2|{"phone-1":{"device_type":"phone","last_seen":"2026-11-28T07:00:00.000Z"},"pos-1":{"device_type":"pos","last_seen":"2026-11-27T09:10:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m2|15|0|15|{"EUR":500,"USD":1000}|2026-11-27T09:00:00.000Z|2026-11-28T07:30:00.000Z|2|{"beacon-1":{"device_type":"beacon","last_seen":"2026-11-28T07:30:00.000Z"},"pos-1":{"device_type":"pos","last_seen":"2026-11-28T06:00:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m3|0|0|0|{}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|1|{"phone-2":{"device_type":"phone","last_seen":"2026-11-27T13:00:00.000Z"}}|2026-11-28T09:00:00.000Z
member_summary/dt=2026-11-28|m4|0|0|0|{}|2026-11-27T13:00:00.000Z|2026-11-27T13:00:00.000Z|1|{"phone-2":{"device_type":"phone","last_seen":"2026-11-27T13:00:00.000Z"}}|2026-11-28T09:00:00.000Z
""")
SUMMARIES = ("device_summary/", "member_summary/")


def delta_lines(rows):
    """The summary delta of some events rows, as _state/deltas lines (what the rollup job writes)."""
    by_key = {}
    for row in rows:
        for key, partial in summaries.event_partials(rollups.parse_event(row)):
            by_key.setdefault(tuple(key), []).append(partial)
    return [state_line(list(key), summaries.merge_partials(key[0], partials)) for key, partials in sorted(by_key.items())]


def write(root, partition, lines, name="part-00000"):
    """Write lines as one part file of ``partition``; its path."""
    path = root / partition / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def deltas(root, day, rows, name="part-00000"):
    """The summary delta of landing day ``day`` holding ``rows``, as one part file; its path."""
    return write(root, "_state/deltas/dt=%s" % day, delta_lines(rows), name)


def deltas_28(root):
    """The 28th's delta: the events of both its hours, one line a key."""
    return [deltas(root, "2026-11-28", EVENTS_28["07"] + EVENTS_28["08"])]


def _run(job_class, args, inputs):
    """Run one job inline; ('partition<TAB>row' lines, counters)."""
    job = job_class(["-r", "inline", "--no-conf", *args, *inputs])
    with job.make_runner() as runner:
        runner.run()
        lines = [key + "\t" + value.removesuffix("\n") for key, value in job.parse_output(runner.cat_output())]
        counters = {}
        for step in runner.counters():
            _add(counters, step)
        return lines, counters


def _add(counters, more):
    for group, names in more.items():
        for name, amount in names.items():
            counters.setdefault(group, {})[name] = counters.get(group, {}).get(name, 0) + amount
    return counters


def run_job(*args):
    """Run the devices job, then the members job with the entries it sent, as the driver
    does; (sorted 'partition<TAB>row' lines, both jobs' counters). The devices' state
    is named as the snapshot state it becomes, the entries are left out."""
    options = [str(arg) for arg in args if not str(arg).startswith("/")]
    paths = [str(arg) for arg in args if str(arg).startswith("/")]
    state = [path for path in paths if "/_state/snapshot/" in path]
    delta = [path for path in paths if path not in state]
    devices, counters = _run(MRSummarizeDevices, options, layout.state_files(state, devices=True) + delta)
    inputs = layout.state_files(state, devices=False) + delta
    root = pathlib.Path(paths[0].split("/_state/", 1)[0]) / "sent"
    sent = [line.split("\t", 1) for line in devices if line.startswith(layout.DEVICE_ENTRIES + "/")]
    if sent:
        inputs.append(write(root, sent[0][0], [row for _, row in sent]))
    member_options = [option for option in options if option != "--join-all"]
    retyped = [line.split("\t", 1) for line in devices if line.startswith(layout.RETYPED_DEVICES + "/")]
    if retyped:
        member_options += ["--retyped", write(root, retyped[0][0], [row for _, row in retyped])]
    members, more = _run(MRSummarizeMembers, member_options, inputs)
    lines = [line.replace(layout.DEVICE_STATE + "/", layout.SNAPSHOT_STATE + "/", 1) for line in devices
             if not line.startswith((layout.DEVICE_ENTRIES + "/", layout.RETYPED_DEVICES + "/"))]
    return sorted(lines + members), _add(counters, more)


def snapshot(root, as_of, *paths):
    """Run the jobs on ``paths``; (their summary lines, the paths of the state they wrote:
    the members' file and the devices' file, as the driver publishes them)."""
    lines, _ = run_job("--as-of", as_of, *paths)
    state = [line.split("\t", 1) for line in lines if line.startswith("_state/snapshot/")]
    assert state and len({partition for partition, _ in state}) == 1
    files = [write(root, state[0][0], [row for _, row in state if row.startswith(prefix)], name)
             for prefix, name in (('["member"', "part-00000"), ('["device"', "part-00000" + layout.DEVICE_STATE_SUFFIX))]
    return [line for line in lines if line.startswith(SUMMARIES)], files


def test_previous_state_plus_the_days_delta(tmp_path):
    _, state_27 = snapshot(tmp_path, "2026-11-27T23", deltas(tmp_path, "2026-11-27", EVENTS_27))
    assert [path.rsplit("/", 2)[1:] for path in state_27] == [
        ["dt=2026-11-27", "part-00000"], ["dt=2026-11-27", "part-00000-devices"]]
    lines, counters = run_job("--as-of", "2026-11-28T09", *state_27, *deltas_28(tmp_path))
    assert [line for line in lines if line.startswith(SUMMARIES)] == sorted(EXPECTED_28)
    # one state line per device and per member
    assert len([line for line in lines if line.startswith("_state/snapshot/dt=2026-11-28\t")]) == 8
    # the devices sent the entries that changed: m1 (phone-1 seen later), m2 (pos-1 later, beacon-1 new)
    assert counters["rows"] == {"device_summary": 4, "_changes/device_state": 4, "_changes/device_entries": 3,
                                "member_summary": 4, "_state/snapshot": 4}


def test_previous_state_plus_deltas_equals_every_delta_at_once(tmp_path):
    _, state_27 = snapshot(tmp_path / "a", "2026-11-27T23", deltas(tmp_path / "a", "2026-11-27", EVENTS_27))
    stepwise, _ = run_job("--as-of", "2026-11-28T09", *state_27, *deltas_28(tmp_path / "a"))
    at_once, _ = run_job("--as-of", "2026-11-28T09", deltas(tmp_path / "b", "2026-11-27", EVENTS_27),
                         *deltas_28(tmp_path / "b"))
    assert stepwise == at_once


def test_the_state_round_trips(tmp_path):
    rows_28, state_28 = snapshot(tmp_path, "2026-11-28T09", *deltas_28(tmp_path),
                                 deltas(tmp_path, "2026-11-27", EVENTS_27))
    rows_29, state_29 = snapshot(tmp_path, "2026-11-29T09", *state_28)
    assert rows_29 == [line.replace("dt=2026-11-28", "dt=2026-11-29").replace(
        "2026-11-28T09:00:00.000Z", "2026-11-29T09:00:00.000Z") for line in rows_28]
    assert [open(path).read() for path in state_29] == [open(path).read() for path in state_28]


def test_snapshot_dt_names_the_partition(tmp_path):
    lines, _ = run_job("--as-of", "2026-11-28T23", "--snapshot-dt", "2026-11-29", *deltas_28(tmp_path))
    assert {line.split("\t", 1)[0] for line in lines} == {
        "device_summary/dt=2026-11-29", "member_summary/dt=2026-11-29", "_state/snapshot/dt=2026-11-29"}
    assert all(line.endswith("\t2026-11-28T23:00:00.000Z") for line in lines if line.startswith(SUMMARIES))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_does_not_depend_on_order_or_splits(tmp_path, seed):
    _, state_27 = snapshot(tmp_path, "2026-11-27T23", deltas(tmp_path, "2026-11-27", EVENTS_27))
    expected, _ = run_job("--as-of", "2026-11-28T09", *state_27, *deltas_28(tmp_path / "one"))
    rnd = random.Random(seed)
    state = [line for path in state_27 for line in open(path).read().splitlines()]
    rnd.shuffle(state)
    rows = rnd.sample(EVENTS_28["07"] + EVENTS_28["08"], 3)
    # the same events' delta split over part files, their keys not merged across them, and
    # the state in the form written before the devices' were named apart: both kinds a file
    paths = [write(tmp_path / "split", "_state/snapshot/dt=2026-11-27", state[:3], "part-00001"),
             write(tmp_path / "split", "_state/snapshot/dt=2026-11-27", state[3:]),
             deltas(tmp_path / "split", "2026-11-28", rows[:1]),
             deltas(tmp_path / "split", "2026-11-28", rows[1:], "part-00001")]
    lines, _ = run_job("--as-of", "2026-11-28T09", *rnd.sample(paths, len(paths)))
    assert lines == expected


def test_empty_input_gives_no_rows(tmp_path):
    lines, _ = run_job("--as-of", "2026-11-28T09", write(tmp_path, "_state/deltas/dt=2026-11-28", []))
    assert lines == []


def test_bad_state_lines_are_counted_not_fatal(tmp_path):
    bad = ["not a state line", '["device"]\t{}', '["bogus","x"]\t{}', '["device","d"]\tnot json', '[]\t{}',
           '["member","m"]\tnot json', '["member",7]\t{}', '[ "member","m"]\t{}']
    path = write(tmp_path, "_state/deltas/dt=2026-11-28", bad + delta_lines(EVENTS_28["08"]))
    lines, counters = run_job("--as-of", "2026-11-28T09", path)
    # each counted once, by one of the two jobs
    assert counters["summarize_entities"] == {"bad_state": len(bad)}
    assert [line for line in lines if line.startswith("device_summary/")] == [
        "device_summary/dt=2026-11-28\tpos-1\tpos\t\\N\t2026-11-28T06:00:00.000Z\t2026-11-28T06:00:00.000Z"
        "\t\\N\t\\N\t\\N\t1\t2026-11-28T09:00:00.000Z"]


@pytest.mark.parametrize("args, message", [
    ([], "--as-of is required"),
    (["--as-of", "2026-11-28"], "--as-of must be a landing hour"),
    (["--as-of", "2026-11-28T24"], "--as-of must be a landing hour"),
    (["--as-of", "2026-11-28T09", "--snapshot-dt", "28.11.2026"], "--snapshot-dt must be"),
])
@pytest.mark.parametrize("job_class", [MRSummarizeDevices, MRSummarizeMembers])
def test_bad_options_fail_fast(job_class, args, message):
    with pytest.raises(ValueError, match=message):
        job_class(args)


def test_a_device_type_change_reaches_members_the_day_did_not_touch(tmp_path):
    # pos-1 reports as a beacon on the 28th; m1 used it on the 27th only
    beacon = [EVENTS_28["08"][0].replace("pos-1|pos|purchase|m2".replace("|", "\t"),
                                         "pos-1|beacon|checkin|\\N".replace("|", "\t"))]
    assert "\tbeacon\t" in beacon[0]
    _, state_27 = snapshot(tmp_path / "a", "2026-11-27T23", deltas(tmp_path / "a", "2026-11-27", EVENTS_27))
    stepwise, counters = run_job("--as-of", "2026-11-28T09", *state_27, deltas(tmp_path / "a", "2026-11-28", beacon))
    at_once, _ = run_job("--as-of", "2026-11-28T09", deltas(tmp_path / "b", "2026-11-27", EVENTS_27),
                         deltas(tmp_path / "b", "2026-11-28", beacon))
    assert stepwise == at_once
    m1 = [line for line in stepwise if line.startswith("member_summary/dt=2026-11-28\tm1\t")]
    assert '"pos-1":{"device_type":"beacon","last_seen":"2026-11-27T09:10:00.000Z"}' in m1[0]
    assert "legacy_state" not in counters.get("summarize_entities", {})
    # pos-1 is named retyped; its one link of the day (no member) sends no entry
    assert counters["rows"]["_changes/retyped_devices"] == 1
    assert "_changes/device_entries" not in counters["rows"]


def with_links(lines, events, member_entries=True):
    """State lines as earlier versions wrote them: each device's partial with the links
    of ``events`` (``{member: last_seen}``), and without its members' devices entries
    unless ``member_entries``."""
    links = {tuple(key): partial["members"] for key, partial in map(parse_state_line, delta_lines(events))
             if key[0] == summaries.DEVICE}
    out = []
    for line in lines:
        key, partial = parse_state_line(line)
        if key[0] == summaries.DEVICE:
            assert partial["members"] == {}
            partial = {**partial, "members": links[tuple(key)]}
        elif not member_entries:
            partial = {**partial, "devices": {}}
        out.append(state_line(key, partial))
    return out


def test_a_snapshot_keeps_no_links_of_its_devices(tmp_path):
    _, state_27 = snapshot(tmp_path, "2026-11-27T23", deltas(tmp_path, "2026-11-27", EVENTS_27))
    devices = [parse_state_line(line) for line in open(state_27[1]).read().splitlines()]
    assert len(devices) == 3 and all(partial["members"] == {} for _, partial in devices)
    members = [parse_state_line(line) for line in open(state_27[0]).read().splitlines()]
    assert sorted(len(partial["devices"]) for _, partial in members) == [1, 1, 1, 2]


def test_a_state_whose_devices_kept_their_links_gives_the_same_answers(tmp_path):
    _, state_27 = snapshot(tmp_path, "2026-11-27T23", deltas(tmp_path, "2026-11-27", EVENTS_27))
    lines = [line for path in state_27 for line in open(path).read().splitlines()]
    old = write(tmp_path / "old", "_state/snapshot/dt=2026-11-27", with_links(lines, EVENTS_27))
    expected, _ = run_job("--as-of", "2026-11-28T09", *state_27, *deltas_28(tmp_path))
    got, counters = run_job("--as-of", "2026-11-28T09", old, *deltas_28(tmp_path))
    assert got == expected and [line for line in got if line.startswith(SUMMARIES)] == sorted(EXPECTED_28)
    # the links the state held are not sent again: the 28th's new or later links only
    assert counters["rows"]["_changes/device_entries"] == 3
    assert "legacy_state" not in counters.get("summarize_entities", {})


def test_a_state_written_before_members_held_their_devices_is_counted_and_joined_whole(tmp_path):
    _, state_27 = snapshot(tmp_path, "2026-11-27T23", deltas(tmp_path, "2026-11-27", EVENTS_27))
    lines = [line for path in state_27 for line in open(path).read().splitlines()]
    old = write(tmp_path / "old", "_state/snapshot/dt=2026-11-27", with_links(lines, EVENTS_27, member_entries=False))
    lines, counters = run_job("--as-of", "2026-11-28T09", old, *deltas_28(tmp_path))
    assert counters["summarize_entities"]["legacy_state"] == 4
    assert [line for line in lines if line.startswith(SUMMARIES)] != sorted(EXPECTED_28)
    lines, _ = run_job("--as-of", "2026-11-28T09", "--join-all", old, *deltas_28(tmp_path))
    assert [line for line in lines if line.startswith(SUMMARIES)] == sorted(EXPECTED_28)


def test_a_retyped_devices_file_that_is_not_one_fails_the_members_job(tmp_path):
    bad = write(tmp_path, layout.RETYPED_DEVICES + "/dt=2026-11-28", ['["member","m1"]\t{"device_type":"pos"}'])
    with pytest.raises(Exception, match="not a retyped device"):
        _run(MRSummarizeMembers, ["--as-of", "2026-11-28T09", "--retyped", bad], deltas_28(tmp_path))
