-- A plan's import profile: how its councils' own sheets are read (roles, header rows, columns), saved
-- when an upload is loaded; every version is kept.
CREATE TABLE import_profiles (plan TEXT NOT NULL, version INTEGER NOT NULL, saved_at TIMESTAMP NOT NULL,
    saved_by TEXT, profile TEXT NOT NULL, PRIMARY KEY (plan, version));
