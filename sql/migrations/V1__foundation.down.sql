DROP FUNCTION set_updated_at();
DROP FUNCTION uuid_generate_v7();
