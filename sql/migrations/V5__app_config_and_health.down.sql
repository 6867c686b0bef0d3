-- Fail fast instead of queueing behind the application's queries.
SET LOCAL lock_timeout = '5s';

DROP TABLE health_check;
DROP TABLE app_config;
