SET LOCAL lock_timeout = '5s';

DROP TABLE note_revisions;
DROP TYPE revision;
