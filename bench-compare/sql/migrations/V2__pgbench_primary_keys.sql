-- `pgbench -i` step `p`: primary keys, added after the data in pgbench; here before it
-- (the end state is the same table and index).
ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid);
ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid);
ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid);
