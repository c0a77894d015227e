-- The plan's action snapshots up to the as-at month: the rows every action query counts (actions_now,
-- action_counts, action_trajectory, action_changes, stale_commentary). Made once per read
-- snapshot as a temporary table of this name (queries.materialise), so the current_actions view is worked
-- out once, not once per question.
SELECT * EXCLUDE (upload_id, plan)
FROM current_actions
WHERE plan = $plan AND as_at <= $as_at;
