-- E-mail waiting to go out, written in the same transaction as the change that causes
-- it and delivered by a worker. A worker claims a message until claimed_until, so of
-- several servers on one database only one sends it. Once delivered, the bodies are
-- emptied: they may hold a one-time link.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    status          INTEGER NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_by_account ON outbox (account_id, id);
CREATE INDEX outbox_by_account_and_status ON outbox (account_id, status, id);

-- outbox.read, for the roles that could already do everything.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'outbox.read' FROM role_permissions WHERE permission = 'users.delete';
