-- Commentary that has not changed: for each action of the latest snapshot (of those chosen, $refs; NULL: all)
-- whose commentary is not blank, how many snapshots in a row, ending with the latest, it has had the same
-- words, and the first snapshot of that run. A blank commentary never continues a run.
WITH history AS (
    SELECT ref, as_at, commentary,
           CASE WHEN commentary = lag(commentary) OVER (PARTITION BY ref ORDER BY as_at) THEN 0 ELSE 1 END
               AS starts_run
    FROM current_actions
    WHERE plan = $plan AND as_at <= $as_at AND ($refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref))),
runs AS (SELECT *, sum(starts_run) OVER (PARTITION BY ref ORDER BY as_at) AS run FROM history),
last_runs AS (SELECT * FROM runs QUALIFY run = max(run) OVER (PARTITION BY ref))
SELECT ref, count(*)::INTEGER AS unchanged_for, min(as_at) AS since
FROM last_runs
GROUP BY ref
HAVING max(as_at) = (SELECT max(as_at) FROM history) AND trim(coalesce(arg_max(commentary, as_at), '')) <> ''
ORDER BY ref;
