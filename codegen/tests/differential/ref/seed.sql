INSERT INTO companies (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'acme'), ('00000000-0000-0000-0000-000000000002', 'Beta', 'beta'), ('00000000-0000-0000-0000-000000000003', 'Empty', 'empty');
INSERT INTO users (id, company_id, email, password_hash, user_slug, display_name, last_login_at, deleted_at, created_by)
VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000001', 'a@x.io', 'h', 'a', 'A', now(), NULL, NULL),
       ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'b@x.io', 'h', 'b', '', NULL, now(), '00000000-0000-0000-0000-000000000001'),
       ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002', 'c@x.io', 'h', 'c', 'C', NULL, NULL, NULL);
INSERT INTO roles (id, name, description) VALUES ('00000000-0000-0000-0000-000000000001', 'admin', ''), ('00000000-0000-0000-0000-000000000002', 'viewer', 'v');
INSERT INTO permissions (id, code) VALUES ('00000000-0000-0000-0000-000000000001', 'a.read'), ('00000000-0000-0000-0000-000000000002', 'a.write');
INSERT INTO role_permissions VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000001');
INSERT INTO user_roles (user_id, role_id) VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000001');
INSERT INTO incident_timers (user_id, notes) VALUES ('00000000-0000-0000-0000-000000000001', NULL), ('00000000-0000-0000-0000-000000000001', 'n');
INSERT INTO app_config (key, value, environment, description) VALUES ('a.b', '{"x": 1, "arr": [1, null]}', 'test', NULL), ('c', 'null', 'production', 'd');
