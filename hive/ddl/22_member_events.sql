-- member_events: pipeline output <warehouse>/member_events/dt=YYYY-MM-DD/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.member_events (
    member_id    STRING COMMENT 'Member',
    event_time   STRING COMMENT 'Event time, ISO 8601 UTC with milliseconds',
    event_id     STRING COMMENT 'Event id given by the device; a retried upload resends the same id',
    event_type   STRING COMMENT 'purchase, redeem or checkin',
    device_id    STRING COMMENT 'Device that sent the event',
    merchant_id  STRING COMMENT 'Merchant of a purchase (or of a redeem, when given)',
    store_id     STRING COMMENT 'Store of a checkin',
    amount_cents BIGINT COMMENT 'Purchase amount in minor units (cents) of currency',
    currency     STRING COMMENT 'ISO 4217 code of amount_cents; USD when the device sent none',
    points       BIGINT COMMENT 'Points earned by a purchase or spent by a redeem'
)
COMMENT 'Members transactional events (purchase, redeem, checkin) by event day.'
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
LOCATION '${warehouse}/member_events';
