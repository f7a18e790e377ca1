-- Single sign-on through an OpenID Connect provider, one per account. accounts.sso_enabled
-- (from the start) says whether it is on. The client secret is kept sealed
-- (XChaCha20-Poly1305) under a key outside the database: the file named by
-- --secret-key-file. Every change of the provider's settings takes a new version; SSO
-- can be turned on only once a test sign-in has succeeded at the current version.
-- allowed_domains: lower-case domains, one space apart; empty allows every domain.
CREATE TABLE sso_providers (
    account_id           BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    issuer               TEXT NOT NULL,
    client_id            TEXT NOT NULL,
    client_secret_sealed TEXT NOT NULL,
    allowed_domains      TEXT NOT NULL DEFAULT '',
    version              BIGINT NOT NULL DEFAULT 1,
    tested_version       BIGINT,
    tested_at            BIGINT,
    tested_as            TEXT
);
