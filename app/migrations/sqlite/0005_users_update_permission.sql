-- A new permission, users.update (changing a user's status for now). Roles that could
-- already do everything (those holding users.delete, the most an admin role could
-- hold) keep being able to do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'users.update' FROM role_permissions WHERE permission = 'users.delete';
