-- The plan's actions in the newest snapshot at or before the as-at month.
SELECT as_at, ref, action, priority, focus_area, owner, start_text, start_date, due_text,
       due_kind, due_date, action_rag, impact_rag, commentary, source, children_will_say,
       illustrative
FROM current_actions
WHERE plan = $plan
  AND as_at = (SELECT max(as_at) FROM current_actions WHERE plan = $plan AND as_at <= $as_at)
ORDER BY ref;
