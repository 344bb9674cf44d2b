"""MRSplitDays through mrjob's inline runner: an old day's untouched rows carried
over byte for byte, its touched partials sent to the roll up."""

from __future__ import annotations

import pytest

from mapreduce.id_filter import MIN_CAPACITY, IdFilter
from mapreduce.merges import state_line
from mapreduce.mr_split_days import MRSplitDays
from mapreduce.rollups import daily_key

DAY = "2026-11-20"
STATE = "_state/daily/dt=%s" % DAY
DEVICES = "device_daily/dt=%s" % DAY
MEMBERS = "member_daily/dt=%s" % DAY
TOUCHED = "_changes/touched/dt=%s" % DAY


def _state(dataset, entity, events):
    return state_line([dataset, entity], {"events": events, "note": "tab\there"})


def _write(root, partition, lines):
    path = root / partition / "part-00000"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines))
    return str(path)


def _filter(root, *keys):
    held = IdFilter(MIN_CAPACITY)
    for key in keys:
        held.add(key)
    path = root / "run_keys"
    path.write_text(held.dumps())
    return str(path)


def run_job(root, run_keys, *paths, options=()):
    """Sorted output lines and the job's counters."""
    job = MRSplitDays(["-r", "inline", "--no-conf", "--run-keys", run_keys, *options, *paths])
    with job.make_runner() as runner:
        runner.run()
        lines = sorted("%s\t%s" % (key, value.rstrip("\n")) for key, value in job.parse_output(runner.cat_output()))
        counters = runner.counters()[0]
    return lines, counters


@pytest.fixture
def day(tmp_path):
    """Stored partials and published rows of one old day: two devices, two members."""
    state = [_state("device_daily", "d-touched", 3), _state("device_daily", "d-kept", 5),
             _state("member_daily", "m-touched", 1), _state("member_daily", "m-kept", 2)]
    devices = ["d-touched\tphone\t3", "d-kept\tpos\t5"]
    members = ["m-touched\t1", "m-kept\t2"]
    return state, devices, members, [_write(tmp_path, STATE, state), _write(tmp_path, DEVICES, devices),
                                     _write(tmp_path, MEMBERS, members)]


def test_untouched_rows_are_carried_and_touched_partials_go_to_the_roll_up(tmp_path, day):
    state, devices, members, paths = day
    keys = _filter(tmp_path, daily_key(DAY, "device_daily", "d-touched"), daily_key(DAY, "member_daily", "m-touched"))
    lines, counters = run_job(tmp_path, keys, *paths)
    assert lines == sorted([
        STATE + "\t" + state[1], STATE + "\t" + state[3],   # carried as they are
        DEVICES + "\t" + devices[1], MEMBERS + "\t" + members[1],
        TOUCHED + "\t" + state[0], TOUCHED + "\t" + state[2],  # merged again by the roll up
    ])  # the touched rows themselves: the roll up writes them
    assert counters["rows"] == {"_state/daily": 2, "device_daily": 1, "member_daily": 1, "_changes/touched": 2}


def test_untouched_rows_an_earlier_run_of_the_day_wrote_are_kept_apart(tmp_path, day):
    state, devices, members, paths = day
    extra = tmp_path / DEVICES / "part-00000-carried"
    extra.write_text("d-other\tpos\t1\n")
    keys = _filter(tmp_path, daily_key(DAY, "device_daily", "d-touched"))
    lines, counters = run_job(tmp_path, keys, *paths, str(extra),
                              options=("--written-file", DEVICES + "/part-00000",
                                       "--written-file", "_state/daily/dt=%s/part-00000" % DAY))
    kept = "_changes/kept_device_daily/dt=%s" % DAY
    assert [line for line in lines if line.startswith(("device_daily", "_changes/kept"))] == [
        kept + "\t" + devices[1],        # from the file the earlier run wrote
        DEVICES + "\td-other\tpos\t1"]  # carried over as before
    # Stored partials are never kept apart (nothing loads them); the members' file was not named.
    assert counters["rows"]["_state/daily"] == 3 and counters["rows"]["member_daily"] == 2


def test_a_key_of_another_day_or_kind_does_not_touch(tmp_path, day):
    _, _, _, paths = day
    keys = _filter(tmp_path, daily_key("2026-11-21", "device_daily", "d-touched"),
                   daily_key(DAY, "device_daily", "m-touched"))
    lines, _ = run_job(tmp_path, keys, *paths)
    assert not [line for line in lines if line.startswith("_changes/")]
    assert len(lines) == 8


def test_lines_that_are_no_rollup_row_are_counted_bad(tmp_path):
    paths = [_write(tmp_path, STATE, ["not a state line", state_line(["member_events", "e-1"], {}),
                                      _state("device_daily", "d-1", 1)]),
             _write(tmp_path, DEVICES, ["\\N\tphone"])]
    lines, counters = run_job(tmp_path, _filter(tmp_path), *paths)
    assert counters["split_days"] == {"bad__state_daily": 2, "bad_device_daily": 1}
    assert lines == [STATE + "\t" + _state("device_daily", "d-1", 1)]


def test_an_input_of_another_dataset_fails_the_job(tmp_path):
    path = _write(tmp_path, "events/dt=%s/hour=08" % DAY, ["e-1\td-1"])
    with pytest.raises(ValueError, match="not an input of this job"):
        run_job(tmp_path, _filter(tmp_path), path)


def test_the_local_runner_writes_what_the_inline_runner_emits(tmp_path, day):
    # The local runner's map task reads its split's manifest a block at a time and writes
    # its partitions itself; a line ending in CR LF is read as the line without them.
    state, devices, members, paths = day
    crlf = tmp_path / MEMBERS / "part-00001"
    crlf.write_bytes(b"m-crlf\t4\r\n\r\n")
    keys = _filter(tmp_path, daily_key(DAY, "device_daily", "d-touched"), daily_key(DAY, "member_daily", "m-touched"))
    expected, _ = run_job(tmp_path, keys, *paths, str(crlf))
    out = tmp_path / "out"
    job = MRSplitDays(["-r", "local", "--no-conf", "--run-keys", keys, "--paths-in-lines", "--write-partitions",
                       "--output-dir", str(out), *paths, str(crlf)])
    with job.make_runner() as runner:
        runner.run()
        counters = runner.counters()[0]
    written = sorted("%s\t%s" % (part.parent.relative_to(out).as_posix(), line)
                     for part in out.rglob("part-*") for line in part.read_text().splitlines())
    assert written == expected and MEMBERS + "\tm-crlf\t4" in written
    assert counters["rows"] == {"_state/daily": 2, "device_daily": 1, "member_daily": 2, "_changes/touched": 2}
