-- Rejected lines per landing day, device type and reason. Quarantine keeps
-- the raw line only, so the device type is read from its JSON; anything
-- that is not one of phone, pos, beacon, sensor counts as 'unknown'.
-- param start_dt DATE default today-7: first landing day (inclusive)
-- param end_dt DATE default today: last landing day (inclusive)
SELECT
    dt AS landing_dt,
    device_type,
    reason,
    COUNT(*) AS rejected
FROM (
    SELECT
        dt,
        reason,
        CASE
            WHEN get_json_object(raw_line, '$.device_type') IN ('phone', 'pos', 'beacon', 'sensor')
            THEN get_json_object(raw_line, '$.device_type')
            ELSE 'unknown'
        END AS device_type
    FROM quarantine
    WHERE dt BETWEEN %(start_dt)s AND %(end_dt)s
) rejected_lines
GROUP BY dt, device_type, reason
ORDER BY landing_dt, device_type, reason
