-- The plan now: the latest action snapshot at or before the as-at month, each action with how many times its
-- due date moved later from one snapshot to the next (re-baselined) across every snapshot up to then.
WITH history AS (
    SELECT *, coalesce(due_date > lag(due_date) OVER (PARTITION BY ref ORDER BY as_at), false) AS moved_later
    FROM current_actions
    WHERE plan = $plan AND as_at <= $as_at)
SELECT as_at, ref, action, priority, focus_area, owner, start_text, start_date, due_text, due_kind, due_date,
       action_rag, impact_rag, commentary, source, children_will_say, illustrative,
       sum(moved_later::INTEGER) OVER (PARTITION BY ref)::INTEGER AS rebaselines
FROM history
QUALIFY as_at = max(as_at) OVER ()
ORDER BY ref;
