-- Two more sections of User Settings, each with its own version: when a new user gets
-- a welcome e-mail (after an admin's invitation: yes; added from a directory or
-- through the API: no, by default), and the product access every new user starts with.
ALTER TABLE accounts ADD COLUMN welcome_when_invited INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN welcome_when_synced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN welcome_when_added_by_api INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN welcome_emails_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN default_builder_access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_app_creation_access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_data_tables_access INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_access_version INTEGER NOT NULL DEFAULT 1;
