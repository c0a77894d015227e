-- Each plan's uploads: how many are in force (committed) and how many were reverted.
SELECT plan, count(*) FILTER (status = 'committed') AS committed, count(*) FILTER (status = 'reverted') AS reverted
FROM uploads
GROUP BY plan
ORDER BY plan;
