-- The Apps page lists an account's apps by name, searched and paged by key. name_key is
-- the name folded as users' and groups' names are (users::keys::fold); apps stored
-- before it get theirs at start-up (apps::store::backfill_name_keys), as the folding is
-- the application's, not SQL's lower().
ALTER TABLE apps ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX apps_by_name ON apps (account_id, name_key, id);
