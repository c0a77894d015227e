-- Each measure's values up to the as-at month: its latest and previous values (blank ones skipped) with the
-- latest's period and numerator and denominator, how many values it has, whether any is illustrative, and
-- all of them oldest first (what SPC and the charts are drawn from). A measure whose Source names an audit
-- stream takes its values from the audits ($linked: worked out by the caller from audit_summary), and any
-- it has in the Values sheet are left out ($linked_codes; values_ignored says there were some).
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
    SELECT code,
           coalesce(list(period ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS periods,
           coalesce(list(period_kind ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS kinds,
           coalesce(list(value ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS "values",
           coalesce(list(numerator ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS numerators,
           coalesce(list(denominator ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), []) AS denominators,
           coalesce(list(illustrative ORDER BY period) FILTER (value IS NOT NULL AND NOT ignored), [])
               AS illustratives,
           coalesce(bool_or(illustrative) FILTER (NOT ignored), false) AS illustrative,
           bool_or(ignored) AS values_ignored
    FROM series
    GROUP BY code)
SELECT code, periods[-1] AS latest_period, kinds[-1] AS latest_kind, "values"[-1] AS value,
       "values"[-2] AS previous_value, numerators[-1] AS numerator, denominators[-1] AS denominator,
       len("values") AS points, illustrative, values_ignored, periods, kinds, "values", numerators, denominators,
       illustratives
FROM per_measure
ORDER BY code;
