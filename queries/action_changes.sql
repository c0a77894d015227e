-- What changed from the snapshot before the latest one (up to the as-at month) to the latest, for the actions
-- chosen ($refs; NULL: all): one row per action in either, with its Action RAG and due date before and now,
-- whether its rating moved, whether its due date slipped (moved later) and by how many days, and how many
-- times its due date has moved later from one snapshot to the next across every snapshot (lag() OVER).
-- Nothing when there is only one snapshot.
WITH history AS (
    SELECT *, coalesce(due_date > lag(due_date) OVER (PARTITION BY ref ORDER BY as_at), false) AS moved_later,
           dense_rank() OVER (ORDER BY as_at DESC) AS snapshot  -- 1: the latest, 2: the one before
    FROM current_actions
    WHERE plan = $plan AND as_at <= $as_at AND ($refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref))),
rebaselined AS (SELECT ref, sum(moved_later::INTEGER)::INTEGER AS rebaselines FROM history GROUP BY ref),
now AS (SELECT * FROM history WHERE snapshot = 1),
before AS (SELECT * FROM history WHERE snapshot = 2)
SELECT r.ref, n.ref IS NOT NULL AS in_now, b.ref IS NOT NULL AS in_before,
       CASE WHEN n.ref IS NULL THEN b.action ELSE n.action END AS action,
       CASE WHEN n.ref IS NULL THEN b.priority ELSE n.priority END AS priority,
       CASE WHEN n.ref IS NULL THEN b.owner ELSE n.owner END AS owner,
       CASE WHEN n.ref IS NULL THEN b.source ELSE n.source END AS source,
       b.action_rag AS action_rag_before, n.action_rag,
       n.ref IS NOT NULL AND b.ref IS NOT NULL AND n.action_rag IS DISTINCT FROM b.action_rag AS moved,
       coalesce(n.due_date > b.due_date, false) AS slipped, date_diff('day', b.due_date, n.due_date) AS slippage_days,
       b.due_text AS due_before, n.due_text AS due_now, r.rebaselines
FROM rebaselined r
LEFT JOIN now n ON n.ref = r.ref
LEFT JOIN before b ON b.ref = r.ref
WHERE (n.ref IS NOT NULL OR b.ref IS NOT NULL) AND EXISTS (SELECT 1 FROM before)
ORDER BY r.ref;
