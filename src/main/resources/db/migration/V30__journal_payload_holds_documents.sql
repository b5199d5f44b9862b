-- One door (docs/decisions.md, 2026-12-06): a run of an author's scenario document or of a packetdrill script is
-- journaled with the document or script itself (up to the 64 KB request body limit), which as JSON (quotes, escaped
-- line breaks) can be longer than the 65,536 characters of V1. Portable SQL: H2 and PostgreSQL.
ALTER TABLE tcplab_journal_entry ALTER COLUMN payload SET DATA TYPE VARCHAR(1048576);
