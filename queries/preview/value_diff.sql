-- Upload preview: every value in the file ("incoming", registered by the caller: code, period, value,
-- numerator, denominator) paired with the plan's current values in one pass, matched or not: kept (in the
-- store only), new (in the file only) or changed (a figure differs). A temporary table, read by the next two.
CREATE OR REPLACE TEMP TABLE value_diff AS
SELECT coalesce(i.code, c.code) AS code, coalesce(i.period, c.period) AS period,
       i.code IS NULL AS kept, c.code IS NULL AS is_new,
       i.code IS NOT NULL AND c.code IS NOT NULL
           AND (c.value IS DISTINCT FROM i.value OR c.numerator IS DISTINCT FROM i.numerator
                OR c.denominator IS DISTINCT FROM i.denominator) AS is_changed,
       c.value AS value_before, i.value, c.numerator AS numerator_before, i.numerator,
       c.denominator AS denominator_before, i.denominator
FROM incoming i
FULL JOIN (SELECT code, period, value, numerator, denominator FROM current_values WHERE plan = $plan) c
    ON c.code = i.code AND c.period = i.period;
