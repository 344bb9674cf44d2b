-- events: pipeline output <warehouse>/events/dt=YYYY-MM-DD/hour=HH/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.events (
    event_id      STRING  COMMENT 'Event id given by the device; a retried upload resends the same id',
    device_id     STRING  COMMENT 'Device that sent the event',
    device_type   STRING  COMMENT 'Device kind: phone, pos, beacon or sensor',
    event_type    STRING  COMMENT 'app_open, heartbeat, checkin, purchase, redeem or reading',
    member_id     STRING  COMMENT 'Member the event belongs to (always set for checkin, purchase and redeem)',
    event_time    STRING  COMMENT 'Event time, ISO 8601 UTC with milliseconds',
    event_dt      STRING  COMMENT 'Event day: UTC date of event_time, YYYY-MM-DD',
    late          BOOLEAN COMMENT 'True when the event day is earlier than the landing day',
    merchant_id   STRING  COMMENT 'Merchant of a purchase (or of a redeem, when given)',
    store_id      STRING  COMMENT 'Store of a checkin',
    amount_cents  BIGINT  COMMENT 'Purchase amount in minor units (cents) of currency',
    currency      STRING  COMMENT 'ISO 4217 code of amount_cents; USD when the device sent none',
    points        BIGINT  COMMENT 'Points earned by a purchase or spent by a redeem',
    battery_pct   DOUBLE  COMMENT 'Battery level 0-100 sent with a heartbeat',
    temperature_c DOUBLE  COMMENT 'Temperature in degrees Celsius sent with a reading',
    humidity_pct  DOUBLE  COMMENT 'Relative humidity 0-100 sent with a reading',
    foot_traffic  BIGINT  COMMENT 'Foot traffic count sent with a reading',
    app_version   STRING  COMMENT 'App version sent with a heartbeat or app_open',
    os            STRING  COMMENT 'Operating system sent with a heartbeat or app_open',
    source_file   STRING  COMMENT 'Landing file the line was read from'
)
COMMENT 'Valid events, the first accepted copy of each event_id (an earlier landing hour owns it), by landing hour. Analysts: prefer events_dedup.'
PARTITIONED BY (
    dt   STRING COMMENT 'Landing day (UTC) in which the collector received the file',
    hour STRING COMMENT 'Landing hour 00-23 (UTC)'
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
LOCATION '${warehouse}/events';
