-- One e-mail address may be a user in several accounts, each with its own password.
-- When a password opens more than one of them, the person chooses the account, unless
-- one is their default (users.default_account, set on at most one of the address's
-- users). account_choices keeps that choice open for 10 minutes: the browser holds its
-- token, this table only the token's SHA-256 digest and the users the password opened.
ALTER TABLE users ADD COLUMN default_account BIGINT NOT NULL DEFAULT 0;

CREATE TABLE account_choices (
    token_hash TEXT PRIMARY KEY,
    user_ids   TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
