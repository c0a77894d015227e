-- Upload preview: how many of the file's actions are new, changed, and in the file at all (action_diff).
SELECT count(*) FILTER (is_new) AS new, count(*) FILTER (is_changed) AS changed, count(*) AS in_file
FROM action_diff;
