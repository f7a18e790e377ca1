-- How long an account's sessions last: they end after idle_timeout_minutes without
-- activity (the seeds' 15 minutes by default) and session_lifetime_hours after sign-in
-- whatever the activity. Both belong to the Sign-in security section.
ALTER TABLE accounts ADD COLUMN idle_timeout_minutes INTEGER NOT NULL DEFAULT 15
    CHECK (idle_timeout_minutes BETWEEN 5 AND 60);
ALTER TABLE accounts ADD COLUMN session_lifetime_hours INTEGER NOT NULL DEFAULT 12
    CHECK (session_lifetime_hours BETWEEN 1 AND 168);
