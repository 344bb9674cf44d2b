-- device_summary: pipeline output <warehouse>/device_summary/dt=YYYY-MM-DD/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.device_summary (
    device_id        STRING COMMENT 'Device',
    device_type      STRING COMMENT 'Device kind: phone, pos, beacon or sensor',
    owner_member_id  STRING COMMENT 'Member linked to the device, NULL if none',
    first_seen       STRING COMMENT 'First event time ever, ISO 8601 UTC',
    last_seen        STRING COMMENT 'Last event time so far, ISO 8601 UTC',
    last_app_version STRING COMMENT 'Latest app version reported',
    last_os          STRING COMMENT 'Latest operating system reported',
    last_battery_pct DOUBLE COMMENT 'Latest battery level reported (0-100)',
    event_count      BIGINT COMMENT 'Events of the device, lifetime',
    as_of            STRING COMMENT 'Landing hour through which this snapshot is complete'
)
COMMENT 'Lifetime device summaries; one full snapshot per landing day.'
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
LOCATION '${warehouse}/device_summary';
