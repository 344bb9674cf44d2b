"""What machine a run saw: cores, memory, CPU model, versions, load at start.

The parsers of ``/proc`` text are pure (and unit tested); ``describe``
reads the live files.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def parse_cpu_model(cpuinfo: str) -> str | None:
    """The first ``model name`` of /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() == "model name":
            return value.strip()
    return None


def parse_mem_total_gib(meminfo: str) -> float | None:
    """MemTotal of /proc/meminfo text, in GiB."""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return round(int(parts[1]) / (1024 * 1024), 1)
    return None


def java_version(java: str | None = None) -> str | None:
    """``java -version``'s first line, or None without Java."""
    import subprocess

    from stack.errors import StackError
    from stack.java import find_java

    try:
        java = java or str(find_java())
        out = subprocess.run([java, "-version"], capture_output=True, text=True,
                             timeout=60, check=False).stderr
    except (StackError, OSError, subprocess.TimeoutExpired):
        return None
    first = out.strip().splitlines()[0] if out.strip() else ""
    return first or None


def describe() -> dict[str, Any]:
    """Machine details and the load average now (call this at a run's start)."""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": parse_cpu_model(_read("/proc/cpuinfo")),
        "memory_gib": parse_mem_total_gib(_read("/proc/meminfo")),
        "python": sys.version.split()[0],
        "java": java_version(),
        "loadavg_start": [round(v, 2) for v in os.getloadavg()],
        "platform": platform.platform(),
    }


def loadavg() -> list[float]:
    """The load average now (1, 5, 15 minutes)."""
    return [round(v, 2) for v in os.getloadavg()]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""
