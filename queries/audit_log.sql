-- The audit trail, newest first.
SELECT id, logged_at, who, role, event, plan, upload_id, sha256, detail
FROM audit_log
ORDER BY id DESC;
