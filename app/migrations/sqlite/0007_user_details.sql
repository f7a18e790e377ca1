-- The User Details page. A profile save carries the version it read, so the second of
-- two admins saving the same user is refused instead of overwriting the first.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- When and why a user was locked, for the Profile tab's status information.
ALTER TABLE users ADD COLUMN locked_at INTEGER;
ALTER TABLE users ADD COLUMN lock_reason TEXT;
-- The address a session signed in from, for the Sessions/Devices tab.
ALTER TABLE sessions ADD COLUMN ip TEXT;
-- Two new permissions: sessions.kill and apps.assign. Roles that could already do
-- everything (those holding users.delete) keep being able to do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'sessions.kill' FROM role_permissions WHERE permission = 'users.delete';
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'apps.assign' FROM role_permissions WHERE permission = 'users.delete';
