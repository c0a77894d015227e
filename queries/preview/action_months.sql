-- Upload preview: each snapshot month in the file, the month it is compared with, and whether it replaces a
-- stored snapshot (action_base).
SELECT m.as_at, b.base,
       coalesce(b.replaced, m.as_at IN (SELECT as_at FROM current_actions WHERE plan = $plan)) AS replaced
FROM (SELECT DISTINCT as_at FROM incoming) m
LEFT JOIN (SELECT DISTINCT month, base, replaced FROM action_base) b ON b.month = m.as_at
ORDER BY m.as_at;
