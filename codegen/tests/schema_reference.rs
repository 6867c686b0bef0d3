//! The reference schema in `sql/schema/` is what `sql/migrations/` leave: the CI guard
//! that `pgbake migrate diff --check` is, run on the repository's own `sql/` folder.

#[test]
fn reference_schema_matches_the_migrations() {
    let sql = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql");
    let (_, declared) = pgbake_codegen::schema::load_both(&sql).expect("sql/ reads");
    assert!(
        declared.tables.len() >= 8,
        "sql/schema/ declares {} tables",
        declared.tables.len()
    );
    let differences = pgbake_codegen::schema::differences(&sql).expect("sql/ reads");
    assert!(
        differences.is_empty(),
        "sql/schema/ drifted from sql/migrations/; run `pgbake migrate diff <name>` or fix sql/schema/:\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_check_finds_a_change_and_the_build_can_be_told_to_fail_on_it() {
    let dir = std::env::temp_dir().join(format!("pgbake_schema_check_{}", std::process::id()));
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::write(
        dir.join("migrations/V1__t.sql"),
        "CREATE TABLE t (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("schema/t.sql"),
        "CREATE TABLE t (id bigint PRIMARY KEY, note text);\n",
    )
    .unwrap();
    let differences = pgbake_codegen::schema::differences(&dir).unwrap();
    assert_eq!(differences, ["add column t.note"]);
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let error = pgbake_codegen::Builder::new(&dir)
        .out_dir(dir.join("out"))
        .check_schema(true)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("add column t.note"), "{error}");
    let report = pgbake_codegen::Builder::new(&dir)
        .out_dir(dir.join("out"))
        .check_schema(false)
        .build();
    if let Err(error) = report {
        panic!("{error}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn destructive_and_ambiguous_changes_are_refused_with_the_option_that_accepts_them() {
    use pgbake_codegen::schema::{DiffOptions, compare, load_both};
    let dir = std::env::temp_dir().join(format!("pgbake_schema_refuse_{}", std::process::id()));
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::write(
        dir.join("migrations/V1__t.sql"),
        "CREATE TABLE users (id bigint, name text);\nCREATE TABLE gone (id bigint);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("schema/t.sql"),
        "CREATE TABLE users (id bigint, full_name text);\n",
    )
    .unwrap();
    let (old, new) = load_both(&dir).unwrap();
    let refusals = compare(&old, &new, &DiffOptions::default()).unwrap_err();
    let text: Vec<String> = refusals
        .iter()
        .map(|r| format!("{}; {}", r.change, r.hint))
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("--rename users.name=full_name")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("drop table gone") && t.contains("--allow-drop")),
        "{text:?}"
    );
    let options = DiffOptions {
        allow_drop: true,
        renames: vec![("users.name".into(), "full_name".into())],
    };
    assert!(compare(&old, &new, &options).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}
