"""``python -m kickback``: the same as the ``kickback`` console script."""

from kickback.cli import run

run()
