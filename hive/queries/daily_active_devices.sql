-- Active devices per event day and device type: devices with at least one
-- event that day, and how many events they sent.
-- param start_dt DATE default today-7: first event day (inclusive)
-- param end_dt DATE default today: last event day (inclusive)
SELECT
    dt AS event_dt,
    device_type,
    COUNT(DISTINCT device_id) AS active_devices,
    SUM(event_count) AS events
FROM device_daily
WHERE dt BETWEEN %(start_dt)s AND %(end_dt)s
GROUP BY dt, device_type
ORDER BY event_dt, device_type
