DROP TABLE notes;
DROP DOMAIN slug;
DROP TYPE note_status;
