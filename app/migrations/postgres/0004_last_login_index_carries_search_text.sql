-- The last-login sort index carries the search text too, as the other sort indexes do,
-- so a search sorted by last login walks the index without reading the table.
DROP INDEX users_by_last_login;
CREATE INDEX users_by_last_login ON users (account_id, last_login_at, id) INCLUDE (search_text);
