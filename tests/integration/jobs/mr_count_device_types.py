"""A small two-phase job for checking runners: events per device type.

Reads JSON lines; lines that are not JSON objects count under "?".
"""

import json

from mrjob.job import MRJob


class MRCountDeviceTypes(MRJob):
    """Count JSON-lines records by their device_type field."""

    def mapper(self, _, line):
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        kind = record.get("device_type", "?") if isinstance(record, dict) else "?"
        yield kind, 1

    def combiner(self, kind, counts):
        yield kind, sum(counts)

    def reducer(self, kind, counts):
        yield kind, sum(counts)


if __name__ == "__main__":
    MRCountDeviceTypes.run()
