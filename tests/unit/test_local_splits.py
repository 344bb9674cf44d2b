"""mrjob's local runner with small files combined into few map tasks."""

from __future__ import annotations

import gzip
from pathlib import Path

from mapreduce.jobio import JobIO
from mapreduce.local_splits import _lines


class _CountLines(JobIO):
    """Lines per input file, and how many map tasks read them."""

    def mapper_init(self):
        self.increment_counter("test", "map_tasks")

    def mapper(self, _, line):
        path, rest = self.split_input(line)
        yield path.rsplit("/", 1)[1], rest.decode()

    def reducer(self, name, lines):
        yield name, ",".join(sorted(lines))


def test_many_small_files_take_few_map_tasks_and_keep_their_paths(tmp_path):
    inputs = []
    for n in range(30):
        path = tmp_path / ("f%02d.txt" % n)
        path.write_bytes(b"a%d\nb%d" % (n, n))  # the last line has no newline
        inputs.append(str(path))
    packed = tmp_path / "g.txt.gz"
    packed.write_bytes(gzip.compress(b"x\ny\n"))
    inputs.append(str(packed))
    root = Path(__file__).resolve().parents[2]
    job = _CountLines(["-r", "local", "--paths-in-lines", "--num-cores", "2",
                       "--cmdenv", "PYTHONPATH=%s" % root, *inputs])
    with job.make_runner() as runner:
        runner.run()
        got = {name: value.strip() for name, value in job.parse_output(runner.cat_output())}
        tasks = runner.counters()[0]["test"]["map_tasks"]
    assert got["f07.txt"] == "a7,b7"
    assert got["g.txt.gz"] == "x,y"
    assert len(got) == 31
    assert tasks <= 5


def test_lines_split_chunks_on_newlines_only():
    assert list(_lines([b"a\nb", b"c\r\nd", b""])) == [b"a\n", b"bc\r\n", b"d"]


if __name__ == "__main__":
    _CountLines.run()  # the local runner's tasks run this file
