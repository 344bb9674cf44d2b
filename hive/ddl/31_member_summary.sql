-- member_summary: pipeline output <warehouse>/member_summary/dt=YYYY-MM-DD/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.member_summary (
    member_id       STRING COMMENT 'Member',
    points_earned   BIGINT COMMENT 'Points earned, lifetime',
    points_redeemed BIGINT COMMENT 'Points redeemed, lifetime',
    points_balance  BIGINT COMMENT 'points_earned - points_redeemed',
    spend           STRING COMMENT 'JSON object currency -> amount in cents, lifetime',
    first_seen      STRING COMMENT 'First event time ever, ISO 8601 UTC',
    last_seen       STRING COMMENT 'Last event time so far, ISO 8601 UTC',
    device_count    BIGINT COMMENT 'Distinct devices the member used, lifetime',
    devices         STRING COMMENT 'JSON object device_id -> {"device_type": ..., "last_seen": ...}',
    as_of           STRING COMMENT 'Landing hour through which this snapshot is complete'
)
COMMENT 'Lifetime member summaries; one full snapshot per landing day.'
PARTITIONED BY (
    dt STRING COMMENT 'Landing day of the snapshot (UTC), YYYY-MM-DD'
)
-- The text format of mapreduce/tsv.py, spelt out as LazySimpleSerDe
-- properties: Hive 4 takes serialization.escape.crlf only there (ROW FORMAT
-- DELIMITED accepts no SERDEPROPERTIES), and partitions copy them when added.
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
WITH SERDEPROPERTIES (
    'field.delim' = '\t',
    'serialization.format' = '\t',
    'escape.delim' = '\\',
    'line.delim' = '\n',
    'serialization.escape.crlf' = 'true',
    'serialization.null.format' = '\\N'
)
STORED AS TEXTFILE
LOCATION '${warehouse}/member_summary';
