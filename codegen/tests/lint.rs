//! Migration lint rules: each fires on the risky form, stays quiet on the safe form and on
//! tables created in the same migration, and `-- pgbake:allow <rule>` silences it.

use std::sync::Arc;

use pgbake_codegen::__internals::lint_script;
use pgbake_codegen::{Finding, Script};

fn lint(sql: &str) -> Vec<Finding> {
    let no_transaction = sql.starts_with("-- pgbake:no-transaction");
    lint_script(&Script {
        path: "sql/migrations/V2__change.sql".into(),
        text: Arc::from(sql),
        no_transaction,
        statements: Vec::new(),
    })
}

fn rules(sql: &str) -> Vec<String> {
    let mut rules: Vec<String> = lint(sql).into_iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    rules
}

/// Prefix for statements on existing tables, so only the rule under test fires.
const TIMEOUT: &str = "SET LOCAL lock_timeout = '5s';\n";

#[test]
fn every_rule_fires_on_the_risky_form_and_not_on_the_safe_one() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "require-concurrent-index-creation",
            "CREATE INDEX users_email_idx ON users (email);",
            "-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
        ),
        (
            "require-concurrent-index-deletion",
            "DROP INDEX users_email_idx;",
            "-- pgbake:no-transaction\nDROP INDEX CONCURRENTLY users_email_idx;",
        ),
        (
            "adding-required-field",
            "ALTER TABLE users ADD COLUMN tier text NOT NULL;",
            "ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free';",
        ),
        (
            "adding-not-nullable-field",
            "ALTER TABLE users ALTER COLUMN tier SET NOT NULL;",
            "ALTER TABLE users ADD CONSTRAINT users_tier_not_null CHECK (tier IS NOT NULL) NOT VALID;",
        ),
        (
            "changing-column-type",
            "ALTER TABLE users ALTER COLUMN age TYPE bigint;",
            "ALTER TABLE users ADD COLUMN age_big bigint;",
        ),
        (
            "constraint-missing-not-valid",
            "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);",
            "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0) NOT VALID;",
        ),
        (
            "adding-foreign-key-constraint",
            "ALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id);",
            "ALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) NOT VALID;",
        ),
        (
            "ban-drop-column",
            "ALTER TABLE users DROP COLUMN legacy;",
            "ALTER TABLE users ADD COLUMN modern text;",
        ),
        (
            "ban-drop-table",
            "DROP TABLE legacy_users;",
            "COMMENT ON TABLE legacy_users IS 'unused';",
        ),
        (
            "renaming-column",
            "ALTER TABLE users RENAME COLUMN name TO full_name;",
            "ALTER TABLE users ADD COLUMN full_name text;",
        ),
        (
            "renaming-table",
            "ALTER TABLE users RENAME TO people;",
            "CREATE VIEW people AS SELECT * FROM users;",
        ),
        (
            "prefer-text-field",
            "CREATE TABLE notes (body varchar(200));",
            "CREATE TABLE notes (body text CHECK (length(body) <= 200));",
        ),
        (
            "prefer-timestamp-tz",
            "CREATE TABLE events (at timestamp);",
            "CREATE TABLE events (at timestamptz);",
        ),
        (
            "prefer-bigint-over-int",
            "CREATE TABLE counters (id int PRIMARY KEY);",
            "CREATE TABLE counters (id bigint PRIMARY KEY);",
        ),
        (
            "prefer-identity",
            "CREATE TABLE counters (id bigserial PRIMARY KEY);",
            "CREATE TABLE counters (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
        ),
        (
            "adding-serial-primary-key-field",
            "ALTER TABLE users ADD PRIMARY KEY (id);",
            "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;",
        ),
    ];
    for (rule, risky, safe) in cases {
        let prefix = if risky.starts_with("CREATE TABLE") || risky.starts_with("-- pgbake") {
            ""
        } else {
            TIMEOUT
        };
        let found = rules(&format!("{prefix}{risky}"));
        assert!(
            found.contains(&rule.to_string()),
            "{rule} did not fire on `{risky}`: {found:?}"
        );
        let safe_prefix = if safe.starts_with("-- pgbake") || safe.starts_with("CREATE TABLE") {
            ""
        } else {
            TIMEOUT
        };
        let found = rules(&format!("{safe_prefix}{safe}"));
        assert!(
            !found.contains(&rule.to_string()),
            "{rule} fired on the safe form `{safe}`: {found:?}"
        );
    }
}

#[test]
fn lock_timeout_is_required_before_strong_locks_on_existing_tables() {
    assert_eq!(
        rules("ALTER TABLE users ADD COLUMN nickname text;"),
        ["require-lock-timeout"]
    );
    assert!(
        rules("SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;").is_empty()
    );
}

#[test]
fn tables_created_in_the_same_migration_are_exempt() {
    let sql = "CREATE TABLE teams (id uuid PRIMARY KEY, name text NOT NULL);\n\
               CREATE INDEX teams_name_idx ON teams (name);\n\
               ALTER TABLE teams ADD COLUMN owner uuid NOT NULL;\n\
               ALTER TABLE teams ADD CONSTRAINT teams_name_check CHECK (name <> '');\n\
               ALTER TABLE teams ALTER COLUMN name TYPE varchar;\n";
    assert_eq!(rules(sql), Vec::<String>::new());
}

#[test]
fn allow_comment_silences_one_rule_for_one_statement() {
    let sql = "SET LOCAL lock_timeout = '5s';\n\
               -- pgbake:allow ban-drop-column\n\
               ALTER TABLE users DROP COLUMN legacy;\n\
               ALTER TABLE users DROP COLUMN other_legacy;\n";
    let findings = lint(sql);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].diagnostic.line_column().0, 4);
}

#[test]
fn findings_render_with_file_line_rule_and_safer_pattern() {
    let findings =
        lint("SET LOCAL lock_timeout = '5s';\nCREATE INDEX users_email_idx ON users (email);\n");
    let line = findings[0].one_line();
    assert!(
        line.starts_with("sql/migrations/V2__change.sql:2: [require-concurrent-index-creation]"),
        "{line}"
    );
    assert!(line.contains("CONCURRENTLY"), "{line}");
    insta::assert_snapshot!(findings[0].diagnostic.render());
}

#[test]
fn the_reference_schema_is_lint_clean() {
    let analysis = pgbake_codegen::Builder::new("../sql").analyze();
    let lines: Vec<String> = analysis.lints.iter().map(Finding::one_line).collect();
    assert!(lines.is_empty(), "{lines:#?}");
    assert!(analysis.migrations.len() >= 6);
}

#[test]
fn deny_lints_turns_findings_into_build_errors() {
    let root = std::env::temp_dir().join(format!("pgbake-lint-deny-{}", std::process::id()));
    let migrations = root.join("sql/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("V1__users.sql"),
        "CREATE TABLE users (id uuid PRIMARY KEY, email text);",
    )
    .unwrap();
    std::fs::write(
        migrations.join("V2__index.sql"),
        "SET LOCAL lock_timeout = '5s';\nCREATE INDEX users_email ON users (email);",
    )
    .unwrap();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();

    let report = pgbake_codegen::Builder::new(root.join("sql"))
        .out_dir(&out)
        .build()
        .unwrap();
    assert_eq!(report.lints.len(), 1);
    assert_eq!(report.lints[0].rule, "require-concurrent-index-creation");

    let error = pgbake_codegen::Builder::new(root.join("sql"))
        .out_dir(&out)
        .deny_lints(true)
        .build()
        .unwrap_err();
    let rendered = error.to_string();
    assert!(
        rendered.contains("V2__index.sql:2:1: error[lint]: [require-concurrent-index-creation]"),
        "{rendered}"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// Down scripts are linted too: their drops and renames are what undoing means, but they
/// run against a live database like any migration, so locking rules still apply.
#[test]
fn down_scripts_are_linted_for_locks_but_may_drop_what_the_up_script_added() {
    let down = |sql: &str| -> Vec<String> {
        let mut rules: Vec<String> = pgbake_codegen::__internals::lint_down_script(&Script {
            path: "sql/migrations/V2__change.down.sql".into(),
            text: Arc::from(sql),
            no_transaction: false,
            statements: Vec::new(),
        })
        .into_iter()
        .map(|f| f.rule)
        .collect();
        rules.sort();
        rules
    };
    assert_eq!(
        down("DROP TABLE users;"),
        ["require-lock-timeout"],
        "a drop without lock_timeout queues behind the application's reads"
    );
    assert!(down(&format!("{TIMEOUT}DROP TABLE users;")).is_empty());
    assert!(down(&format!("{TIMEOUT}ALTER TABLE users RENAME COLUMN a TO b;")).is_empty());
    assert_eq!(
        down(&format!(
            "{TIMEOUT}CREATE INDEX users_email ON users (email);"
        )),
        ["require-concurrent-index-creation"]
    );
}

#[test]
fn prefer_bigint_over_int_is_about_key_columns_only() {
    // Keys: primary key, identity, serial, foreign key, referenced by a foreign key.
    for key in [
        "CREATE TABLE t (id integer PRIMARY KEY, name text);",
        "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, name text);",
        "CREATE TABLE t (id serial, name text);",
        "CREATE TABLE t (owner_id int REFERENCES users, name text);",
        "CREATE TABLE t (a int, b bigint, PRIMARY KEY (a, b));",
        "CREATE TABLE t (code int NOT NULL UNIQUE); CREATE TABLE u (code bigint REFERENCES t (code));",
    ] {
        assert!(
            rules(key).contains(&"prefer-bigint-over-int".to_string()),
            "{key}"
        );
    }
    // Counters and ranks are not keys: their hint (keys run out at 2^31) does not apply.
    for plain in [
        "CREATE TABLE t (id bigint PRIMARY KEY, priority integer NOT NULL DEFAULT 0);",
        "ALTER TABLE t ADD COLUMN priority integer;",
    ] {
        assert!(
            !rules(&format!("{TIMEOUT}{plain}")).contains(&"prefer-bigint-over-int".to_string()),
            "{plain}"
        );
    }
}

/// `Builder::lint_baseline(v)`: migrations up to `v` are not linted (they ran everywhere
/// already), later ones are; it replaces the baseline of `sql/pgbake.toml`, and a build in
/// the same `OUT_DIR` with another baseline does not reuse the last build's findings.
#[test]
fn a_lint_baseline_skips_the_migrations_up_to_it_and_lints_the_later_ones() {
    let root = std::env::temp_dir().join(format!("pgbake-lint-baseline-{}", std::process::id()));
    let migrations = root.join("sql/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("V1__users.sql"),
        "CREATE TABLE users (id uuid PRIMARY KEY, email text, name text, city text);",
    )
    .unwrap();
    for (version, column) in [(2, "email"), (3, "name"), (4, "city")] {
        std::fs::write(
            migrations.join(format!("V{version}__{column}_index.sql")),
            format!(
                "SET LOCAL lock_timeout = '5s';\nCREATE INDEX users_{column} ON users ({column});"
            ),
        )
        .unwrap();
    }
    std::fs::write(root.join("sql/pgbake.toml"), "lint_baseline = 4\n").unwrap();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let linted = |baseline: Option<i64>| -> Vec<String> {
        let mut builder = pgbake_codegen::Builder::new(root.join("sql")).out_dir(&out);
        if let Some(version) = baseline {
            builder = builder.lint_baseline(version);
        }
        let report = builder.build().unwrap_or_else(|e| panic!("{e}"));
        let mut files: Vec<String> = (report.lints.iter())
            .map(|f| {
                let file = &f.diagnostic.file;
                file[file.rfind('/').map_or(0, |i| i + 1)..].to_string()
            })
            .collect();
        files.sort();
        files
    };
    let from_config = linted(None);
    let after_two = linted(Some(2));
    let after_one = linted(Some(1));
    let after_all = linted(Some(4));
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        from_config,
        Vec::<String>::new(),
        "pgbake.toml's baseline 4"
    );
    assert_eq!(after_two, ["V3__name_index.sql", "V4__city_index.sql"]);
    assert_eq!(
        after_one,
        [
            "V2__email_index.sql",
            "V3__name_index.sql",
            "V4__city_index.sql"
        ]
    );
    assert_eq!(after_all, Vec::<String>::new());
}
