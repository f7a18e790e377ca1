-- Two new permissions: users.update (changing a user's status for now) and audit.read
-- (the Audit log). Roles that could already do everything (those holding users.delete,
-- the most an admin role could hold) keep being able to do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'users.update' FROM role_permissions WHERE permission = 'users.delete';
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'audit.read' FROM role_permissions WHERE permission = 'users.delete';
