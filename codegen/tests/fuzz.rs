//! Property tests (proptest) over the statement splitter, the annotation parser, the
//! catalog builder and the whole engine: random SQL-shaped input never panics, and what
//! comes back points inside the input. More cases: `PROPTEST_CASES=20000 cargo test -p
//! pgbake-codegen --test fuzz`.

use std::sync::Arc;

use pgbake_codegen::__internals::{
    SqlFile, Typer, parse_file, replay, split_statements, type_queries,
};
use proptest::prelude::*;

/// Fragments that matter to the lexers: quotes, dollar quotes, comments, headers,
/// parameters, casts, keywords, and a few non-ASCII characters.
fn sqlish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("SELECT ".to_string()),
        Just("FROM t ".to_string()),
        Just("WHERE id = ".to_string()),
        Just("CREATE TABLE ".to_string()),
        Just("ALTER TABLE t ADD COLUMN ".to_string()),
        Just("DROP TABLE ".to_string()),
        Just("CREATE TYPE mood AS ENUM ('a', 'b');".to_string()),
        Just("(id bigint PRIMARY KEY, name text NOT NULL)".to_string()),
        Just("'".to_string()),
        Just("''".to_string()),
        Just("E'\\''".to_string()),
        Just("\"".to_string()),
        Just("$$".to_string()),
        Just("$tag$".to_string()),
        Just("$1".to_string()),
        Just("--".to_string()),
        Just("--! q :one\n".to_string()),
        Just("--! q2 :many (a?) -> (b!)\n".to_string()),
        Just("--- doc\n".to_string()),
        Just("/*".to_string()),
        Just("*/".to_string()),
        Just(";".to_string()),
        Just(":id".to_string()),
        Just("::int4".to_string()),
        Just(":=".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("é".to_string()),
        Just("\u{feff}".to_string()),
        "[a-z_]{1,6}",
        "[0-9]{1,4}",
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

fn file(path: &str, text: &str) -> SqlFile {
    SqlFile {
        path: path.to_string(),
        file_name: path.rsplit('/').next().unwrap().to_string(),
        text: Arc::from(text),
    }
}

proptest! {
    #[test]
    fn splitter_returns_pieces_of_the_input(text in sqlish()) {
        if let Ok(statements) = split_statements(&text) {
            for statement in statements {
                prop_assert!(!statement.text.is_empty());
                prop_assert_eq!(&text[statement.offset..statement.offset + statement.text.len()], statement.text);
            }
        }
    }

    #[test]
    fn annotation_parser_never_panics_and_points_inside(text in sqlish()) {
        let (queries, diagnostics) = parse_file(&file("sql/queries/fuzz.sql", &text));
        for diagnostic in diagnostics {
            prop_assert!(diagnostic.offset <= text.len());
            prop_assert!(!diagnostic.message.is_empty());
        }
        for query in queries {
            prop_assert!(!query.name.is_empty());
        }
    }

    #[test]
    fn catalog_builder_never_panics(a in sqlish(), b in sqlish()) {
        let (_, diagnostics) = replay(&[file("sql/migrations/V1__a.sql", &a), file("sql/migrations/V2__b.sql", &b)], &Typer);
        for diagnostic in diagnostics {
            prop_assert!(diagnostic.offset <= a.len().max(b.len()));
        }
    }

    #[test]
    fn the_engine_never_panics_on_queries(text in sqlish()) {
        let schema = file("sql/migrations/V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);");
        let (_, diagnostics) = type_queries(&[schema], &[file("sql/queries/fuzz.sql", &text)]);
        for diagnostic in diagnostics {
            prop_assert!(!diagnostic.message.is_empty());
        }
    }
}
