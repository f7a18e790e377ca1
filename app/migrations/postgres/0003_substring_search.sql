-- Substring search: each user's folded "first last\nemail" (computed by the server, see
-- users::keys), indexed by trigrams (pg_trgm, a trusted extension: the database's
-- owner may create it). The sort indexes also carry the search text, so a search can
-- walk them without reading the table.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE users ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

DROP INDEX users_by_name;
CREATE INDEX users_by_name ON users (account_id, name_key, id) INCLUDE (search_text);
DROP INDEX users_by_status;
CREATE INDEX users_by_status ON users (account_id, status, name_key, id) INCLUDE (search_text);
CREATE INDEX users_by_email_and_search ON users (account_id, email) INCLUDE (search_text);

CREATE INDEX users_by_search_text ON users USING gin (search_text gin_trgm_ops);
