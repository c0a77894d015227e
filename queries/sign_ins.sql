-- Each person's latest sign-in (local mode records one a day per person).
SELECT who, max(logged_at) AS last_sign_in
FROM audit_log
WHERE event = 'sign-in'
GROUP BY who;
