-- What changed from the snapshot before the latest one to the latest (of plan_actions), for the actions chosen
-- ($refs; NULL: all): one row per action in either, with its Action RAG and due date before and now, whether
-- its rating moved, and whether its due date slipped (moved later) and by how many days. Nothing when there is
-- only one snapshot.
WITH chosen AS (
    SELECT * FROM plan_actions WHERE $refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref)),
latest AS (SELECT max(as_at) AS as_at FROM chosen),
now AS (SELECT * FROM chosen WHERE as_at = (SELECT as_at FROM latest)),
before AS (SELECT * FROM chosen WHERE as_at = (SELECT max(as_at) FROM chosen WHERE as_at < (SELECT as_at FROM latest)))
SELECT coalesce(n.ref, b.ref) AS ref, n.ref IS NOT NULL AS in_now, b.ref IS NOT NULL AS in_before,
       CASE WHEN n.ref IS NULL THEN b.action ELSE n.action END AS action,
       CASE WHEN n.ref IS NULL THEN b.priority ELSE n.priority END AS priority,
       CASE WHEN n.ref IS NULL THEN b.owner ELSE n.owner END AS owner,
       CASE WHEN n.ref IS NULL THEN b.source ELSE n.source END AS source,
       b.action_rag AS action_rag_before, n.action_rag,
       n.ref IS NOT NULL AND b.ref IS NOT NULL AND n.action_rag IS DISTINCT FROM b.action_rag AS moved,
       coalesce(n.due_date > b.due_date, false) AS slipped, date_diff('day', b.due_date, n.due_date) AS slippage_days,
       b.due_text AS due_before, n.due_text AS due_now
FROM now n FULL JOIN before b ON b.ref = n.ref
WHERE EXISTS (SELECT 1 FROM before)
ORDER BY 1;
