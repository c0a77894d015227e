-- The plan's measures with their bands, as currently loaded.
SELECT code, measure, priority, focus_area, unit, polarity, ri_band, good_band, outstanding_band,
       target, tolerance, source, upload_id
FROM current_measures
WHERE plan = $plan
ORDER BY code;
