-- Commentary that has not changed: for each action of the latest snapshot (of plan_actions; of those chosen,
-- $refs; NULL: all) whose commentary is not blank, how many of its snapshots in a row, ending with the latest,
-- have had the same words, and the first snapshot of that run (a blank commentary never continues a run).
WITH chosen AS (
    SELECT ref, as_at, commentary FROM plan_actions
    WHERE $refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref)),
now AS (
    SELECT ref, commentary FROM chosen
    WHERE as_at = (SELECT max(as_at) FROM chosen) AND trim(coalesce(commentary, '')) <> ''),
last_other AS (  -- each action's latest snapshot with other words (or none), before the run that ends now
    SELECT n.ref, max(h.as_at) FILTER (h.commentary IS DISTINCT FROM n.commentary) AS as_at
    FROM now n JOIN chosen h USING (ref)
    GROUP BY n.ref)
SELECT h.ref, count(*)::INTEGER AS unchanged_for, min(h.as_at) AS since
FROM last_other o JOIN chosen h ON h.ref = o.ref AND (o.as_at IS NULL OR h.as_at > o.as_at)
GROUP BY h.ref
ORDER BY h.ref;
