-- Substring search: each user's folded "first last\nemail" (computed by the server, see
-- users::keys), indexed by trigrams in an FTS5 table that triggers keep in step with
-- the users table, inside the same transaction as every change. The sort indexes also
-- carry the search text, so a search can walk them without reading the table.
ALTER TABLE users ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

DROP INDEX users_by_name;
CREATE INDEX users_by_name ON users (account_id, name_key, id, search_text);
DROP INDEX users_by_status;
CREATE INDEX users_by_status ON users (account_id, status, name_key, id, search_text);
CREATE INDEX users_by_email_and_search ON users (account_id, email, search_text);

CREATE VIRTUAL TABLE users_search USING fts5(
    search_text,
    content = 'users',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_searched_on_insert AFTER INSERT ON users
BEGIN
    INSERT INTO users_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;

CREATE TRIGGER users_searched_on_delete AFTER DELETE ON users
BEGIN
    INSERT INTO users_search (users_search, rowid, search_text)
    VALUES ('delete', OLD.id, OLD.search_text);
END;

CREATE TRIGGER users_searched_on_change AFTER UPDATE OF search_text ON users
WHEN OLD.search_text <> NEW.search_text
BEGIN
    INSERT INTO users_search (users_search, rowid, search_text)
    VALUES ('delete', OLD.id, OLD.search_text);
    INSERT INTO users_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
