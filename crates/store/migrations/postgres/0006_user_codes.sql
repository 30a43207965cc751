-- One-time verification codes e-mailed to a user (the alternative to the master password when a
-- secret must be proven again). One live code per user, kept as a digest, used once.
CREATE TABLE user_codes (
    user_id    TEXT    PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    expires_at BIGINT NOT NULL
);
