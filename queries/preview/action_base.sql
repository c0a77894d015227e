-- Upload preview: what each action snapshot in the file ("incoming", registered by the caller) is compared
-- with. A month the store has is replaced whole, so it is compared with the stored snapshot; a new month with
-- the snapshot before it, earlier in the file if there is one, else in the store. A temporary table: month,
-- whether it replaces a stored snapshot, the month compared with, and that snapshot's actions.
CREATE OR REPLACE TEMP TABLE action_base AS
WITH stored AS (
    SELECT as_at, ref, action, owner, due_text, action_rag, impact_rag, commentary, priority, focus_area, source
    FROM current_actions WHERE plan = $plan),
months AS (SELECT DISTINCT as_at FROM incoming),
every_month AS (SELECT as_at FROM stored UNION SELECT as_at FROM incoming),
plan_months AS (
    SELECT m.as_at AS month, m.as_at IN (SELECT as_at FROM stored) AS replaced,
           CASE WHEN m.as_at IN (SELECT as_at FROM stored) THEN m.as_at
                ELSE (SELECT max(e.as_at) FROM every_month e WHERE e.as_at < m.as_at) END AS base
    FROM months m)
SELECT p.month, p.replaced, p.base, r.* EXCLUDE (as_at) FROM plan_months p
  JOIN stored r ON r.as_at = p.base
 WHERE p.replaced OR p.base NOT IN (SELECT as_at FROM months)
UNION ALL BY NAME
SELECT p.month, p.replaced, p.base, r.* EXCLUDE (as_at) FROM plan_months p
  JOIN incoming r ON r.as_at = p.base
 WHERE NOT p.replaced AND p.base IN (SELECT as_at FROM months);
