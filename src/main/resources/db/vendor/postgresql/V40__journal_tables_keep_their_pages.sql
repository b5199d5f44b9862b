-- PostgreSQL only (spring.flyway.locations adds db/vendor/{vendor}); docs/performance.md,
-- "2026-12-07 (evening)".
--
-- The journal's tables are queues: a simulation's rows are inserted and deleted within
-- seconds, so at any moment they hold few live rows among many dead ones. A vacuum that
-- ran while few rows were live truncated the empty pages at the end and recorded a table
-- of one or two pages. Plans made from that (the foreign-key checks' and cascades' own
-- plans, and the generic plans of prepared statements) scan the whole table instead of
-- its primary key, and were kept while the table grew again: 2.6 sequential scans of
-- tcplab_simulation per notebook flow under load, each over every row and page. Without
-- the truncation a table keeps the size it reached, and the planner keeps the index.
ALTER TABLE tcplab_simulation SET (vacuum_truncate = false);
ALTER TABLE tcplab_journal_entry SET (vacuum_truncate = false);
ALTER TABLE tcplab_simulation_owner SET (vacuum_truncate = false);
ALTER TABLE tcplab_trace_chunk SET (vacuum_truncate = false);
