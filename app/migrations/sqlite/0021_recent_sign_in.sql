-- When the person behind a session last proved who they are: at sign-in (after the
-- second factor, if asked), or by giving their password again. A few changes need this
-- to be recent. Sessions opened before this column existed count as long ago.
ALTER TABLE sessions ADD COLUMN verified_at INTEGER NOT NULL DEFAULT 0;
