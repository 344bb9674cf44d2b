"""Device-log MapReduce: the input contract as pure functions, and the mrjob
jobs that validate, deduplicate and roll up landed logs.

Jobs write files only; they never talk to HBase or Hive.
"""
