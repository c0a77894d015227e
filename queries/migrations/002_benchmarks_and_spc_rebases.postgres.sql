-- 002_benchmarks_and_spc_rebases.sql for PostgreSQL: the tables (DOUBLE PRECISION), no view (see 001).
CREATE TABLE benchmarks (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, code TEXT NOT NULL,
    period DATE NOT NULL, period_kind TEXT NOT NULL, england DOUBLE PRECISION, region DOUBLE PRECISION,
    neighbours DOUBLE PRECISION);
CREATE INDEX ON benchmarks (upload_id);
CREATE TABLE spc_rebases (plan TEXT NOT NULL, code TEXT NOT NULL, period DATE NOT NULL,
    reason TEXT, marked_by TEXT, marked_at TIMESTAMP NOT NULL, PRIMARY KEY (plan, code, period));
