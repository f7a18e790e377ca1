-- A second factor a user enrols for themselves: an authenticator app (TOTP, RFC 6238:
-- SHA-1, 6 digits, 30-second steps) whose secret is kept sealed (XChaCha20-Poly1305)
-- under the key in --secret-key-file, like the SSO client secret. It counts once
-- confirmed_at is set (a code from the app was given); last_step is the newest step a
-- code was accepted for, so a code works once. Recovery codes are kept as SHA-256
-- digests keyed by the user; each works once and is deleted when used.
CREATE TABLE authenticators (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    confirmed_at  INTEGER,
    last_step     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in challenge answered from the authenticator app (1) rather than by an
-- e-mailed code (0); its code_hash is then empty.
ALTER TABLE sign_in_codes ADD COLUMN by_app INTEGER NOT NULL DEFAULT 0;
