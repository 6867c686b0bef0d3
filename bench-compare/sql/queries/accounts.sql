--! account_balance :opt
--- The query of `pgbench -S` (select-only): one account's balance by primary key.
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
