-- Fail fast instead of queueing behind the application's queries.
SET LOCAL lock_timeout = '5s';

DROP TABLE incident_timers;
