//! Query text sqlparser cannot read, rewritten into equivalent text it can:
//! `UPDATE … SET col[i] = v`, `BETWEEN SYMMETRIC`, ON CONFLICT index predicates and
//! parenthesized `INSERT … (SELECT …)`. Each rewrite keeps every parameter's type.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// [`subscript_assignments`] of a statement's text.
#[cfg(test)]
pub fn rewrite_subscript_assignments(sql: &str) -> Option<String> {
    subscript_assignments(&tokens_of(sql)?)
}

/// Rewrites each `SET col[i]… = v` of an UPDATE into
/// `SET col = CASE WHEN col[i]… IS NOT DISTINCT FROM (v) THEN col ELSE col END`,
/// which sqlparser reads and which gives `i` the subscript's type (int4 for arrays, text
/// for jsonb) and `v` the element's type, as PostgreSQL's assignment does. `None` when
/// the statement has no such target.
fn subscript_assignments(tokens: &[Token]) -> Option<String> {
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

/// Rewrites what sqlparser cannot read into statements PostgreSQL types identically;
/// `None` when nothing applies. Also returns the checks the rewrite moved out of the
/// statement (`SELECT … WHERE pred` for an `ON CONFLICT (…) WHERE pred` index
/// predicate), to be typed separately without parameters.
pub fn rewrite_for_parser(sql: &str) -> Option<(String, Vec<String>)> {
    // The text is tokenized once, and again only after a rewrite changed it.
    let mut tokens = tokens_of(sql)?;
    let mut sql = sql.to_string();
    let mut changed = false;
    let mut checks = Vec::new();
    let mut apply = |sql: &mut String, tokens: &mut Vec<Token>, rewritten: Option<String>| {
        if let Some(s) = rewritten {
            *tokens = tokens_of(&s).unwrap_or_default();
            *sql = s;
            changed = true;
        }
    };
    let rewritten = subscript_assignments(&tokens);
    apply(&mut sql, &mut tokens, rewritten);
    let rewritten = drop_between_symmetric(&tokens);
    apply(&mut sql, &mut tokens, rewritten);
    let rewritten = drop_conflict_index_predicate(&tokens).map(|(s, check)| {
        checks.push(check);
        s
    });
    apply(&mut sql, &mut tokens, rewritten);
    let rewritten = parenthesize_insert_select(&tokens);
    apply(&mut sql, &mut tokens, rewritten);
    let rewritten = plain_lock_strength(&tokens);
    apply(&mut sql, &mut tokens, rewritten);
    changed.then_some((sql, checks))
}

fn tokens_of(sql: &str) -> Option<Vec<Token>> {
    Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()
}

fn is_word(t: &Token, k: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(k))
}

/// Index of the next non-whitespace token at or after `i`.
fn next_solid(tokens: &[Token], mut i: usize) -> usize {
    while matches!(tokens.get(i), Some(Token::Whitespace(_))) {
        i += 1;
    }
    i
}

/// `a BETWEEN SYMMETRIC b AND c` becomes `a BETWEEN b AND c` (and ASYMMETRIC, which is
/// the default, is dropped): PostgreSQL expands both to `>=`/`<=` comparisons of the same
/// operands (`a >= b AND a <= c`, or that OR the swapped pair), so operator resolution,
/// parameter types and nullability are the same.
fn drop_between_symmetric(tokens: &[Token]) -> Option<String> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut changed = false;
    let mut i = 0;
    while i < tokens.len() {
        out.push(tokens[i].to_string());
        if is_word(&tokens[i], "BETWEEN") {
            let j = next_solid(tokens, i + 1);
            if tokens
                .get(j)
                .is_some_and(|t| is_word(t, "SYMMETRIC") || is_word(t, "ASYMMETRIC"))
            {
                out.push(" ".into());
                i = j + 1;
                changed = true;
                continue;
            }
        }
        i += 1;
    }
    changed.then(|| out.concat())
}

/// The depth-0 INSERT keyword (after any WITH list).
fn top_insert(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ if depth == 0 && is_word(t, "INSERT") => return Some(i),
            _ => {}
        }
    }
    None
}

/// Positions of the depth-0 `ON CONFLICT` of an INSERT: (index of ON, index of CONFLICT).
fn on_conflict_at(tokens: &[Token]) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    let mut seen_insert = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ if depth == 0 && is_word(t, "INSERT") => seen_insert = true,
            _ if depth == 0 && seen_insert && is_word(t, "ON") => {
                let j = next_solid(tokens, i + 1);
                if tokens.get(j).is_some_and(|t| is_word(t, "CONFLICT")) {
                    return Some((i, j));
                }
            }
            _ => {}
        }
    }
    None
}

/// `INSERT … ON CONFLICT (cols) WHERE pred DO …`: the predicate only picks the partial
/// unique index that arbitrates, and adds nothing to the statement's parameters or
/// result, so when it holds no parameter it is dropped and returned as
/// `SELECT 1 FROM <target> WHERE pred`, which types the predicate in the same scope (the
/// target table only).
fn drop_conflict_index_predicate(tokens: &[Token]) -> Option<(String, String)> {
    let (_, conflict) = on_conflict_at(tokens)?;
    let open = next_solid(tokens, conflict + 1);
    if tokens.get(open) != Some(&Token::LParen) {
        return None;
    }
    let mut depth = 0i32;
    let mut close = open;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            close = i;
            break;
        }
    }
    let where_at = next_solid(tokens, close + 1);
    if !tokens.get(where_at).is_some_and(|t| is_word(t, "WHERE")) {
        return None;
    }
    let mut depth = 0i32;
    let mut do_at = None;
    for (i, t) in tokens.iter().enumerate().skip(where_at + 1) {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ if depth == 0 && is_word(t, "DO") => {
                do_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let do_at = do_at?;
    let predicate = &tokens[where_at + 1..do_at];
    if predicate.iter().any(|t| matches!(t, Token::Placeholder(_))) {
        return None;
    }
    // The target: `INSERT INTO name [AS alias]` up to the column list, VALUES, SELECT, …
    let insert = top_insert(tokens)?;
    let into = next_solid(tokens, insert + 1);
    if !tokens.get(into).is_some_and(|t| is_word(t, "INTO")) {
        return None;
    }
    let mut end = into + 1;
    while let Some(t) = tokens.get(end) {
        if matches!(t, Token::LParen)
            || ["VALUES", "SELECT", "DEFAULT", "OVERRIDING", "WITH", "TABLE"]
                .iter()
                .any(|k| is_word(t, k))
        {
            break;
        }
        end += 1;
    }
    let target: String = tokens[into + 1..end].iter().map(Token::to_string).collect();
    let predicate: String = predicate.iter().map(Token::to_string).collect();
    let mut out: Vec<String> = tokens[..=close].iter().map(Token::to_string).collect();
    out.push(" ".into());
    out.extend(tokens[do_at..].iter().map(Token::to_string));
    Some((
        out.concat(),
        format!("SELECT 1 FROM {} WHERE {}", target.trim(), predicate.trim()),
    ))
}

/// `INSERT … SELECT list ON CONFLICT …` whose SELECT has no FROM: sqlparser reads `ON`
/// as a column alias, which PostgreSQL reserves. The SELECT is put in parentheses
/// (`INSERT INTO t (SELECT …) ON CONFLICT …`, the same statement in PostgreSQL's
/// grammar).
fn parenthesize_insert_select(tokens: &[Token]) -> Option<String> {
    let (on, _) = on_conflict_at(tokens)?;
    let insert = top_insert(tokens)?;
    let mut depth = 0i32;
    let mut select = None;
    for (i, t) in tokens.iter().enumerate().take(on).skip(insert) {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ if depth == 0 && is_word(t, "SELECT") => {
                select = Some(i);
                break;
            }
            _ => {}
        }
    }
    let select = select?;
    let mut out: Vec<String> = tokens[..select].iter().map(Token::to_string).collect();
    out.push("(".into());
    out.extend(tokens[select..on].iter().map(Token::to_string));
    out.push(") ".into());
    out.extend(tokens[on..].iter().map(Token::to_string));
    Some(out.concat())
}

/// `FOR NO KEY UPDATE` becomes `FOR UPDATE` and `FOR KEY SHARE` becomes `FOR SHARE`: the
/// lock strength changes which rows wait, never the types or nullability of the result.
fn plain_lock_strength(tokens: &[Token]) -> Option<String> {
    let mut out = String::new();
    let mut changed = false;
    let mut i = 0;
    while i < tokens.len() {
        if is_word(&tokens[i], "FOR") {
            let a = next_solid(tokens, i + 1);
            let b = next_solid(tokens, a + 1);
            let c = next_solid(tokens, b + 1);
            let strength = match (tokens.get(a), tokens.get(b), tokens.get(c)) {
                (Some(x), Some(y), Some(z))
                    if is_word(x, "NO") && is_word(y, "KEY") && is_word(z, "UPDATE") =>
                {
                    Some(("UPDATE", c))
                }
                (Some(x), Some(y), _) if is_word(x, "KEY") && is_word(y, "SHARE") => {
                    Some(("SHARE", b))
                }
                _ => None,
            };
            if let Some((strength, last)) = strength {
                out.push_str("FOR ");
                out.push_str(strength);
                i = last + 1;
                changed = true;
                continue;
            }
        }
        out.push_str(&tokens[i].to_string());
        i += 1;
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite_subscript_assignments;

    #[test]
    fn unreadable_forms_become_equivalent_ones() {
        let parses = |sql: &str| {
            sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql)
                .is_ok()
        };
        let (s, checks) =
            super::rewrite_for_parser("SELECT 1 WHERE $1 NOT BETWEEN SYMMETRIC 2 AND 3").unwrap();
        assert_eq!(s, "SELECT 1 WHERE $1 NOT BETWEEN  2 AND 3");
        assert!(checks.is_empty() && parses(&s));
        let (s, checks) = super::rewrite_for_parser(
            "INSERT INTO p AS x (a, b) SELECT $1, 2 ON CONFLICT (a) WHERE x.b > 0 DO UPDATE SET b = 1",
        )
        .unwrap();
        assert_eq!(
            s,
            "INSERT INTO p AS x (a, b) (SELECT $1, 2 ) ON CONFLICT (a) DO UPDATE SET b = 1"
        );
        assert_eq!(checks, ["SELECT 1 FROM p AS x WHERE x.b > 0"]);
        assert!(parses(&s));
        assert!(
            super::rewrite_for_parser(
                "INSERT INTO p VALUES (1) ON CONFLICT (a) WHERE b > $1 DO NOTHING"
            )
            .is_none()
        );
    }

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
