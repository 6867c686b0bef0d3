-- Shared building blocks: UUIDv7 keys and the updated_at trigger.

-- UUIDv7 (RFC 9562): 48 bits of Unix time in milliseconds, version 7, variant, random bits.
-- Keys sort by creation time, which keeps B-tree inserts local. Plain SQL on top of
-- gen_random_uuid(), so it works on PostgreSQL 13 and later without extensions.
CREATE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(
            set_bit(
                overlay(uuid_send(gen_random_uuid())
                        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                        FROM 1 FOR 6),
                52, 1),
            53, 1),
        'hex')::uuid
$$;

-- One trigger function keeps updated_at current on every table.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
