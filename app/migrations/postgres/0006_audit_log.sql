-- The Audit log lists an account's events newest first, filtered by who acted, which
-- user it was about (by the e-mail the event names) or what was done: an index for
-- each, in that order (the index by target id served no query). Events also keep the
-- acting admin's e-mail, as it was then.
ALTER TABLE audit_events ADD COLUMN actor_label TEXT NOT NULL DEFAULT '';
DROP INDEX audit_events_by_account;
DROP INDEX audit_events_by_target;
CREATE INDEX audit_events_by_time ON audit_events (account_id, created_at, id);
CREATE INDEX audit_events_by_actor ON audit_events (account_id, actor_label, created_at, id);
CREATE INDEX audit_events_by_target_label ON audit_events (account_id, target, created_at, id);
CREATE INDEX audit_events_by_action ON audit_events (account_id, action, created_at, id);
