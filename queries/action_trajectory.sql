-- Month by month: in every snapshot up to the as-at month, per group ($by: priority, focus_area or owner) of
-- the actions chosen ($refs; NULL: all), how many have each Action RAG (NULL: unrated), of how many, as a
-- share (%), which actions they are, and whether any of those ratings is illustrative.
SELECT as_at,
       CASE $by WHEN 'priority' THEN priority WHEN 'focus_area' THEN focus_area WHEN 'owner' THEN owner END AS grp,
       action_rag, count(*) AS n, sum(count(*)) OVER (PARTITION BY as_at, grp)::INTEGER AS total,
       100.0 * count(*) / sum(count(*)) OVER (PARTITION BY as_at, grp) AS share,
       list(ref) AS refs, bool_or(illustrative) AS illustrative
FROM current_actions
WHERE plan = $plan AND as_at <= $as_at AND ($refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref))
GROUP BY as_at, grp, action_rag
ORDER BY as_at, grp, action_rag;
