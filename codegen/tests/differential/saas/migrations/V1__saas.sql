CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE plan_tier AS ENUM ('free', 'pro', 'enterprise');

CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    plan plan_tier NOT NULL DEFAULT 'free',
    billing_email text,
    seats integer NOT NULL DEFAULT 5,
    trial_ends_at timestamptz,
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    full_name text,
    avatar_url text,
    last_login_at timestamptz,
    is_staff boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    account_id bigint NOT NULL REFERENCES accounts(id),
    user_id uuid NOT NULL REFERENCES users(id),
    role member_role NOT NULL DEFAULT 'member',
    title text,
    joined_at timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    PRIMARY KEY (account_id, user_id)
);

CREATE TABLE invitations (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id),
    email text NOT NULL,
    role member_role NOT NULL DEFAULT 'member',
    token text NOT NULL UNIQUE,
    invited_by uuid REFERENCES users(id),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX invitations_pending ON invitations (account_id, email) WHERE accepted_at IS NULL;

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint REFERENCES accounts(id),
    actor_id uuid REFERENCES users(id),
    action text NOT NULL,
    target_type text,
    target_id text,
    payload jsonb,
    ip inet,
    occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id),
    label text NOT NULL,
    prefix char(8) NOT NULL,
    scopes text[] NOT NULL DEFAULT '{}',
    last_used_at timestamptz,
    revoked_at timestamptz
);

CREATE VIEW active_accounts AS SELECT id, slug, name, plan, billing_email FROM accounts WHERE deleted_at IS NULL;
