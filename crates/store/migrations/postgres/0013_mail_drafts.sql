-- Two changes to the outbox for the cost of a first sync (SPEC §10), which queues one offer per
-- new sponsorship:
-- * A message may be queued as a draft: the facts it is written from, as JSON, rendered by the
--   delivery worker. Such a row keeps subject and bodies empty; a row without a draft is sent as
--   stored.
-- * message_id is made from the row's id (see outbox.rs), so it is unique as the key is: its own
--   unique index, one more scattered insert per message, goes.
ALTER TABLE mail_outbox ADD COLUMN draft TEXT;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_message_id_key;
