//! Utility statements sqlparser cannot read, recognised from their tokens: `DO` blocks and
//! `REFRESH MATERIALIZED VIEW`. Inference types them (`infer::utility`).

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
}

/// Reads `sql` as a utility statement; `None` when it is not one of [`Utility`]'s kinds.
pub fn utility_statement(sql: &str) -> Option<Utility> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let tokens: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize, k: &str| matches!(tokens.get(i), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k));
    if keyword(0, "DO") {
        return Some(Utility::Do);
    }
    if !(keyword(0, "REFRESH") && keyword(1, "MATERIALIZED") && keyword(2, "VIEW")) {
        return None;
    }
    // REFRESH MATERIALIZED VIEW [CONCURRENTLY] [schema.]name [WITH [NO] DATA]
    let mut i = if keyword(3, "CONCURRENTLY") { 4 } else { 3 };
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
    let (schema, name) = match parts.as_slice() {
        [name] => (None, Some(name.clone())),
        [schema, name] => (Some(schema.clone()), Some(name.clone())),
        _ => (None, None),
    };
    Some(Utility::RefreshMaterializedView { schema, name })
}
