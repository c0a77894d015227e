-- One measure's values from the Values sheet up to the as-at month, oldest first, blank ones left out: what
-- its chart draws (a measure sourced from the audits is drawn from audit_summary's figures instead).
SELECT period, period_kind, value, numerator, denominator, illustrative
FROM current_values
WHERE plan = $plan AND period <= $as_at AND code = $code AND value IS NOT NULL
ORDER BY period;
