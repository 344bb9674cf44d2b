"""Which partitions of the warehouse are complete, and their data files.

A partition counts only when its folder holds ``_SUCCESS``
(``warehouse.layout.SUCCESS``): the driver writes it last, so a reader that
goes through this module never sees a partition that is being written. On
stores without atomic rename a partition being republished loses its marker
first (``warehouse.publish``), so it is skipped, not read half-written.
"""

from __future__ import annotations

import datetime as dt
import logging

from warehouse import layout
from warehouse.layout import Partition
from warehouse.storage import Storage

logger = logging.getLogger(__name__)


class IncompletePartition(FileNotFoundError):
    """A partition that is missing or has no commit marker."""


class Catalog:
    """The complete partitions of one warehouse root."""

    def __init__(self, storage: Storage):
        self.storage = storage

    def is_complete(self, partition: Partition) -> bool:
        """Whether the partition's folder holds its commit marker."""
        return self.storage.isfile("%s/%s" % (partition.path, layout.SUCCESS))

    def sealed_by(self, partition: Partition) -> str:
        """The id of the run that published the partition last ("" when unknown:
        a seal written before seals named their run, or by hand)."""
        try:
            return self.storage.read_text("%s/%s" % (partition.path, layout.SUCCESS)).strip()
        except FileNotFoundError:
            raise IncompletePartition("partition %s is missing or incomplete (no %s)"
                                      % (self.storage.uri(partition.path), layout.SUCCESS)) from None

    def data_files(self, partition: Partition) -> list[str]:
        """The data files of a complete partition, relative to the root, sorted."""
        if not self.is_complete(partition):
            raise IncompletePartition("partition %s is missing or incomplete (no %s)"
                                      % (self.storage.uri(partition.path), layout.SUCCESS))
        return [
            "%s/%s" % (partition.path, entry.name)
            for entry in self.storage.ls(partition.path)
            if not entry.is_dir and layout.is_data_file(entry.name)
        ]

    def days(self, dataset: str) -> list[str]:
        """The ``dt=`` days present for ``dataset``, complete or not, sorted."""
        return sorted(
            day for day in (layout.parse_day_name(entry.name)
                            for entry in self.storage.ls(dataset) if entry.is_dir)
            if day is not None
        )

    def hours(self, dataset: str, day: str) -> list[Partition]:
        """The complete hour partitions of one landing day of ``dataset``."""
        found = []
        for entry in self.storage.ls(layout.day_folder(dataset, day)):
            hour = layout.parse_hour_name(entry.name) if entry.is_dir else None
            if hour is None:
                continue
            partition = layout.partition(dataset, day, hour)
            if self.is_complete(partition):
                found.append(partition)
            else:
                logger.info("skipping %s: no %s", partition.path, layout.SUCCESS)
        return found

    def partitions(self, dataset: str, first: dt.date | str | None = None,
                   last: dt.date | str | None = None) -> list[Partition]:
        """Complete partitions of ``dataset`` with first <= dt <= last, oldest first."""
        low = _text(first)
        high = _text(last)
        found = []
        for day in self.days(dataset):
            if (low and day < low) or (high and day > high):
                continue
            if layout.has_hours(dataset):
                found += self.hours(dataset, day)
                continue
            partition = layout.partition(dataset, day)
            if self.is_complete(partition):
                found.append(partition)
        return found

    def present(self, partition: Partition) -> bool:
        """Whether the partition's folder exists at all (complete or not)."""
        return self.storage.isdir(partition.path)


def _text(day: dt.date | str | None) -> str | None:
    if day is None:
        return None
    return day.isoformat() if isinstance(day, dt.date) else layout.check_day(day)
