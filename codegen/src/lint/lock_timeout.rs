//! `require-lock-timeout`: a statement that takes a strong lock on an existing table must
//! come after `SET [LOCAL] lock_timeout`, or it can queue behind a long query and block
//! every other query on that table meanwhile. Tables created in the same migration are
//! exempt: nobody else can be using them yet.

use std::collections::HashSet;

use crate::syntax::split::Statement;

/// One statement that needs a lock timeout first: byte offset and length in the script,
/// and a description of the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingLockTimeout {
    /// Offset of the statement in the script.
    pub offset: usize,
    /// Length of the statement.
    pub length: usize,
    /// What the statement locks, e.g. `ALTER TABLE users (ACCESS EXCLUSIVE)`.
    pub what: String,
}

/// The first statement of `statements` that takes a strong lock on a table that existed
/// before this migration, when no `lock_timeout` was set before it.
pub fn missing_lock_timeout(statements: &[Statement<'_>]) -> Option<MissingLockTimeout> {
    let mut created: HashSet<String> = HashSet::new();
    for statement in statements {
        let tokens = tokens(statement.text, 16);
        let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["set", "lock_timeout", ..] | ["set", "local", "lock_timeout", ..] => return None,
            ["select", "set_config", "(", name, ..] if name.contains("lock_timeout") => {
                return None;
            }
            ["create", rest @ ..] => {
                if let Some(table) = created_table(rest) {
                    created.insert(table);
                    continue;
                }
                if let Some((table, lock)) = index_target(rest)
                    && !created.contains(&table)
                {
                    return Some(missing(
                        statement,
                        format!("CREATE INDEX on {table} ({lock})"),
                    ));
                }
                if let Some(table) = trigger_target(rest)
                    && !created.contains(&table)
                {
                    return Some(missing(
                        statement,
                        format!("CREATE TRIGGER on {table} (SHARE ROW EXCLUSIVE)"),
                    ));
                }
            }
            ["alter", "table", rest @ ..] => {
                let table = name_after_options(rest, &["if", "exists", "only"]);
                if let Some(table) = table
                    && !created.contains(&table)
                {
                    return Some(missing(
                        statement,
                        format!("ALTER TABLE {table} (ACCESS EXCLUSIVE)"),
                    ));
                }
            }
            ["drop", "table" | "index" | "view" | "materialized", ..]
                if !words.contains(&"concurrently") =>
            {
                let all: Vec<String> = words[2..].iter().map(|w| w.to_string()).collect();
                if all.iter().any(|w| {
                    !created.contains(w)
                        && !matches!(
                            w.as_str(),
                            "if" | "exists" | "view" | "," | "cascade" | "restrict"
                        )
                }) {
                    return Some(missing(
                        statement,
                        format!("DROP {} (ACCESS EXCLUSIVE)", words[1].to_uppercase()),
                    ));
                }
            }
            ["truncate", ..] => {
                return Some(missing(statement, "TRUNCATE (ACCESS EXCLUSIVE)".into()));
            }
            ["lock", ..] => return Some(missing(statement, "LOCK TABLE".into())),
            ["cluster", ..] => {
                return Some(missing(statement, "CLUSTER (ACCESS EXCLUSIVE)".into()));
            }
            ["vacuum", "full", ..] => {
                return Some(missing(statement, "VACUUM FULL (ACCESS EXCLUSIVE)".into()));
            }
            ["reindex", ..] if !words.contains(&"concurrently") => {
                return Some(missing(statement, "REINDEX (ACCESS EXCLUSIVE)".into()));
            }
            ["refresh", "materialized", "view", ..] if !words.contains(&"concurrently") => {
                return Some(missing(
                    statement,
                    "REFRESH MATERIALIZED VIEW (ACCESS EXCLUSIVE)".into(),
                ));
            }
            _ => {}
        }
    }
    None
}

/// For each statement, whether it works on a table created earlier in the same script
/// (`CREATE TABLE t …; ALTER TABLE t …` — nobody else can be using `t` yet).
pub fn on_new_tables(statements: &[Statement<'_>]) -> Vec<bool> {
    let mut created: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(statements.len());
    for statement in statements {
        let tokens = tokens(statement.text, 16);
        let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let target = match words.as_slice() {
            ["create", rest @ ..] => {
                if let Some(table) = created_table(rest) {
                    created.insert(table);
                    None
                } else {
                    index_target_any(rest).or_else(|| trigger_target(rest))
                }
            }
            ["alter", "table", rest @ ..] => name_after_options(rest, &["if", "exists", "only"]),
            ["drop", "table", rest @ ..] => name_after_options(rest, &["if", "exists"]),
            _ => None,
        };
        out.push(target.is_some_and(|t| created.contains(&t)));
    }
    out
}

fn index_target_any(rest: &[&str]) -> Option<String> {
    let rest = strip_words(rest, &["unique"]);
    let ["index", tail @ ..] = rest else {
        return None;
    };
    let on = tail.iter().position(|w| *w == "on")?;
    name_after_options(&tail[on + 1..], &["only"])
}

fn missing(statement: &Statement<'_>, what: String) -> MissingLockTimeout {
    MissingLockTimeout {
        offset: statement.offset,
        length: statement.text.len(),
        what,
    }
}

/// `[temp|unlogged] table [if not exists] <name>` after CREATE.
fn created_table(rest: &[&str]) -> Option<String> {
    let rest = strip_words(
        rest,
        &[
            "or",
            "replace",
            "temp",
            "temporary",
            "unlogged",
            "global",
            "local",
        ],
    );
    match rest {
        ["table", tail @ ..] | ["materialized", "view", tail @ ..] | ["view", tail @ ..] => {
            name_after_options(tail, &["if", "not", "exists"])
        }
        _ => None,
    }
}

/// `[unique] index [concurrently] [if not exists] [name] on [only] <table>` after CREATE.
fn index_target(rest: &[&str]) -> Option<(String, &'static str)> {
    let rest = strip_words(rest, &["unique"]);
    let ["index", tail @ ..] = rest else {
        return None;
    };
    let lock = if tail.first() == Some(&"concurrently") {
        // CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which does not block reads or writes.
        return None;
    } else {
        "SHARE"
    };
    let on = tail.iter().position(|w| *w == "on")?;
    name_after_options(&tail[on + 1..], &["only"]).map(|t| (t, lock))
}

/// `[or replace] [constraint] trigger <name> … on <table>` after CREATE.
fn trigger_target(rest: &[&str]) -> Option<String> {
    let rest = strip_words(rest, &["or", "replace", "constraint"]);
    let ["trigger", tail @ ..] = rest else {
        return None;
    };
    let on = tail.iter().position(|w| *w == "on")?;
    name_after_options(&tail[on + 1..], &[])
}

fn strip_words<'a, 'b>(mut words: &'a [&'b str], skip: &[&str]) -> &'a [&'b str] {
    while let Some(first) = words.first() {
        if skip.contains(first) {
            words = &words[1..];
        } else {
            break;
        }
    }
    words
}

/// The (possibly schema-qualified) name after optional keywords, normalised: `public.`
/// dropped, unquoted names lowercased.
fn name_after_options(words: &[&str], options: &[&str]) -> Option<String> {
    let words = strip_words(words, options);
    let first = *words.first()?;
    let name = if words.get(1) == Some(&".") {
        let second = *words.get(2)?;
        if first == "public" {
            second.to_string()
        } else {
            format!("{first}.{second}")
        }
    } else {
        first.to_string()
    };
    (!name.is_empty() && name != "(").then_some(name)
}

/// The first `n` tokens as text: words lowercased, quoted identifiers as written.
fn tokens(text: &str, n: usize) -> Vec<String> {
    crate::syntax::split::leading_tokens(text, n)
        .iter()
        .map(crate::syntax::split::Token::text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::split::split_statements;

    fn check(sql: &str) -> Option<String> {
        missing_lock_timeout(&split_statements(sql).unwrap()).map(|m| m.what)
    }

    #[test]
    fn strong_locks_on_existing_tables_need_a_timeout() {
        assert_eq!(
            check("ALTER TABLE users ADD COLUMN x int;").as_deref(),
            Some("ALTER TABLE users (ACCESS EXCLUSIVE)")
        );
        assert_eq!(
            check("CREATE INDEX i ON public.users (x);").as_deref(),
            Some("CREATE INDEX on users (SHARE)")
        );
        assert_eq!(
            check("TRUNCATE users;").as_deref(),
            Some("TRUNCATE (ACCESS EXCLUSIVE)")
        );
        assert!(check("DROP TABLE old_things;").is_some());
    }

    #[test]
    fn a_timeout_first_or_a_new_table_is_fine() {
        assert_eq!(
            check("SET lock_timeout = '5s'; ALTER TABLE users ADD COLUMN x int;"),
            None
        );
        assert_eq!(
            check("SET LOCAL lock_timeout TO '5s'; CREATE INDEX i ON users (x);"),
            None
        );
        assert_eq!(
            check(
                "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); ALTER TABLE t ADD COLUMN b int;"
            ),
            None
        );
        assert_eq!(
            check("CREATE TABLE \"Things\" (a int); ALTER TABLE \"Things\" ADD COLUMN b int;"),
            None
        );
        assert_eq!(check("CREATE INDEX CONCURRENTLY i ON users (x);"), None);
        assert_eq!(
            check(
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; INSERT INTO t VALUES (1);"
            ),
            None
        );
    }
}
