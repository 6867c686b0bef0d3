//! Broken input: every case is either accepted correctly or a clear build error that names
//! the file — never a panic, never a hang.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use pgbake_codegen::{Builder, Code, Severity};

/// What a case must give.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// No diagnostic at all.
    Accepted,
    /// At least one diagnostic, each naming a file of the case and each of this kind.
    Rejected(Code),
}

use Expect::{Accepted, Rejected};

/// (name, folder, file name, contents, expectation)
fn cases() -> Vec<(&'static str, &'static str, String, Vec<u8>, Expect)> {
    let ok_schema = b"CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);".to_vec();
    let q = |text: &str| text.as_bytes().to_vec();
    let mut cases: Vec<(&'static str, &'static str, String, Vec<u8>, Expect)> = vec![
        // File names.
        (
            "name_lowercase_v",
            "migrations",
            "v2__x.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_no_separator",
            "migrations",
            "V2_x.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_leading_zero",
            "migrations",
            "V02__x.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_uppercase",
            "migrations",
            "V2__AddThing.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_unicode",
            "migrations",
            "V2__café.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_spaces",
            "migrations",
            "V2__add thing.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_no_extension",
            "migrations",
            "V2__x".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_huge_version",
            "migrations",
            "V99999999999999999999999__x.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_negative_version",
            "migrations",
            "V-2__x.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "name_double_down",
            "migrations",
            "V2__x.down.down.sql".into(),
            ok_schema.clone(),
            Rejected(Code::MigrationName),
        ),
        (
            "query_file_not_sql",
            "queries",
            "users.txt".into(),
            q("--! a :one\nSELECT 1;"),
            Rejected(Code::StrayFile),
        ),
        // Encodings.
        (
            "latin1_migration",
            "migrations",
            "V2__latin1.sql".into(),
            b"COMMENT ON TABLE t IS 'caf\xe9';".to_vec(),
            Rejected(Code::NotUtf8),
        ),
        (
            "utf16_migration",
            "migrations",
            "V2__utf16.sql".into(),
            b"\xff\xfeC\x00R\x00".to_vec(),
            Rejected(Code::NotUtf8),
        ),
        (
            "bom_migration",
            "migrations",
            "V2__bom.sql".into(),
            b"\xef\xbb\xbfCREATE TABLE u (id bigint);".to_vec(),
            Accepted,
        ),
        (
            "crlf_migration",
            "migrations",
            "V2__crlf.sql".into(),
            b"CREATE TABLE u (\r\n  id bigint\r\n);\r\n".to_vec(),
            Accepted,
        ),
        (
            "cr_only_migration",
            "migrations",
            "V2__cr.sql".into(),
            b"CREATE TABLE u (id bigint);\rCREATE TABLE v (id bigint);".to_vec(),
            Accepted,
        ),
        (
            "bom_query",
            "queries",
            "bom.sql".into(),
            b"\xef\xbb\xbf--! a :one\nSELECT id FROM t WHERE id = :id;".to_vec(),
            Accepted,
        ),
        (
            "crlf_query",
            "queries",
            "crlf.sql".into(),
            b"--! a :one\r\nSELECT id\r\nFROM t WHERE id = :id;\r\n".to_vec(),
            Accepted,
        ),
        (
            "nul_byte_query",
            "queries",
            "nul.sql".into(),
            b"--! a :one\nSELECT 1\x00;".to_vec(),
            Rejected(Code::QuerySyntax),
        ),
        (
            "latin1_query",
            "queries",
            "latin1.sql".into(),
            b"--! a :one\nSELECT 'caf\xe9';".to_vec(),
            Rejected(Code::NotUtf8),
        ),
        // Quotes and comments.
        (
            "unterminated_string",
            "migrations",
            "V2__s.sql".into(),
            b"INSERT INTO t VALUES (1, 'abc);".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "unterminated_dollar",
            "migrations",
            "V2__d.sql".into(),
            b"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "unterminated_tagged_dollar",
            "migrations",
            "V2__d.sql".into(),
            b"DO $body$ BEGIN NULL; END $other$;".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "unterminated_comment",
            "migrations",
            "V2__c.sql".into(),
            b"/* never closed\nCREATE TABLE u (id bigint);".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "unterminated_nested_comment",
            "migrations",
            "V2__c.sql".into(),
            b"/* a /* b */ CREATE TABLE u (id bigint);".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "nested_comment_closed",
            "migrations",
            "V2__c.sql".into(),
            b"/* a /* b */ c */ CREATE TABLE u (id bigint);".to_vec(),
            Accepted,
        ),
        (
            "unterminated_identifier",
            "migrations",
            "V2__i.sql".into(),
            b"CREATE TABLE \"u (id bigint);".to_vec(),
            Rejected(Code::Unterminated),
        ),
        (
            "semicolons_in_strings",
            "migrations",
            "V2__q.sql".into(),
            b"CREATE TABLE u (note text DEFAULT ';;');\nCOMMENT ON TABLE u IS 'a;b';".to_vec(),
            Accepted,
        ),
        (
            "escape_string",
            "migrations",
            "V2__e.sql".into(),
            b"CREATE TABLE u (note text DEFAULT E'it\\'s;');".to_vec(),
            Accepted,
        ),
        (
            "unterminated_query_string",
            "queries",
            "s.sql".into(),
            q("--! a :one\nSELECT 'abc FROM t;"),
            Rejected(Code::Unterminated),
        ),
        (
            "dollar_quote_in_query",
            "queries",
            "d.sql".into(),
            q("--! a :one\nSELECT $$:not_a_param$$ AS x;"),
            Accepted,
        ),
        (
            "cast_not_param",
            "queries",
            "c.sql".into(),
            q("--! a :one\nSELECT :id::int8 AS x, '2020-01-01'::date AS d;"),
            Accepted,
        ),
        // Headers in odd places.
        (
            "no_header",
            "queries",
            "h.sql".into(),
            q("SELECT 1;"),
            Rejected(Code::QueryHeader),
        ),
        (
            "header_without_cardinality",
            "queries",
            "h.sql".into(),
            q("--! a\nSELECT 1;"),
            Rejected(Code::QueryHeader),
        ),
        (
            "header_unknown_cardinality",
            "queries",
            "h.sql".into(),
            q("--! a :some\nSELECT 1;"),
            Rejected(Code::QueryHeader),
        ),
        (
            "header_bad_name",
            "queries",
            "h.sql".into(),
            q("--! 1abc :one\nSELECT 1;"),
            Rejected(Code::QueryName),
        ),
        (
            "header_dashed_name",
            "queries",
            "h.sql".into(),
            q("--! a-b :one\nSELECT 1;"),
            Rejected(Code::QueryName),
        ),
        (
            "header_keyword_name",
            "queries",
            "h.sql".into(),
            q("--! type :one\nSELECT 1 AS x;"),
            Accepted,
        ),
        (
            "header_inside_string",
            "queries",
            "h.sql".into(),
            q("--! a :one\nSELECT '\n--! b :one\n' AS x;"),
            Accepted,
        ),
        (
            "header_after_statement_same_line",
            "queries",
            "h.sql".into(),
            q("--! a :one\nSELECT 1 AS x; --! b :one\n"),
            Rejected(Code::QueryHeader),
        ),
        (
            "two_statements",
            "queries",
            "h.sql".into(),
            q("--! a :exec\nDELETE FROM t; DELETE FROM t;"),
            Rejected(Code::MultipleStatements),
        ),
        (
            "empty_query",
            "queries",
            "h.sql".into(),
            q("--! a :exec\n\n--! b :one\nSELECT 1 AS x;"),
            Rejected(Code::EmptyQuery),
        ),
        (
            "duplicate_names",
            "queries",
            "h.sql".into(),
            q("--! a :one\nSELECT 1 AS x;\n--! a :one\nSELECT 2 AS x;"),
            Rejected(Code::DuplicateQuery),
        ),
        (
            "one_on_exec_statement",
            "queries",
            "h.sql".into(),
            q("--! a :one\nDELETE FROM t;"),
            Rejected(Code::Cardinality),
        ),
        (
            "unknown_table",
            "queries",
            "h.sql".into(),
            q("--! a :many\nSELECT * FROM nope;"),
            Rejected(Code::UnknownRelation),
        ),
        (
            "unknown_column",
            "queries",
            "h.sql".into(),
            q("--! a :many\nSELECT nope FROM t;"),
            Rejected(Code::UnknownColumn),
        ),
        (
            "invalid_sql",
            "queries",
            "h.sql".into(),
            q("--! a :many\nSELEC id FROM t;"),
            Rejected(Code::QuerySyntax),
        ),
        (
            "copy_ok",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nINSERT INTO t (id, name) VALUES (:id, :name);"),
            Accepted,
        ),
        (
            "copy_returning",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nINSERT INTO t (id, name) VALUES (:id, :name) RETURNING id;"),
            Rejected(Code::CopyShape),
        ),
        (
            "copy_expression",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nINSERT INTO t (id, name) VALUES (:id, lower(:name));"),
            Rejected(Code::CopyShape),
        ),
        (
            "copy_two_rows",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nINSERT INTO t (id, name) VALUES (:a, :b), (:c, :d);"),
            Rejected(Code::CopyShape),
        ),
        (
            "copy_no_columns",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nINSERT INTO t VALUES (:id, :name);"),
            Rejected(Code::CopyShape),
        ),
        (
            "copy_select",
            "queries",
            "c.sql".into(),
            q("--! load :copy\nSELECT 1 AS x;"),
            Rejected(Code::CopyShape),
        ),
        (
            "optional_filters_ok",
            "queries",
            "o.sql".into(),
            q(
                "--! a :many\nSELECT id FROM t\nWHERE true\n  AND name = :name --? name\n  AND id > :after --? after\n;",
            ),
            Accepted,
        ),
        (
            "optional_filter_used_elsewhere",
            "queries",
            "o.sql".into(),
            q("--! a :many\nSELECT id, :name::text AS n FROM t\nWHERE name = :name --? name\n;"),
            Rejected(Code::OptionalFilter),
        ),
        (
            "optional_filter_too_many",
            "queries",
            "o.sql".into(),
            q(
                "--! a :many\nSELECT id FROM t WHERE true\n AND id > :a --? a\n AND id > :b --? b\n AND id > :c --? c\n AND id > :d --? d\n AND id > :e --? e\n;",
            ),
            Rejected(Code::OptionalFilter),
        ),
        (
            "optional_filter_leaves_an_empty_where",
            "queries",
            "o.sql".into(),
            q("--! a :many\nSELECT id FROM t\nWHERE\n  name = :name --? name\n;"),
            Rejected(Code::OptionalFilter),
        ),
        (
            "optional_filter_leaves_a_dangling_and",
            "queries",
            "o.sql".into(),
            q("--! a :many\nSELECT id FROM t\nWHERE id > 0 AND\n  name = :name --? name\n;"),
            Rejected(Code::OptionalFilter),
        ),
        (
            "optional_filter_second_of_two_leaves_a_dangling_or",
            "queries",
            "o.sql".into(),
            q(
                "--! a :many\nSELECT id FROM t\nWHERE id > :after --? after\n  OR\n  name = :name --? name\n;",
            ),
            Rejected(Code::OptionalFilter),
        ),
        (
            "optional_filter_on_copy",
            "queries",
            "o.sql".into(),
            q("--! load :copy\nINSERT INTO t (id, name)\nVALUES (:id, :name) --? name\n;"),
            Rejected(Code::OptionalFilter),
        ),
        (
            "element_override_on_a_scalar",
            "queries",
            "o.sql".into(),
            q("--! a :many -> (name[?])\nSELECT name FROM t;"),
            Rejected(Code::UnknownOverride),
        ),
        (
            "only_comments",
            "queries",
            "h.sql".into(),
            q("-- nothing here\n/* or here */\n"),
            Accepted,
        ),
        (
            "empty_query_file",
            "queries",
            "h.sql".into(),
            Vec::new(),
            Accepted,
        ),
        (
            "empty_migration",
            "migrations",
            "V2__empty.sql".into(),
            Vec::new(),
            Rejected(Code::EmptyMigration),
        ),
        (
            "whitespace_migration",
            "migrations",
            "V2__ws.sql".into(),
            b"   \n\t\n".to_vec(),
            Rejected(Code::EmptyMigration),
        ),
        (
            "invalid_migration_sql",
            "migrations",
            "V2__bad.sql".into(),
            b"CREATE TABLE (;".to_vec(),
            Rejected(Code::Syntax),
        ),
        // PostgreSQL's grammar is the judge: what it rejects is an error, with no cascade.
        (
            "missing_semicolon_between_indexes",
            "migrations",
            "V2__indexes.sql".into(),
            q("CREATE INDEX t_name ON t (name)\nCREATE INDEX t_id_name ON t (id, name);"),
            Rejected(Code::Syntax),
        ),
        (
            "missing_semicolon_after_create_table",
            "migrations",
            "V2__u.sql".into(),
            q(
                "CREATE TABLE u (id bigint PRIMARY KEY, t_id bigint REFERENCES t)\nCREATE INDEX u_t ON u (t_id);",
            ),
            Rejected(Code::Syntax),
        ),
        (
            "misspelled_keyword_in_migration",
            "migrations",
            "V2__u.sql".into(),
            q("CREATE TABEL u (id bigint);"),
            Rejected(Code::Syntax),
        ),
        (
            "misspelled_keyword_in_down_script",
            "migrations",
            "V1__base.down.sql".into(),
            q("DROP TABEL t;"),
            Rejected(Code::Syntax),
        ),
        (
            "misspelled_keyword_in_query",
            "queries",
            "q.sql".into(),
            q("--! a :many\nSELECT id FORM t;"),
            Rejected(Code::QuerySyntax),
        ),
        // Valid PostgreSQL 15 that builds and replays.
        (
            "alter_constraint_deferrable",
            "migrations",
            "V2__fk.sql".into(),
            q(
                "CREATE TABLE u (id bigint PRIMARY KEY, t_id bigint CONSTRAINT u_t_fk REFERENCES t);\n\
               ALTER TABLE u ALTER CONSTRAINT u_t_fk DEFERRABLE INITIALLY DEFERRED;\n\
               ALTER TABLE u ADD COLUMN note text;",
            ),
            Accepted,
        ),
        (
            "whole_row_field_in_recursive_cte",
            "queries",
            "q.sql".into(),
            q(
                "--! a :many\nWITH RECURSIVE q(h, depth) AS (SELECT t, 1 FROM t WHERE id = 1 \
               UNION ALL SELECT t, q.depth + 1 FROM t JOIN q ON t.id = (q.h).id + 1 WHERE q.depth < 5) \
               SELECT (q.h).id, (q.h).name FROM q;",
            ),
            Accepted,
        ),
        (
            "whole_row_alias_in_recursive_cte",
            "queries",
            "q.sql".into(),
            q(
                "--! a :many\nWITH RECURSIVE q AS (SELECT h, 1 AS depth FROM t AS h WHERE h.id = 1 \
               UNION ALL SELECT h, q.depth + 1 FROM q JOIN t AS h ON h.id = (q.h).id + 1 WHERE q.depth < 5) \
               SELECT (q.h).id, (q.h).name, depth FROM q;",
            ),
            Accepted,
        ),
        (
            "empty_array_cast",
            "queries",
            "q.sql".into(),
            q("--! a :one\nSELECT ARRAY[]::text[] AS tags;"),
            Accepted,
        ),
        (
            "for_no_key_update_skip_locked",
            "queries",
            "q.sql".into(),
            q("--! a :many\nSELECT id FROM t ORDER BY id LIMIT 10 FOR NO KEY UPDATE SKIP LOCKED;"),
            Accepted,
        ),
        (
            "alter_sequence_restart_query",
            "queries",
            "q.sql".into(),
            q("--! a :exec\nALTER SEQUENCE IF EXISTS t_id_seq RESTART;"),
            Accepted,
        ),
        (
            "do_block_top_level_ddl_is_replayed",
            "migrations",
            "V2__do.sql".into(),
            q(
                "DO $$ BEGIN ALTER TABLE t ADD COLUMN note text; END $$;\nCREATE INDEX t_note ON t (note);",
            ),
            Accepted,
        ),
        (
            "do_block_conditional_ddl_is_a_warning",
            "migrations",
            "V2__do.sql".into(),
            q(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN \
               CREATE TYPE mood AS ENUM ('ok'); END IF; END $$;",
            ),
            Rejected(Code::DoBlock),
        ),
    ];
    // Large inputs: a huge migration, thousands of queries, a very long line.
    let mut huge = String::new();
    for i in 0..3000 {
        huge.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, v text);\n"
        ));
    }
    cases.push((
        "huge_migration",
        "migrations",
        "V2__huge.sql".into(),
        huge.into_bytes(),
        Accepted,
    ));
    let mut many = String::new();
    for i in 0..2000 {
        many.push_str(&format!(
            "--! q{i} :opt\nSELECT name FROM t WHERE id = :id;\n\n"
        ));
    }
    cases.push((
        "thousands_of_queries",
        "queries",
        "many.sql".into(),
        many.into_bytes(),
        Accepted,
    ));
    let long_line = format!("--! a :one\nSELECT {} AS x;", vec!["1"; 5000].join(" + "));
    cases.push((
        "very_long_expression",
        "queries",
        "long.sql".into(),
        long_line.into_bytes(),
        Accepted,
    ));
    // The settings file beside migrations/ and queries/.
    for (name, contents) in [
        ("config_unknown_setting", "lint_basline = 3\n"),
        ("config_bad_baseline", "lint_baseline = latest\n"),
        ("config_not_key_value", "[lint]\n"),
    ] {
        cases.push((
            name,
            "",
            "pgbake.toml".into(),
            contents.as_bytes().to_vec(),
            Rejected(Code::Config),
        ));
    }
    cases.push((
        "config_baseline",
        "",
        "pgbake.toml".into(),
        b"# imported\nlint_baseline = 1 # the first one\n".to_vec(),
        Accepted,
    ));
    let deep = format!(
        "--! a :one\nSELECT {}1{} AS x;",
        "(".repeat(500),
        ")".repeat(500)
    );
    cases.push((
        "deeply_nested_parentheses",
        "queries",
        "deep.sql".into(),
        deep.into_bytes(),
        Rejected(Code::UnsupportedQuery),
    ));
    cases
}

/// What some cases must show beyond the codes of their diagnostics.
fn case_specific(name: &str, root: &Path, analysis: &pgbake_codegen::Analysis) -> Vec<String> {
    let mut failures = Vec::new();
    match name {
        "do_block_conditional_ddl_is_a_warning" => {
            for diagnostic in &analysis.diagnostics {
                let rendered = diagnostic.render();
                if diagnostic.severity != Severity::Warning {
                    failures.push(format!("{name}: not a warning: {rendered}"));
                }
                // It names the block (where it starts) and what it may change.
                if diagnostic.line_column() != (1, 1)
                    || !diagnostic.message.contains("DO block")
                    || !diagnostic.message.contains("CREATE TYPE mood")
                {
                    failures.push(format!(
                        "{name}: does not name the block and what it may change: {rendered}"
                    ));
                }
            }
        }
        "do_block_top_level_ddl_is_replayed" => {
            // The column the block added is in the catalog: a query selecting it is typed.
            std::fs::write(
                root.join("queries/notes.sql"),
                "--! note_of :opt\nSELECT note FROM t WHERE id = :id;\n",
            )
            .unwrap();
            let again = Builder::new(root).analyze();
            let columns: Vec<(&str, &str)> = (again.queries.iter())
                .flat_map(|q| &q.columns)
                .map(|c| (c.name.as_str(), c.pg_type.name.as_str()))
                .collect();
            if !again.diagnostics.is_empty() || columns != [("note", "text")] {
                failures.push(format!(
                    "{name}: the column the DO block added is not in the catalog: {columns:?} {:?}",
                    (again.diagnostics.iter())
                        .map(|d| d.render())
                        .collect::<Vec<_>>()
                ));
            }
        }
        _ => {}
    }
    failures
}

fn write_case(root: &Path, folder: &str, file: &str, contents: &[u8]) {
    let migrations = root.join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::create_dir_all(root.join("queries")).unwrap();
    std::fs::write(
        migrations.join("V1__base.sql"),
        "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);",
    )
    .unwrap();
    std::fs::write(root.join(folder).join(file), contents).unwrap();
}

#[test]
fn every_broken_file_is_accepted_or_a_clear_error_never_a_panic_or_a_hang() {
    let cases = cases();
    assert!(cases.len() >= 40);
    let base: PathBuf =
        std::env::temp_dir().join(format!("pgbake-bad-input-{}", std::process::id()));
    let mut failures = Vec::new();
    let only = std::env::var("BAD_INPUT_CASE").ok();
    for (name, folder, file, contents, expect) in cases {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let root = base.join(name);
        write_case(&root, folder, &file, &contents);
        let (sender, receiver) = mpsc::channel();
        let sql = root.clone();
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(|| Builder::new(&sql).analyze());
            let _ = sender.send(outcome);
        });
        let analysis = match receiver.recv_timeout(Duration::from_secs(60)) {
            Err(_) => {
                failures.push(format!("{name}: hung (no answer in 60 s)"));
                continue;
            }
            Ok(Err(_)) => {
                failures.push(format!("{name}: panicked"));
                continue;
            }
            Ok(Ok(analysis)) => analysis,
        };
        failures.extend(case_specific(name, &root, &analysis));
        let diagnostics = analysis.diagnostics;
        match expect {
            Accepted if !diagnostics.is_empty() => {
                failures.push(format!(
                    "{name}: expected acceptance, got {}",
                    diagnostics[0].render()
                ));
            }
            Rejected(_) if diagnostics.is_empty() => {
                failures.push(format!("{name}: expected an error, got none"))
            }
            Rejected(code) => {
                for diagnostic in diagnostics.iter().filter(|d| d.code != code) {
                    failures.push(format!(
                        "{name}: expected only `{code}`, got {}",
                        diagnostic.render()
                    ));
                }
            }
            _ => {}
        }
        for diagnostic in &diagnostics {
            let rendered = diagnostic.render();
            if diagnostic.message.trim().is_empty()
                || !diagnostic.file.contains(&file) && !diagnostic.file.contains("V1__base")
            {
                failures.push(format!(
                    "{name}: diagnostic does not name the file `{file}`: {rendered}"
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Two statements run together: one error at the second statement, naming the missing `;`,
/// and nothing else (no cascade into the replay or the queries that use the table).
#[test]
fn a_missing_semicolon_is_one_error_that_names_it() {
    let root =
        std::env::temp_dir().join(format!("pgbake-missing-semicolon-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::create_dir_all(root.join("queries")).unwrap();
    std::fs::write(
        root.join("migrations/V1__tickets.sql"),
        "CREATE TABLE tickets (\n    id bigint PRIMARY KEY,\n    title text NOT NULL\n)\nCREATE INDEX tickets_title ON tickets (title);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("queries/tickets.sql"),
        "--! titles :many\nSELECT title FROM tickets;\n",
    )
    .unwrap();
    let analysis = pgbake_codegen::analyze(&root);
    let rendered: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| d.render().replace(&root.display().to_string(), "sql"))
        .collect();
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(rendered.len(), 1, "{rendered:#?}");
    assert_eq!(analysis.diagnostics[0].code, Code::Syntax);
    insta::assert_snapshot!(rendered[0]);
}

/// A combination of optional filters that is not valid SQL is an error that says which
/// filters are absent and points at the statement, not a claim that PostgreSQL accepts it.
#[test]
fn an_invalid_combination_of_optional_filters_names_the_absent_ones() {
    let root = std::env::temp_dir().join(format!("pgbake-bad-combination-{}", std::process::id()));
    write_case(
        &root,
        "queries",
        "o.sql",
        b"--! a :many\nSELECT id FROM t\nWHERE id > 0\n  AND id > :after --? after\n  AND\n  name = :name --? name\n;",
    );
    let diagnostics = Builder::new(&root).analyze().diagnostics;
    let _ = std::fs::remove_dir_all(&root);
    let [diagnostic] = diagnostics.as_slice() else {
        panic!("expected one error, got {diagnostics:#?}");
    };
    assert_eq!(diagnostic.code, Code::OptionalFilter);
    assert!(
        diagnostic
            .message
            .starts_with("with `:after`, `:name` absent: the statement is not valid SQL"),
        "{}",
        diagnostic.render()
    );
}
