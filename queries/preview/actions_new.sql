-- Upload preview: the actions new in a file's snapshots, the first $limit (action_diff).
SELECT as_at, ref, action FROM action_diff WHERE is_new ORDER BY as_at, ref LIMIT $limit;
