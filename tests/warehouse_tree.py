"""What a local warehouse publishes, for tests that compare two of them.

A partition's rows are compared, not its files: how rows are split over
``part-*`` files follows the runner's reduce tasks, which mrjob's inline
and local runners size from the shuffle (so a re-run that reads more
state splits differently); readers always read a partition whole.
"""

from __future__ import annotations

from pathlib import Path

from warehouse import layout


def published(root: Path, state: bool = False) -> dict[str, bytes]:
    """Partition path -> its rows (part files in name order), for every sealed partition.

    Run bookkeeping (``_runs``, ``_staging``, ``_lock``) is left out, and so is
    the incremental state unless ``state``.
    """
    root = Path(root)
    found = {}
    for marker in sorted(root.rglob(layout.SUCCESS)):
        folder = marker.parent
        rel = folder.relative_to(root).as_posix()
        if rel.startswith(layout.STATE + "/"):
            if not state:
                continue
        elif rel.startswith("_"):
            continue
        found[rel] = b"".join(part.read_bytes() for part in sorted(folder.glob(layout.PART_PREFIX + "*")))
    return found
