"""The warehouse: the pipeline's output partitions on disk.

``<warehouse>/<dataset>/dt=YYYY-MM-DD[/hour=HH]/part-00000`` plus a
``_SUCCESS`` file once a partition is complete. A run writes into a private
staging folder and then swaps each finished partition in with renames, so a
reader sees the old partition or the new one, never half of one. Run
manifests live in ``<warehouse>/_runs/dt=YYYY-MM-DD.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Iterable

SUCCESS = "_SUCCESS"
PART = "part-00000"


class Warehouse:
    """Partition folders under one root."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def partition(self, dataset: str, day: dt.date | str, hour: int | None = None) -> Path:
        """The folder of one partition."""
        folder = self.root / dataset / ("dt=%s" % (day.isoformat() if isinstance(day, dt.date) else day))
        return folder if hour is None else folder / ("hour=%02d" % hour)

    def complete(self, folder: Path) -> bool:
        """Whether a partition folder is complete."""
        return (folder / SUCCESS).exists()

    def part_files(self, folder: Path) -> list[Path]:
        """The data files of a complete partition (empty if incomplete)."""
        if not self.complete(folder):
            return []
        return sorted(p for p in folder.iterdir() if p.name.startswith("part-"))

    def landing_partitions(self, dataset: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int, Path]]:
        """Complete hourly partitions of ``dataset`` with first <= dt <= last."""
        found = []
        base = self.root / dataset
        if not base.is_dir():
            return found
        for day_dir in sorted(base.glob("dt=*")):
            try:
                day = dt.date.fromisoformat(day_dir.name[3:])
            except ValueError:
                continue
            if not first <= day <= last:
                continue
            for hour_dir in sorted(day_dir.glob("hour=*")):
                if hour_dir.name[5:].isdigit() and self.complete(hour_dir):
                    found.append((day, int(hour_dir.name[5:]), hour_dir))
        return found

    def daily_partitions(self, dataset: str) -> list[tuple[dt.date, Path]]:
        """Every complete daily partition of ``dataset``."""
        found = []
        for day_dir in sorted((self.root / dataset).glob("dt=*")):
            try:
                day = dt.date.fromisoformat(day_dir.name[3:])
            except ValueError:
                continue
            if self.complete(day_dir):
                found.append((day, day_dir))
        return found

    def leftovers(self) -> list[Path]:
        """What killed runs left: staging folders (with their ``.old`` halves)
        and half-written manifests. Remove them only while holding the
        warehouse lock (``kickback.lock``), which proves no run uses them."""
        found = []
        staging = self.root / "_staging"
        if staging.is_dir():
            found += sorted(staging.iterdir())
        runs = self.root / "_runs"
        if runs.is_dir():
            found += sorted(runs.glob("*.tmp"))
        return found

    def staging(self) -> "Staging":
        """A private folder for one run's new partitions."""
        return Staging(self, self.root / "_staging" / uuid.uuid4().hex)

    def manifest_path(self, day: dt.date) -> Path:
        return self.root / "_runs" / ("dt=%s.json" % day.isoformat())

    def read_manifest(self, day: dt.date) -> dict:
        """The run manifest of a landing day ({} if none)."""
        try:
            return json.loads(self.manifest_path(day).read_text())
        except FileNotFoundError:
            return {}

    def recent_manifests(self, count: int) -> list[tuple[dt.date, dict]]:
        """The run manifests of the ``count`` latest landing days, newest first."""
        found = []
        for path in sorted((self.root / "_runs").glob("dt=*.json"), reverse=True)[:count]:
            try:
                day = dt.date.fromisoformat(path.name[3:-5])
                found.append((day, json.loads(path.read_text())))
            except (ValueError, OSError):
                continue
        return found

    def write_manifest(self, day: dt.date, manifest: dict) -> Path:
        """Write a landing day's run manifest atomically."""
        path = self.manifest_path(day)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        tmp.replace(path)
        return path


class Staging:
    """One run's new partitions, written aside and then published."""

    def __init__(self, warehouse: Warehouse, root: Path):
        self.warehouse = warehouse
        self.root = root
        self._handles: dict[str, object] = {}

    def write_lines(self, lines: Iterable[tuple[str, str]]) -> dict[str, int]:
        """Append ``(partition path, row)`` pairs; return rows per partition.

        Rows never hold a raw newline (``mapreduce.tsv`` escapes it), so a
        trailing one, as mrjob's output parsing leaves it, is dropped.
        """
        counts: dict[str, int] = {}
        try:
            for path, row in lines:
                handle = self._handles.get(path)
                if handle is None:
                    folder = self.root / path
                    folder.mkdir(parents=True, exist_ok=True)
                    handle = self._handles[path] = open(folder / PART, "w", encoding="utf-8", newline="\n")
                handle.write(row if row.endswith("\n") else row + "\n")
                counts[path] = counts.get(path, 0) + 1
        finally:
            self.close()
        return counts

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def publish(self, partitions: Iterable[str]) -> None:
        """Sort, seal and swap in each partition (an empty one if no rows)."""
        trash = self.root.with_name(self.root.name + ".old")
        for path in sorted(set(partitions)):
            folder = self.root / path
            folder.mkdir(parents=True, exist_ok=True)
            part = folder / PART
            if part.exists():
                sort_file(part)
            else:
                part.touch()
            (folder / SUCCESS).touch()
            target = self.warehouse.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                old = trash / path
                old.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, old)
            os.replace(folder, target)
        shutil.rmtree(trash, ignore_errors=True)

    def discard(self) -> None:
        """Remove whatever this run staged."""
        self.close()
        shutil.rmtree(self.root, ignore_errors=True)


def sort_file(path: Path) -> None:
    """Sort a text file's lines bytewise, out of core (GNU sort)."""
    env = dict(os.environ, LC_ALL="C")
    subprocess.run(
        ["sort", "-S", "256M", "-T", str(path.parent), "-o", str(path), str(path)],
        check=True, env=env,
    )
