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

/// A scratch `sql/` folder with one migration and one schema file.
fn scratch(label: &str, migration: &str, schema: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pgbake_schema_{label}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::write(dir.join("migrations/V1__t.sql"), migration).unwrap();
    std::fs::write(dir.join("schema/t.sql"), schema).unwrap();
    dir
}

/// The refusals of a diff from `migration` to `schema`, as `change; hint` lines.
fn refusals(label: &str, migration: &str, schema: &str) -> Vec<String> {
    use pgbake_codegen::schema::{DiffOptions, compare, load_both};
    let dir = scratch(label, migration, schema);
    let (old, new) = load_both(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let options = DiffOptions {
        allow_drop: true,
        renames: Vec::new(),
    };
    compare(&old, &new, &options)
        .unwrap_err()
        .iter()
        .map(|r| format!("{}; {}", r.change, r.hint))
        .collect()
}

#[test]
fn changes_postgresql_cannot_make_in_place_are_refused_with_what_to_do() {
    assert_eq!(
        refusals(
            "enum",
            "CREATE TYPE mood AS ENUM ('happy', 'meh', 'sad');\n",
            "CREATE TYPE mood AS ENUM ('happy', 'sad');\n",
        ),
        [
            "remove or reorder values of enum mood (PostgreSQL cannot drop an enum value); write this migration by hand with `pgbake migrate new`: create the new type, convert the columns with USING col::text::new_type, drop the old type"
        ]
    );
    assert_eq!(
        refusals(
            "narrow",
            "CREATE TABLE t (code varchar(20), n bigint);\n",
            "CREATE TABLE t (code varchar(10), n integer);\n",
        ),
        [
            "change the type of t.code from character varying(20) to character varying(10) (rewrites the table or narrows it); add a new column, backfill it and switch readers, then drop the old one with --allow-drop",
            "change the type of t.n from bigint to integer (rewrites the table or narrows it); add a new column, backfill it and switch readers, then drop the old one with --allow-drop",
        ]
    );
    let domain = refusals(
        "domain_base",
        "CREATE DOMAIN code AS text;\n",
        "CREATE DOMAIN code AS varchar(10);\n",
    );
    assert_eq!(domain.len(), 1, "{domain:?}");
    assert!(
        domain[0].starts_with("change the base type or collation of domain code; ")
            && domain[0].contains("pgbake migrate new"),
        "{domain:?}"
    );
    let composite = refusals(
        "composite",
        "CREATE TYPE pair AS (a int, b int);\n",
        "CREATE TYPE pair AS (b int, a int);\n",
    );
    assert!(
        composite[0].starts_with("change composite type pair (only attributes added at its end"),
        "{composite:?}"
    );
}

#[test]
fn domains_keep_null_not_null_collation_default_and_checks() {
    let declared = "CREATE DOMAIN code AS text COLLATE \"C\" NOT NULL DEFAULT 'x' CHECK (VALUE <> '') CONSTRAINT code_short CHECK (length(VALUE) < 10);\n\
                    CREATE DOMAIN maybe AS int NULL;\n";
    let dir = scratch(
        "domains",
        "CREATE DOMAIN code AS text COLLATE \"C\" DEFAULT 'x' CONSTRAINT code_nn NOT NULL CHECK (VALUE <> '') CONSTRAINT code_short CHECK (length(VALUE) < 10);\n\
         CREATE DOMAIN maybe AS int;\n",
        declared,
    );
    let (old, new) = pgbake_codegen::schema::load_both(&dir).unwrap();
    assert_eq!(old, new);
    let pgbake_codegen::schema::UserType::Domain(code) = &new.types["code"] else {
        panic!("{:?}", new.types);
    };
    assert!(code.not_null);
    assert_eq!(code.collation.as_deref(), Some("\"C\""));
    assert_eq!(code.checks.len(), 2, "{:?}", code.checks);
    std::fs::write(
        dir.join("schema/t.sql"),
        declared.replace(" NOT NULL", "").replace("'x'", "'y'"),
    )
    .unwrap();
    assert_eq!(
        pgbake_codegen::schema::differences(&dir).unwrap(),
        [
            "change the default of domain code",
            "make domain code nullable"
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn schema_changes_the_reader_cannot_follow_are_errors_naming_file_line_and_kind() {
    let dir = scratch(
        "cannot_follow",
        "CREATE TABLE t (id int);\n\nCREATE SCHEMA app;\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE SEQUENCE s;\n",
        "CREATE TABLE t (id int);\n",
    );
    let error = pgbake_codegen::schema::load_both(&dir)
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), 3, "{error}");
    for (line, (number, kind)) in lines.iter().zip([
        (3, "CREATE SCHEMA"),
        (4, "ALTER TABLE"),
        (5, "CREATE SEQUENCE"),
    ]) {
        assert!(
            line.starts_with(&format!("migrations/V1__t.sql:{number}: `")),
            "{line}"
        );
        assert!(
            line.contains(&format!("`migrate diff` cannot follow {kind}:")),
            "{line}"
        );
        assert!(line.contains("write this migration by hand"), "{line}");
    }
}

#[test]
fn statements_that_change_no_schema_are_ignored() {
    let dir = scratch(
        "ignored",
        "CREATE TABLE t (id int);\n\
         CREATE EXTENSION IF NOT EXISTS pgcrypto;\n\
         INSERT INTO t VALUES (1);\n\
         UPDATE t SET id = 2;\n\
         DELETE FROM t WHERE id = 3;\n\
         GRANT SELECT ON t TO PUBLIC;\n\
         REVOKE SELECT ON t FROM PUBLIC;\n\
         SET search_path = public;\n\
         SELECT 1;\n\
         ANALYZE t;\n\
         COMMENT ON TABLE t IS 'things';\n",
        "CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS 'things';\n",
    );
    let differences = pgbake_codegen::schema::differences(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(differences.unwrap(), Vec::<String>::new());
}
