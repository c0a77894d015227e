-- Upload preview: the actions a file changes, each field before and after, the first $limit (action_diff).
SELECT * EXCLUDE (is_new, is_changed)
FROM action_diff
WHERE is_changed
ORDER BY as_at, ref
LIMIT $limit;
