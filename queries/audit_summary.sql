-- Audit counts per stream and period up to the as-at month, and for all streams together ($all_streams,
-- GROUPING SETS): the cases with each grade, and whether any count is illustrative. All streams first, then
-- each stream, oldest first. Good-or-better %, inadequate % and intervals are worked out from these in Python.
SELECT CASE WHEN grouping(stream) = 1 THEN $all_streams ELSE stream END AS stream, period, period_kind, grade,
       sum(cases)::INTEGER AS cases, bool_or(illustrative) AS illustrative
FROM current_audits
WHERE plan = $plan AND period <= $as_at
GROUP BY GROUPING SETS ((stream, period, period_kind, grade), (period, period_kind, grade))
ORDER BY grouping(stream) DESC, stream, period, period_kind, grade;
