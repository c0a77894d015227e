-- The first schema: uploads, the data tables (each row keeps the upload it came from) and the current_* views
-- (the newest committed upload for each key, so reverting an upload falls back to what was there before).
CREATE SEQUENCE upload_ids START 1;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY, plan TEXT NOT NULL, file_name TEXT, sha256 TEXT,
    uploaded_by TEXT, uploaded_at TIMESTAMP NOT NULL, as_at DATE,
    measures INTEGER, "values" INTEGER, audits INTEGER, actions INTEGER, warnings INTEGER,
    status TEXT NOT NULL DEFAULT 'committed', reverted_at TIMESTAMP, reverted_by TEXT);
CREATE TABLE plans (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, authority TEXT, as_at DATE);
CREATE TABLE measures (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, code TEXT NOT NULL,
    measure TEXT, priority TEXT, focus_area TEXT, unit TEXT, polarity TEXT, ri_band TEXT,
    good_band TEXT, outstanding_band TEXT, target DOUBLE, source TEXT);
CREATE TABLE measure_values (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, code TEXT NOT NULL,
    period DATE NOT NULL, period_kind TEXT NOT NULL, value DOUBLE, numerator DOUBLE,
    denominator DOUBLE, illustrative BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE audits (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, period DATE NOT NULL,
    period_kind TEXT NOT NULL, stream TEXT NOT NULL, grade TEXT NOT NULL, cases INTEGER NOT NULL,
    illustrative BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE audit_case_refs (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, period DATE,
    stream TEXT, grade TEXT, case_ref TEXT);
CREATE TABLE actions (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, as_at DATE NOT NULL,
    ref TEXT NOT NULL, action TEXT, priority TEXT, focus_area TEXT, owner TEXT, start_text TEXT,
    start_date DATE, due_text TEXT, due_kind TEXT, due_date DATE, action_rag TEXT,
    impact_rag TEXT, commentary TEXT, source TEXT, children_will_say TEXT,
    illustrative BOOLEAN NOT NULL DEFAULT false);
CREATE VIEW committed AS SELECT id FROM uploads WHERE status = 'committed';
CREATE VIEW current_plans AS SELECT plan,
        arg_max(authority, upload_id) FILTER (WHERE authority IS NOT NULL) AS authority,
        max(as_at) AS as_at, max(upload_id) AS last_upload_id
    FROM plans WHERE upload_id IN (SELECT id FROM committed) GROUP BY plan;
CREATE VIEW current_measures AS SELECT * FROM measures
    WHERE upload_id IN (SELECT id FROM committed)
    QUALIFY row_number() OVER (PARTITION BY plan, code ORDER BY upload_id DESC) = 1;
CREATE VIEW current_values AS SELECT * FROM measure_values
    WHERE upload_id IN (SELECT id FROM committed)
    QUALIFY row_number() OVER (PARTITION BY plan, code, period ORDER BY upload_id DESC) = 1;
-- An audit period of a stream, and an action snapshot, are replaced whole by a newer upload.
CREATE VIEW current_audits AS SELECT * FROM audits
    WHERE upload_id IN (SELECT id FROM committed)
    QUALIFY upload_id = max(upload_id) OVER (PARTITION BY plan, period, stream);
CREATE VIEW current_actions AS SELECT * FROM actions
    WHERE upload_id IN (SELECT id FROM committed)
    QUALIFY upload_id = max(upload_id) OVER (PARTITION BY plan, as_at);
INSERT INTO meta VALUES ('data_version', '0');
