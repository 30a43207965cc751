-- A mailed one-time code counts the wrong guesses made against it; after the last allowed one
-- the code is void, so a six-digit code cannot be guessed by trying (issue: at most 5 tries).
ALTER TABLE user_codes ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
