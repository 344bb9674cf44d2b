-- Merchants ranked by points issued on purchases over a range of event days,
-- with their purchase count and distinct buying members.
-- param start_dt DATE default today-30: first event day (inclusive)
-- param end_dt DATE default today: last event day (inclusive)
-- param limit INT default 10: how many merchants to list
SELECT
    merchant_id,
    SUM(points) AS points_issued,
    COUNT(*) AS purchases,
    COUNT(DISTINCT member_id) AS members
FROM events_dedup
WHERE event_dt BETWEEN %(start_dt)s AND %(end_dt)s
    AND event_type = 'purchase'
GROUP BY merchant_id
ORDER BY points_issued DESC, merchant_id
LIMIT %(limit)s
