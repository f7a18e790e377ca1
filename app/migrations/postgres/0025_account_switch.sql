-- "Switch account" opens a choice from inside a session: the user it was opened for
-- (user_ids) is proven by the session, the address's other accounts by their own
-- passwords on the choice page, and the session that asked ends once the choice is
-- made. No reference: the session may end first, and then nothing is left to end.
ALTER TABLE account_choices ADD COLUMN ends_session BIGINT;
