//! The only place that calls the SQL parsers or rewrites SQL text: statement splitting,
//! the accept/reject verdict of PostgreSQL's own grammar (`grammar`), parsing into an AST
//! (sqlparser, PostgreSQL dialect), the tree squawk's lint rules walk (`lint_tree`), rewrites
//! of query text sqlparser cannot read, and utility statements recognised from their tokens.

pub mod alter_text;
pub mod ddl;
pub mod do_block;
pub mod grammar;
mod rewrite;
pub mod split;
mod utility;
pub mod words;

pub use rewrite::rewrite_for_parser;
pub use utility::{Utility, utility_statement};

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// Why text could not be parsed, with the byte offset the parser stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's message, without its `sql parser error:` prefix and position suffix.
    pub message: String,
    /// Byte offset in the parsed text (0 when the parser gave no position).
    pub offset: usize,
    /// The parser's message as it renders it (`sql parser error: … at Line: 1, Column: 5`).
    pub rendered: String,
}

/// Parses `sql` into statements (PostgreSQL dialect).
pub fn parse(sql: &str) -> Result<Vec<Statement>, ParseError> {
    Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| {
        let rendered = e.to_string();
        let offset = parse_error_offset(sql, &rendered).unwrap_or(0);
        let message = rendered.trim_start_matches("sql parser error: ");
        let message = message
            .split(" at Line: ")
            .next()
            .unwrap_or(message)
            .to_string();
        ParseError {
            message,
            offset,
            rendered,
        }
    })
}

/// A migration script as squawk's PostgreSQL parser reads it: the tree its lint rules walk.
/// Squawk's parser is error-tolerant, so this always returns a tree.
pub fn lint_tree(sql: &str) -> squawk_syntax::Parse<squawk_syntax::SourceFile> {
    squawk_syntax::SourceFile::parse(sql)
}

/// Parses `sql`, which must hold exactly one statement.
pub fn parse_one(sql: &str) -> Option<Statement> {
    match parse(sql) {
        Ok(mut statements) if statements.len() == 1 => statements.pop(),
        _ => None,
    }
}

/// Byte offset of a 1-based line and (character) column in `sql`.
pub fn sql_offset(sql: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (i, l) in sql.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            return offset
                + l.chars()
                    .take(column.saturating_sub(1) as usize)
                    .map(char::len_utf8)
                    .sum::<usize>();
        }
        offset += l.len();
    }
    sql.len()
}

fn parse_error_offset(sql: &str, message: &str) -> Option<usize> {
    let (_, rest) = message.split_once("Line: ")?;
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(sql_offset(
        sql,
        line.trim().parse().ok()?,
        column.parse().ok()?,
    ))
}
