-- device_daily: pipeline output <warehouse>/device_daily/dt=YYYY-MM-DD/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.device_daily (
    device_id          STRING COMMENT 'Device',
    device_type        STRING COMMENT 'Device kind: phone, pos, beacon or sensor',
    owner_member_id    STRING COMMENT 'Member linked to the device, NULL if none',
    event_count        BIGINT COMMENT 'Events of the device that day',
    events_by_type     STRING COMMENT 'JSON object event_type -> count, e.g. {"purchase": 3}',
    first_event_time   STRING COMMENT 'First event time that day, ISO 8601 UTC',
    last_event_time    STRING COMMENT 'Last event time that day, ISO 8601 UTC',
    purchases          BIGINT COMMENT 'Purchase events',
    spend              STRING COMMENT 'JSON object currency -> amount in cents, e.g. {"USD": 1234}',
    points_earned      BIGINT COMMENT 'Points earned by purchases',
    points_redeemed    BIGINT COMMENT 'Points spent by redeems',
    battery_min        DOUBLE COMMENT 'Lowest battery level reported that day (0-100)',
    last_battery_pct   DOUBLE COMMENT 'Battery level of the last heartbeat that day (0-100)',
    last_app_version   STRING COMMENT 'App version of the last event that carried one',
    last_os            STRING COMMENT 'Operating system of the last event that carried one',
    temperature_c_min  DOUBLE COMMENT 'Lowest temperature reading, degrees Celsius',
    temperature_c_max  DOUBLE COMMENT 'Highest temperature reading, degrees Celsius',
    temperature_c_mean DOUBLE COMMENT 'Mean temperature reading, degrees Celsius',
    humidity_pct_min   DOUBLE COMMENT 'Lowest humidity reading (0-100)',
    humidity_pct_max   DOUBLE COMMENT 'Highest humidity reading (0-100)',
    humidity_pct_mean  DOUBLE COMMENT 'Mean humidity reading (0-100)',
    foot_traffic_min   DOUBLE COMMENT 'Lowest foot traffic reading',
    foot_traffic_max   DOUBLE COMMENT 'Highest foot traffic reading',
    foot_traffic_mean  DOUBLE COMMENT 'Mean foot traffic reading',
    distinct_members   BIGINT COMMENT 'Distinct members seen on the device that day'
)
COMMENT 'One row per device and event day; recomputed when late events arrive.'
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
LOCATION '${warehouse}/device_daily';
