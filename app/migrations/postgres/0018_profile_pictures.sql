-- Profile pictures: one square PNG thumbnail per user, re-encoded by the server from
-- what was uploaded. users.picture_at says when it last changed (NULL: no picture), so
-- pages link to it without reading the image, and the link changes with it.
CREATE TABLE user_pictures (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    image      BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
ALTER TABLE users ADD COLUMN picture_at BIGINT;
