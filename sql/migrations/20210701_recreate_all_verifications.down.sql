-- The up left the all_verifications definition unchanged: nothing to undo.
SELECT 1;
