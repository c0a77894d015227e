-- Published comparators (England, region, statistical neighbours) for the plan's measures, up to the as-at month.
SELECT code, period, period_kind, england, region, neighbours
FROM current_benchmarks
WHERE plan = $plan AND period <= $as_at
ORDER BY code, period;
