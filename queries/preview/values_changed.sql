-- Upload preview: the values a file changes, before and after, the first $limit of them (value_diff).
SELECT code, period, value_before, value, numerator_before, numerator, denominator_before, denominator
FROM value_diff
WHERE is_changed
ORDER BY code, period
LIMIT $limit;
