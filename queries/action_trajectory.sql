-- Month by month: in every snapshot (of plan_actions), per group ($by: priority, focus_area or owner) of the
-- actions chosen ($refs; NULL: all), how many have each Action RAG (NULL: unrated), of how many, as a share
-- (%), which actions they are, and whether any of those ratings is illustrative.
WITH chosen AS (
    SELECT *, CASE $by WHEN 'priority' THEN priority WHEN 'focus_area' THEN focus_area WHEN 'owner' THEN owner
              END AS grp
    FROM plan_actions
    WHERE $refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref)),
counted AS (
    SELECT as_at, grp, action_rag, count(*) AS n, list(ref) AS refs, bool_or(illustrative) AS illustrative
    FROM chosen GROUP BY as_at, grp, action_rag),
totals AS (SELECT as_at, grp, count(*)::INTEGER AS total FROM chosen GROUP BY as_at, grp)
SELECT c.as_at, c.grp, c.action_rag, c.n, t.total, 100.0 * c.n / t.total AS share, c.refs, c.illustrative
FROM counted c JOIN totals t ON t.as_at = c.as_at AND t.grp IS NOT DISTINCT FROM c.grp
ORDER BY c.as_at, c.grp, c.action_rag;
