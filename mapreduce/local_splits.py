"""mrjob's local runner with its input cut into as many balanced tasks as it runs at once.

mrjob's ``local`` runner gives every input file at least one map task, and
every task is a new Python process. The incremental state is many small
partition files (an id index hour, a day's partials), so a run would spend
its time starting processes, more of them the more state the window holds.
This runner does what ``PathLineInputFormat`` does on Hadoop
(``mapreduce.jobio``): the first step's input is cut into
``SPLITS_PER_CORE`` splits per core whatever the number of files (none
under ``MIN_SPLIT_BYTES``), and each record is ``<file> TAB <line>``, so
the jobs read it with ``--paths-in-lines`` exactly as on Hadoop. A first
step's split is a manifest, the byte ranges of the files it covers: the
map task reads them itself (``read_manifest``, from ``JobIO`` when
``MANIFEST_ENV`` is set), so the driver copies nothing. A later step's
input (the reduce output of the step before, a file per reduce task) is
combined by copying, without the paths.

Splits are balanced by input bytes on disk and there are never more than
the target: one split too many (mrjob's own rule closes a split only once
it is full) is a task that runs alone while the other cores wait. Each
split gets an even share of every plain file, cut at line starts, because
inputs differ in cost per byte (raw lines against id index lines); a
compressed file, or a small one, goes whole into the split with the fewest
bytes so far. Every member of a gzip file is read (``read_chunks``).

The reducers' sorted input is cut the same way, at the first key boundary
after each even share of its bytes, and the ranges are copied by the
kernel instead of line by line in the driver.

Sorting: mrjob runs GNU sort once per map task (with a combiner), one per
core at a time, and once over all map outputs. Each sort left to its
defaults takes every core and spills to temporary files: two map tasks'
sorts at once then took 5.3 s where one thread each with enough memory
took 3.4 s (580 MB each, this machine).

A step's map-side files (input splits, outputs, combiner files) are
removed once the reducers' input is sorted, and the sorted file once it is
split: mrjob keeps them until the job ends, holding page cache for nothing.

A map task with a combiner is one pipe, ``mapper | sort | combiner``, as
in a Hadoop map task: mrjob writes the mapper's output to a file, sorts it
into another and runs the combiner on that. On the 1M-event day the
roll-up's map output is 580 MB a task, and page cache is dear on this
machine (about 3 s of system time per GB written).
"""

from __future__ import annotations

import bz2
import functools
import gzip
import logging
import os
import signal
import subprocess
from dataclasses import dataclass

from mrjob.cat import is_compressed
from mrjob.inline import InlineMRJobRunner
from mrjob.local import LocalMRJobRunner, _TaskFailedException
from mrjob.runner import _fix_env
from mrjob.util import cmd_line

from mapreduce.jobio import MANIFEST_ENV

log = logging.getLogger(__name__)


# No split smaller than this: a task costs a process start.
MIN_SPLIT_BYTES = 8 << 20
# Map and reduce tasks per core: one wave of equal tasks, nothing left to run alone.
SPLITS_PER_CORE = 1
# A plain input file smaller than this goes whole into one split, not a piece into each.
STRIPE_MIN_BYTES = 1 << 20
_COPY_CHUNK = 64 << 20
_READ_CHUNK = 1 << 20
# A manifest piece's end for the whole of a compressed file.
_WHOLE = -1
# GNU sort's memory for one sort: big enough that a task's map output sorts
# without temporary files.
SORT_BUFFER = "1G"


class CombiningLocalRunner(LocalMRJobRunner):
    """``local`` runner whose first step reads ``<file> TAB <line>`` records from combined splits."""

    alias = "local"

    def _split_mapper_input(self, input_paths, step_num):
        if step_num == 0:
            return self._manifest_splits(list(input_paths))
        return self._copied_splits(list(input_paths), step_num)

    def _manifest_splits(self, input_paths):
        """Splits that name their pieces of the input files (``read_manifest``): nothing is copied.

        Every split gets an even share of every plain file (cut at line
        starts), so the splits are balanced even when the inputs' bytes cost
        differently: a validate run reads 235 MB of raw lines and 430 MB of
        id index, which is cheap per byte, and contiguous shares put every
        raw line in one task. A compressed file, or a plain one under
        ``STRIPE_MIN_BYTES``, goes whole into the split with the fewest
        bytes so far.
        """
        sizes = [os.path.getsize(path) for path in input_paths]
        parts = split_count(sum(sizes), self._num_cores())
        pieces: list[list[tuple]] = [[] for _ in range(parts)]
        loads = [0] * parts
        for path, size in zip(input_paths, sizes):
            name = path.encode("utf-8", "surrogateescape")
            if is_compressed(path) or size < STRIPE_MIN_BYTES or parts == 1:
                k = loads.index(min(loads))
                pieces[k].append((name, 0, _WHOLE if is_compressed(path) else size, size))
                loads[k] += size
                continue
            start = 0
            for k in range(parts):
                end = size if k == parts - 1 else max(start, _next_line_start(path, size * (k + 1) // parts))
                if end > start:
                    pieces[k].append((name, start, end, end - start))
                    loads[k] += end - start
                    start = end
        splits = self._yield_split_fileobjs("mapper", step_num=0)
        results = []
        for split in (split for split in pieces if split):
            with next(splits) as dest:
                dest.writelines(b"%s\t%d\t%d\n" % piece[:3] for piece in split)
            results.append(dict(file=split[0][0].decode("utf-8", "surrogateescape"), start=split[0][1],
                                length=sum(piece[3] for piece in split)))
        return results

    def _env_for_task(self, task_type, step_num, task_num, map_split=None):
        env = super()._env_for_task(task_type, step_num, task_num, map_split)
        if task_type == "mapper" and step_num == 0:
            env[MANIFEST_ENV] = "1"
        return env

    def _copied_splits(self, input_paths, step_num):
        """Splits that hold copies of the input (a later step's: the step before's output)."""
        sizes = [os.path.getsize(path) for path in input_paths]
        total = sum(sizes)
        parts = split_count(total, self._num_cores())
        splits = self._yield_split_fileobjs("mapper", step_num)
        results, dest, done, opened = [], None, 0, 0
        for path, size in zip(input_paths, sizes):
            # Only the first step reads files: later steps read the step before's output.
            prefix = path.encode("utf-8", "surrogateescape") + b"\t" if step_num == 0 else b""
            with open(path, "rb") as raw:
                for block in line_blocks(read_chunks(raw, path)):
                    if dest is None:
                        dest = next(splits)
                        opened += 1
                        results.append(dict(file=path, start=0, length=0))
                    records = _with_prefix(prefix, block)
                    dest.write(records)
                    results[-1]["length"] += len(records)
                    # Split k ends once the bytes read of the files on disk (compressed
                    # bytes for a compressed file) reach k shares of their total.
                    if opened < parts and (done + raw.tell()) * parts >= total * opened:
                        dest.close()
                        dest = None
            done += size
        if dest is not None:
            dest.close()
        return results

    def _run_mapper_and_combiner_func(self, step_num, task_num, map_split):
        step = self._get_step(step_num)
        sort_bin = self._sort_bin()
        if "mapper" not in step or "combiner" not in step or sort_bin == super()._sort_bin():
            return super()._run_mapper_and_combiner_func(step_num, task_num, map_split)
        self.fs.mkdir(self._task_dir("combiner", step_num, task_num))
        env = dict(os.environ, LC_ALL="C", TMP=self._get_local_tmp_dir(), TMPDIR=self._get_local_tmp_dir())
        return functools.partial(
            _run_map_pipe,
            self._pipe_task("mapper", step_num, task_num, map_split),
            sort_bin,
            env,
            self._pipe_task("combiner", step_num, task_num, map_split),
        )

    def _pipe_task(self, task_type, step_num, task_num, map_split):
        """What a task of the map pipe needs (as mrjob's ``_run_task_func`` gathers it)."""
        return _PipeTask(
            task_type=task_type,
            step_num=step_num,
            num_steps=self._num_steps(),
            task_num=task_num,
            args=self._substep_args(step_num, task_type),
            input_path=self._task_input_path(task_type, step_num, task_num),
            output_path=self._task_output_path(task_type, step_num, task_num),
            stderr_path=self._task_stderr_path(task_type, step_num, task_num),
            wd=self._setup_working_dir(task_type, step_num, task_num),
            env=_fix_env(self._env_for_task(task_type, step_num, task_num, map_split)),
        )

    _sort_threads = 1

    def _sort_bin(self):
        """GNU sort, one thread for each map task's sort (they run one per core at
        once), every core for the reducers' one sort, and memory enough not to spill."""
        if self._opts["sort_bin"] or self._sort_values or not gnu_sort():
            return super()._sort_bin()
        return ["sort", "-t", "\t", "-k", "1,1", "-s",
                "--parallel=%d" % self._sort_threads, "-S", SORT_BUFFER]

    def _sort_reducer_input(self, step_num, num_map_tasks):
        self._sort_threads = self._num_cores()
        try:
            super()._sort_reducer_input(step_num, num_map_tasks)
        finally:
            self._sort_threads = 1
        # The map side's files are read: free their page cache now, not at the job's end.
        for task_num in range(num_map_tasks):
            for task_type in ("mapper", "combiner"):
                _discard(self._task_input_path(task_type, step_num, task_num))
                _discard(self._task_output_path(task_type, step_num, task_num))

    def _split_reducer_input(self, step_num):
        path = self._sorted_reducer_input_path(step_num)
        size = os.path.getsize(path)
        splits = self._yield_split_fileobjs("reducer", step_num)
        with open(path, "rb") as src:
            offsets = key_cuts(src, size, split_count(size, self._num_cores()))
            for start, end in zip(offsets, offsets[1:]):
                with next(splits) as dest:
                    _copy_range(src, dest, start, end)
        _discard(path)
        return len(offsets) - 1


@dataclass(frozen=True)
class _PipeTask:
    """One task of a map pipe (picklable: the local runner runs tasks in a pool)."""

    task_type: str
    step_num: int
    num_steps: int
    task_num: int
    args: list
    input_path: str
    output_path: str
    stderr_path: str
    wd: str
    env: dict

    def failed(self, reason: str) -> _TaskFailedException:
        """The exception mrjob raises for a failed task (it then shows the task's stderr)."""
        return _TaskFailedException(reason=reason, step_num=self.step_num, num_steps=self.num_steps,
                                    task_type=self.task_type, task_num=self.task_num)


def _run_map_pipe(mapper: _PipeTask, sort_bin: list, sort_env: dict, combiner: _PipeTask) -> None:
    """``mapper < its input | sort | combiner > its output``; the first failure in the pipe is raised."""
    log.debug("running step %d, mapper %d | sort | combiner %d", mapper.step_num, mapper.task_num,
              combiner.task_num)
    log.debug("> %s | %s | %s", cmd_line(mapper.args), cmd_line(sort_bin), cmd_line(combiner.args))
    with open(mapper.input_path, "rb") as stdin, open(combiner.output_path, "wb") as stdout, \
            open(mapper.stderr_path, "wb") as mapper_err, open(combiner.stderr_path, "wb") as combiner_err:
        mapping = subprocess.Popen(mapper.args, stdin=stdin, stdout=subprocess.PIPE, stderr=mapper_err,
                                   cwd=mapper.wd, env=mapper.env)
        sorting = subprocess.Popen(sort_bin, stdin=mapping.stdout, stdout=subprocess.PIPE, env=sort_env)
        mapping.stdout.close()  # the sort holds it now: a mapper whose sort died gets SIGPIPE
        combining = subprocess.Popen(combiner.args, stdin=sorting.stdout, stdout=stdout, stderr=combiner_err,
                                     cwd=combiner.wd, env=combiner.env)
        sorting.stdout.close()
        codes = mapping.wait(), sorting.wait(), combining.wait()
    failure = pipe_failure(codes)
    if failure == 0:
        raise mapper.failed(str(subprocess.CalledProcessError(codes[0], mapper.args)))
    if failure == 1:
        raise mapper.failed("%s (sorting the mapper's output)" % subprocess.CalledProcessError(codes[1], sort_bin))
    if failure == 2:
        raise combiner.failed(str(subprocess.CalledProcessError(codes[2], combiner.args)))


def pipe_failure(codes: tuple[int, ...]) -> int | None:
    """Which process of a pipe to blame, from their exit codes in pipe order (None: none failed).

    A process killed by SIGPIPE wrote to a reader that had gone: the failure
    is further down the pipe (a combiner that raised leaves its sort and
    mapper killed so), so the first failure of another kind is the cause.
    """
    failed = [at for at, code in enumerate(codes) if code]
    causes = [at for at in failed if codes[at] != -signal.SIGPIPE]
    return (causes or failed or [None])[0]


@functools.lru_cache(maxsize=1)
def gnu_sort() -> bool:
    """Whether ``sort`` is GNU's (``--parallel`` and ``-S``); BSD's is sorted with mrjob's switches."""
    try:
        version = subprocess.run(["sort", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return False
    return "GNU" in version.stdout


def split_count(size: int, cores: int) -> int:
    """How many tasks ``size`` input bytes make: one wave over the cores, none under ``MIN_SPLIT_BYTES``."""
    return max(1, min(cores * SPLITS_PER_CORE, size // MIN_SPLIT_BYTES))


def key_cuts(src, size: int, parts: int) -> list[int]:
    """Offsets ``[0, ..., size]`` cutting a sorted ``key TAB value`` file into at most
    ``parts`` ranges of about equal bytes, never between two lines of one key."""
    offsets = [0]
    for k in range(1, parts):
        cut = _key_boundary(src, max(size * k // parts, offsets[-1]))
        if cut is None:
            break
        if cut > offsets[-1]:
            offsets.append(cut)
    if size > offsets[-1] or len(offsets) == 1:
        offsets.append(size)
    return offsets


def _key_boundary(src, offset: int) -> int | None:
    """The start of the first line at or after ``offset`` whose key differs from
    the key of the line that ``offset`` falls in; None if there is none."""
    if offset == 0:
        return 0
    src.seek(_line_start(src, offset))
    key = _key(src.readline())
    while True:
        start = src.tell()
        line = src.readline()
        if not line:
            return None
        if _key(line) != key:
            return start


def _line_start(src, offset: int) -> int:
    """The offset of the start of the line that ``offset`` falls in."""
    start = offset
    while start > 0:
        back = max(0, start - 4096)
        src.seek(back)
        chunk = src.read(start - back)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return back + newline + 1
        start = back
    return 0


def _key(line: bytes) -> bytes:
    return line.split(b"\t", 1)[0].rstrip(b"\r\n")


def _copy_range(src, dest, start: int, end: int) -> None:
    """Copy bytes ``[start, end)`` of ``src`` to ``dest``, in the kernel where it can."""
    dest.flush()
    remaining = end - start
    try:
        while remaining > 0:
            copied = os.copy_file_range(src.fileno(), dest.fileno(), min(remaining, _COPY_CHUNK), start)
            if copied == 0:
                break
            start += copied
            remaining -= copied
    except OSError:
        pass  # not on this file system: copy through user space
    src.seek(start)
    while remaining > 0:
        chunk = src.read(min(remaining, _COPY_CHUNK))
        if not chunk:
            break
        dest.write(chunk)
        remaining -= len(chunk)


def _discard(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def read_chunks(raw, path: str):
    """The bytes of an input file in chunks, decompressed by its name.

    Every member of a gzip file is read (a gzip file is a series of
    members, RFC 1952; mrjob's own reader stops after the first), and every
    stream of a bzip2 file.
    """
    if path.endswith(".gz"):
        handle = gzip.GzipFile(fileobj=raw, mode="rb")
    elif path.endswith(".bz2"):
        handle = bz2.BZ2File(raw, mode="rb")
    else:
        handle = raw
    return iter(functools.partial(handle.read, _READ_CHUNK), b"")


def _next_line_start(path: str, offset: int) -> int:
    """The offset of the first line that starts at or after ``offset`` (the file's size if none)."""
    if offset <= 0:
        return 0
    with open(path, "rb") as src:
        src.seek(offset - 1)
        src.readline()
        return src.tell()


def read_manifest(manifest):
    """The ``<file> TAB <line>`` records of a manifest split's pieces, read by the map task itself.

    Each manifest line is ``<file> TAB <start> TAB <end>``: a byte range of a
    plain file (cut at line starts), or ``-1`` for the whole of a compressed one.
    """
    for path, lines in read_manifest_blocks(manifest):
        prefix = path.encode("utf-8", "surrogateescape") + b"\t"
        for line in lines:
            yield prefix + line + b"\n"


def read_manifest_blocks(manifest):
    """``(file, lines)`` of a manifest split's pieces, many lines at a time, each line
    without its ``\n`` (``read_manifest``'s records, not joined to their file name)."""
    for entry in manifest:
        name, start, end = entry.rstrip(b"\n").rsplit(b"\t", 2)
        start, end = int(start), int(end)
        path = name.decode("utf-8", "surrogateescape")
        with open(path, "rb") as raw:
            if end == _WHOLE:
                chunks = read_chunks(raw, path)
            else:
                raw.seek(start)
                chunks = _ranged_chunks(raw, end - start)
            for block in line_blocks(chunks):
                lines = block.split(b"\n")
                if lines[-1] == b"":
                    lines.pop()
                yield path, lines


def _ranged_chunks(raw, length: int):
    while length > 0:
        chunk = raw.read(min(_READ_CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def line_blocks(chunks):
    """Blocks of whole lines (each ending in ``\\n``; the file's last line maybe not) from byte chunks."""
    rest = b""
    for chunk in chunks:
        end = chunk.rfind(b"\n")
        if end < 0:
            rest += chunk
            continue
        yield rest + chunk[:end + 1]
        rest = chunk[end + 1:]
    if rest:
        yield rest


def _with_prefix(prefix: bytes, block: bytes) -> bytes:
    """Each line of ``block`` as ``prefix + line``, every one ending in a newline."""
    if block.endswith(b"\n"):
        block = block[:-1]
    if prefix:
        block = prefix + block.replace(b"\n", b"\n" + prefix)
    return block + b"\n"


class WholeGzipInlineRunner(InlineMRJobRunner):
    """mrjob's ``inline`` runner, reading every member of a gzip input (``read_chunks``)."""

    alias = "inline"

    def _split_mapper_input(self, input_paths, step_num):
        input_paths = list(input_paths)
        if not any(is_compressed(path) for path in input_paths):
            return super()._split_mapper_input(input_paths, step_num)
        # One split per file: the inline runner runs one task at a time anyway.
        splits = self._yield_split_fileobjs("mapper", step_num)
        results = []
        for path in input_paths:
            with open(path, "rb") as raw, next(splits) as dest:
                for chunk in read_chunks(raw, path):
                    dest.write(chunk)
            results.append(dict(file=path, start=0, length=os.path.getsize(path)))
        return results
