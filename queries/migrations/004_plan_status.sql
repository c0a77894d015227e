-- An admin archives a finished plan: it leaves the plan selectors but keeps all its data and history.
CREATE TABLE plan_status (plan TEXT PRIMARY KEY, archived BOOLEAN NOT NULL, changed_by TEXT,
    changed_at TIMESTAMP NOT NULL);
