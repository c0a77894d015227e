-- Periods where a user marked that a measure's process changed (SPC limits restart there).
SELECT code, period, reason, marked_by, marked_at
FROM spc_rebases
WHERE plan = $plan
ORDER BY code, period;
