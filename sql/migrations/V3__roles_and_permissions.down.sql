-- Fail fast instead of queueing behind the application's queries.
SET LOCAL lock_timeout = '5s';

DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE permissions;
DROP TABLE roles;
