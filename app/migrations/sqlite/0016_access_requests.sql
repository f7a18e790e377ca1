-- Self sign-up. A person proves their address first: sign_up_links holds the SHA-256
-- digest of the e-mailed link's token, one per address (asking again replaces it), and
-- nothing else exists until it is used. Then, with an approval queue, the request waits
-- in access_requests: state 1 waiting, 2 approved, 3 rejected. A decided request keeps
-- who decided and when, but not the password hash it carried.
CREATE TABLE sign_up_links (
    email      TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE access_requests (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    password_hash TEXT,
    requested_at  INTEGER NOT NULL,
    state         INTEGER NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 3),
    decided_at    INTEGER,
    decided_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX access_requests_one_waiting ON access_requests (account_id, email)
    WHERE state = 1;
CREATE INDEX access_requests_queue ON access_requests (account_id, state, requested_at, id);

-- users.approve, for the roles that could already invite.
INSERT INTO role_permissions (role_id, permission)
SELECT role_id, 'users.approve' FROM role_permissions WHERE permission = 'users.invite';
