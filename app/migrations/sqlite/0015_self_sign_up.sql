-- Self Sign-Up, a section of User Settings with its own version: 1 blocks requests,
-- 2 allows discovery with an approval queue, 3 approves requests at once.
ALTER TABLE accounts ADD COLUMN sign_up_mode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN sign_up_version INTEGER NOT NULL DEFAULT 1;

-- The domains an admin added to an account (its Primary Admin's it has anyway). A
-- domain belongs to one account at most, so a request to join finds one account.
CREATE TABLE account_domains (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain     TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, domain)
);
