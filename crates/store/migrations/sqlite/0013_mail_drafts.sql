-- Two changes to the outbox for the cost of a first sync (SPEC §10), which queues one offer per
-- new sponsorship:
-- * A message may be queued as a draft: the facts it is written from, as JSON, rendered by the
--   delivery worker. Such a row keeps subject and bodies empty; a row without a draft is sent as
--   stored.
-- * message_id is made from the row's id (see outbox.rs), so it is unique as the key is: its own
--   unique index, one more scattered insert per message, goes. SQLite cannot drop a UNIQUE
--   column constraint in place, so the table is rebuilt.
CREATE TABLE mail_outbox_new (
    id              TEXT    PRIMARY KEY,
    message_id      TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    -- Attempts started: a claim counts one before sending, so a crash mid-send is counted too.
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the worker may take it: due now, after a backoff, or after a claim's lease runs out.
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    draft           TEXT
);
INSERT INTO mail_outbox_new
    (id, message_id, recipient, subject, body_text, body_html, created_at, attempts,
     next_attempt_at, sent_at, last_error)
SELECT id, message_id, recipient, subject, body_text, body_html, created_at, attempts,
       next_attempt_at, sent_at, last_error
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
