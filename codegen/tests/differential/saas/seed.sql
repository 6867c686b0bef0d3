INSERT INTO accounts (slug, name, plan, billing_email, seats, trial_ends_at, settings, deleted_at) VALUES
 ('acme', 'Acme', 'pro', 'billing@acme.io', 10, now() + interval '5 days', '{"theme":"dark","beta":true}', NULL),
 ('globex', 'Globex', 'free', NULL, 3, NULL, '{}', NULL),
 ('initech', 'Initech', 'enterprise', 'ap@initech.com', 50, NULL, '{"sso":{"provider":"okta"}}', now() - interval '1 day');
INSERT INTO users (id, email, full_name, avatar_url, last_login_at, is_staff) VALUES
 ('11111111-1111-1111-1111-111111111111', 'ann@acme.io', 'Ann A', 'http://a/ann.png', now() - interval '1 hour', true),
 ('22222222-2222-2222-2222-222222222222', 'bob@acme.io', NULL, NULL, NULL, false),
 ('33333333-3333-3333-3333-333333333333', 'cy@globex.com', 'Cy G', NULL, now() - interval '3 days', false);
INSERT INTO members (account_id, user_id, role, title, deactivated_at) VALUES
 (1, '11111111-1111-1111-1111-111111111111', 'owner', 'CEO', NULL),
 (1, '22222222-2222-2222-2222-222222222222', 'member', NULL, NULL),
 (2, '33333333-3333-3333-3333-333333333333', 'admin', NULL, now()),
 (3, '11111111-1111-1111-1111-111111111111', 'viewer', 'Auditor', NULL);
INSERT INTO invitations (account_id, email, role, token, invited_by, expires_at, accepted_at) VALUES
 (1, 'dan@acme.io', 'admin', 'tok1', '11111111-1111-1111-1111-111111111111', now() + interval '7 days', NULL),
 (1, 'eve@acme.io', 'member', 'tok2', NULL, now() - interval '1 day', NULL),
 (2, 'fay@globex.com', 'viewer', 'tok3', '33333333-3333-3333-3333-333333333333', now() + interval '1 day', now());
INSERT INTO audit_log (account_id, actor_id, action, target_type, target_id, payload, ip, occurred_at) VALUES
 (1, '11111111-1111-1111-1111-111111111111', 'member.add', 'user', '2222', '{"role":"member","tags":["a","b"]}', '10.0.0.1', now() - interval '2 days'),
 (1, NULL, 'account.update', 'account', '1', '{"field":"plan","old":"free","new":"pro"}', NULL, now() - interval '1 day'),
 (NULL, '33333333-3333-3333-3333-333333333333', 'login', NULL, NULL, NULL, '192.168.1.5', now()),
 (2, '33333333-3333-3333-3333-333333333333', 'invite.create', 'invitation', '3', '{"email":"fay@globex.com"}', '10.0.0.2', now() - interval '5 hours');
INSERT INTO api_keys (account_id, label, prefix, scopes, last_used_at, revoked_at) VALUES
 (1, 'ci', 'ak_12345', '{read,write}', now(), NULL),
 (1, 'old', 'ak_99999', '{}', NULL, now() - interval '10 days'),
 (2, 'bot', 'ak_55555', '{read}', NULL, NULL);
