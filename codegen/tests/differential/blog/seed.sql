INSERT INTO authors (handle, display_name, bio, website) VALUES
 ('ann', 'Ann Writer', 'Writes about Rust', 'https://ann.dev'),
 ('bob', 'Bob', NULL, NULL);
INSERT INTO posts (author_id, slug, title, subtitle, body, status, published_at, updated_at, view_count, reading_minutes, meta) VALUES
 (1, 'hello-rust', 'Hello Rust', 'A gentle start', 'Rust is a systems programming language with ownership', 'published', now() - interval '10 days', now() - interval '1 day', 120, 5, '{"cover":"rust.png","featured":true}'),
 (1, 'async-io', 'Async IO', NULL, 'Tokio and futures explained with examples', 'published', now() - interval '2 days', NULL, 40, NULL, NULL),
 (2, 'draft-post', 'Draft', NULL, 'Unfinished thoughts about databases', 'draft', NULL, NULL, 0, 2, '{}');
INSERT INTO tags (name, color) VALUES ('rust', '#ff8800'), ('async', NULL), ('db', '#0000ff');
INSERT INTO post_tags VALUES (1, 1), (2, 1), (2, 2);
INSERT INTO comments (post_id, parent_id, author_name, author_id, body, score, edited_at, hidden) VALUES
 (1, NULL, 'visitor', NULL, 'Great post', 3, NULL, false),
 (1, 1, NULL, 1, 'Thanks!', 1, now(), false),
 (1, 2, 'troll', NULL, 'meh', -2, NULL, true),
 (2, NULL, NULL, 2, 'Nice async intro', 0, NULL, false);
INSERT INTO page_views VALUES (1, current_date - 2, 10, 'google'), (1, current_date - 1, 20, NULL), (2, current_date - 1, 5, 'hn');
