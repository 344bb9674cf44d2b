"""Summarize every member over its lifetime, as of a landing hour.

Input: the previous snapshot's member state (``_state/snapshot/dt=P``, none
for the first), the summary delta of the snapshot's landing day
(``_state/deltas/dt=S``) and the devices entries
``mapreduce.mr_summarize_devices`` sent (``_changes/device_entries/dt=S``),
lines ``key JSON TAB partial JSON`` (``mapreduce.summary_job``; device lines
are skipped), and the files of the devices whose type changed
(``--retyped``, ``_changes/retyped_devices/dt=S``, few lines: each reduce
task loads them whole). Output, as ``(partition, row)`` pairs: ``member_summary/dt=S``
and the members' new state in ``_state/snapshot/dt=S`` (S being
``--snapshot-dt``, by default the day of ``--as-of``), each a full snapshot.

A member's own partials (state and delta) are merged, then its entries of
retyped devices take their new type and the entries its devices sent
replace those it held, keeping the later last_seen
(``summaries.refresh_devices``). A
member state without devices entries was written before states held them:
the job counts it (``summarize_entities/legacy_state``) and the driver runs
both jobs again, the devices job with ``--join-all``. No combiner: a
member's entries come from the reducers of its devices, spread over the
input files, and a combiner pass merged little and cost a sort and a pass
over every record (measured on the job this one replaced: the 1M-event
day's summarize took 6.2 and 6.7 s with one, 4.6 and 5.0 s without).
"""

from __future__ import annotations

from mapreduce import summaries
from mapreduce.merges import parse_state_line, state_line
from mapreduce.summary_job import FROM_DEVICE, FROM_STATE, SummaryJob, merged
from warehouse import layout


class MRSummarizeMembers(SummaryJob):
    """Previous member state + the day's delta + devices entries -> member_summary and member state."""

    KIND = summaries.MEMBER

    def configure_args(self):
        """Add --retyped."""
        super().configure_args()
        self.add_file_arg(
            "--retyped", dest="retyped", action="append", default=[],
            help="A file of the devices whose type changed (mr_summarize_devices), repeatable.",
        )

    def reducer_init(self):
        """Load the retyped devices (a line that is none fails the task: the file is the
        devices job's, written in the same run); start the output."""
        super().reducer_init()
        self._retyped = {}
        for path in self.options.retyped:
            with open(path, encoding="utf-8") as lines:
                for line in filter(str.strip, lines):
                    (kind, device_id), partial = parse_state_line(line)
                    if kind != summaries.RETYPED or type(device_id) is not str:
                        raise ValueError("%s: not a retyped device: %r" % (path, line[:80]))
                    self._retyped[device_id] = partial["device_type"]

    def reducer(self, member_id, values):
        """A member's partials and the entries sent to it -> its state line and summary row."""
        own, sent = [], []
        for tag, partial in values:
            if tag == FROM_DEVICE:
                sent.append(partial)
                continue
            if tag == FROM_STATE and not partial["devices"]:
                # A member state without devices entries: written before states held them.
                self.increment_counter("summarize_entities", "legacy_state")
            own.append(partial)
        partial = summaries.refresh_devices(
            merged(summaries.MEMBER, own) if own else summaries.empty_member(), sent, self._retyped)
        yield from self.emit(self.partition(layout.SNAPSHOT_STATE), state_line([summaries.MEMBER, member_id], partial))
        dataset, row = summaries.finalize(summaries.MEMBER, member_id, partial, self.as_of)
        yield from self.emit(self.partition(dataset), row)


if __name__ == "__main__":
    MRSummarizeMembers.run()
