CREATE TYPE revision AS (number int4, author text, status note_status, at timestamptz);

CREATE TABLE note_revisions (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id bigint NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    latest  revision NOT NULL,
    history revision[] NOT NULL DEFAULT '{}'
);

CREATE INDEX note_revisions_note_id ON note_revisions (note_id);
