-- Audit events name their target by type and id, the address the actor acted from,
-- and the values before and after the change (JSON, never a secret).
ALTER TABLE audit_events ADD COLUMN target_type TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN target_id BIGINT;
ALTER TABLE audit_events ADD COLUMN actor_addr TEXT;
ALTER TABLE audit_events ADD COLUMN before_value TEXT;
ALTER TABLE audit_events ADD COLUMN after_value TEXT;
ALTER TABLE audit_events DROP COLUMN detail;
CREATE INDEX audit_events_by_target ON audit_events (account_id, target_type, target_id, id);
