-- Sign-in security, per account: a user is locked after lock_after failed sign-ins
-- within lock_window_minutes, and the lock lifts after unlock_after_minutes (never by
-- itself when NULL: then only an admin unlocks).
ALTER TABLE accounts ADD COLUMN lock_after BIGINT NOT NULL DEFAULT 5;
ALTER TABLE accounts ADD COLUMN lock_window_minutes BIGINT NOT NULL DEFAULT 15;
ALTER TABLE accounts ADD COLUMN unlock_after_minutes BIGINT DEFAULT 30;

-- The failed sign-ins that count towards a lock: how many, since when.
ALTER TABLE users ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failing_since BIGINT;

-- The locks that lift by themselves, found without reading every user.
CREATE INDEX users_locked ON users (status, locked_at) WHERE status = 4;
