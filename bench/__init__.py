"""KickBack benchmarks: pipeline, warehouse history, HBase writes, lookup API, Hive queries, the cluster profile.

Run with ``python -m bench [--only pipeline,history,hbase,api,hive,cluster] [--scale N]``.
Benchmarks are measurements, not tests: nothing here asserts on time.
Because the machine is small, shared and noisy, every figure is reported
as a ratio against a yardstick measured in the same run, together with the
machine's details and its load at the start. Results go to
``bench/results/<name>.json`` and ``bench/results/README.md``.

Modules: ``stats`` (pure figures: exponent and line fits, percentiles),
``goals`` (goal checks), ``report`` (JSON, the README table and sections), ``machine``,
``workspace`` (scratch folders and settings), ``child`` (timed child
processes), ``data`` (generated landings and warehouses), one module per
benchmark (``pipeline_bench``, ``history_bench``, ``hbase_bench``, ``api_bench``,
``hive_bench``, ``cluster_bench``) and their helpers (``parse_only``, ``run_pipeline``,
``profiles``, ``plot``, ``pe``, ``loadgen``, ``api_server``).
"""

# "cluster" last: it stops the local stack, runs the cluster profile, then restarts the local one.
BENCHMARKS = ("pipeline", "history", "hbase", "api", "hive", "cluster")

__all__ = ["BENCHMARKS"]
