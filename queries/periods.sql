-- Months with any data for the plan (values, audits or action snapshots), newest first.
SELECT DISTINCT period FROM (
    SELECT period FROM current_values WHERE plan = $plan
    UNION ALL SELECT period FROM current_audits WHERE plan = $plan
    UNION ALL SELECT as_at FROM current_actions WHERE plan = $plan
)
ORDER BY period DESC;
