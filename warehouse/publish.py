"""Publishing a run's partitions: staged beside the warehouse, then swapped in.

A run's jobs write their partition folders under
``<warehouse>/_staging/<run>/<stage>/`` (same filesystem as the warehouse).
``Staging.publish`` then makes each expected partition visible, one at a
time, with its commit marker:

- **Where folders rename atomically** (local disks, HDFS): ``_SUCCESS`` is
  written into the staged folder, the old partition (if any) is renamed
  aside to ``_staging/<run>.old/``, and the staged folder is renamed into
  place. A reader sees the old partition or the new one, never a mix; for
  the instant between the two renames the folder is absent. A run killed
  in that instant leaves the old copy in its trash: ``restore`` (run by
  the next run, under the warehouse lock, before it removes leftovers)
  puts every partition found there back where none is published.
- **Object stores** (S3, GCS: no rename): the old partition's ``_SUCCESS`` is
  deleted first, so readers (``warehouse.catalog``) stop seeing it; its data
  files are deleted; the new files are copied in; ``_SUCCESS`` is written
  last. A reader that goes through the catalog sees a complete partition or
  none; a Hive query that lists the folder itself while it is republished
  may see part of it.

A partition the job wrote no rows to is published empty (a folder with only
``_SUCCESS``), so "no rows" and "not processed" are told apart. The seal
holds the id of the run that published the partition last
(``Catalog.sealed_by``): a reader that noted which files a run wrote can
tell whether they are still the partition's (see ``warehouse.manifest``).

**Adding to a partition.** A partition whose rows never change once
written (``member_events``: one row per event) can be published as an
*addition*: its staged files join the published ones instead of replacing
them, so a run that adds a few late rows to an old day neither reads nor
rewrites the day. The staged files are renamed ``part-<run>-NNNNN`` first,
so no name meets an older one. Where folders rename atomically, the swap
then moves the old partition's data files into the staged folder (inside
the trash, between the two renames: file renames, no bytes copied) before
renaming it into place; object stores copy the new files in and keep the
old ones.

**A run's partitions go in together.** ``Staging.commit`` seals every
staged partition of the run, writes the commit record
``_staging/<run>/_COMMIT`` (the list of partitions and where each is
staged), and only then swaps them in. A run killed before the record
exists published nothing (its staging is a leftover, removed by the next
run); a run killed after it is finished by the next run (``finish``),
which swaps in what is still staged. So the events, the id index, the
rollups and the state of one run are never half published, which the
incremental state depends on: a re-run trusts what the id index says the
warehouse already holds.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from warehouse import layout
from warehouse.layout import LayoutError, Partition
from warehouse.storage import Storage


COMMIT = "_COMMIT"
# The commit record's mark of a partition published as an addition.
ADD = "add"


class UnexpectedOutput(ValueError):
    """A job wrote files where no expected partition is."""


@dataclass
class Staging:
    """One run's staging area inside a warehouse."""

    storage: Storage
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def root(self) -> str:
        return "%s/%s" % (layout.STAGING, self.run_id)

    @property
    def trash(self) -> str:
        return "%s/%s.old" % (layout.STAGING, self.run_id)

    def stage(self, name: str) -> str:
        """The folder (relative to the warehouse) a job of this run writes into."""
        return "%s/%s" % (self.root, name)

    def found(self, stage: str) -> dict[Partition, list[str]]:
        """The partitions a job wrote under ``stage``, with their data files.

        Metadata (names starting with ``_`` or ``.``, such as Hadoop's
        ``_SUCCESS``) and empty files are ignored; a non-empty file outside
        every partition folder is ``UnexpectedOutput``.
        """
        folder = self.stage(stage)
        found: dict[Partition, list[str]] = {}
        for rel, entry in _walk(self.storage, folder):
            if entry.is_dir or entry.name.startswith(("_", ".")) or entry.size == 0:
                continue
            parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
            try:
                partition = Partition.parse(parent)
            except LayoutError:
                raise UnexpectedOutput("%s wrote %s, which is in no partition folder"
                                       % (stage, self.storage.uri("%s/%s" % (folder, rel)))) from None
            found.setdefault(partition, []).append(rel)
        return found

    def publish(self, stage: str, partitions: list[Partition], added: frozenset[Partition] = frozenset()) -> None:
        """Make each of ``partitions`` staged under ``stage`` visible, sealed."""
        self.commit({partition: stage for partition in partitions}, added)

    def seal(self, staged: dict[Partition, str], added: frozenset[Partition] = frozenset()
             ) -> dict[Partition, list[str]]:
        """Seal every staged partition of the run (created empty if the job
        wrote no rows; an addition's files named apart) and return the names
        of the data files each will put into its partition, as published.
        Sealing again changes nothing."""
        put: dict[Partition, list[str]] = {}
        for partition, stage in sorted(staged.items()):
            folder = "%s/%s" % (self.stage(stage), partition.path)
            self.storage.makedirs(folder)
            if partition in added:
                self._name_apart(folder)
            put[partition] = sorted(entry.name for entry in self.storage.ls(folder)
                                    if not entry.is_dir and layout.is_data_file(entry.name) and entry.size)
            self.storage.write_text("%s/%s" % (folder, layout.SUCCESS), self.run_id)
        return put

    def commit(self, staged: dict[Partition, str], added: frozenset[Partition] = frozenset(),
               writes: dict[str, str] | None = None) -> None:
        """Publish every partition of the run at once: ``staged`` maps each to its stage.

        Each staged folder is sealed (``seal``), the commit record is
        written, and the partitions are swapped in. The partitions in
        ``added`` keep their published files and gain the staged ones (see
        "Adding to a partition" above). ``writes`` (path relative to the
        root -> text) are written after the swaps, as part of the commit: a
        run killed after its record was written gets them from ``finish``
        (the run manifest, which says what the run published).
        """
        self.seal(staged, added)
        record = {"partitions": [[stage, partition.path] + ([ADD] if partition in added else [])
                                 for partition, stage in sorted(staged.items())],
                  "writes": dict(sorted((writes or {}).items()))}
        self.storage.write_text("%s/%s" % (self.root, COMMIT), json.dumps(record))
        _finish(self.storage, self.run_id)

    def _name_apart(self, folder: str) -> None:
        """Rename a staged folder's data files ``part-<run>-NNNNN``: no published file has that name."""
        prefix = "%s%s-" % (layout.PART_PREFIX, self.run_id)
        for entry in self.storage.ls(folder):
            if not entry.is_dir and layout.is_data_file(entry.name) and not entry.name.startswith(prefix):
                suffix = entry.name[len(layout.PART_PREFIX):]
                self.storage.rename("%s/%s" % (folder, entry.name), "%s/%s%s" % (folder, prefix, suffix))

    def discard(self) -> None:
        """Remove whatever this run staged."""
        self.storage.rm(self.root)
        self.storage.rm(self.trash)

    def _swap(self, staged: str, partition: Partition, add: bool) -> None:
        # Each step can be done again: a run killed midway is finished by
        # ``finish`` doing what is left (the old files of an addition wait in
        # the trash until moved).
        self.storage.write_text("%s/%s" % (staged, layout.SUCCESS), self.run_id)
        target = partition.path
        old = "%s/%s" % (self.trash, target)
        if self.storage.exists(target):
            self.storage.rename(target, old)
        if add:
            for entry in self.storage.ls(old):
                if not entry.is_dir and layout.is_data_file(entry.name):
                    self.storage.rename("%s/%s" % (old, entry.name), "%s/%s" % (staged, entry.name))
        self.storage.rename(staged, target)

    def _copy_in(self, staged: str, partition: Partition, add: bool) -> None:
        # Copies, never moves: a run killed midway is finished by copying again.
        target = partition.path
        self.storage.rm("%s/%s" % (target, layout.SUCCESS))
        names = {entry.name for entry in self.storage.ls(staged) if not entry.is_dir}
        for entry in self.storage.ls(target):
            if not add and not entry.is_dir and entry.name not in names:
                self.storage.rm("%s/%s" % (target, entry.name))
        self.storage.makedirs(target)
        for name in sorted(names - {layout.SUCCESS}):
            self.storage.copy("%s/%s" % (staged, name), "%s/%s" % (target, name))
        self.storage.write_text("%s/%s" % (target, layout.SUCCESS), self.run_id)
        self.storage.rm(staged)


def finish(storage: Storage) -> list[Partition]:
    """Finish publishing the runs that committed and were killed; return what went in.

    Run only while holding the warehouse lock, before ``restore``.
    """
    done = []
    for entry in storage.ls(layout.STAGING):
        if entry.is_dir and storage.isfile("%s/%s/%s" % (layout.STAGING, entry.name, COMMIT)):
            done += _finish(storage, entry.name)
    return done


def _finish(storage: Storage, run_id: str) -> list[Partition]:
    """Swap in every partition a committed run still has staged, then drop its record."""
    staging = Staging(storage, run_id)
    record = json.loads(storage.read_text("%s/%s" % (staging.root, COMMIT)))
    if isinstance(record, list):  # a record written before commits carried writes
        record = {"partitions": record, "writes": {}}
    done = []
    for stage, path, *mode in record["partitions"]:
        partition = Partition.parse(path)
        staged = "%s/%s" % (staging.stage(stage), path)
        if not storage.isdir(staged):
            continue
        add = mode == [ADD]
        if storage.atomic_rename:
            staging._swap(staged, partition, add)
        else:
            staging._copy_in(staged, partition, add)
        done.append(partition)
    for rel, text in record["writes"].items():
        storage.write_text(rel, text)
    storage.rm(staging.trash)
    storage.rm("%s/%s" % (staging.root, COMMIT))
    return done


def restore(storage: Storage) -> list[Partition]:
    """Put back partitions a killed run had moved to its trash and not replaced.

    A partition in a ``_staging/<run>.old/`` folder whose published folder
    is missing was caught between the two renames of ``_swap``: its old
    copy is the only one. Run only while holding the warehouse lock.
    """
    restored = []
    for trash in storage.ls(layout.STAGING):
        if not (trash.is_dir and trash.name.endswith(".old")):
            continue
        folder = "%s/%s" % (layout.STAGING, trash.name)
        for rel, entry in list(_walk(storage, folder)):
            if entry.is_dir or entry.name != layout.SUCCESS:
                continue
            partition = Partition.parse(rel.rsplit("/", 1)[0])
            if not storage.exists(partition.path):
                storage.rename("%s/%s" % (folder, partition.path), partition.path)
                restored.append(partition)
    return restored


def leftovers(storage: Storage) -> list[str]:
    """What killed runs left in a warehouse: staging folders (with their
    ``.old`` halves) and half-written manifests, relative to the root.

    Remove them only while holding the warehouse lock, which proves that no
    run uses them.
    """
    found = ["%s/%s" % (layout.STAGING, entry.name) for entry in storage.ls(layout.STAGING)]
    found += ["%s/%s" % (layout.RUNS, entry.name) for entry in storage.ls(layout.RUNS)
              if entry.name.endswith(".tmp")]
    return found


def _walk(storage: Storage, folder: str, prefix: str = ""):
    for entry in storage.ls("%s/%s" % (folder, prefix) if prefix else folder):
        rel = "%s/%s" % (prefix, entry.name) if prefix else entry.name
        yield rel, entry
        if entry.is_dir:
            yield from _walk(storage, folder, rel)
