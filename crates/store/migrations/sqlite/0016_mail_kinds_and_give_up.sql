-- Bounded, fair mail delivery, and a count of mail per organization:
-- * kind: what the message is (an invitation, a sign-up verification, …). The delivery worker
--   takes due messages of every kind in turn, so a flood of one kind does not hold back another.
--   Rows queued before this migration were all delivered or are ordinary; they take 'other'.
-- * organization_id: the organization a message goes out for (invitations, offers), counted
--   against the organization's daily allowance on a cloud.
-- * given_up_at: a message the worker stopped trying (a permanent refusal, or too many failed
--   attempts); last_error says why. It is never due again.
ALTER TABLE mail_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE mail_outbox ADD COLUMN organization_id TEXT;
ALTER TABLE mail_outbox ADD COLUMN given_up_at INTEGER;

DROP INDEX mail_outbox_due;
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
-- The daily allowance's count: one organization's messages since a time.
CREATE INDEX mail_outbox_organization ON mail_outbox (organization_id, created_at)
    WHERE organization_id IS NOT NULL;
