CREATE TYPE note_status AS ENUM ('draft', 'published', 'archived');

CREATE DOMAIN slug AS text CHECK (VALUE ~ '^[a-z0-9-]+$');

CREATE TABLE notes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       slug NOT NULL UNIQUE,
    title      text NOT NULL,
    status     note_status NOT NULL DEFAULT 'draft',
    tags       text[] NOT NULL DEFAULT '{}',
    body       jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
