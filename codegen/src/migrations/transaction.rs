//! Statements PostgreSQL refuses inside a transaction block, and the `-- pgbake:no-transaction` marker.

use crate::syntax::split::Statement;
pub use crate::syntax::words::leading_words;

/// First line that makes a migration run outside a transaction.
pub const NO_TRANSACTION_MARKER: &str = "-- pgbake:no-transaction";

/// Whether the file's first line is the no-transaction marker.
pub fn has_no_transaction_marker(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|line| line.trim() == NO_TRANSACTION_MARKER)
}

/// Byte offset of a marker line that is not the first line (it would be ignored).
pub fn misplaced_marker(text: &str) -> Option<usize> {
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index > 0 && line.trim() == NO_TRANSACTION_MARKER {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// If `statement` cannot run inside a transaction block, a short description of it
/// (`CREATE INDEX CONCURRENTLY`); transaction control (`BEGIN`, `COMMIT`) also counts,
/// since pgbake owns the transaction.
pub fn non_transactional(statement: &Statement<'_>) -> Option<&'static str> {
    let words = leading_words(statement.text, 12);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let has = |word: &str| w.contains(&word);
    match w.as_slice() {
        ["create", "index", ..] | ["create", "unique", "index", ..] if has("concurrently") => {
            Some("CREATE INDEX CONCURRENTLY")
        }
        ["drop", "index", "concurrently", ..] => Some("DROP INDEX CONCURRENTLY"),
        ["reindex", ..] if has("concurrently") => Some("REINDEX CONCURRENTLY"),
        ["reindex", "system" | "database", ..] => Some("REINDEX SYSTEM/DATABASE"),
        ["alter", "table", ..] if has("detach") && has("concurrently") => {
            Some("ALTER TABLE … DETACH PARTITION … CONCURRENTLY")
        }
        ["vacuum", ..] => Some("VACUUM"),
        ["create", "database", ..] => Some("CREATE DATABASE"),
        ["drop", "database", ..] => Some("DROP DATABASE"),
        ["create", "tablespace", ..] => Some("CREATE TABLESPACE"),
        ["drop", "tablespace", ..] => Some("DROP TABLESPACE"),
        ["alter", "system", ..] => Some("ALTER SYSTEM"),
        ["alter", "database", ..] if has("tablespace") => Some("ALTER DATABASE … SET TABLESPACE"),
        ["create", "subscription", ..] => Some("CREATE SUBSCRIPTION"),
        ["drop", "subscription", ..] => Some("DROP SUBSCRIPTION"),
        ["cluster"] => Some("CLUSTER without a table"),
        ["begin"]
        | ["begin", "transaction" | "work" | "isolation" | "read", ..]
        | ["start", "transaction", ..] => Some("BEGIN (transaction control)"),
        ["commit" | "end" | "rollback" | "abort", ..] => {
            Some("COMMIT/ROLLBACK (transaction control)")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str) -> Option<&'static str> {
        non_transactional(&Statement {
            text: sql,
            offset: 0,
        })
    }

    #[test]
    fn finds_statements_that_refuse_a_transaction() {
        assert_eq!(
            check("CREATE INDEX CONCURRENTLY i ON t (a)"),
            Some("CREATE INDEX CONCURRENTLY")
        );
        assert_eq!(
            check("create unique index /* c */ concurrently if not exists i on t (a)"),
            Some("CREATE INDEX CONCURRENTLY")
        );
        assert_eq!(
            check("DROP INDEX CONCURRENTLY i"),
            Some("DROP INDEX CONCURRENTLY")
        );
        assert_eq!(check("VACUUM ANALYZE t"), Some("VACUUM"));
        assert_eq!(check("CREATE DATABASE x"), Some("CREATE DATABASE"));
        assert_eq!(
            check("COMMIT"),
            Some("COMMIT/ROLLBACK (transaction control)")
        );
        assert_eq!(check("BEGIN"), Some("BEGIN (transaction control)"));
    }

    #[test]
    fn leaves_ordinary_statements_alone() {
        assert_eq!(check("CREATE INDEX i ON t (concurrently_col)"), None);
        assert_eq!(check("INSERT INTO t VALUES ('VACUUM')"), None);
        assert_eq!(
            check("CREATE FUNCTION f() RETURNS void AS $$ BEGIN END $$ LANGUAGE plpgsql"),
            None
        );
    }

    #[test]
    fn marker_must_be_the_first_line() {
        assert!(has_no_transaction_marker(
            "-- pgbake:no-transaction\nVACUUM"
        ));
        assert!(!has_no_transaction_marker(
            "\n-- pgbake:no-transaction\nVACUUM"
        ));
        assert_eq!(
            misplaced_marker("SELECT 1;\n-- pgbake:no-transaction\n"),
            Some(10)
        );
    }
}
