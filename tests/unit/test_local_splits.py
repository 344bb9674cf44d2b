"""mrjob's local runner with small files combined into few map tasks."""

from __future__ import annotations

import gzip
import io
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from mrjob.local import LocalMRJobRunner

from mapreduce import local_splits
from mapreduce.jobio import JobIO
from mapreduce.local_splits import key_cuts, line_blocks, split_count

ROOT = Path(__file__).resolve().parents[2]


class _CountLines(JobIO):
    """Lines per input file, and how many map tasks read them."""

    def mapper_init(self):
        self.increment_counter("test", "map_tasks")

    def reducer_init(self):
        self.increment_counter("test", "reduce_tasks")

    def mapper(self, _, line):
        path, rest = self.split_input(line)
        yield path.rsplit("/", 1)[1], rest.decode()

    def reducer(self, name, lines):
        yield name, ",".join(sorted(lines))


def _inputs(tmp_path, files=30):
    inputs = []
    for n in range(files):
        path = tmp_path / ("f%02d.txt" % n)
        path.write_bytes(b"a%d\nb%d" % (n, n))  # the last line has no newline
        inputs.append(str(path))
    packed = tmp_path / "g.txt.gz"
    packed.write_bytes(gzip.compress(b"x\ny\n"))
    inputs.append(str(packed))
    return inputs


def _run(inputs, cores=2):
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", str(cores),
                       "--cmdenv", "PYTHONPATH=%s" % ROOT, *inputs])
    with job.make_runner() as runner:
        runner.run()
        got = {name: value.strip() for name, value in job.parse_output(runner.cat_output())}
        return got, runner.counters()[0]["test"]


def test_many_small_files_take_one_map_task_and_keep_their_paths(tmp_path):
    got, tasks = _run(_inputs(tmp_path))
    assert got["f07.txt"] == "a7,b7"
    assert got["g.txt.gz"] == "x,y"
    assert len(got) == 31
    assert tasks["map_tasks"] == 1  # all of it is under MIN_SPLIT_BYTES
    assert tasks["reduce_tasks"] == 1


def test_large_input_takes_one_task_per_core_for_map_and_reduce(tmp_path, monkeypatch):
    # The splits are cut in this (the driver's) process.
    monkeypatch.setattr(local_splits, "MIN_SPLIT_BYTES", 1)
    got, tasks = _run(_inputs(tmp_path, files=31), cores=3)
    assert len(got) == 32
    assert got["f30.txt"] == "a30,b30"
    assert tasks["map_tasks"] == 3 * local_splits.SPLITS_PER_CORE
    assert tasks["reduce_tasks"] == 3 * local_splits.SPLITS_PER_CORE


def test_a_steps_map_side_files_are_removed_once_the_reducers_input_is_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(local_splits, "MIN_SPLIT_BYTES", 1)
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", "2", "--cmdenv", "PYTHONPATH=%s" % ROOT,
                       "--local-tmp-dir", str(tmp_path / "tmp"), *_inputs(tmp_path)])
    seen = {}
    original = local_splits.CombiningLocalRunner._run_reducers

    def run_reducers(runner, step_num, tasks):
        step = Path(runner._step_dir(step_num))
        seen["map side"] = sorted(str(p.relative_to(step)) for p in step.glob("mapper/*/*put"))
        seen["sorted"] = Path(runner._sorted_reducer_input_path(step_num)).exists()
        seen["reducer inputs"] = len(list(step.glob("reducer/*/input")))
        return original(runner, step_num, tasks)

    monkeypatch.setattr(local_splits.CombiningLocalRunner, "_run_reducers", run_reducers)
    with job.make_runner() as runner:
        runner.run()
        got = dict(job.parse_output(runner.cat_output()))
    assert len(got) == 31
    assert seen == {"map side": [], "sorted": False, "reducer inputs": 2}


def test_split_count_is_one_wave_and_no_split_under_the_minimum():
    cores = 2
    wave = cores * local_splits.SPLITS_PER_CORE
    assert split_count(0, cores) == 1
    assert split_count(local_splits.MIN_SPLIT_BYTES * 2 - 1, cores) == min(wave, 1)
    assert split_count(local_splits.MIN_SPLIT_BYTES * 100, cores) == wave


_sorted_lines = st.lists(
    st.tuples(st.sampled_from([b"a", b"b", b"bb", b"c", b"d", b"e"]), st.binary(max_size=12).map(
        lambda value: value.replace(b"\n", b"").replace(b"\r", b"").replace(b"\t", b""))),
    max_size=60,
).map(sorted)


@given(_sorted_lines, st.integers(min_value=1, max_value=8))
def test_key_cuts_cover_the_file_and_never_split_a_key(pairs, parts):
    data = b"".join(key + b"\t" + value + b"\n" for key, value in pairs)
    offsets = key_cuts(io.BytesIO(data), len(data), parts)
    assert offsets[0] == 0 and offsets[-1] == len(data)
    assert offsets == sorted(set(offsets)) or data == b""
    assert len(offsets) - 1 <= parts
    ranges = [data[start:end] for start, end in zip(offsets, offsets[1:])]
    assert b"".join(ranges) == data
    keys = [{line.split(b"\t")[0] for line in chunk.split(b"\n") if line} for chunk in ranges]
    for left, right in zip(keys, keys[1:]):
        assert not left & right
    for chunk in ranges[:-1]:
        assert chunk.endswith(b"\n")


def test_key_cuts_balance_distinct_keys():
    data = b"".join(b"k%04d\tv\n" % n for n in range(1000))
    offsets = key_cuts(io.BytesIO(data), len(data), 4)
    sizes = [end - start for start, end in zip(offsets, offsets[1:])]
    assert len(sizes) == 4
    assert max(sizes) - min(sizes) <= 16


def test_map_task_sorts_take_one_thread_and_the_reducers_sort_takes_every_core(tmp_path, monkeypatch):
    if not local_splits.gnu_sort():
        pytest.skip("sort is not GNU sort: mrjob's own switches are used")
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", "3", *_inputs(tmp_path, files=1)])
    with job.make_runner() as runner:
        assert "--parallel=1" in runner._sort_bin()
        assert runner._sort_bin()[-2:] == ["-S", local_splits.SORT_BUFFER]
        seen = []
        monkeypatch.setattr(LocalMRJobRunner, "_sort_reducer_input",
                            lambda self, step_num, tasks: seen.append(self._sort_bin()))
        runner._sort_reducer_input(0, 1)
        assert "--parallel=3" in seen[0]
        assert "--parallel=1" in runner._sort_bin()


def test_line_blocks_end_on_newlines_only():
    assert list(line_blocks([b"a\nb", b"c\r\nd", b"", b"e"])) == [b"a\n", b"bc\r\n", b"de"]
    assert list(line_blocks([b"a\n", b"b\n"])) == [b"a\n", b"b\n"]


def _two_members(tmp_path):
    """A gzip file of two members (RFC 1952: a gzip file is a series of members)."""
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(gzip.compress(b"m1\nm2\n") + gzip.compress(b"m3\nm4"))
    return str(path)


@pytest.mark.parametrize("runner", ["inline", "local"])
def test_every_member_of_a_gzip_file_is_read(tmp_path, runner):
    job = _CountLines(["-r", runner, *(["--paths-in-lines"] if runner == "local" else []),
                       "--cmdenv", "PYTHONPATH=%s" % ROOT, _two_members(tmp_path)])
    with job.make_runner() as run:
        run.run()
        got = {name: value.strip() for name, value in job.parse_output(run.cat_output())}
    assert got == {"two.jsonl.gz": "m1,m2,m3,m4"}


def test_compressed_input_is_balanced_by_its_bytes_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(local_splits, "MIN_SPLIT_BYTES", 1)
    inputs = []
    for n in range(4):
        path = tmp_path / ("h%d.jsonl.gz" % n)
        path.write_bytes(gzip.compress(b"".join(b"line %d of file %d\n" % (i, n) for i in range(20000))))
        inputs.append(str(path))
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", "2", *inputs])
    with job.make_runner() as runner:
        splits = runner._split_mapper_input(inputs, 0)
    # whole files, each into the split with the fewest bytes so far
    assert [split["file"] for split in splits] == [inputs[0], inputs[1]]
    sizes = [split["length"] for split in splits]
    assert abs(sizes[0] - sizes[1]) < 0.1 * max(sizes)  # two files each, not one line against the rest




class _TwoSteps(JobIO):
    """Lines per input file, then how many map tasks the second step has."""

    def steps(self):
        from mrjob.step import MRStep

        return [MRStep(mapper=self.first_mapper, reducer=self.first_reducer),
                MRStep(mapper_init=self.count_task, mapper=self.second_mapper, reducer=self.second_reducer)]

    def first_mapper(self, _, line):
        path, rest = self.split_input(line)
        yield path.rsplit("/", 1)[1], rest.decode()

    def first_reducer(self, name, lines):
        yield name, sorted(lines)

    def count_task(self):
        self.increment_counter("test", "second_map_tasks")

    def second_mapper(self, name, lines):
        yield "all", len(lines)

    def second_reducer(self, key, counts):
        yield key, str(sum(counts))


def test_a_later_steps_input_is_combined_without_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(local_splits, "SPLITS_PER_CORE", 1)
    inputs = _inputs(tmp_path)
    job = _TwoSteps(["-r", "local", "--paths-in-lines", "--num-cores", "4",
                     "--cmdenv", "PYTHONPATH=%s" % ROOT, "--cmdenv", "TEST_JOB=_TwoSteps", *inputs])
    with job.make_runner() as runner:
        runner.run()
        got = {key: value.strip() for key, value in job.parse_output(runner.cat_output())}
        tasks = runner.counters()[1]["test"]["second_map_tasks"]
    assert got == {"all": "62"}
    assert tasks == 1  # four small reduce outputs, one split


_line = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"."))


@settings(max_examples=150, deadline=None)
@given(files=st.lists(st.lists(_line, max_size=30), min_size=1, max_size=5),
       open_ends=st.lists(st.booleans(), min_size=5, max_size=5), cores=st.integers(1, 4),
       stripe=st.sampled_from([1, 1 << 20]))
def test_manifest_splits_name_every_line_once_and_cut_at_line_starts(files, open_ends, cores, stripe):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths, expected = [], []
        for n, lines in enumerate(files):
            path = Path(tmp) / ("f%d.jsonl" % n)
            data = b"\n".join(lines) + (b"" if open_ends[n] or not lines else b"\n")
            path.write_bytes(data)
            paths.append(str(path))
            records = data.split(b"\n")
            if records[-1] == b"":
                records.pop()  # a final newline ends the last line; it does not start one
            expected += [str(path).encode() + b"\t" + line + b"\n" for line in records]
        job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", str(cores),
                           "--local-tmp-dir", tmp, *paths])
        old = local_splits.MIN_SPLIT_BYTES, local_splits.STRIPE_MIN_BYTES
        local_splits.MIN_SPLIT_BYTES, local_splits.STRIPE_MIN_BYTES = 1, stripe
        try:
            with job.make_runner() as runner:
                splits = runner._split_mapper_input(paths, 0)
                got = []
                for task in range(len(splits)):
                    with open(runner._task_input_path("mapper", 0, task), "rb") as manifest:
                        got.append(list(local_splits.read_manifest(manifest)))
        finally:
            local_splits.MIN_SPLIT_BYTES, local_splits.STRIPE_MIN_BYTES = old
    assert len(splits) <= cores
    # every line once; a file's lines in order, split after split (each split reads a share of each file)
    for path in paths:
        mine = [record for task in got for record in task if record.startswith(path.encode() + b"\t")]
        assert mine == [record for record in expected if record.startswith(path.encode() + b"\t")]
    assert sorted(record for task in got for record in task) == sorted(expected)


# Records of about 60 bytes: several MB, far more than a pipe's buffer.
FLOOD_RECORDS = 50_000


class _CountWithCombiner(_CountLines):
    """Lines per input file, merged in a combiner; the mapper fails on a line 'boom', and a
    line 'flood' makes more records than a pipe holds, on which the combiner fails."""

    def combiner_init(self):
        self.increment_counter("test", "combine_tasks")

    def mapper(self, _, line):
        path, rest = self.split_input(line)
        if rest.strip() == b"boom":
            raise RuntimeError("boom")
        if rest.strip() == b"flood":
            for _ in range(FLOOD_RECORDS):
                yield "flood", ["x" * 40]
            return
        yield path.rsplit("/", 1)[1], [rest.decode().strip()]

    def combiner(self, name, lists):
        if name == "flood":
            raise RuntimeError("flood")
        yield name, sorted(item for items in lists for item in items)

    def reducer(self, name, lists):
        yield name, ",".join(sorted(item for items in lists for item in items))


def _run_combining(tmp_path, monkeypatch, inputs):
    monkeypatch.setattr(local_splits, "MIN_SPLIT_BYTES", 1)
    sorts = []
    original = local_splits.CombiningLocalRunner._sort_input_func

    def sort_input_func(runner):
        sorts.append(1)
        return original(runner)

    monkeypatch.setattr(local_splits.CombiningLocalRunner, "_sort_input_func", sort_input_func)
    job = _CountWithCombiner(["-r", "local", "--paths-in-lines", "--num-cores", "2",
                              "--cmdenv", "PYTHONPATH=%s" % ROOT, "--cmdenv", "TEST_JOB=_CountWithCombiner",
                              *inputs])
    with job.make_runner() as runner:
        runner.run()
        got = {name: value.strip() for name, value in job.parse_output(runner.cat_output())}
        return got, runner.counters()[0]["test"], len(sorts)


def test_a_map_task_pipes_its_mapper_through_sort_into_its_combiner(tmp_path, monkeypatch):
    if not local_splits.gnu_sort():
        pytest.skip("sort is not GNU sort: mrjob runs the map side")
    got, tasks, sorts = _run_combining(tmp_path, monkeypatch, _inputs(tmp_path))
    assert got["f07.txt"] == "a7,b7"
    assert got["g.txt.gz"] == "x,y"
    assert len(got) == 31
    assert tasks == {"map_tasks": 2, "combine_tasks": 2, "reduce_tasks": 2}
    assert sorts == 1  # the reducers' sort only: the map tasks' sorts ran in their pipes


def test_a_failing_mapper_in_the_pipe_fails_the_step_and_names_the_mapper(tmp_path, monkeypatch):
    from mrjob.step import StepFailedException

    if not local_splits.gnu_sort():
        pytest.skip("sort is not GNU sort: mrjob runs the map side")
    inputs = _inputs(tmp_path)
    Path(inputs[0]).write_bytes(b"boom\n")
    with pytest.raises(StepFailedException) as failed:
        _run_combining(tmp_path, monkeypatch, inputs)
    assert failed.value.task_type == "mapper"
    assert failed.value.task_num == 0


def test_a_combiner_failing_mid_pipe_is_named_not_the_sort_it_cut_off(tmp_path, monkeypatch):
    # The combiner stops reading, so its sort dies of SIGPIPE: the report
    # blames the combiner, whose stderr says why.
    from mrjob.step import StepFailedException

    if not local_splits.gnu_sort():
        pytest.skip("sort is not GNU sort: mrjob runs the map side")
    inputs = _inputs(tmp_path)
    Path(inputs[0]).write_bytes(b"flood\n")
    with pytest.raises(StepFailedException) as failed:
        _run_combining(tmp_path, monkeypatch, inputs)
    assert failed.value.task_type == "combiner"
    assert "(sorting" not in str(failed.value)


@pytest.mark.parametrize("codes, blamed", [
    ((0, 0, 0), None),
    ((1, 0, 0), 0),
    ((0, 2, 0), 1),
    ((0, 0, 1), 2),
    ((0, -signal.SIGPIPE, 1), 2),
    ((-signal.SIGPIPE, -signal.SIGPIPE, 1), 2),
    ((-signal.SIGPIPE, 0, 0), 0),
    ((1, 0, 1), 0),
])
def test_a_pipe_failure_blames_the_process_that_did_not_die_of_sigpipe(codes, blamed):
    assert local_splits.pipe_failure(codes) == blamed


if __name__ == "__main__":
    # The local runner's tasks run this file; the test names the job in their environment.
    import os

    {"_TwoSteps": _TwoSteps, "_CountWithCombiner": _CountWithCombiner}.get(
        os.environ.get("TEST_JOB", ""), _CountLines).run()


def test_every_split_gets_a_share_of_every_plain_file(tmp_path, monkeypatch):
    # raw lines are dear and index lines cheap per byte: no split of only one kind
    monkeypatch.setattr(local_splits, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(local_splits, "STRIPE_MIN_BYTES", 1)
    inputs = []
    for name, lines in (("raw.jsonl", 3000), ("index-a", 6000), ("index-b", 6000)):
        path = tmp_path / name
        path.write_bytes(b"".join(b"%s line %05d\n" % (name.encode(), i) for i in range(lines)))
        inputs.append(str(path))
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", "2", *inputs])
    with job.make_runner() as runner:
        splits = runner._split_mapper_input(inputs, 0)
        tasks = []
        for task in range(len(splits)):
            with open(runner._task_input_path("mapper", 0, task), "rb") as manifest:
                tasks.append(list(local_splits.read_manifest(manifest)))
    assert len(tasks) == 2
    for task in tasks:
        raw = sum(record.startswith(inputs[0].encode() + b"\t") for record in task)
        assert abs(raw - 1500) <= 1
