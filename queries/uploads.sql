-- Upload history, newest first.
SELECT id, plan, file_name, sha256, uploaded_by, uploaded_at, as_at, measures, "values", audits,
       actions, warnings, status, reverted_at, reverted_by
FROM uploads
ORDER BY id DESC;
