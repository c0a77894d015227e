-- Upload preview: how many of the file's values are new, changed and in the file at all, and how many of the
-- store's are kept as they are (value_diff).
SELECT count(*) FILTER (is_new) AS new, count(*) FILTER (is_changed) AS changed, count(*) FILTER (NOT kept) AS in_file,
       count(*) FILTER (kept) AS kept
FROM value_diff;
