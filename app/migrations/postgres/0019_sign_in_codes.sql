-- Two-factor sign-in by e-mailed code. accounts.two_factor: 0 off, 1 required for
-- admins, 2 required for everyone. A right password under that policy opens a
-- sign_in_codes row instead of a session: the browser holds the challenge's token (only
-- its SHA-256 digest is kept here), the person's mailbox holds the 6-digit code (kept as
-- a digest keyed by the token, so a copy of this table cannot be searched for it). One
-- challenge per user: a new one replaces the old.
ALTER TABLE accounts ADD COLUMN two_factor BIGINT NOT NULL DEFAULT 0 CHECK (two_factor BETWEEN 0 AND 2);

CREATE TABLE sign_in_codes (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    code_hash  TEXT NOT NULL,
    tries      BIGINT NOT NULL DEFAULT 0,
    sent_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
