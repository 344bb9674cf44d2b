-- Purchase spend over a range of event days, by cohort: the week (starting
-- Monday) in which each member was first seen, and currency (amounts in
-- different currencies are never added up).
-- param start_dt DATE default today-28: first event day of the spend (inclusive)
-- param end_dt DATE default today: last event day of the spend (inclusive)
WITH first_seen AS (
    SELECT member_id, MIN(dt) AS first_dt
    FROM member_daily
    WHERE dt <= %(end_dt)s
    GROUP BY member_id
),
spend AS (
    SELECT member_id, currency, COUNT(*) AS purchases, SUM(amount_cents) AS amount_cents
    FROM events_dedup
    WHERE event_dt BETWEEN %(start_dt)s AND %(end_dt)s
        AND event_type = 'purchase'
    GROUP BY member_id, currency
),
cohorts AS (
    -- 1970-01-05 was a Monday: step back to the Monday of first_dt.
    SELECT member_id, date_sub(first_dt, pmod(datediff(first_dt, '1970-01-05'), 7)) AS cohort_week
    FROM first_seen
)
SELECT
    CAST(c.cohort_week AS STRING) AS cohort_week,
    s.currency,
    COUNT(DISTINCT s.member_id) AS members,
    SUM(s.purchases) AS purchases,
    SUM(s.amount_cents) AS spend_cents,
    ROUND(SUM(s.amount_cents) / COUNT(DISTINCT s.member_id), 2) AS spend_cents_per_member
FROM spend s
JOIN cohorts c ON c.member_id = s.member_id
GROUP BY c.cohort_week, s.currency
ORDER BY cohort_week, currency
