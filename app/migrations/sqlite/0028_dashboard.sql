-- The Dashboard's figures per day (UTC), kept as things happen so a view never counts
-- a million rows: new users as they are added, sign-ins as their sessions start.
CREATE TABLE daily_activity (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    day        INTEGER NOT NULL,
    new_users  INTEGER NOT NULL DEFAULT 0,
    sign_ins   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
);

CREATE TRIGGER users_counted_by_day AFTER INSERT ON users
BEGIN
    INSERT INTO daily_activity (account_id, day, new_users)
    VALUES (NEW.account_id, NEW.created_at / 86400, 1)
    ON CONFLICT (account_id, day) DO UPDATE SET new_users = new_users + 1;
END;

CREATE TRIGGER sign_ins_counted_by_day AFTER INSERT ON sessions
BEGIN
    INSERT INTO daily_activity (account_id, day, sign_ins)
    VALUES (NEW.account_id, NEW.created_at / 86400, 1)
    ON CONFLICT (account_id, day) DO UPDATE SET sign_ins = sign_ins + 1;
END;

-- The users already there are counted on the day they were added; sign-ins are
-- counted from now on (the sessions of the past are not kept).
INSERT INTO daily_activity (account_id, day, new_users)
SELECT account_id, created_at / 86400, COUNT(*) FROM users GROUP BY account_id, created_at / 86400;

-- The figures that would mean reading many rows (users not signed in for 90 days,
-- sessions active now) are counted at most every few minutes and kept here with the
-- time they were counted.
CREATE TABLE dashboard_snapshots (
    account_id      INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    counted_at      INTEGER NOT NULL,
    dormant_users   INTEGER NOT NULL,
    active_sessions INTEGER NOT NULL
);

-- The live activity reads an account's events after the last one it sent, by id.
CREATE INDEX audit_events_by_account_and_id ON audit_events (account_id, id);
