//! Engine tests: fixture folders in, snapshots out (describe JSON, generated code, errors),
//! and the describe JSON checked against what PostgreSQL 15 reported for the same queries
//! (`tests/fixtures/<case>/truth.json`, recorded by `tests/fixtures/record_truth.py`).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Fixture folders that cover the constructs of issue 3 item 3, one idea each.
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
    let described = pgbake_codegen::describe::describe(&fixture(name));
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
    let tree = pgbake_codegen::source::scan(&fixture("basic"));
    let (queries, diagnostics) = pgbake_codegen::describe::analyze(&tree.migrations, &tree.queries);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(pgbake_codegen::emit::queries::check_emittable(&queries).is_empty());
    let code = pgbake_codegen::emit::queries::emit_queries(&queries, &Default::default());
    syn::parse_file(&code).expect("generated code parses");
    assert_eq!(
        code,
        pgbake_codegen::emit::queries::emit_queries(&queries, &Default::default()),
        "deterministic"
    );
    insta::assert_snapshot!(code);
}

#[test]
fn construct_cases_describe() {
    for case in CONSTRUCT_CASES {
        let (json, has_errors) = described(case);
        assert!(!has_errors, "{case}: {:#}", json["errors"]);
        insta::assert_json_snapshot!(format!("{case}_describe"), json);
    }
}

#[test]
fn construct_cases_generate_code_that_parses() {
    for case in CONSTRUCT_CASES {
        let tree = pgbake_codegen::source::scan(&fixture(case));
        let (queries, diagnostics) =
            pgbake_codegen::describe::analyze(&tree.migrations, &tree.queries);
        assert!(diagnostics.is_empty(), "{case}: {diagnostics:?}");
        // System types without a Rust mapping (item 4 does not list them) are refused with
        // a cast hint; nothing else may be.
        let unemittable: Vec<String> = pgbake_codegen::emit::queries::check_emittable(&queries)
            .into_iter()
            .map(|d| d.message)
            .filter(|m| {
                !["`tid`", "`xid`", "`regtype`"]
                    .iter()
                    .any(|t| m.contains(&format!("type {t} has no Rust mapping")))
            })
            .collect();
        assert!(unemittable.is_empty(), "{case}: {unemittable:?}");
        let code = pgbake_codegen::emit::queries::emit_queries(&queries, &Default::default());
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

/// Every diagnostic kind of issue 3 item 6, rendered as the build prints it.
#[test]
fn errors_render() {
    let tree = pgbake_codegen::source::scan(&fixture("errors"));
    let (queries, mut diagnostics) =
        pgbake_codegen::describe::analyze(&tree.migrations, &tree.queries);
    diagnostics.extend(pgbake_codegen::emit::queries::check_emittable(&queries));
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
        "has two output columns named `id`",
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
