-- The profile-field policy. Every save is a new version, kept whole in
-- profile_policies; version 1, the default policy, has no row. A session keeps the
-- version live when it signed in, and a user the version of their last sign-in (NULL
-- until they first sign in), so admins see who still reads an older one.
ALTER TABLE accounts ADD COLUMN profile_policy_version BIGINT NOT NULL DEFAULT 1;
CREATE TABLE profile_policies (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    policy     TEXT NOT NULL,
    saved_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, version)
);
ALTER TABLE sessions ADD COLUMN profile_policy_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN profile_policy_version BIGINT;
UPDATE users SET profile_policy_version = 1 WHERE last_login_at > 0;
CREATE INDEX users_by_profile_policy ON users (account_id, profile_policy_version, id);

-- The values of the controlled fields (Company, Department, …), one row per field set.
CREATE TABLE user_fields (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, field)
);
