-- Two more sections of User Settings, each with its own version: when a new user gets
-- a welcome e-mail (after an admin's invitation: yes; added from a directory or
-- through the API: no, by default), and the product access every new user starts with.
ALTER TABLE accounts ADD COLUMN welcome_when_invited BIGINT NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN welcome_when_synced BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN welcome_when_added_by_api BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN welcome_emails_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN default_builder_access BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_app_creation_access BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_data_tables_access BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_access_version BIGINT NOT NULL DEFAULT 1;
