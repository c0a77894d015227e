-- Actions by rating per group ($by: priority, focus_area or owner) in the latest snapshot, of the actions
-- chosen ($refs; NULL: all): how many have each Action RAG and each Impact RAG (a blank rating is counted as
-- unrated), how many there are, and how many are overdue ($overdue: the refs the overdue rule picked out).
WITH now AS (
    SELECT * FROM current_actions
    WHERE plan = $plan AND as_at <= $as_at AND ($refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref))
    QUALIFY as_at = max(as_at) OVER ())
SELECT CASE $by WHEN 'priority' THEN priority WHEN 'focus_area' THEN focus_area WHEN 'owner' THEN owner END AS grp,
       histogram(action_rag) AS action_rag, count(*) FILTER (action_rag IS NULL) AS action_unrated,
       histogram(impact_rag) AS impact_rag, count(*) FILTER (impact_rag IS NULL) AS impact_unrated,
       count(*) AS total, count(*) FILTER (list_contains(CAST($overdue AS VARCHAR[]), ref)) AS overdue
FROM now
GROUP BY grp;
