-- The plan now: the latest action snapshot (of plan_actions, the plan's snapshots up to the as-at month),
-- each action with how many times its due date moved later from one snapshot to the next (re-baselined)
-- across all of them (lag() OVER).
WITH rebaselined AS (
    SELECT ref, count(*) FILTER (moved_later)::INTEGER AS rebaselines
    FROM (SELECT ref, due_date > lag(due_date) OVER (PARTITION BY ref ORDER BY as_at) AS moved_later
          FROM plan_actions)
    GROUP BY ref)
SELECT a.*, r.rebaselines
FROM plan_actions a JOIN rebaselined r USING (ref)
WHERE a.as_at = (SELECT max(as_at) FROM plan_actions)
ORDER BY a.ref;
