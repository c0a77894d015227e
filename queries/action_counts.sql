-- Actions by rating per group ($by: priority, focus_area or owner) in the latest snapshot (of plan_actions), of
-- the actions chosen ($refs; NULL: all): how many have each Action RAG and each Impact RAG (a blank rating is
-- counted as unrated), how many there are, and how many are overdue ($overdue: the refs the overdue rule
-- picked out).
SELECT CASE $by WHEN 'priority' THEN priority WHEN 'focus_area' THEN focus_area WHEN 'owner' THEN owner END AS grp,
       histogram(action_rag) AS action_rag, count(*) FILTER (action_rag IS NULL) AS action_unrated,
       histogram(impact_rag) AS impact_rag, count(*) FILTER (impact_rag IS NULL) AS impact_unrated,
       count(*) AS total, count(*) FILTER (list_contains(CAST($overdue AS VARCHAR[]), ref)) AS overdue
FROM plan_actions
WHERE as_at = (SELECT max(as_at) FROM plan_actions)
  AND ($refs IS NULL OR list_contains(CAST($refs AS VARCHAR[]), ref))
GROUP BY grp;
