-- Which plans are in the store, whose are they, how recent is their data?
SELECT p.plan, p.authority, p.as_at, u.uploaded_at AS last_upload_at, p.last_upload_id
FROM current_plans p
JOIN uploads u ON u.id = p.last_upload_id
ORDER BY p.plan;
