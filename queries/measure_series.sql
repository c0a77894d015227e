-- Each measure's values up to the as-at month (blank ones left out): its latest and previous values, the
-- latest's period, kind, numerator and denominator, how many there are, whether any value is illustrative,
-- all of them oldest first (what SPC and the trend line are drawn from), and where its SPC limits restart:
-- how many of its values come before each period a user marked as a process change. A measure whose Source
-- names an audit stream takes its values from the audits ($linked, worked out by the caller from
-- audit_summary), and any it has in the Values sheet are left out ($linked_codes; values_ignored says so).
WITH linked AS (
    SELECT unnest(CAST($linked AS STRUCT(code VARCHAR, period DATE, period_kind VARCHAR, value DOUBLE,
                                         numerator DOUBLE, denominator DOUBLE, illustrative BOOLEAN)[]),
                  recursive := true)),
series AS (
    SELECT code, period, period_kind, value, numerator, denominator, illustrative,
           list_contains(CAST($linked_codes AS VARCHAR[]), code) AS ignored
    FROM current_values
    WHERE plan = $plan AND period <= $as_at
    UNION ALL
    SELECT *, false FROM linked),
per_measure AS (
    SELECT code, max_by(value, period, 2) FILTER (value IS NOT NULL AND NOT ignored) AS last_two,
           max_by({'period': period, 'kind': period_kind, 'numerator': numerator, 'denominator': denominator},
                  period) FILTER (value IS NOT NULL AND NOT ignored) AS latest,
           count(value) FILTER (NOT ignored) AS points,
           coalesce(bool_or(illustrative) FILTER (NOT ignored), false) AS illustrative,
           bool_or(ignored) AS values_ignored,
           coalesce(list(value ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS "values"
    FROM series
    GROUP BY code),
cuts AS (
    SELECT code, list(cut ORDER BY period) AS cuts FROM (
        SELECT r.code, r.period, count(*) FILTER (s.period < r.period) AS cut
        FROM spc_rebases r JOIN series s ON s.code = r.code AND s.value IS NOT NULL AND NOT s.ignored
        WHERE r.plan = $plan
        GROUP BY r.code, r.period)
    GROUP BY code)
SELECT code, latest.period AS latest_period, latest.kind AS latest_kind, last_two[1] AS value,
       last_two[2] AS previous_value, latest.numerator, latest.denominator, points, illustrative, values_ignored,
       "values", coalesce(cuts, []) AS cuts
FROM per_measure LEFT JOIN cuts USING (code)
ORDER BY code;
