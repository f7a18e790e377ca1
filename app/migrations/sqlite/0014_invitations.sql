-- Invitations: the sign-up link of an invited (Not Active) user. Only the SHA-256
-- digest of a link's token is kept; one row per user, so resending replaces the link,
-- and accepting or revoking deletes it.
CREATE TABLE invitations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- users.invite, for the roles that could already do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'users.invite' FROM role_permissions WHERE permission = 'users.delete';
