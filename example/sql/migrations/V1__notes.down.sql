SET LOCAL lock_timeout = '5s';

DROP TABLE notes;
DROP DOMAIN slug;
DROP TYPE note_status;
