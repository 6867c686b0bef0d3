//! Engine tests: fixture folders in, snapshots out (describe JSON, generated code, errors).

use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    // Relative to the package root (the test's working folder), so paths in snapshots do
    // not depend on where the repository is checked out.
    Path::new("tests/fixtures").join(name)
}

#[test]
fn basic_describe() {
    let described = pgbake_codegen::describe::describe(&fixture("basic"));
    let mut json = described.json.clone();
    for q in json["queries"].as_array_mut().unwrap() {
        q["file"] = "…".into();
    }
    assert!(!described.has_errors, "{:#}", described.json["errors"]);
    insta::assert_json_snapshot!(json);
}

#[test]
fn basic_generated_code() {
    let tree = pgbake_codegen::source::scan(&fixture("basic"));
    let (queries, diagnostics) = pgbake_codegen::describe::analyze(&tree.migrations, &tree.queries);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(pgbake_codegen::emit::queries::check_emittable(&queries).is_empty());
    let code = pgbake_codegen::emit::queries::emit_queries(&queries);
    syn::parse_file(&code).expect("generated code parses");
    assert_eq!(
        code,
        pgbake_codegen::emit::queries::emit_queries(&queries),
        "deterministic"
    );
    insta::assert_snapshot!(code);
}
