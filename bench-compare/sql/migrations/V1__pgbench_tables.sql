-- The tables of `pgbench -i` (PostgreSQL 15, scale < 20000), with the same definitions and
-- storage options, so `pgbench -S` runs on them unchanged. The harness loads the rows the way
-- `pgbench -i -I G` does (server-side generate_series) for the scale it is given.
CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100);
CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100);
CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100);
