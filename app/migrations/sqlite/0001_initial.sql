-- Every row belongs to an account (tenant). Times are Unix seconds (UTC).
-- Flags are 0/1 integers: the same decoding on SQLite and PostgreSQL.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    sso_enabled INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE roles (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    is_admin   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, name)
);

CREATE TABLE role_permissions (
    role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT    NOT NULL,
    PRIMARY KEY (role_id, permission)
);

-- status: 1 Active, 2 Not Active (invited), 3 Suspended, 4 Locked.
-- name_key = lower(first_name || ' ' || last_name), last_key = lower(last_name),
-- email is stored lower-case: they are the sort and prefix-search keys.
-- last_login_at is 0 until the first sign-in, so it can be a keyset column.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email               TEXT    NOT NULL,
    first_name          TEXT    NOT NULL,
    last_name           TEXT    NOT NULL,
    name_key            TEXT    NOT NULL,
    last_key            TEXT    NOT NULL,
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),
    role_id             INTEGER NOT NULL REFERENCES roles (id),
    is_primary_admin    INTEGER NOT NULL DEFAULT 0,
    builder_access      INTEGER NOT NULL DEFAULT 0,
    app_creation_access INTEGER NOT NULL DEFAULT 0,
    data_tables_access  INTEGER NOT NULL DEFAULT 0,
    password_hash       TEXT,
    created_at          INTEGER NOT NULL,
    invited_at          INTEGER,
    last_login_at       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, email)
);
CREATE UNIQUE INDEX users_one_primary_admin ON users (account_id) WHERE is_primary_admin = 1;
CREATE INDEX users_by_name ON users (account_id, name_key, id);
CREATE INDEX users_by_last_name ON users (account_id, last_key, id);
CREATE INDEX users_by_status ON users (account_id, status, name_key, id);
CREATE INDEX users_by_last_login ON users (account_id, last_login_at, id);
CREATE INDEX users_by_email_address ON users (email);

-- Exact totals without counting a million rows: kept by triggers.
CREATE TABLE user_counts (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status     INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, status)
);

CREATE TRIGGER users_counted_on_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_counts (account_id, status, n) VALUES (NEW.account_id, NEW.status, 1)
    ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER users_counted_on_delete AFTER DELETE ON users
BEGIN
    UPDATE user_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status;
END;

CREATE TRIGGER users_counted_on_status_change AFTER UPDATE OF status ON users
WHEN OLD.status <> NEW.status
BEGIN
    UPDATE user_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status;
    INSERT INTO user_counts (account_id, status, n) VALUES (NEW.account_id, NEW.status, 1)
    ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;

-- An app has exactly one owner, held here; members are the other roles.
CREATE TABLE apps (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    published  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, name)
);
CREATE INDEX apps_by_owner ON apps (owner_id);

-- role: 2 Developer, 3 Tester (1, Owner, lives in apps.owner_id).
CREATE TABLE app_members (
    app_id  INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    INTEGER NOT NULL CHECK (role IN (2, 3)),
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_members_by_user ON app_members (user_id);

-- Platform-wide sessions: only a hash of the token is stored.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    user_agent   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- The audit trail outlives the users it names, so it holds no foreign keys to them.
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_events_by_account ON audit_events (account_id, created_at);
