-- Upload preview: each action in the file against the action it is compared with (action_base): new, or
-- changed in any field shown (both sides came through the importer, which collapses white space and stores a
-- blank as NULL, so text compares exactly). A temporary table, read by the next ones.
CREATE OR REPLACE TEMP TABLE action_diff AS
SELECT i.as_at, i.ref, r.ref IS NULL AS is_new,
       r.ref IS NOT NULL AND (i.action IS DISTINCT FROM r.action OR i.owner IS DISTINCT FROM r.owner
           OR i.due_text IS DISTINCT FROM r.due_text OR i.action_rag IS DISTINCT FROM r.action_rag
           OR i.impact_rag IS DISTINCT FROM r.impact_rag OR i.commentary IS DISTINCT FROM r.commentary
           OR i.priority IS DISTINCT FROM r.priority OR i.focus_area IS DISTINCT FROM r.focus_area
           OR i.source IS DISTINCT FROM r.source) AS is_changed,
       r.action AS action_before, i.action, r.owner AS owner_before, i.owner,
       r.due_text AS due_text_before, i.due_text, r.action_rag AS action_rag_before, i.action_rag,
       r.impact_rag AS impact_rag_before, i.impact_rag, r.commentary AS commentary_before, i.commentary,
       r.priority AS priority_before, i.priority, r.focus_area AS focus_area_before, i.focus_area,
       r.source AS source_before, i.source
FROM incoming i LEFT JOIN action_base r ON r.month = i.as_at AND r.ref = i.ref;
