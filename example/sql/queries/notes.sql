--! create_note :one
INSERT INTO notes (slug, title, status, tags) VALUES (:slug, :title, :status, :tags)
RETURNING id, slug, status, created_at;

--! notes_with_status :many
--- Notes in any of these states, oldest first.
SELECT id, slug, title, status, tags FROM notes WHERE status = ANY(:statuses) ORDER BY id;

--! note_by_slug :opt
SELECT id, title, status, body ->> 'summary' AS summary FROM notes WHERE slug = :slug;

--! publish :exec
UPDATE notes SET status = 'published' WHERE slug = :slug AND status = 'draft';

--! status_counts :many
SELECT status, count(*) AS notes FROM notes GROUP BY status ORDER BY status;

--! import_notes :copy
INSERT INTO notes (slug, title, status) VALUES (:slug, :title, :status);

--! type :opt
--- Rust keywords as query and column names become raw identifiers (`r#type`, `r#fn`).
SELECT status AS type, id AS "fn" FROM notes ORDER BY id LIMIT 1;

--! note_tags :many
--- Tags as stored: `tags` is a table's array column, read as `Vec<String>`; a NULL element
--- is a decode error that names this query, the column and the `-> (tags[?])` override.
SELECT slug, tags FROM notes ORDER BY id;

--! note_tags_with_nulls :many -> (tags[?])
--- The same, with the override: NULL elements come back as `None`.
SELECT slug, tags FROM notes ORDER BY id;

--! summaries_by_status :many
--- Each status with its notes' summaries; a note without one adds a `None` element.
SELECT status, array_agg(body ->> 'summary' ORDER BY id) AS summaries
FROM notes GROUP BY status ORDER BY status;

--! notes_in_status :many
--- Every note, or those in one state: `(:status IS NULL OR …)` is prepared with the enum's
--- real type, so the server knows the type of `$1` in `$1 IS NULL`.
SELECT id, slug FROM notes WHERE (:status IS NULL OR status = :status) ORDER BY id;

--! add_revision :one
--- A revision (a composite value) and the ones before it (an array of them).
INSERT INTO note_revisions (note_id, latest, history) VALUES (:note_id, :latest, :history)
RETURNING id, latest, history;

--! revisions_of :many
--- A note's revisions, the latest one's author and the earlier ones in order.
SELECT latest, (latest).author AS author, history FROM note_revisions
WHERE note_id = :note_id ORDER BY id;

--! lock_notes :one
--- Takes the notes' advisory lock for the rest of the transaction (a function returning
--- `void`: the row says only that the call returned).
SELECT pg_advisory_xact_lock(:key) AS locked;
