-- 2026-12-07: two indexes no query uses (0 scans in pg_stat_user_indexes under the capacity harness's load),
-- each written with every simulation's creation and every deletion:
-- - tcplab_simulation_last_at: the retention sweep reads it once per cleanup-interval (PT1H), where a scan of the
--   live and kept simulations costs less than maintaining the index on every append's accounting; without it the
--   accounting UPDATE (bytes, last_at) touches no indexed column, so PostgreSQL makes it a HOT update;
-- - tcplab_simulation_owner_visitor: the per-visitor limits are counted in memory, never by this column.
DROP INDEX tcplab_simulation_last_at;
DROP INDEX tcplab_simulation_owner_visitor;
