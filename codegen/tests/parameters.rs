//! Which parameters are `Option` (exactly those whose NULL the statement gives a meaning,
//! following PostgreSQL's semantics) and which arrays have `Option` elements: each rule
//! both ways, on a job-queue schema like the ones these rules were found on.

use std::path::PathBuf;

use serde_json::Value;

const SCHEMA: &str = "\
CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue text NOT NULL,
    payload jsonb NOT NULL,
    run_at timestamptz NOT NULL DEFAULT now(),
    locked_by text,
    finished_at timestamptz,
    attempts int4 NOT NULL DEFAULT 0,
    tags text[]
);
CREATE TABLE users (
    id uuid PRIMARY KEY,
    company_id uuid,
    full_name text,
    email text NOT NULL,
    last_login_at timestamptz
);
CREATE FUNCTION strict_double(x int4) RETURNS int4 LANGUAGE sql STRICT AS $$ SELECT x * 2 $$;
CREATE FUNCTION called_double(x int4) RETURNS int4 LANGUAGE sql AS $$ SELECT coalesce(x, 0) * 2 $$;
";

/// Describes one query (`header` is the text after `--! q`) over the schema.
fn describe(header: &str, sql: &str) -> Value {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root: PathBuf =
        std::env::temp_dir().join(format!("pgbake-parameters-{}-{n}", std::process::id()));
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::create_dir_all(root.join("queries")).unwrap();
    std::fs::write(root.join("migrations/V1__schema.sql"), SCHEMA).unwrap();
    std::fs::write(
        root.join("queries/q.sql"),
        format!("--! q {header}\n{sql};\n"),
    )
    .unwrap();
    let described = pgbake_codegen::describe(&root);
    let _ = std::fs::remove_dir_all(&root);
    assert!(!described.has_errors, "{sql}: {}", described.json["errors"]);
    described.json["queries"][0].clone()
}

/// `name -> nullable` of every parameter of a `:many`/`:exec` query.
fn params(sql: &str) -> Vec<(String, bool)> {
    params_with(":exec", sql)
}

fn params_with(header: &str, sql: &str) -> Vec<(String, bool)> {
    describe(header, sql)["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["nullable"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn expect(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(n, b)| (n.to_string(), *b)).collect()
}

/// The Rust type of every output column.
fn column_types(header: &str, sql: &str) -> Vec<String> {
    describe(header, sql)["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rust_type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn coalesce_and_the_other_conditionals_handle_null() {
    assert_eq!(
        params("SELECT id FROM jobs WHERE run_at <= coalesce(:now::timestamptz, now())"),
        expect(&[("now", true)])
    );
    assert_eq!(
        params("SELECT nullif(:label::text, ''), greatest(:low::int4, attempts) FROM jobs"),
        expect(&[("label", true), ("low", true)])
    );
    // A partial update: NULL leaves the column as it is.
    assert_eq!(
        params("UPDATE users SET full_name = coalesce(:full_name, full_name) WHERE id = :id"),
        expect(&[("full_name", true), ("id", false)])
    );
}

#[test]
fn null_tests_give_null_a_meaning() {
    assert_eq!(
        params("SELECT id FROM jobs WHERE (:queue::text IS NULL OR queue = :queue)"),
        expect(&[("queue", true)])
    );
    // Uncast: the comparison decides the type, the test the nullability.
    assert_eq!(
        params("SELECT id FROM users WHERE (:company_id IS NULL OR company_id = :company_id)"),
        expect(&[("company_id", true)])
    );
    assert_eq!(
        params("SELECT id FROM jobs WHERE locked_by IS NOT DISTINCT FROM :worker"),
        expect(&[("worker", true)])
    );
    assert_eq!(
        params(
            "SELECT id FROM jobs WHERE CASE WHEN :queue::text IS NULL THEN true ELSE queue = :queue END"
        ),
        expect(&[("queue", true)])
    );
    assert_eq!(
        params("SELECT id FROM jobs WHERE (:urgent::bool) IS NOT TRUE"),
        expect(&[("urgent", true)])
    );
}

#[test]
fn null_that_can_only_fail_or_match_nothing_stays_non_null() {
    assert_eq!(
        params("SELECT id FROM jobs WHERE queue = :queue AND attempts < :max LIMIT :n"),
        expect(&[("queue", false), ("max", false), ("n", false)])
    );
    assert_eq!(
        params("SELECT id FROM jobs WHERE upper(queue) = upper(:queue) OR id = ANY(:ids)"),
        expect(&[("queue", false), ("ids", false)])
    );
    assert_eq!(
        params("SELECT id FROM jobs WHERE attempts < strict_double(:max)"),
        expect(&[("max", false)])
    );
    assert_eq!(
        params("SELECT id FROM jobs WHERE :urgent::bool OR queue = 'urgent'"),
        expect(&[("urgent", false)])
    );
}

#[test]
fn non_strict_functions_are_called_with_null() {
    // concat and format are not strict in pg_proc; upper is.
    assert_eq!(
        params("SELECT concat(:prefix::text, queue), upper(:suffix::text) FROM jobs"),
        expect(&[("prefix", true), ("suffix", false)])
    );
    // A function created without STRICT is CALLED ON NULL INPUT.
    assert_eq!(
        params("SELECT called_double(:a), strict_double(:b)"),
        expect(&[("a", true), ("b", false)])
    );
    // An array holds NULL elements.
    assert_eq!(
        params("SELECT ARRAY[:first::int4, attempts] AS pair FROM jobs"),
        expect(&[("first", true)])
    );
}

#[test]
fn values_reaching_a_column_follow_its_nullability() {
    assert_eq!(
        params("INSERT INTO jobs (queue, payload, locked_by) VALUES (:queue, :payload, :worker)"),
        expect(&[("queue", false), ("payload", false), ("worker", true)])
    );
    assert_eq!(
        params("UPDATE users SET full_name = :full_name, email = :email WHERE id = :id"),
        expect(&[("full_name", true), ("email", false), ("id", false)])
    );
    // Through CASE branches; the conditions themselves stay non-null.
    assert_eq!(
        params(
            "UPDATE jobs SET locked_by = CASE WHEN :release THEN NULL ELSE :worker END, \
             queue = CASE WHEN :move THEN :target ELSE queue END WHERE id = :id"
        ),
        expect(&[
            ("release", false),
            ("worker", true),
            ("move", false),
            ("target", false),
            ("id", false)
        ])
    );
    // ON CONFLICT DO UPDATE SET.
    assert_eq!(
        params(
            "INSERT INTO users (id, email) VALUES (:id, :email) \
             ON CONFLICT (id) DO UPDATE SET full_name = :name, last_login_at = coalesce(:seen, now())"
        ),
        expect(&[
            ("id", false),
            ("email", false),
            ("name", true),
            ("seen", true)
        ])
    );
    // The same parameter into a nullable and a NOT NULL column: NULL always fails.
    assert_eq!(
        params("INSERT INTO jobs (queue, payload, locked_by) VALUES (:who, '{}', :who)"),
        expect(&[("who", false)])
    );
    // INSERT … SELECT of a bare parameter.
    assert_eq!(
        params(
            "INSERT INTO jobs (queue, payload, locked_by) SELECT queue, payload, :worker FROM jobs WHERE id = :id"
        ),
        expect(&[("worker", true), ("id", false)])
    );
}

#[test]
fn overrides_still_win() {
    assert_eq!(
        params_with(
            ":exec (now!, queue?)",
            "SELECT id FROM jobs WHERE run_at <= coalesce(:now::timestamptz, now()) AND queue = :queue"
        ),
        expect(&[("now", false), ("queue", true)])
    );
}

#[test]
fn arrays_with_null_elements_have_option_elements() {
    let types = column_types(
        ":one",
        "SELECT array_agg(last_login_at) AS logins, array_agg(email) AS emails, \
         array_agg(full_name) FILTER (WHERE full_name IS NOT NULL) AS names FROM users",
    );
    assert_eq!(
        types,
        [
            "Option<Vec<Option<chrono::DateTime<chrono::Utc>>>>",
            "Option<Vec<String>>",
            "Option<Vec<String>>"
        ]
    );
    let types = column_types(
        ":many",
        "SELECT ARRAY[locked_by, queue] AS pair, ARRAY[queue] AS one, \
         regexp_match(queue, '(a)?b') AS groups, array_append(tags, locked_by) AS more FROM jobs",
    );
    assert_eq!(
        types,
        [
            "Vec<Option<String>>",
            "Vec<String>",
            "Option<Vec<Option<String>>>",
            "Vec<Option<String>>"
        ]
    );
    // `array_remove(a, NULL)` takes the NULL elements out.
    assert_eq!(
        column_types(
            ":one",
            "SELECT array_remove(array_agg(locked_by), NULL) AS lockers FROM jobs"
        ),
        ["Option<Vec<String>>"]
    );
    // Through a CTE and a subquery.
    let types = column_types(
        ":one",
        "WITH a AS (SELECT array_agg(locked_by) AS lockers FROM jobs) SELECT lockers FROM a",
    );
    assert_eq!(types, ["Option<Vec<Option<String>>>"]);
}

#[test]
fn table_array_columns_are_vec_unless_overridden() {
    assert_eq!(
        column_types(":many", "SELECT tags FROM jobs"),
        ["Option<Vec<String>>"]
    );
    assert_eq!(
        column_types(":many -> (tags[?])", "SELECT tags FROM jobs"),
        ["Option<Vec<Option<String>>>"]
    );
    assert_eq!(
        column_types(
            ":one -> (logins[!])",
            "SELECT array_agg(last_login_at) AS logins FROM users"
        ),
        ["Option<Vec<chrono::DateTime<chrono::Utc>>>"]
    );
}
