-- User Management > Groups. A group's name is unique in its account whatever its case
-- (name_key is the folded name); member_count is kept by triggers, so neither the
-- Groups page nor the grid's group filter counts members.
CREATE TABLE user_groups (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    member_count INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX user_groups_by_size ON user_groups (account_id, member_count, id);

CREATE TABLE user_group_members (
    group_id INTEGER NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_by_user ON user_group_members (user_id, group_id);

CREATE TRIGGER user_group_members_counted_on_insert AFTER INSERT ON user_group_members
BEGIN
    UPDATE user_groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
END;

CREATE TRIGGER user_group_members_counted_on_delete AFTER DELETE ON user_group_members
BEGIN
    UPDATE user_groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
END;

-- groups.manage, for the roles that could already do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'groups.manage' FROM role_permissions WHERE permission = 'users.delete';
