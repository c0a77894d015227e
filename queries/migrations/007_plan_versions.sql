-- Each plan's own data version: the store's data version at that plan's latest change (an upload, a revert, an
-- archive, an SPC process change), so the figures cached for one plan outlive changes to the others. A plan
-- with no row has not changed since this table was made (version 0).
CREATE TABLE plan_versions (plan TEXT PRIMARY KEY, version BIGINT NOT NULL);
