"""KickBack benchmarks: pipeline, HBase writes, lookup API and Hive queries.

Run with ``python -m bench [--only pipeline,hbase,api,hive] [--scale N]``.
Benchmarks are measurements, not tests: nothing here asserts on time.
Because the machine is small, shared and noisy, every figure is reported
as a ratio against a yardstick measured in the same run, together with the
machine's details and its load at the start. Results go to
``bench/results/<name>.json`` and ``bench/results/README.md``.

Modules: ``stats`` (pure figures: exponent fit, percentiles), ``goals``
(goal checks), ``report`` (JSON and the README table), ``machine``,
``workspace`` (scratch folders and settings), ``child`` (timed child
processes), ``data`` (generated landings and warehouses), one module per
benchmark (``pipeline_bench``, ``hbase_bench``, ``api_bench``,
``hive_bench``) and their helpers (``parse_only``, ``run_pipeline``,
``profiles``, ``plot``, ``pe``, ``loadgen``, ``api_server``).
"""

BENCHMARKS = ("pipeline", "hbase", "api", "hive")

__all__ = ["BENCHMARKS"]
