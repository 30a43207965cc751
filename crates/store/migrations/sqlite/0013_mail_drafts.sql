-- A message may be queued as a draft (SPEC §10): the facts it is written from, as JSON, rendered
-- by the delivery worker. Such a row keeps subject and bodies empty; every other row has no
-- draft and is sent as stored.
ALTER TABLE mail_outbox ADD COLUMN draft TEXT;
