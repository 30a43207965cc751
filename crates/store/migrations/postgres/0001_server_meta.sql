-- Facts about this server itself: its id, when its data directory was first used, and similar
-- single values. Timestamps are integer milliseconds since the Unix epoch, UTC.
CREATE TABLE server_meta (
    key        TEXT   PRIMARY KEY CHECK (length(key) > 0),
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
