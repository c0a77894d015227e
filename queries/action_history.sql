-- Every action snapshot of the plan up to the as-at month, oldest first (the latest is the current plan).
SELECT as_at, ref, action, priority, focus_area, owner, start_text, start_date, due_text,
       due_kind, due_date, action_rag, impact_rag, commentary, source, children_will_say,
       illustrative
FROM current_actions
WHERE plan = $plan AND as_at <= $as_at
ORDER BY as_at, ref;
