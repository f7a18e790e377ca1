-- Password reset links. Only the SHA-256 digest of a link's token is kept; one row per
-- user, so a newer link replaces the older one, and a used link is deleted.
CREATE TABLE password_resets (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
