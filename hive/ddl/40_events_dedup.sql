-- events_dedup: the analysts' events table. One row per event_id however
-- many copies landed, in Parquet, partitioned by event day. Rebuilt by
-- `kickback hive register` with INSERT OVERWRITE for the event days a run
-- touched (hive/dedup.py).
-- EXTERNAL, at a fixed LOCATION: <warehouse>/events_dedup/event_dt=YYYY-MM-DD/.
-- Hive 4 would make a managed table external anyway (TRANSLATED_TO_EXTERNAL,
-- in a folder of the metastore's external warehouse, and with
-- external.table.purge so that DROP TABLE deletes it); this way the files
-- sit beside the pipeline's outputs and DROP TABLE keeps them.
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.events_dedup (
    event_id      STRING  COMMENT 'Event id given by the device; a retried upload resends the same id',
    device_id     STRING  COMMENT 'Device that sent the event',
    device_type   STRING  COMMENT 'Device kind: phone, pos, beacon or sensor',
    event_type    STRING  COMMENT 'app_open, heartbeat, checkin, purchase, redeem or reading',
    member_id     STRING  COMMENT 'Member the event belongs to (always set for checkin, purchase and redeem)',
    event_time    STRING  COMMENT 'Event time, ISO 8601 UTC with milliseconds',
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
    source_file   STRING  COMMENT 'Landing file the line was read from',
    landing_dt    STRING  COMMENT 'Landing day of the copy kept (the earliest)',
    landing_hour  STRING  COMMENT 'Landing hour of the copy kept (the earliest)'
)
COMMENT 'Valid events, one row per event_id (the earliest landed copy), by event day.'
PARTITIONED BY (
    event_dt STRING COMMENT 'Event day: UTC date of event_time, YYYY-MM-DD'
)
STORED AS PARQUET
LOCATION '${warehouse}/events_dedup';
