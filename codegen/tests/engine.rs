//! Engine tests: fixture folders in, snapshots out (describe JSON, generated code, errors),
//! and the describe JSON checked against what PostgreSQL 15 reported for the same queries
//! (`tests/fixtures/<case>/truth.json`, recorded by `tests/fixtures/record_truth.py`).

use std::path::{Path, PathBuf};

use pgbake_codegen::__internals as internals;
use pgbake_codegen::Severity;
use serde_json::Value;

/// Fixture folders that cover the query constructs, one idea each.
const CONSTRUCT_CASES: &[&str] = &[
    "joins",
    "differential",
    "aggregates",
    "expressions",
    "subqueries",
    "dml",
    "types",
];

fn fixture(name: &str) -> PathBuf {
    // Relative to the package root (the test's working folder), so paths in snapshots do
    // not depend on where the repository is checked out.
    Path::new("tests/fixtures").join(name)
}

/// The describe JSON of a fixture with the file paths blanked.
fn described(name: &str) -> (Value, bool) {
    let described = pgbake_codegen::describe(&fixture(name));
    let mut json = described.json.clone();
    for q in json["queries"].as_array_mut().unwrap() {
        q["file"] = "…".into();
    }
    (json, described.has_errors)
}

#[test]
fn basic_describe() {
    let (json, has_errors) = described("basic");
    assert!(!has_errors, "{:#}", json["errors"]);
    insta::assert_json_snapshot!(json);
}

#[test]
fn basic_generated_code() {
    // Through the public entry point, as a build script calls it: twice, into two folders.
    let out = std::env::temp_dir().join(format!("pgbake-engine-basic-{}", std::process::id()));
    let mut codes = Vec::new();
    for run in ["first", "second"] {
        let dir = out.join(run);
        std::fs::create_dir_all(&dir).unwrap();
        let report = pgbake_codegen::Builder::new(fixture("basic"))
            .out_dir(&dir)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.written.len(), 2, "both files written");
        codes.push(std::fs::read_to_string(dir.join("queries.rs")).unwrap());
    }
    let _ = std::fs::remove_dir_all(&out);
    let code = &codes[0];
    syn::parse_file(code).expect("generated code parses");
    assert_eq!(code, &codes[1], "deterministic");
    insta::assert_snapshot!(code);
}

/// Whether a message is the refusal of a system type without a Rust mapping (fixtures
/// type them on purpose; the refusal with its cast hint is the expected outcome).
fn unmapped_system_type(message: &str) -> bool {
    message.contains("type `regtype` has no Rust mapping")
}

#[test]
fn construct_cases_describe() {
    for case in CONSTRUCT_CASES {
        let (json, _) = described(case);
        let unexpected: Vec<&Value> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !unmapped_system_type(e["message"].as_str().unwrap_or_default()))
            .collect();
        assert!(unexpected.is_empty(), "{case}: {unexpected:#?}");
        insta::assert_json_snapshot!(format!("{case}_describe"), json);
    }
}

/// What the build refuses, describe reports: a type without a Rust mapping is among
/// describe's errors, with its code, and the build fails on it.
#[test]
fn describe_reports_every_build_error() {
    // The errors fixture, with a DO block the replay cannot follow: a warning.
    let dir = std::env::temp_dir().join(format!("pgbake-describe-agrees-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["migrations", "queries"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(fixture("errors").join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.join("migrations/V2__dynamic.sql"),
        "DO $$ BEGIN EXECUTE 'CREATE TABLE ' || 'audit_log (id int)'; END $$;\n",
    )
    .unwrap();
    let tree = internals::scan(&dir);
    let (queries, _) = internals::type_queries(&tree.migrations, &tree.queries);
    let build_only: Vec<_> = internals::emit_problems(&queries);
    assert!(
        build_only.iter().any(|d| d.code.as_str() == "no-rust-type"),
        "the errors fixture has a query with a `record` column"
    );
    let described = pgbake_codegen::describe(&dir);
    assert!(described.has_errors);
    let errors = described.json["errors"].as_array().unwrap();
    for d in &build_only {
        assert!(
            errors
                .iter()
                .any(|e| e["code"] == d.code.as_str() && e["message"] == d.message.as_str()),
            "describe misses the build error {:?}: {}",
            d.code,
            d.message
        );
    }
    let built = pgbake_codegen::Builder::new(&dir)
        .out_dir(dir.join("out"))
        .build();
    let _ = std::fs::remove_dir_all(&dir);
    let build_diagnostics = built
        .expect_err("the errors fixture does not build")
        .diagnostics;
    // Errors and warnings each in their own list, as the build sorts them.
    let messages = |list: &str| -> Vec<String> {
        let mut messages: Vec<String> = described.json[list]
            .as_array()
            .unwrap_or_else(|| panic!("describe has no `{list}` list"))
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_string())
            .collect();
        messages.sort();
        messages
    };
    let build_messages = |severity: Severity| -> Vec<String> {
        let mut messages: Vec<String> = build_diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .map(|d| d.message.clone())
            .collect();
        messages.sort();
        messages
    };
    assert_eq!(messages("errors"), build_messages(Severity::Error));
    assert_eq!(messages("warnings"), build_messages(Severity::Warning));
    assert!(
        described.json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "do-block"),
        "the errors fixture has a DO block the replay cannot follow"
    );
}

#[test]
fn describe_passes_with_warnings_as_the_build_does() {
    let dir = std::env::temp_dir().join(format!("pgbake-describe-warnings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::create_dir_all(dir.join("queries")).unwrap();
    std::fs::write(
        dir.join("migrations/V1__schema.sql"),
        "CREATE TABLE notes (id int PRIMARY KEY);\n\
         DO $$ BEGIN EXECUTE 'CREATE TABLE ' || 'later (id int)'; END $$;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("queries/notes.sql"),
        "--! note_ids :many\nSELECT id FROM notes;\n",
    )
    .unwrap();
    let described = pgbake_codegen::describe(&dir);
    let built = pgbake_codegen::Builder::new(&dir)
        .out_dir(dir.join("out"))
        .build();
    let _ = std::fs::remove_dir_all(&dir);
    let report = built.expect("a DO block the replay cannot follow does not fail the build");
    assert!(!described.has_errors, "{:#}", described.json);
    assert_eq!(described.json["errors"], serde_json::json!([]));
    let warnings = described.json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), report.warnings.len(), "{warnings:#?}");
    assert_eq!(warnings[0]["code"], "do-block");
}

#[test]
fn construct_cases_generate_code_that_parses() {
    for case in CONSTRUCT_CASES {
        let tree = internals::scan(&fixture(case));
        let (queries, diagnostics) = internals::type_queries(&tree.migrations, &tree.queries);
        assert!(diagnostics.is_empty(), "{case}: {diagnostics:?}");
        // System types without a Rust mapping are refused with a cast hint; nothing else
        // may be.
        let unemittable: Vec<String> = internals::emit_problems(&queries)
            .into_iter()
            .map(|d| d.message)
            .filter(|m| !unmapped_system_type(m))
            .collect();
        assert!(unemittable.is_empty(), "{case}: {unemittable:?}");
        // The builder emits nothing when a query has a problem; emit the others here.
        let emittable: Vec<_> = queries
            .into_iter()
            .filter(|q| {
                q.params.iter().all(|p| p.rust_type.is_some())
                    && q.columns.iter().all(|c| c.rust_type.is_some())
            })
            .collect();
        let code = internals::emit_queries(&emittable, &Default::default());
        syn::parse_file(&code).unwrap_or_else(|e| panic!("{case}: generated code: {e}"));
    }
}

/// The types describe infers equal the types PostgreSQL 15 reported when it prepared
/// the same statements: every parameter's and every output column's `pg_type`, and the
/// column names.
#[test]
fn construct_cases_match_what_postgres_reported() {
    let mut mismatches = Vec::new();
    for case in CONSTRUCT_CASES {
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(case).join("truth.json")).expect("truth.json"),
        )
        .expect("truth.json is JSON");
        let (json, _) = described(case);
        let queries = json["queries"].as_array().unwrap();
        let truth_names = truth
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !k.starts_with('_'))
            .count();
        if truth_names != queries.len() {
            mismatches.push(format!(
                "{case}: {} queries described, {truth_names} in truth.json",
                queries.len()
            ));
        }
        for q in queries {
            let name = q["name"].as_str().unwrap();
            let expected = &truth[name];
            if let Some(error) = expected.get("error") {
                mismatches.push(format!("{case}/{name}: PostgreSQL rejects it: {error}"));
                continue;
            }
            let pg_types = |list: &Value| -> Vec<String> {
                list.as_array()
                    .map(|l| {
                        l.iter()
                            .map(|x| match x {
                                Value::String(s) => s.clone(),
                                x => x["pg_type"].as_str().unwrap_or("?").to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let names = |list: &Value| -> Vec<String> {
                list.as_array()
                    .map(|l| l.iter().map(|c| c["name"].to_string()).collect())
                    .unwrap_or_default()
            };
            for (what, ours, theirs) in [
                (
                    "params",
                    pg_types(&q["params"]),
                    pg_types(&expected["params"]),
                ),
                (
                    "column types",
                    pg_types(&q["columns"]),
                    pg_types(&expected["columns"]),
                ),
                (
                    "column names",
                    names(&q["columns"]),
                    names(&expected["columns"]),
                ),
            ] {
                if ours != theirs {
                    mismatches.push(format!(
                        "{case}/{name} {what}: inferred {ours:?}, PostgreSQL {theirs:?}"
                    ));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Every kind of query diagnostic, rendered as the build prints it.
#[test]
fn errors_render() {
    let tree = internals::scan(&fixture("errors"));
    let (queries, mut diagnostics) = internals::type_queries(&tree.migrations, &tree.queries);
    diagnostics.extend(internals::emit_problems(&queries));
    let rendered: String = diagnostics
        .iter()
        .map(|d| d.render() + "\n")
        .collect::<String>();
    for expected in [
        "query without a `--!` header",
        "malformed query header",
        "unknown cardinality",
        "is not a valid Rust identifier",
        "is empty",
        "has more than one statement",
        "duplicate query name",
        "relation `no_such_table` does not exist",
        "column `no_such_column` does not exist",
        "is ambiguous",
        "inconsistent types deduced for parameter",
        "operator does not exist",
        "returns no rows but is declared `:one`",
        "an anonymous `record` has no Rust type",
        "could not determine the data type of parameter",
        "relation \"missing_seq\" does not exist",
    ] {
        assert!(
            rendered.contains(expected),
            "missing {expected:?} in\n{rendered}"
        );
    }
    insta::assert_snapshot!(rendered);
}

/// Output columns with the same name (`SELECT u.id, p.id`) are valid SQL: the row struct
/// gets distinct fields, `id` and `id_2`, and the query builds.
#[test]
fn duplicate_column_names_get_distinct_fields() {
    let root = std::env::temp_dir().join(format!("pgbake-engine-dup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::create_dir_all(root.join("queries")).unwrap();
    std::fs::write(
        root.join("migrations/V1__schema.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\n\
         CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users);",
    )
    .unwrap();
    std::fs::write(
        root.join("queries/q.sql"),
        "--! pairs :many\nSELECT u.id, p.id, p.id AS id_2 FROM users u JOIN posts p ON p.user_id = u.id;\n",
    )
    .unwrap();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let built = pgbake_codegen::Builder::new(&root).out_dir(&out).build();
    let code = built
        .map(|_| std::fs::read_to_string(out.join("queries.rs")).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&root);
    for field in ["pub id: i64", "pub id_2: i64", "pub id_2_2: i64"] {
        assert!(code.contains(field), "missing `{field}` in\n{code}");
    }
}

/// A crate with migrations and no queries never fails its build on replay: statements the
/// replay cannot follow and a DO block it cannot see into are warnings, the build writes its
/// files and returns them.
#[test]
fn a_crate_without_queries_builds_and_reports_replay_and_do_block_warnings() {
    let root =
        std::env::temp_dir().join(format!("pgbake-engine-no-queries-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("sql/migrations")).unwrap();
    std::fs::write(
        root.join("sql/migrations/V1__base.sql"),
        "CREATE TABLE t (id bigint PRIMARY KEY);\n\
         ALTER TABLE elsewhere ADD COLUMN note text;\n\
         CREATE VIEW v AS SELECT id, no_such_column FROM t;\n",
    )
    .unwrap();
    std::fs::write(
        root.join("sql/migrations/V2__mood.sql"),
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN \
         CREATE TYPE mood AS ENUM ('ok'); END IF; END $$;\n",
    )
    .unwrap();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let built = pgbake_codegen::Builder::new(root.join("sql"))
        .out_dir(&out)
        .build();
    let written = out.join("migrations.rs").exists();
    let _ = std::fs::remove_dir_all(&root);
    let report = built.unwrap_or_else(|e| panic!("a crate without queries failed its build:\n{e}"));
    assert!(written, "migrations.rs was not written");
    assert_eq!(report.migrations.len(), 2);
    assert!(report.queries.is_empty());
    let warnings: Vec<(pgbake_codegen::Code, String)> = report
        .warnings
        .iter()
        .map(|w| (w.code, format!("{}:{}", w.file, w.line_column().0)))
        .collect();
    use pgbake_codegen::Code::{DoBlock, Replay};
    assert!(
        matches!(warnings.as_slice(), [(Replay, a), (Replay, b), (DoBlock, c)]
            if a.ends_with("V1__base.sql:2") && b.ends_with("V1__base.sql:3") && c.ends_with("V2__mood.sql:1")),
        "{warnings:?}"
    );
    assert!(
        (report.warnings.iter()).all(|w| w.severity == pgbake_codegen::Severity::Warning),
        "{:?}",
        report.warnings
    );
}
