-- 003_audit_log.sql for PostgreSQL: the audit trail is append-only in the database itself. A trigger refuses
-- every UPDATE, DELETE and TRUNCATE of it, whoever asks (the app's role included).
CREATE SEQUENCE audit_ids START 1;
CREATE TABLE audit_log (id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, who TEXT NOT NULL, role TEXT,
    event TEXT NOT NULL, plan TEXT, upload_id INTEGER, sha256 TEXT, detail TEXT);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % is refused', TG_OP;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
