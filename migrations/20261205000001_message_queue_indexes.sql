-- The worker's indexes hold only the rows it still has to move. messages_due indexed every
-- message by (status, send_at): each outcome (sending -> sent) added an entry that no query
-- reads, and the index grew with the history. Queries name the status literally (bun inlines
-- arguments), so SQLite and PostgreSQL both use the partial indexes.
DROP INDEX messages_due;
-- Due first attempts (the drain, oldest first) and the reconciler's due scan.
CREATE INDEX messages_waiting ON messages (send_at) WHERE status = 'scheduled';
-- Claims past their lease (the reconciler).
CREATE INDEX messages_sending ON messages (updated_at) WHERE status = 'sending';
-- SMS delivery reports look messages up by the gateway's id; e-mails never have one.
DROP INDEX messages_provider;
CREATE INDEX messages_provider ON messages (provider_id) WHERE provider_id <> '';
