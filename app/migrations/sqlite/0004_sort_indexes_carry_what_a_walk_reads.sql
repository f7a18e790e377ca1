-- A search walks a sort index and reads only what it holds: the keys, the id and the
-- search text. The last-login index gains the search text, as the others have, and the
-- e-mail index names the id (as PostgreSQL's must, to answer from the index alone).
DROP INDEX users_by_last_login;
CREATE INDEX users_by_last_login ON users (account_id, last_login_at, id, search_text);
DROP INDEX users_by_email_and_search;
CREATE INDEX users_by_email_and_search ON users (account_id, email, id, search_text);
