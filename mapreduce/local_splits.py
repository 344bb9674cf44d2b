"""mrjob's local runner with small input files combined into few map tasks.

mrjob's ``local`` runner gives every input file at least one map task, and
every task is a new Python process (about a second each here). The
incremental state is many small partition files (an id index hour, a day's
partials), so a run would spend its time starting processes, more of them
the more state the window holds. This runner does what
``PathLineInputFormat`` does on Hadoop (``mapreduce.jobio``): the first
step's input is cut into about two splits per core whatever the number of
files (none under ``MIN_SPLIT_BYTES``), and each record is ``<file> TAB <line>``, so the jobs read it with
``--paths-in-lines`` exactly as on Hadoop. Later steps split as mrjob does.
"""

from __future__ import annotations

import os

from mrjob.cat import decompress, is_compressed
from mrjob.local import LocalMRJobRunner


# No split smaller than this: a task costs a process start.
MIN_SPLIT_BYTES = 8 << 20


class CombiningLocalRunner(LocalMRJobRunner):
    """``local`` runner whose first step reads ``<file> TAB <line>`` records from combined splits."""

    alias = "local"

    def _split_mapper_input(self, input_paths, step_num):
        if step_num != 0:
            return super()._split_mapper_input(input_paths, step_num)
        input_paths = list(input_paths)
        target = max(self._num_mappers(step_num) * 2, 1)
        total = sum(os.path.getsize(path) for path in input_paths)
        split_size = max(total // target, MIN_SPLIT_BYTES)
        splits = self._yield_split_fileobjs("mapper", step_num)
        results, dest, written = [], None, 0
        for path in input_paths:
            prefix = path.encode("utf-8", "surrogateescape") + b"\t"
            with open(path, "rb") as src:
                chunks = decompress(src, path) if is_compressed(path) else src
                for line in _lines(chunks):
                    if dest is None:
                        dest, written = next(splits), 0
                        results.append(dict(file=path, start=0, length=0))
                    record = prefix + (line if line.endswith(b"\n") else line + b"\n")
                    dest.write(record)
                    written += len(record)
                    results[-1]["length"] = written
                    if written >= split_size:
                        dest.close()
                        dest = None
        if dest is not None:
            dest.close()
        return results


def _lines(chunks):
    """Lines (ending in ``\\n``, the last maybe not) of a stream of byte chunks or lines."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield line + b"\n"
    if rest:
        yield rest
