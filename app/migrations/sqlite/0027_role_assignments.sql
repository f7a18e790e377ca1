-- A role's Assignments list its holders by name, a page at a time, and search them:
-- this index is read in name order and carries the search text, so neither a page
-- nor a search reads any user who does not hold the role. The narrow index on
-- (role_id, id) stays for counting a role's holders: PostgreSQL, which estimates a
-- third of the users per role, would rather scan the table than count through this
-- wider one.
CREATE INDEX users_by_role_and_name ON users (role_id, name_key, id, search_text);
