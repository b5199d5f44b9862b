-- Simulation journal (issue 16): the creation request (entry 0) and every accepted mutating request of a
-- simulation, with the virtual time at which it was applied. Portable SQL: H2 (embedded default) and PostgreSQL.
CREATE TABLE tcplab_simulation (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    created_at BIGINT      NOT NULL -- epoch ms
);

-- (simulation_id, entry_no) is the conditional append: exactly one instance can write entry n.
CREATE TABLE tcplab_journal_entry (
    simulation_id   VARCHAR(64)    NOT NULL REFERENCES tcplab_simulation (id) ON DELETE CASCADE,
    entry_no        BIGINT         NOT NULL,
    virtual_time_us BIGINT         NOT NULL,
    kind            VARCHAR(32)    NOT NULL,
    payload         VARCHAR(65536) NOT NULL,
    recorded_at     BIGINT         NOT NULL, -- epoch ms
    PRIMARY KEY (simulation_id, entry_no)
);
