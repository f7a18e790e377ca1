-- The version of each account's sign-in security: a save names the version it was
-- made on, so two admins' saves at once cannot silently overwrite each other.
ALTER TABLE accounts ADD COLUMN sign_in_security_version INTEGER NOT NULL DEFAULT 1;

-- settings.manage, for the roles that could already do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'settings.manage' FROM role_permissions WHERE permission = 'users.delete';
