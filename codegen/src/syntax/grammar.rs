//! The accept/reject verdict on a statement, from PostgreSQL 15's own grammar (libpg_query,
//! PostgreSQL 15.1's `gram.y` and scanner), with where PostgreSQL stopped and a hint that
//! names the likely mistake (a missing `;`, a misspelled keyword, a missing parenthesis).

use pg_query::protobuf::{KeywordKind, ScanToken, Token};

/// A statement PostgreSQL's grammar rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarError {
    /// PostgreSQL's message (`syntax error at or near "CREATE"`).
    pub message: String,
    /// Byte offset in the checked text where PostgreSQL stopped (0 when it names no token).
    pub offset: usize,
    /// Length of the token there (at least 1).
    pub length: usize,
    /// What the mistake most likely is and how to fix it.
    pub hint: String,
}

/// Checks `text` (one or more statements) against PostgreSQL 15's grammar.
pub fn check_grammar(text: &str) -> Result<(), GrammarError> {
    let message = match rejection(text) {
        None => return Ok(()),
        Some(message) => message,
    };
    let tokens = scan(text);
    let (offset, length) = error_position(text, &message, &tokens);
    // PostgreSQL's scanner counts bytes; keep the span on character boundaries of `text`.
    let (offset, length) = on_char_boundaries(text, offset, length);
    let specific = (message == "subquery in FROM must have an alias").then(|| {
        "add an alias: `(SELECT …) AS sub` (PostgreSQL 16 and later accept a subquery without one; PostgreSQL 15, whose grammar pgbake checks with, does not)".to_string()
    });
    let hint = specific
        .or_else(|| newer_syntax(text, &tokens, offset))
        .or_else(|| hint(text, &tokens, offset)).unwrap_or_else(|| {
        if offset < text.len() && message.contains("at or near") {
            format!("PostgreSQL 15 cannot read the statement from `{}` on: check the syntax there", &text[offset..offset + length])
        } else {
            "PostgreSQL 15 rejects this statement: check its syntax against the PostgreSQL documentation".into()
        }
    });
    Err(GrammarError {
        message,
        offset,
        length,
        hint,
    })
}

/// The span `offset..offset + length` widened to the characters it touches, within `text`
/// (at least one character long when `text` has one there).
fn on_char_boundaries(text: &str, offset: usize, length: usize) -> (usize, usize) {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = offset
        .saturating_add(length.max(1))
        .min(text.len())
        .max(start);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end - start)
}

/// Whether `text` is an `ALTER TABLE` whose every command only changes how constraints are
/// checked (`ALTER CONSTRAINT … [NOT] DEFERRABLE …`, `VALIDATE CONSTRAINT …`): nothing the
/// catalog of column types and nullability holds.
pub fn alters_only_constraint_checking(text: &str) -> bool {
    use pg_query::NodeEnum;
    use pg_query::protobuf::{AlterTableType, ConstrType};
    let Ok(parsed) = pg_query::parse(text) else {
        return false;
    };
    let [raw] = parsed.protobuf.stmts.as_slice() else {
        return false;
    };
    let Some(NodeEnum::AlterTableStmt(alter)) = raw.stmt.as_ref().and_then(|s| s.node.as_ref())
    else {
        return false;
    };
    // Adding a CHECK, FOREIGN KEY, UNIQUE or EXCLUDE constraint changes no column's type or
    // nullability either (a PRIMARY KEY does: it makes its columns NOT NULL).
    let adds_checking_only = |c: &pg_query::protobuf::AlterTableCmd| {
        c.subtype == AlterTableType::AtAddConstraint as i32
            && matches!(c.def.as_ref().and_then(|d| d.node.as_ref()),
                Some(NodeEnum::Constraint(k)) if [ConstrType::ConstrCheck, ConstrType::ConstrForeign, ConstrType::ConstrUnique, ConstrType::ConstrExclusion]
                    .iter().any(|t| k.contype == *t as i32))
    };
    !alter.cmds.is_empty()
        && alter.cmds.iter().all(|cmd| {
            matches!(cmd.node.as_ref(), Some(NodeEnum::AlterTableCmd(c))
                if c.subtype == AlterTableType::AtAlterConstraint as i32
                    || c.subtype == AlterTableType::AtValidateConstraint as i32
                    || adds_checking_only(c))
        })
}

/// `ALTER TABLE` text without its `ALTER CONSTRAINT …` and `VALIDATE CONSTRAINT …` commands
/// (which change how constraints are checked, nothing the catalog holds), for a statement
/// that mixes them with other commands; `None` when there is nothing to remove.
pub fn without_constraint_checking_commands(text: &str) -> Option<String> {
    let tokens = scan(text);
    let upper = |t: &ScanToken| token_text(text, t).to_ascii_uppercase();
    if tokens.len() < 2 || upper(&tokens[0]) != "ALTER" || upper(&tokens[1]) != "TABLE" {
        return None;
    }
    // Top-level commands: the spans between commas outside parentheses.
    let mut depth = 0usize;
    let mut commands = Vec::new();
    let mut start = 2;
    for (k, token) in tokens.iter().enumerate() {
        match token_text(text, token) {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                commands.push(start..k);
                start = k + 1;
            }
            _ => {}
        }
    }
    commands.push(start..tokens.len());
    let is_checking = |range: &std::ops::Range<usize>| {
        let words: Vec<String> = tokens[range.clone()].iter().take(2).map(upper).collect();
        matches!(
            words.first().map(String::as_str),
            Some("ALTER" | "VALIDATE")
        ) && words.get(1).is_some_and(|w| w == "CONSTRAINT")
    };
    let kept: Vec<&std::ops::Range<usize>> = commands.iter().filter(|r| !is_checking(r)).collect();
    if kept.len() == commands.len() || kept.is_empty() {
        return None;
    }
    // The statement head (`ALTER TABLE [IF EXISTS] [ONLY] name`) is the first command's
    // text before its own command keyword: keep the text up to the first command.
    let first = &commands[0];
    let head_end = tokens[first.start..first.end]
        .iter()
        .position(|t| {
            matches!(
                upper(t).as_str(),
                "ADD"
                    | "ALTER"
                    | "DROP"
                    | "VALIDATE"
                    | "RENAME"
                    | "SET"
                    | "RESET"
                    | "OWNER"
                    | "ENABLE"
                    | "DISABLE"
                    | "CLUSTER"
                    | "INHERIT"
                    | "NO"
                    | "REPLICA"
                    | "OF"
                    | "FORCE"
                    | "ATTACH"
                    | "DETACH"
            )
        })
        .map(|p| tokens[first.start + p].start as usize)?;
    let mut out = text[..head_end].to_string();
    for (n, range) in kept.iter().enumerate() {
        let from = if n == 0 && range.start == first.start {
            head_end
        } else {
            tokens[range.start].start as usize
        };
        let to = tokens[range.end - 1].end as usize;
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&text[from..to]);
    }
    Some(out)
}

/// PostgreSQL's message when the grammar rejects `text`.
fn rejection(text: &str) -> Option<String> {
    if text.contains('\0') {
        return Some("the statement contains a NUL byte".into());
    }
    // The raw parser alone (libpg_query's statement splitter): the same grammar and
    // messages as `pg_query::parse`, without serialising the tree to protobuf and decoding
    // it again, which was most of the cost of a check.
    match pg_query::split_with_parser(text) {
        Err(pg_query::Error::Split(message) | pg_query::Error::Parse(message)) => Some(message),
        _ => None,
    }
}

fn accepted(text: &str) -> bool {
    rejection(text).is_none()
}

fn scan(text: &str) -> Vec<ScanToken> {
    pg_query::scan(text)
        .map(|result| result.tokens)
        .unwrap_or_default()
}

fn token_text<'a>(text: &'a str, token: &ScanToken) -> &'a str {
    text.get(token.start as usize..token.end as usize)
        .unwrap_or("")
}

/// Where PostgreSQL stopped. Its message names the token (`at or near "X"`) but libpg_query's
/// Rust binding drops the offset, so the token is found again: the right occurrence of `X`
/// is the last one before which the text is still a readable beginning (PostgreSQL reads
/// it up to there and then fails "at end of input", or accepts it).
fn error_position(text: &str, message: &str, tokens: &[ScanToken]) -> (usize, usize) {
    if message == "subquery in FROM must have an alias" {
        // PostgreSQL points at the subquery: the first `(SELECT` after FROM, JOIN or `,`.
        let found = tokens.windows(3).find(|w| {
            let word = |t: &ScanToken| token_text(text, t).to_ascii_uppercase();
            matches!(word(&w[0]).as_str(), "FROM" | "JOIN" | ",")
                && word(&w[1]) == "("
                && matches!(word(&w[2]).as_str(), "SELECT" | "VALUES" | "WITH")
        });
        return found.map_or((0, 1), |w| (w[1].start as usize, 1));
    }
    if message.ends_with("at end of input") {
        let end = text.trim_end().len();
        let last = tokens.last().map_or(0, |t| t.start as usize);
        return (last.min(end), end.saturating_sub(last).max(1));
    }
    let Some(near) = message
        .split_once("at or near \"")
        .and_then(|(_, rest)| rest.strip_suffix('"'))
    else {
        return (0, 1);
    };
    let candidates: Vec<&ScanToken> = tokens
        .iter()
        .filter(|t| token_text(text, t) == near)
        .collect();
    let found = candidates.iter().rev().find(|t| {
        let prefix = &text[..t.start as usize];
        rejection(prefix).is_none_or(|m| m.ends_with("at end of input"))
    });
    match found.or(candidates.first()) {
        Some(t) => (t.start as usize, ((t.end - t.start) as usize).max(1)),
        None => (0, 1),
    }
}

/// Syntax that a newer PostgreSQL accepts and PostgreSQL 15 rejects, recognised from the
/// tokens around `offset` (where PostgreSQL 15 stopped).
fn newer_syntax(text: &str, tokens: &[ScanToken], offset: usize) -> Option<String> {
    let at = tokens.iter().position(|t| t.start as usize == offset)?;
    let word = |k: usize| {
        (tokens.get(k)).map_or(String::new(), |t| token_text(text, t).to_ascii_uppercase())
    };
    if at >= 2 && word(at - 2) == "CONSTRAINT" && word(at) == "NOT" && word(at + 1) == "NULL" {
        return Some(
            "a named NOT NULL constraint (`CONSTRAINT name NOT NULL column`) is PostgreSQL 18 syntax (pg_dump 18 writes it); \
             PostgreSQL 15 rejects it: write `NOT NULL` in the column's definition, or `ALTER TABLE … ALTER COLUMN column SET NOT NULL`"
                .into(),
        );
    }
    if at >= 1 && word(at - 1) == "RETURNING" && word(at) == "WITH" && word(at + 1) == "(" {
        return Some(
            "`RETURNING WITH (OLD AS …, NEW AS …)` is PostgreSQL 18 syntax; PostgreSQL 15 rejects it: \
             return the new values only, or read the old ones in a CTE before the change"
                .into(),
        );
    }
    None
}

/// Keywords that begin a statement: a statement starting here after an unfinished one is
/// most likely a missing `;`.
const STATEMENT_STARTS: &[&str] = &[
    "ALTER", "ANALYZE", "CALL", "CLUSTER", "COMMENT", "COPY", "CREATE", "DELETE", "DO", "DROP",
    "GRANT", "INSERT", "LOCK", "MERGE", "REFRESH", "REINDEX", "REVOKE", "SELECT", "SET",
    "TRUNCATE", "UPDATE", "VACUUM", "VALUES", "WITH",
];

/// The likely mistake at `offset`, checked by fixing it and asking the grammar again.
fn hint(text: &str, tokens: &[ScanToken], offset: usize) -> Option<String> {
    let at = tokens.iter().position(|t| t.start as usize == offset);
    if let Some(at) = at {
        let word = token_text(text, &tokens[at]);
        let upper = word.to_ascii_uppercase();
        if at > 0 && STATEMENT_STARTS.contains(&upper.as_str()) && accepted(&text[offset..]) {
            return Some(format!(
                "two statements run together here: add `;` before `{upper}`"
            ));
        }
        // The misspelled word is the one PostgreSQL stopped at, or the one before it
        // (read as a name, it made the next token unexpected).
        for k in [Some(at), at.checked_sub(1)].into_iter().flatten() {
            if let Some(suggestion) = misspelled_keyword(text, &tokens[k]) {
                return Some(suggestion);
            }
        }
    }
    unbalanced_parentheses(text, tokens)
}

/// `CRATE` for `CREATE`: a word one edit away from a keyword, where the keyword makes the
/// text readable (or readable further).
fn misspelled_keyword(text: &str, token: &ScanToken) -> Option<String> {
    if token.keyword_kind != KeywordKind::NoKeyword as i32 || token.token != Token::Ident as i32 {
        return None;
    }
    let word = token_text(text, token);
    if word.len() < 3 || word.starts_with('"') {
        return None;
    }
    let upper = word.to_ascii_uppercase();
    sqlparser::keywords::ALL_KEYWORDS
        .iter()
        .filter(|k| k.len() >= 3 && one_edit_apart(&upper, k))
        .find(|keyword| {
            let fixed = format!(
                "{}{}{}",
                &text[..token.start as usize],
                keyword,
                &text[token.end as usize..]
            );
            match rejection(&fixed) {
                None => true,
                Some(message) => {
                    error_position(&fixed, &message, &scan(&fixed)).0 > token.end as usize
                }
            }
        })
        .map(|keyword| {
            format!("`{word}` is not a keyword PostgreSQL knows here: did you mean `{keyword}`?")
        })
}

/// One insertion, deletion, substitution or swap of neighbours turns `a` into `b`.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

/// More `(` than `)` or the reverse, counted on PostgreSQL's own tokens (quotes and
/// comments excluded).
fn unbalanced_parentheses(text: &str, tokens: &[ScanToken]) -> Option<String> {
    let mut open = Vec::new();
    for token in tokens {
        match token_text(text, token) {
            "(" => open.push(token.start as usize),
            ")" if open.pop().is_none() => {
                return Some("this `)` closes no `(`: remove it or add the missing `(`".into());
            }
            _ => {}
        }
    }
    open.last().map(|&at| {
        let (line, column) = crate::diagnostic::line_column(text, at);
        format!("the `(` at line {line}, column {column} of this statement is never closed: add the missing `)`")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn syntax_of_a_newer_postgresql_is_named_as_such() {
        for (sql, names) in [
            (
                "CREATE TABLE t (id int, CONSTRAINT t_id_not_null NOT NULL id)",
                "PostgreSQL 18",
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT t_id_not_null NOT NULL id",
                "PostgreSQL 18",
            ),
            (
                "UPDATE t SET a = 1 RETURNING WITH (OLD AS o, NEW AS n) o.a, n.a",
                "PostgreSQL 18",
            ),
            ("SELECT * FROM (SELECT 1)", "PostgreSQL 16"),
        ] {
            let error = super::check_grammar(sql).unwrap_err();
            assert!(
                error.hint.contains(names) && error.hint.contains("PostgreSQL 15"),
                "{sql}: {error:?}"
            );
        }
        // A NOT that is simply misplaced is not blamed on the version.
        let error = super::check_grammar("CREATE TABLE t (id int NOT)").unwrap_err();
        assert!(!error.hint.contains("PostgreSQL 18"), "{error:?}");
    }

    #[test]
    fn spans_stay_on_character_boundaries() {
        // A multi-byte character where PostgreSQL stops: no panic, a whole character.
        for text in [
            "éSELECT $1E'\\'':idE'\\''",
            "SELECT é FORM t",
            "é",
            "SELEC ü",
        ] {
            if let Err(error) = super::check_grammar(text) {
                assert!(text.is_char_boundary(error.offset), "{text}: {error:?}");
                assert!(
                    text.is_char_boundary(error.offset + error.length),
                    "{text}: {error:?}"
                );
            }
        }
        assert_eq!(super::on_char_boundaries("éa", 1, 1), (0, 2));
        assert_eq!(super::on_char_boundaries("aé", 1, 1), (1, 2));
        assert_eq!(super::on_char_boundaries("a", 5, 1), (1, 0));
    }

    use super::{check_grammar, one_edit_apart};

    fn hint_of(sql: &str) -> String {
        check_grammar(sql).expect_err(sql).hint
    }

    #[test]
    fn postgresql_15_statements_are_accepted() {
        for sql in [
            "ALTER TABLE t ALTER CONSTRAINT t_fk DEFERRABLE INITIALLY DEFERRED",
            "ALTER TABLE t ALTER CONSTRAINT t_fk NOT DEFERRABLE, VALIDATE CONSTRAINT u",
            "SELECT ARRAY[]::text[]",
            "SELECT id FROM jobs FOR NO KEY UPDATE SKIP LOCKED",
            "ALTER SEQUENCE s RESTART",
            "DO $$ BEGIN ALTER TABLE t ADD COLUMN c int; END $$",
            "SELECT $1::int",
        ] {
            assert_eq!(check_grammar(sql), Ok(()), "{sql}");
        }
    }

    #[test]
    fn rejections_name_the_likely_mistake() {
        let sql = "CREATE INDEX a ON t (x)\nCREATE INDEX b ON t (y)";
        let error = check_grammar(sql).unwrap_err();
        assert_eq!(error.message, "syntax error at or near \"CREATE\"");
        assert_eq!(error.offset, sql.rfind("CREATE").unwrap());
        assert_eq!(
            error.hint,
            "two statements run together here: add `;` before `CREATE`"
        );
        assert!(hint_of("CRATE TABLE t (id int)").contains("did you mean `CREATE`"));
        assert!(hint_of("CREATE TABEL t (id int)").contains("did you mean `TABLE`"));
        assert!(hint_of("SELECT a FORM t").contains("did you mean `FROM`"));
        assert!(hint_of("SELECT (a FROM t").contains("never closed"));
        assert!(hint_of("SELECT a) FROM t").contains("closes no `(`"));
        let sql = "SELECT * FROM (SELECT 1)";
        let error = check_grammar(sql).unwrap_err();
        assert_eq!(error.offset, 14);
        assert!(
            error.hint.starts_with("add an alias: `(SELECT …) AS sub`"),
            "{error:?}"
        );
    }

    #[test]
    fn the_error_points_at_the_occurrence_postgresql_stopped_at() {
        let sql = "SELECT 1 FROM t WHERE 1 = 1 1";
        let error = check_grammar(sql).unwrap_err();
        assert_eq!(error.offset, sql.len() - 1);
    }

    #[test]
    fn edits() {
        assert!(one_edit_apart("CRATE", "CREATE"));
        assert!(one_edit_apart("TABEL", "TABLE"));
        assert!(one_edit_apart("FORM", "FROM"));
        assert!(!one_edit_apart("FROM", "FROM"));
        assert!(!one_edit_apart("TBLE", "TITLE"));
    }
}
