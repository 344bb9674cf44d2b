-- member_daily: pipeline output <warehouse>/member_daily/dt=YYYY-MM-DD/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.member_daily (
    member_id          STRING COMMENT 'Member',
    purchases          BIGINT COMMENT 'Purchase events',
    spend              STRING COMMENT 'JSON object currency -> amount in cents, e.g. {"USD": 1234}',
    points_earned      BIGINT COMMENT 'Points earned by purchases',
    points_redeemed    BIGINT COMMENT 'Points spent by redeems',
    redemptions        BIGINT COMMENT 'Redeem events',
    checkins           BIGINT COMMENT 'Checkin events',
    distinct_devices   BIGINT COMMENT 'Distinct devices the member used that day',
    distinct_merchants BIGINT COMMENT 'Distinct merchants of purchases and redeems',
    distinct_stores    BIGINT COMMENT 'Distinct stores checked in to',
    devices            STRING COMMENT 'JSON object device_id -> last event time on that device that day',
    first_event_time   STRING COMMENT 'First event time that day, ISO 8601 UTC',
    last_event_time    STRING COMMENT 'Last event time that day, ISO 8601 UTC'
)
COMMENT 'One row per member and event day; recomputed when late events arrive.'
PARTITIONED BY (
    dt STRING COMMENT 'Event day (UTC), YYYY-MM-DD'
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
LOCATION '${warehouse}/member_daily';
