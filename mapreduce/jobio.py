"""How the jobs read and write files, the same on every runner.

**Input.** A mapper needs to know which file each line comes from (the
landing hour of a raw line, the dataset of a warehouse row). On Hadoop the
jobs read through ``PathLineInputFormat`` (``mapreduce/java``): many small
files combine into few map tasks (24 hourly landing files are one task, not
24 JVMs), and each record arrives as ``<file URI> TAB <line>``, because one
task now reads several files. mrjob's inline and local runners run no Java
input format: there the file is the task's ``mapreduce.map.input.file``.
The driver says which (``--paths-in-lines``); ``JobIO.split_input`` hides it.
A job whose work on a line is cheap defines ``map_lines(file, lines)`` and
gets its input a batch of lines of one file at a time (``JobIO.run_mapper``):
mrjob's own loop calls the mapper once a line.

**Output.** Every job ends by emitting ``(partition folder, row)`` pairs, such as
``("events/dt=2026-11-27/hour=08", <TSV row>)``. Where the rows land:

- on Hadoop, the job's output format (``PartitionedTextOutputFormat``,
  ``mapreduce/java``) writes each row to
  ``<output>/<partition>/part-NNNNN``, through Hadoop's output committer;
- mrjob's inline and local runners run no Java output format, so with
  ``--write-partitions`` the reducer writes the same files itself, under the
  task's output folder (``mapreduce.task.output.dir``, which those runners
  set to the step's output folder), one ``part-NNNNN`` per reduce task.

Either way rows are in reducer-key order, each partition folder holds only
its rows, and the driver never reads them: it lists folders and renames.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from collections import Counter
from typing import IO, Iterator

import orjson
from mrjob.compat import jobconf_from_env
from mrjob.job import MRJob
from mrjob.protocol import BytesValueProtocol, RawProtocol

OUTPUT_FORMAT = "com.kickback.mapred.PartitionedTextOutputFormat"
INPUT_FORMAT = "com.kickback.mapred.PathLineInputFormat"
INPUT_FILE_JOBCONF = "mapreduce.map.input.file"
# Combined splits stay at most this big, so a large day still spreads over
# several map tasks.
SPLIT_MAX_BYTES = 256 << 20
OUTPUT_DIR_JOBCONF = "mapreduce.task.output.dir"
TASK_JOBCONF = "mapreduce.task.partition"
TASK_OUTPUT_BUFFER = 1 << 16
# Set by mapreduce.local_splits for a map task whose input names the files to read.
MANIFEST_ENV = "KICKBACK_SPLIT_MANIFEST"
# The garbage collector's thresholds for a job whose tasks hold many objects
# (JobIO.GC_THRESHOLDS): the young generation every 100,000 allocations, the
# older ones hardly ever. The jobs' records are acyclic, so reference
# counting frees them.
FEW_COLLECTIONS = (100_000, 1_000, 1_000)


class OrjsonProtocol:
    """JSON key and JSON value joined by a tab, via orjson: every job's shuffle
    format (it round-trips floats exactly, like the standard library's)."""

    def read(self, line: bytes) -> tuple:
        """Decode one shuffle line into (key, value)."""
        key, value = line.split(b"\t", 1)
        return orjson.loads(key), orjson.loads(value)

    def write(self, key: object, value: object) -> bytes:
        """Encode (key, value) as one shuffle line."""
        return orjson.dumps(key) + b"\t" + orjson.dumps(value)


class PartitionedOutput:
    """Where a reduce task's ``(partition, row)`` pairs go."""

    def __init__(self, write_files: bool):
        self._folder = None
        self._handles: dict[str, IO[bytes]] = {}
        if write_files:
            folder = jobconf_from_env(OUTPUT_DIR_JOBCONF)
            if not folder:
                raise ValueError("--write-partitions needs %s in the task environment" % OUTPUT_DIR_JOBCONF)
            if folder.startswith("file://"):
                folder = folder[len("file://"):]
            self._folder = folder
            self._name = "part-%05d" % int(jobconf_from_env(TASK_JOBCONF) or 0)

    def emit(self, partition: str, row: str) -> Iterator[tuple[str, str]]:
        """Write one row (or hand it to the output format); yields what the reducer yields."""
        if self._folder is None:
            yield partition, row
            return
        self._handle(partition).write(row.encode("utf-8") + b"\n")

    def emit_line(self, partition: str, line: bytes) -> tuple[tuple[str, str], ...]:
        """``emit`` of a row given as the UTF-8 bytes of its line (no newline), copied as it is."""
        if self._folder is None:
            return ((partition, line.decode("utf-8")),)
        self._handle(partition).write(line + b"\n")
        return ()

    def emit_lines(self, partition: str, lines: list[bytes]) -> tuple[tuple[str, str], ...]:
        """``emit_line`` of each of ``lines``, in one write where the task writes its files."""
        if self._folder is None:
            return tuple((partition, line.decode("utf-8")) for line in lines)
        if lines:
            self._handle(partition).write(b"\n".join(lines) + b"\n")
        return ()

    def _handle(self, partition: str) -> IO[bytes]:
        handle = self._handles.get(partition)
        if handle is None:
            folder = os.path.join(self._folder, partition)
            os.makedirs(folder, exist_ok=True)
            handle = self._handles[partition] = open(os.path.join(folder, self._name), "wb")
        return handle

    def close(self) -> None:
        """Close every file this task wrote."""
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


class JobIO(MRJob):
    """An MRJob that reads files through ``split_input`` and whose last
    reducer emits ``(partition folder, row)`` pairs.

    The first step's mapper takes raw bytes (``BytesValueProtocol``) and
    calls ``split_input(line)`` for ``(file, line)``. The last step's reducer
    calls ``open_output()`` in its ``*_init``, ``emit()`` for each row and
    ``close_output()`` in its ``*_final``; rows are counted per dataset in
    the ``rows`` counter group, which the driver checks against the job's
    other counters (rows are counted per partition as they go, and summed
    per dataset once, at the end of the task).
    """

    INPUT_PROTOCOL = BytesValueProtocol
    OUTPUT_PROTOCOL = RawProtocol
    # The collector's thresholds while the job runs (None: Python's own); see FEW_COLLECTIONS.
    GC_THRESHOLDS: tuple[int, int, int] | None = None
    JOBCONF = {"mapreduce.input.fileinputformat.split.maxsize": str(SPLIT_MAX_BYTES)}

    @property
    def stdout(self):
        """The task's output, buffered even when the interpreter's is not.

        With ``PYTHONUNBUFFERED`` set (or ``python -u``), ``sys.stdout.buffer``
        is the raw file, and mrjob writes each record in two system calls.
        """
        if self._stdout is None:
            out = getattr(sys.stdout, "buffer", sys.stdout)
            if isinstance(out, io.RawIOBase):
                out = self._wrapped_stdout = io.BufferedWriter(out, buffer_size=TASK_OUTPUT_BUFFER)
            self._stdout = out
        return self._stdout

    def execute(self):
        """Run the task (or the job) with the job's ``GC_THRESHOLDS``, then flush the output
        buffer this job added (and give the caller's thresholds back: the inline runner runs
        tasks in its own process)."""
        thresholds = gc.get_threshold()
        if self.GC_THRESHOLDS is not None:
            gc.set_threshold(*self.GC_THRESHOLDS)
        try:
            super().execute()
        finally:
            gc.set_threshold(*thresholds)
            wrapped = getattr(self, "_wrapped_stdout", None)
            if wrapped is not None:
                wrapped.flush()
                wrapped.detach()  # the interpreter still owns the file
                self._wrapped_stdout = self._stdout = None

    def configure_args(self):
        """Add --write-partitions and --paths-in-lines."""
        super().configure_args()
        self.add_passthru_arg(
            "--write-partitions", dest="write_partitions", action="store_true", default=False,
            help="Write partition folders from the reducer (runners without Java output formats).",
        )
        self.add_passthru_arg(
            "--paths-in-lines", dest="paths_in_lines", action="store_true", default=False,
            help="Input records are '<file> TAB <line>' (PathLineInputFormat, on Hadoop).",
        )

    def hadoop_input_format(self) -> str | None:
        """``PathLineInputFormat`` when the driver says records carry their file (Hadoop only)."""
        if self.options.write_partitions:
            return None  # mrjob's local runner: its splits carry the paths (mapreduce.local_splits)
        return INPUT_FORMAT if self.options.paths_in_lines else None

    def hadoop_output_format(self) -> str | None:
        """``PartitionedTextOutputFormat`` unless the job writes its partitions itself.

        The inline and local runners get neither format (they would only warn
        that they ignore it).
        """
        return None if self.options.write_partitions else OUTPUT_FORMAT

    def _runner_class(self):
        """mrjob's runner, but ``local`` combines small input files when records carry paths,
        and ``inline`` reads every member of a gzip input."""
        if self.options.runner == "local" and self.options.paths_in_lines:
            from mapreduce.local_splits import CombiningLocalRunner

            return CombiningLocalRunner
        if self.options.runner == "inline":
            from mapreduce.local_splits import WholeGzipInlineRunner

            return WholeGzipInlineRunner
        return super()._runner_class()

    def _read_input(self):
        """The task's input lines; a first-step map task of the local runner reads its manifest's files."""
        if os.environ.get(MANIFEST_ENV) == "1":
            from mapreduce.local_splits import read_manifest

            return read_manifest(self.stdin)
        return super()._read_input()

    def run_mapper(self, step_num=0):
        """Run a map task; a job with ``map_lines(file, lines)`` gets its first step's
        input a batch of lines at a time (``input_batches``) instead of its mapper once
        a line. mrjob's loop costs about 2 microseconds a line, more than a split or a
        sketch does with the line."""
        map_lines = getattr(self, "map_lines", None)
        if step_num != 0 or map_lines is None:
            return super().run_mapper(step_num)
        _, write = self.pick_protocols(step_num, "mapper")
        out = self.stdout
        step = self.steps()[step_num]

        def write_all(pairs):
            for key, value in pairs or ():
                out.write(write(key, value) + b"\n")

        if step["mapper_init"]:
            write_all(step["mapper_init"]())
        for path, lines in self.input_batches():
            write_all(map_lines(path, lines))
        if step["mapper_final"]:
            write_all(step["mapper_final"]())

    def input_batches(self, size: int = 4096) -> Iterator[tuple[str, list[bytes]]]:
        """The task's input as ``(file, lines)``, many lines of one file at a time, each
        without its line end: ``split_input`` of every line, for a map task that takes
        its lines a batch at a time (mrjob's loop calls a mapper once a line)."""
        if os.environ.get(MANIFEST_ENV) == "1":
            from mapreduce.local_splits import read_manifest_blocks

            for path, lines in read_manifest_blocks(self.stdin):
                yield path, [line.rstrip(b"\r") for line in lines]
            return
        path, batch = None, []
        for record in self._read_input():
            line_path, line = self.split_input(record.rstrip(b"\r\n"))
            if line_path != path or len(batch) >= size:
                if batch:
                    yield path, batch
                path, batch = line_path, []
            batch.append(line)
        if batch:
            yield path, batch

    def split_input(self, line: bytes) -> tuple[str, bytes]:
        """``(file the line comes from, the line)`` on every runner."""
        if self.options.paths_in_lines:
            path, _, rest = line.partition(b"\t")
            return path.decode("utf-8", "surrogateescape"), rest
        path = jobconf_from_env(INPUT_FILE_JOBCONF)
        if not path:
            raise ValueError("no input file name in the task environment (%s); run on files, not stdin"
                             % INPUT_FILE_JOBCONF)
        return path, line

    def open_output(self) -> None:
        """Start a reduce task's output."""
        self._output = PartitionedOutput(self.options.write_partitions)
        self._rows: Counter = Counter()

    def emit(self, partition: str, row: str) -> Iterator[tuple[str, str]]:
        """One output row of ``partition``."""
        self._rows[partition] += 1
        return self._output.emit(partition, row)

    def emit_line(self, partition: str, line: bytes) -> tuple[tuple[str, str], ...]:
        """One output row of ``partition``, the UTF-8 bytes of a line read (no newline), copied
        without decoding where the task writes its files itself."""
        self._rows[partition] += 1
        return self._output.emit_line(partition, line)

    def emit_lines(self, partition: str, lines: list[bytes]) -> tuple[tuple[str, str], ...]:
        """``emit_line`` of each of ``lines``, written at once where the task writes its files."""
        self._rows[partition] += len(lines)
        return self._output.emit_lines(partition, lines)

    def close_output(self) -> None:
        """End a reduce task's output and count its rows."""
        self._output.close()
        datasets: Counter = Counter()
        for partition, rows in self._rows.items():
            datasets[partition.split("/dt=", 1)[0]] += rows
        for dataset, rows in sorted(datasets.items()):
            self.increment_counter("rows", dataset, rows)
        self._rows.clear()
