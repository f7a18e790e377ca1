-- Profile pictures: one square PNG thumbnail per user, re-encoded by the server from
-- what was uploaded. users.picture_at says when it last changed (NULL: no picture), so
-- pages link to it without reading the image, and the link changes with it.
CREATE TABLE user_pictures (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    image      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
ALTER TABLE users ADD COLUMN picture_at INTEGER;
