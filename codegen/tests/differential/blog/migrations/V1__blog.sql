CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE authors (
    id serial PRIMARY KEY,
    handle text NOT NULL UNIQUE,
    display_name text NOT NULL,
    bio text,
    website text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors(id),
    slug varchar(200) NOT NULL UNIQUE,
    title text NOT NULL,
    subtitle text,
    body text NOT NULL,
    status post_status NOT NULL DEFAULT 'draft',
    published_at timestamptz,
    updated_at timestamptz,
    view_count bigint NOT NULL DEFAULT 0,
    reading_minutes smallint,
    search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || body)) STORED,
    meta jsonb
);

CREATE TABLE tags (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    color char(7)
);

CREATE TABLE post_tags (
    post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id integer NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
);

CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    parent_id bigint REFERENCES comments(id),
    author_name text,
    author_id integer REFERENCES authors(id),
    body text NOT NULL,
    score integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at timestamptz,
    hidden boolean NOT NULL DEFAULT false
);

CREATE TABLE page_views (
    post_id bigint NOT NULL REFERENCES posts(id),
    viewed_on date NOT NULL,
    views integer NOT NULL,
    referrer text,
    PRIMARY KEY (post_id, viewed_on)
);
