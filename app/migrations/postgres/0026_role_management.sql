-- Role Management: an account's predefined roles (Master Admin, User Admin, Member)
-- stay as they are; its custom admin roles are created, described, changed (version
-- counts the changes, for saves that crossed) and deleted. name_key is the name folded
-- for comparing (as user_groups.name_key): two roles may not differ by case alone.
-- Until now every role was a predefined one, and their names are plain ASCII, so
-- lower() folds them as the application does.
ALTER TABLE roles ADD COLUMN predefined BIGINT NOT NULL DEFAULT 0;
ALTER TABLE roles ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE roles SET predefined = 1, name_key = lower(name);
CREATE UNIQUE INDEX roles_by_name ON roles (account_id, name_key);

-- The new permission to manage roles is the Master Admin's, who holds every one.
INSERT INTO role_permissions (role_id, permission)
    SELECT id, 'roles.manage' FROM roles WHERE name = 'Master Admin' AND predefined = 1;

-- Who holds a role: its Assignments and the count of its holders read only them.
CREATE INDEX users_by_role ON users (role_id, id);
