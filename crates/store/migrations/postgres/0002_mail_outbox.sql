-- Outgoing e-mail (SPEC §9 "mail"). A use-case queues its message here in the same transaction as
-- the change that causes it; the delivery worker sends it at least once. message_id is made when
-- the row is written and sent unchanged on every attempt. Times are integer milliseconds since
-- the Unix epoch, UTC, read from the program's clock.
CREATE TABLE mail_outbox (
    id              TEXT    PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    -- Attempts started: a claim counts one before sending, so a crash mid-send is counted too.
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the worker may take it: due now, after a backoff, or after a claim's lease runs out.
    next_attempt_at BIGINT  NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT
);

-- The worker's one question: which unsent messages are due?
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
