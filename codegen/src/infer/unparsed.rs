//! Statements sqlparser cannot read, typed from their text: `DO` blocks, `REFRESH
//! MATERIALIZED VIEW`, and `UPDATE … SET col[i] = v` (rewritten into a form with the
//! same parameter types before parsing).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Span, Token, Tokenizer};

use super::{InferError, Inferred};
use crate::catalog::{Catalog, RelationKind};

/// Types `DO …` and `REFRESH MATERIALIZED VIEW …`, which return no rows and take no
/// parameters. `None` when the statement is neither.
pub fn utility_statement(
    catalog: &Catalog,
    sql: &str,
    param_count: usize,
) -> Option<Result<Inferred, InferError>> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let tokens: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize, k: &str| matches!(tokens.get(i), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    let none = || Inferred {
        params: Vec::new(),
        param_nullable: Vec::new(),
        columns: Vec::new(),
        returns_rows: false,
    };
    if keyword(0, "DO") {
        if param_count > 0 {
            return Some(Err(InferError::new(
                "a DO block cannot take parameters",
                Span::empty(),
            )));
        }
        return Some(Ok(none()));
    }
    if keyword(0, "REFRESH") && keyword(1, "MATERIALIZED") && keyword(2, "VIEW") {
        if param_count > 0 {
            return Some(Err(InferError::new(
                "REFRESH MATERIALIZED VIEW cannot take parameters",
                Span::empty(),
            )));
        }
        // REFRESH MATERIALIZED VIEW [CONCURRENTLY] [schema.]name [WITH [NO] DATA]
        let mut at = 3;
        if keyword(at, "CONCURRENTLY") {
            at += 1;
        }
        let mut parts = Vec::new();
        let mut i = at;
        while let Some(Token::Word(w)) = tokens.get(i) {
            parts.push(if w.quote_style.is_some() {
                w.value.clone()
            } else {
                w.value.to_lowercase()
            });
            if tokens.get(i + 1) == Some(&&Token::Period) {
                i += 2;
            } else {
                break;
            }
        }
        let (schema, name) = match parts.as_slice() {
            [name] => (None, name.clone()),
            [schema, name] => (Some(schema.as_str()), name.clone()),
            _ => {
                return Some(Err(InferError::new(
                    "expected the materialized view's name",
                    Span::empty(),
                )));
            }
        };
        return Some(match catalog.relation(schema, &name) {
            Some(r) if r.kind == RelationKind::MaterializedView => Ok(none()),
            Some(_) => Err(InferError::new(
                format!("`{name}` is not a materialized view"),
                Span::empty(),
            )),
            None => Err(InferError::new(
                format!("relation `{name}` does not exist"),
                Span::empty(),
            )
            .help("check the name against the migrations")),
        });
    }
    None
}

/// Rewrites each `SET col[i]… = v` of an UPDATE into
/// `SET col = CASE WHEN col[i]… IS NOT DISTINCT FROM (v) THEN col ELSE col END`,
/// which sqlparser reads and which gives `i` the subscript's type (int4 for arrays, text
/// for jsonb) and `v` the element's type, as PostgreSQL's assignment does. `None` when
/// the statement has no such target.
pub fn rewrite_subscript_assignments(sql: &str) -> Option<String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let is_word = |t: &Token, k: &str| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    if !tokens
        .iter()
        .find(|t| !matches!(t, Token::Whitespace(_)))
        .is_some_and(|t| is_word(t, "UPDATE"))
    {
        return None;
    }
    let set_at = tokens.iter().position(|t| is_word(t, "SET"))?;
    let mut out: Vec<String> = tokens[..=set_at].iter().map(Token::to_string).collect();
    let mut i = set_at + 1;
    let mut changed = false;
    let ends_clause = |t: &Token| {
        ["FROM", "WHERE", "RETURNING"].iter().any(|k| is_word(t, k))
            || matches!(t, Token::SemiColon | Token::EOF)
    };
    while i < tokens.len() {
        // One assignment: target tokens up to `=` at depth 0, value up to `,` at depth 0.
        let start = i;
        let mut depth = 0i32;
        while i < tokens.len() && !(depth == 0 && tokens[i] == Token::Eq) {
            match tokens[i] {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        let target = &tokens[start..i.min(tokens.len())];
        i += 1;
        let value_start = i;
        depth = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if depth == 0 && (*t == Token::Comma || ends_clause(t)) {
                break;
            }
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        let value: String = tokens[value_start.min(i)..i]
            .iter()
            .map(Token::to_string)
            .collect();
        let bracket = target.iter().position(|t| *t == Token::LBracket);
        match bracket {
            Some(b) => {
                let column: String = target[..b].iter().map(Token::to_string).collect();
                let subscripts: String = target[b..].iter().map(Token::to_string).collect();
                let column = column.trim();
                out.push(format!(
                    " {column} = CASE WHEN {column}{} IS NOT DISTINCT FROM ({}) THEN {column} ELSE {column} END ",
                    subscripts.trim_end(),
                    value.trim()
                ));
                changed = true;
            }
            None => {
                let target: String = target.iter().map(Token::to_string).collect();
                out.push(format!("{target}={value}"));
            }
        }
        match tokens.get(i) {
            Some(Token::Comma) => {
                out.push(",".into());
                i += 1;
            }
            _ => break,
        }
    }
    out.extend(tokens[i.min(tokens.len())..].iter().map(Token::to_string));
    changed.then(|| out.concat())
}

#[cfg(test)]
mod tests {
    use super::rewrite_subscript_assignments;

    #[test]
    fn subscript_targets_become_comparisons() {
        let rewritten = rewrite_subscript_assignments(
            "update authors\nset names[$1] = $2, bio = $4\nwhere id=$3 RETURNING *",
        )
        .expect("rewritten");
        assert_eq!(
            rewritten,
            "update authors\nset names = CASE WHEN names[$1] IS NOT DISTINCT FROM ($2) THEN names ELSE names END , bio = $4\nwhere id=$3 RETURNING *"
        );
        assert_eq!(rewrite_subscript_assignments("update a set b = 1"), None);
        let parsed = sqlparser::parser::Parser::parse_sql(
            &sqlparser::dialect::PostgreSqlDialect {},
            &rewritten,
        );
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
