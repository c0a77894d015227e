-- Which plans are in the store, whose are they, how recent is their data, are they archived?
SELECT p.plan, p.authority, p.as_at, u.uploaded_at AS last_upload_at, p.last_upload_id,
       coalesce(s.archived, false) AS archived
FROM current_plans p
JOIN uploads u ON u.id = p.last_upload_id
LEFT JOIN plan_status s ON s.plan = p.plan
ORDER BY coalesce(s.archived, false), p.plan;
