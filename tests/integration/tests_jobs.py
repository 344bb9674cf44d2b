"""Import shim: the test jobs live in ``jobs/`` as standalone scripts."""

from jobs.mr_count_device_types import MRCountDeviceTypes  # noqa: F401
