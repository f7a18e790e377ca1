-- A choice of account names the person by from_user (whose e-mail it is) besides the
-- users their password opened (user_ids). "Switch account" opens one from inside a
-- session: from_user is that session's user, user_ids is empty (every account the
-- switch goes to asks its own password), and ends_session is the session, which ends
-- once the choice is made. No references: the user or session may go first, and then
-- the choice fails or has nothing left to end.
ALTER TABLE account_choices ADD COLUMN from_user INTEGER;
ALTER TABLE account_choices ADD COLUMN ends_session INTEGER;
