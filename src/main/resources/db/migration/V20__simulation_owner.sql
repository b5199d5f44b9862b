-- Ownership and lifetimes (issue 20, docs/decisions.md): who made each journaled simulation, what made it, and
-- whether someone keeps it. A row lives and dies with its simulation (cascade). Portable SQL: H2 and PostgreSQL.
CREATE TABLE tcplab_simulation_owner (
    simulation_id VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES tcplab_simulation (id) ON DELETE CASCADE,
    owner_key     VARCHAR(64),           -- SHA-256 (hex) of the owner's key (cookie tcplab_owner); null: none sent
    visitor       VARCHAR(64)  NOT NULL, -- client address of the request that created it
    kind          VARCHAR(16)  NOT NULL, -- simulation | scenario | authored | comparison | packetdrill | replay
    label         VARCHAR(200),          -- a short description for the owner's list
    profile       VARCHAR(32),
    kept_at       BIGINT,                -- epoch ms at which it was kept (shared); null: nobody keeps it
    created_at    BIGINT       NOT NULL  -- epoch ms
);

CREATE INDEX tcplab_simulation_owner_key ON tcplab_simulation_owner (owner_key);
CREATE INDEX tcplab_simulation_owner_visitor ON tcplab_simulation_owner (visitor);

-- simulations journaled before ownership existed: nobody can say they are not wanted, so they count as kept
INSERT INTO tcplab_simulation_owner (simulation_id, owner_key, visitor, kind, label, profile, kept_at, created_at)
    SELECT id, NULL, 'unknown', 'simulation', NULL, NULL, created_at, created_at FROM tcplab_simulation;
