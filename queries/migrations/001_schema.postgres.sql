-- 001_schema.sql for PostgreSQL, the shared store: the same tables (DOUBLE PRECISION for DOUBLE). The current_*
-- views are not needed here: pages query each app process's DuckDB read model, built by 001_schema.sql.
-- sync_version is bumped by every write (audit entries and profiles too), so a read model knows when to sync;
-- data_version only by changes to the figures, as in the file. Rows are fetched by upload id, hence the indexes.
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
    good_band TEXT, outstanding_band TEXT, target DOUBLE PRECISION, source TEXT);
CREATE TABLE measure_values (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, code TEXT NOT NULL,
    period DATE NOT NULL, period_kind TEXT NOT NULL, value DOUBLE PRECISION, numerator DOUBLE PRECISION,
    denominator DOUBLE PRECISION, illustrative BOOLEAN NOT NULL DEFAULT false);
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
CREATE INDEX ON plans (upload_id);
CREATE INDEX ON measures (upload_id);
CREATE INDEX ON measure_values (upload_id);
CREATE INDEX ON audits (upload_id);
CREATE INDEX ON audit_case_refs (upload_id);
CREATE INDEX ON actions (upload_id);
INSERT INTO meta VALUES ('data_version', '0'), ('sync_version', '0');
