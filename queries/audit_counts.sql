-- Audit cases per period, stream and grade up to the as-at month.
SELECT period, period_kind, stream, grade, cases, illustrative
FROM current_audits
WHERE plan = $plan AND period <= $as_at
ORDER BY period, stream, grade;
