-- Journal V2 (issues 20, 21, 27; docs/operations.md): portable SQL for H2 and PostgreSQL, tested from V1's schema
-- with data (JournalMigrationTest).
-- Every entry names the engine behaviour version that applied it (0: written before versions were recorded).
ALTER TABLE tcplab_journal_entry ADD COLUMN engine_version INTEGER DEFAULT 0 NOT NULL;

-- Per simulation: who created it (the client address: per-client disk quota), whether it is kept (shared or kept
-- by its owner: the long retention; otherwise the short one), its journal size in bytes and its last entry's time
-- (epoch ms; the retention cleanup and the quotas read these instead of scanning the entries).
ALTER TABLE tcplab_simulation ADD COLUMN owner VARCHAR(64);
ALTER TABLE tcplab_simulation ADD COLUMN kept BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE tcplab_simulation ADD COLUMN bytes BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE tcplab_simulation ADD COLUMN last_at BIGINT DEFAULT 0 NOT NULL;

-- simulations journaled before V2 were made to be shared: they keep the long retention
UPDATE tcplab_simulation SET kept = TRUE,
    bytes = COALESCE((SELECT SUM(LENGTH(e.payload) + 64) FROM tcplab_journal_entry e
                      WHERE e.simulation_id = tcplab_simulation.id), 0),
    last_at = COALESCE((SELECT MAX(e.recorded_at) FROM tcplab_journal_entry e
                        WHERE e.simulation_id = tcplab_simulation.id), created_at);

CREATE INDEX tcplab_simulation_owner ON tcplab_simulation (owner);
CREATE INDEX tcplab_simulation_last_at ON tcplab_simulation (last_at);

-- The recorded trace, in compressed chunks of consecutive events [from_seq, to_seq) as the engine version named
-- made them; a rebuild by another engine version serves these where its own trace differs (docs/decisions.md).
CREATE TABLE tcplab_trace_chunk (
    simulation_id  VARCHAR(64) NOT NULL REFERENCES tcplab_simulation (id) ON DELETE CASCADE,
    from_seq       BIGINT      NOT NULL,
    to_seq         BIGINT      NOT NULL,
    engine_version INTEGER     NOT NULL,
    data           BYTEA       NOT NULL, -- gzip of the events' JSON array, as the API serves them
    PRIMARY KEY (simulation_id, from_seq)
);
