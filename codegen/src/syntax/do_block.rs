//! `DO` blocks read through PostgreSQL's PL/pgSQL parser: the SQL statements that always
//! run when the block succeeds, and the schema changes it may make that cannot be followed
//! (inside IF, loops or exception handlers, or as dynamic SQL).

use pg_query::NodeEnum;
use serde_json::Value;

/// What a `DO` block runs, as far as its text shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoBlock {
    /// Statements at the block's top level, outside any condition, loop or exception
    /// handler: they run exactly once whenever the block succeeds.
    pub unconditional: Vec<String>,
    /// Schema changes the block may make that a replay cannot follow, each described
    /// (`ALTER TABLE t ADD COLUMN c int (inside IF)`).
    pub unfollowed: Vec<String>,
}

/// Reads `text` when it is a `DO` statement.
pub fn do_block(text: &str) -> Option<DoBlock> {
    let parsed = pg_query::parse(text).ok()?;
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return None;
    };
    let Some(NodeEnum::DoStmt(statement)) = raw.stmt.as_ref()?.node.as_ref() else {
        return None;
    };
    let mut language = "plpgsql".to_string();
    let mut body = String::new();
    for arg in &statement.args {
        if let Some(NodeEnum::DefElem(element)) = arg.node.as_ref()
            && let Some(NodeEnum::String(value)) =
                element.arg.as_ref().and_then(|a| a.node.as_ref())
        {
            match element.defname.as_str() {
                "language" => language = value.sval.to_ascii_lowercase(),
                "as" => body = value.sval.clone(),
                _ => {}
            }
        }
    }
    let mut block = DoBlock::default();
    if language != "plpgsql" {
        block
            .unfollowed
            .push(format!("its body, written in LANGUAGE {language}"));
        return Some(block);
    }
    let mut tag = "$pgbake_do$".to_string();
    while body.contains(&tag) {
        tag.insert(tag.len() - 1, '_');
    }
    let function =
        format!("CREATE FUNCTION pgbake_do() RETURNS void LANGUAGE plpgsql AS {tag}{body}{tag}");
    let Ok(Value::Array(functions)) = pg_query::parse_plpgsql(&function) else {
        block
            .unfollowed
            .push("its body, which PL/pgSQL cannot read".into());
        return Some(block);
    };
    let action = functions
        .first()
        .and_then(|f| f.pointer("/PLpgSQL_function/action"));
    if let Some(action) = action {
        read_statement(action, true, &mut block);
    }
    Some(block)
}

/// Reads one PL/pgSQL statement; `unconditional` while nothing so far can skip it.
fn read_statement(statement: &Value, unconditional: bool, block: &mut DoBlock) {
    let Some((kind, fields)) = statement.as_object().and_then(|o| o.iter().next()) else {
        return;
    };
    match kind.as_str() {
        "PLpgSQL_stmt_block" => {
            let body_runs_once = unconditional && fields.get("exceptions").is_none();
            for inner in fields
                .get("body")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                read_statement(inner, body_runs_once, block);
            }
            read_nested(fields.get("exceptions"), block);
        }
        "PLpgSQL_stmt_execsql" => {
            let query = fields
                .pointer("/sqlstmt/PLpgSQL_expr/query")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if unconditional {
                block.unconditional.push(query.to_string());
            } else if is_schema_change(query) {
                block
                    .unfollowed
                    .push(format!("{} (run conditionally)", short(query)));
            }
        }
        "PLpgSQL_stmt_dynexecute" => {
            let query = fields
                .pointer("/query/PLpgSQL_expr/query")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let upper = query.to_ascii_uppercase();
            if ["CREATE", "ALTER", "DROP"]
                .iter()
                .any(|w| upper.contains(w))
            {
                block
                    .unfollowed
                    .push(format!("EXECUTE {} (dynamic SQL)", short(query)));
            }
        }
        _ => read_nested(Some(fields), block),
    }
}

/// Every statement nested anywhere in `value`, all conditional.
fn read_nested(value: Option<&Value>, block: &mut DoBlock) {
    match value {
        Some(Value::Object(map)) => {
            for (key, inner) in map {
                if key.starts_with("PLpgSQL_stmt_") {
                    read_statement(
                        &Value::Object([(key.clone(), inner.clone())].into_iter().collect()),
                        false,
                        block,
                    );
                } else {
                    read_nested(Some(inner), block);
                }
            }
        }
        Some(Value::Array(items)) => items.iter().for_each(|i| read_nested(Some(i), block)),
        _ => {}
    }
}

/// `CREATE`, `ALTER` or `DROP` of a kind of object the catalog holds (a role or an index
/// changes no column type or nullability).
fn is_schema_change(query: &str) -> bool {
    let words: Vec<String> = query
        .split_whitespace()
        .take(6)
        .map(str::to_ascii_uppercase)
        .filter(|w| {
            !matches!(
                w.as_str(),
                "OR" | "REPLACE" | "TEMP" | "TEMPORARY" | "UNLOGGED"
            )
        })
        .collect();
    matches!(
        words.first().map(String::as_str),
        Some("CREATE" | "ALTER" | "DROP")
    ) && matches!(
        words.get(1).map(String::as_str),
        Some(
            "TABLE"
                | "TYPE"
                | "VIEW"
                | "MATERIALIZED"
                | "DOMAIN"
                | "FUNCTION"
                | "PROCEDURE"
                | "SEQUENCE"
                | "EXTENSION"
                | "SCHEMA"
        )
    )
}

/// The statement on one line, cut at 80 characters.
pub fn short(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(80) {
        Some((cut, _)) => format!("{} …", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::do_block;

    #[test]
    fn top_level_statements_run_and_conditional_changes_are_named() {
        let block = do_block(
            "DO $$ BEGIN ALTER TABLE t ADD COLUMN c int; \
             IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x') THEN CREATE TYPE x AS ENUM ('a'); END IF; \
             EXECUTE format('DROP TABLE %I', 'z'); PERFORM 1; END $$",
        )
        .unwrap();
        assert_eq!(block.unconditional, ["ALTER TABLE t ADD COLUMN c int"]);
        assert_eq!(block.unfollowed.len(), 2, "{:?}", block.unfollowed);
        assert!(block.unfollowed[0].starts_with("CREATE TYPE x AS ENUM ('a') (run conditionally)"));
        assert!(block.unfollowed[1].contains("dynamic SQL"));
        let handled = do_block(
            "DO $$ BEGIN ALTER TABLE t ADD COLUMN c int; EXCEPTION WHEN duplicate_column THEN NULL; END $$",
        )
        .unwrap();
        assert!(handled.unconditional.is_empty());
        assert_eq!(handled.unfollowed.len(), 1);
        assert!(do_block("SELECT 1").is_none());
        let role =
            do_block("DO $$ BEGIN IF true THEN CREATE ROLE r NOLOGIN; END IF; END $$").unwrap();
        assert!(role.unfollowed.is_empty());
    }
}
