-- The as-at months for which the plan has an action snapshot, newest first.
SELECT DISTINCT as_at
FROM current_actions
WHERE plan = $plan
ORDER BY as_at DESC;
