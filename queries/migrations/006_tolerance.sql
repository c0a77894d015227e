-- Rating by tolerance: how far short of its target a measure may be and be Amber, as the plan writes it.
ALTER TABLE measures ADD COLUMN tolerance TEXT;
