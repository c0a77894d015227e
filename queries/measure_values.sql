-- Every current value of the plan's measures up to the as-at month, oldest first.
SELECT code, period, period_kind, value, numerator, denominator, illustrative, upload_id
FROM current_values
WHERE plan = $plan AND period <= $as_at
ORDER BY code, period;
