"""Summarize every device over its lifetime, as of a landing hour; tell its members what changed.

Input: the previous snapshot's device state (``_state/snapshot/dt=P``, none
for the first) and the summary delta of the snapshot's landing day
(``_state/deltas/dt=S``), lines ``key JSON TAB partial JSON``
(``mapreduce.summary_job``; member lines are skipped). Output, as ``(partition,
row)`` pairs, S being ``--snapshot-dt`` (by default the day of ``--as-of``):

- ``device_summary/dt=S``: every device's summary row;
- ``_changes/device_state/dt=S``: every device's new state line, without
  its links (``summaries.device_state``), which the driver moves into the
  snapshot's state as its devices' files;
- ``_changes/device_entries/dt=S``: for ``mapreduce.mr_summarize_members``, a
  member line ``{"devices": {device: {"device_type", "last_seen"}}}`` for each
  link of the day's delta (``summaries.join_device``);
- ``_changes/retyped_devices/dt=S``: a line ``["retyped", device]`` TAB
  ``{"device_type"}`` for each device whose type changed, which the members
  job loads whole (``--retyped``): the device no longer knows the members of
  its earlier links, and each of them must take the new type.
  A member's state keeps its entries and a device's keeps no links, so the
  links of every device (which grow with history until each till has seen
  its store's customers: 255k after one 1M-event day, 454k after two) are
  neither read nor sent every day. With ``--join-all`` every link the
  inputs hold is sent (a previous state written before member states held
  their entries, whose devices held their links).

The job reads no events and no daily rollups: its cost is the number of
devices and the day's links, not the age of the warehouse. A key has at
most two values (its state and its delta line), so there is no combiner. A
device's reducer holds the day's links in memory (for a till: the day's
customers of its store). Merges are ``summaries.merge_partials``
(associative and commutative): the output does not depend on input order
or splits.
"""

from __future__ import annotations

from mapreduce import summaries
from mapreduce.merges import state_line
from mapreduce.summary_job import FROM_STATE, SummaryJob, merged
from warehouse import layout


class MRSummarizeDevices(SummaryJob):
    """Previous device state + the day's delta -> device_summary, device state, members' entries."""

    KIND = summaries.DEVICE

    def configure_args(self):
        """Add --join-all."""
        super().configure_args()
        self.add_passthru_arg(
            "--join-all", dest="join_all", action="store_true", default=False,
            help="Send every member every device's entry its inputs hold, changed or not (a "
                 "previous state written before member states held their devices).",
        )

    def reducer(self, device_id, values):
        """A device's partials -> its state line, summary row and the changed entries of its members."""
        values = list(values)
        partial = merged(summaries.DEVICE, [value for _, value in values])
        yield from self.emit(self.partition(layout.DEVICE_STATE),
                             state_line([summaries.DEVICE, device_id], summaries.device_state(partial)))
        before = None
        if not self.options.join_all:
            held = [value for tag, value in values if tag == FROM_STATE]
            before = merged(summaries.DEVICE, held) if held else None
        entries = self.partition(layout.DEVICE_ENTRIES)
        for key, out in summaries.join_device(device_id, partial, self.as_of, before):
            if key[0] == summaries.MEMBER:
                yield from self.emit(entries, state_line(key, out))
            elif key[0] == summaries.RETYPED:
                yield from self.emit(self.partition(layout.RETYPED_DEVICES), state_line(key, out))
            else:
                yield from self.emit(self.partition(summaries.DEVICE_SUMMARY), out["row"])


if __name__ == "__main__":
    MRSummarizeDevices.run()
