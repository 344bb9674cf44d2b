-- Share of late events per event day: events whose first copy landed after
-- their event day ended, over all (deduplicated) events of that day.
-- param start_dt DATE default today-14: first event day (inclusive)
-- param end_dt DATE default today: last event day (inclusive)
SELECT
    event_dt,
    COUNT(*) AS events,
    SUM(CASE WHEN late THEN 1 ELSE 0 END) AS late_events,
    ROUND(SUM(CASE WHEN late THEN 1 ELSE 0 END) / COUNT(*), 4) AS late_share
FROM events_dedup
WHERE event_dt BETWEEN %(start_dt)s AND %(end_dt)s
GROUP BY event_dt
ORDER BY event_dt
