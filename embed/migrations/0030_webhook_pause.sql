-- A webhook whose receiver failed every delivery for a day is paused by the product: when
-- and why, for its page and its admins. Its events are held meanwhile (pending deliveries
-- without a next attempt) and sent when a person resumes it.
ALTER TABLE webhook_subscriptions ADD COLUMN paused_at INTEGER;
ALTER TABLE webhook_subscriptions ADD COLUMN paused_reason TEXT NOT NULL DEFAULT '';
