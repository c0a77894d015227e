-- One action ($ref) across the snapshots up to the as-at month, oldest first: its ratings, due date and
-- commentary as each snapshot gave them.
SELECT as_at, action_rag, impact_rag, due_text, commentary, illustrative
FROM current_actions
WHERE plan = $plan AND as_at <= $as_at AND ref = $ref
ORDER BY as_at;
