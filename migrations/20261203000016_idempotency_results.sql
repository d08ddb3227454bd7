-- An idempotency key now stores the result of the use case it ran (written in that use
-- case's transaction), not an HTTP answer: the status is the endpoint's, always the same.
ALTER TABLE idempotency_keys DROP COLUMN status;
