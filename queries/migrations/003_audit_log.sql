-- The audit trail: who did what, when. Appended to only; the app has no way to edit or delete it.
CREATE SEQUENCE audit_ids START 1;
CREATE TABLE audit_log (id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, who TEXT NOT NULL, role TEXT,
    event TEXT NOT NULL, plan TEXT, upload_id INTEGER, sha256 TEXT, detail TEXT);
