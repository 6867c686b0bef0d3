//! Utility statements sqlparser cannot read, recognised from their tokens: `DO` blocks and
//! `REFRESH MATERIALIZED VIEW`, `ALTER SEQUENCE`. Inference types them (`infer::utility`).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A utility statement read from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Utility {
    /// `DO …`.
    Do,
    /// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] [schema.]name …`; `name` is `None` when
    /// no name could be read.
    RefreshMaterializedView {
        /// The schema, when qualified.
        schema: Option<String>,
        /// The view's name.
        name: Option<String>,
    },
    /// `ALTER SEQUENCE [IF EXISTS] [schema.]name …` (`RESTART`, `INCREMENT BY`, …).
    AlterSequence {
        /// Whether `IF EXISTS` was written.
        if_exists: bool,
        /// The schema, when qualified.
        schema: Option<String>,
        /// The sequence's name.
        name: Option<String>,
    },
}

/// Reads `sql` as a utility statement; `None` when it is not one of [`Utility`]'s kinds.
pub fn utility_statement(sql: &str) -> Option<Utility> {
    // Every kind starts with DO, ALTER or REFRESH: any other leading word rules it out
    // without tokenizing (a leading comment or symbol goes through the tokenizer).
    let text = sql.trim_start();
    if text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let word = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '$')
            .next()
            .unwrap_or_default();
        if !["DO", "ALTER", "REFRESH"]
            .iter()
            .any(|k| word.eq_ignore_ascii_case(k))
        {
            return None;
        }
    }
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let tokens: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize, k: &str| matches!(tokens.get(i), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    if keyword(0, "DO") {
        return Some(Utility::Do);
    }
    if keyword(0, "ALTER") && keyword(1, "SEQUENCE") {
        let if_exists = keyword(2, "IF") && keyword(3, "EXISTS");
        let (schema, name) = qualified_name(&tokens, if if_exists { 4 } else { 2 });
        return Some(Utility::AlterSequence {
            if_exists,
            schema,
            name,
        });
    }
    if !(keyword(0, "REFRESH") && keyword(1, "MATERIALIZED") && keyword(2, "VIEW")) {
        return None;
    }
    // REFRESH MATERIALIZED VIEW [CONCURRENTLY] [schema.]name [WITH [NO] DATA]
    let (schema, name) = qualified_name(&tokens, if keyword(3, "CONCURRENTLY") { 4 } else { 3 });
    Some(Utility::RefreshMaterializedView { schema, name })
}

/// `[schema.]name` from token `i` on; `(None, None)` when it is not one.
fn qualified_name(tokens: &[&Token], mut i: usize) -> (Option<String>, Option<String>) {
    let mut parts = Vec::new();
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
    match parts.as_slice() {
        [name] => (None, Some(name.clone())),
        [schema, name] => (Some(schema.clone()), Some(name.clone())),
        _ => (None, None),
    }
}
