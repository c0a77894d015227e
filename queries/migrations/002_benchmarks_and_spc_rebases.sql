-- Published comparators per measure and period, and the periods where a measure's process changed.
CREATE TABLE benchmarks (upload_id INTEGER NOT NULL, plan TEXT NOT NULL, code TEXT NOT NULL,
    period DATE NOT NULL, period_kind TEXT NOT NULL, england DOUBLE, region DOUBLE, neighbours DOUBLE);
CREATE VIEW current_benchmarks AS SELECT * FROM benchmarks
    WHERE upload_id IN (SELECT id FROM committed)
    QUALIFY row_number() OVER (PARTITION BY plan, code, period ORDER BY upload_id DESC) = 1;
-- A user marks the period where a measure's process changed; SPC limits restart there.
CREATE TABLE spc_rebases (plan TEXT NOT NULL, code TEXT NOT NULL, period DATE NOT NULL,
    reason TEXT, marked_by TEXT, marked_at TIMESTAMP NOT NULL, PRIMARY KEY (plan, code, period));
