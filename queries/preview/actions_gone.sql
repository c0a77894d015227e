-- Upload preview: the actions in the snapshot a file's month is compared with but not in the file: removed
-- when the file replaces that month, closed when it is a new month (action_base).
SELECT r.month, r.ref, r.action, r.replaced
FROM action_base r
WHERE NOT EXISTS (SELECT 1 FROM incoming i WHERE i.as_at = r.month AND i.ref = r.ref)
ORDER BY r.month, r.ref;
