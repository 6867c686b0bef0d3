//! Splits SQL text into statements, respecting quotes, dollar quotes and comments.

/// One statement of a SQL file, without its terminating semicolon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement text, trimmed of surrounding white space and comments.
    pub text: &'a str,
    /// Byte offset of `text` in the whole file.
    pub offset: usize,
}

/// A quote or comment that never ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unterminated {
    /// What was left open: "string literal", "quoted identifier", "dollar-quoted string", "block comment".
    pub what: &'static str,
    /// Byte offset where it starts.
    pub offset: usize,
}

/// Splits `text` at top-level semicolons. Statements that hold only white space and
/// comments are dropped. An unterminated quote or comment is an error pointing at its start.
pub fn split_statements(text: &str) -> Result<Vec<Statement<'_>>, Unterminated> {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                push_statement(text, start, i, &mut statements);
                i += 1;
                start = i;
            }
            _ => i = skip_token(text, i)?,
        }
    }
    push_statement(text, start, bytes.len(), &mut statements);
    Ok(statements)
}

/// Returns the offset just past the token starting at `i`: a quoted string, a quoted
/// identifier, a dollar-quoted string, a comment, or a single character.
pub fn skip_token(text: &str, i: usize) -> Result<usize, Unterminated> {
    let bytes = text.as_bytes();
    match bytes[i] {
        b'\'' => {
            let escapes = i > 0
                && matches!(bytes[i - 1], b'e' | b'E')
                && (i < 2 || !is_ident_byte(bytes[i - 2]));
            skip_quoted(bytes, i, b'\'', escapes).ok_or(Unterminated {
                what: "string literal",
                offset: i,
            })
        }
        b'"' => skip_quoted(bytes, i, b'"', false).ok_or(Unterminated {
            what: "quoted identifier",
            offset: i,
        }),
        b'-' if bytes.get(i + 1) == Some(&b'-') => {
            Ok(text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1))
        }
        b'/' if bytes.get(i + 1) == Some(&b'*') => {
            skip_block_comment(bytes, i).ok_or(Unterminated {
                what: "block comment",
                offset: i,
            })
        }
        b'$' if i == 0 || !is_ident_byte(bytes[i - 1]) => match dollar_tag(text, i) {
            Some(tag) => {
                let body = i + tag.len();
                text[body..]
                    .find(tag)
                    .map(|n| body + n + tag.len())
                    .ok_or(Unterminated {
                        what: "dollar-quoted string",
                        offset: i,
                    })
            }
            None => Ok(i + 1),
        },
        _ => Ok(i + text[i..].chars().next().map_or(1, char::len_utf8)),
    }
}

/// The `$tag$` opening at `i`, if there is one (`$1` is a parameter, not a tag).
fn dollar_tag(text: &str, i: usize) -> Option<&str> {
    let rest = &text[i + 1..];
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    if !rest[end..].starts_with('$') {
        return None;
    }
    let tag = &rest[..end];
    if tag.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(&text[i..i + end + 2])
}

fn skip_quoted(bytes: &[u8], i: usize, quote: u8, backslash_escapes: bool) -> Option<usize> {
    let mut j = i + 1;
    while j < bytes.len() {
        if backslash_escapes && bytes[j] == b'\\' {
            j += 2;
            continue;
        }
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return Some(j + 1);
        }
        j += 1;
    }
    None
}

fn skip_block_comment(bytes: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0;
    let mut j = i;
    while j + 1 < bytes.len() {
        if bytes[j] == b'/' && bytes[j + 1] == b'*' {
            depth += 1;
            j += 2;
        } else if bytes[j] == b'*' && bytes[j + 1] == b'/' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// A token at the start of a statement, for recognising its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// An unquoted word, lowercased (`create`, `users`).
    Word(String),
    /// A quoted identifier, as written without its quotes (`Users`).
    Quoted(String),
    /// One of `.`, `,`, `(`.
    Punct(char),
}

impl Token {
    /// The word or identifier text (punctuation as itself).
    pub fn text(&self) -> String {
        match self {
            Token::Word(w) | Token::Quoted(w) => w.clone(),
            Token::Punct(c) => c.to_string(),
        }
    }
}

/// The first `n` tokens of `text`; string literals, comments and other punctuation are
/// skipped.
pub fn leading_tokens(text: &str, n: usize) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < n {
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            out.push(Token::Word(text[start..i].to_ascii_lowercase()));
        } else if b == b'"' {
            let end = skip_token(text, i).unwrap_or(bytes.len());
            out.push(Token::Quoted(
                text[i + 1..end.saturating_sub(1).max(i + 1)].replace("\"\"", "\""),
            ));
            i = end;
        } else if matches!(b, b'.' | b',' | b'(') {
            out.push(Token::Punct(b as char));
            i += 1;
        } else {
            i = skip_token(text, i).unwrap_or(bytes.len());
        }
    }
    out
}

/// Offset of the first byte in `text[from..to]` that is neither white space nor comment.
pub fn skip_trivia(text: &str, from: usize, to: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if (bytes[i] == b'-' && bytes.get(i + 1) == Some(&b'-'))
            || (bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*'))
        {
            match skip_token(text, i) {
                Ok(next) => i = next.min(to),
                Err(_) => return i,
            }
        } else {
            break;
        }
    }
    i
}

fn push_statement<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<Statement<'a>>) {
    let begin = skip_trivia(text, start, end);
    if begin >= end {
        return;
    }
    let trimmed = text[begin..end].trim_end();
    out.push(Statement {
        text: trimmed,
        offset: begin,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql)
            .unwrap()
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "CREATE TABLE a (x text default ';');\n-- c;omment\nSELECT \"a;b\" FROM a; /* x; /* y; */ */ SELECT 1";
        assert_eq!(
            texts(sql),
            [
                "CREATE TABLE a (x text default ';')",
                "SELECT \"a;b\" FROM a",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn dollar_quotes_and_escape_strings() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nSELECT E'it\\'s; fine', $1;";
        assert_eq!(
            texts(sql),
            [
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT E'it\\'s; fine', $1"
            ]
        );
    }

    #[test]
    fn comment_only_text_has_no_statements() {
        assert!(texts("-- nothing\n/* at all */\n;\n").is_empty());
    }

    #[test]
    fn unterminated_quotes_point_at_their_start() {
        let err = split_statements("SELECT 1;\nSELECT 'abc").unwrap_err();
        assert_eq!(
            err,
            Unterminated {
                what: "string literal",
                offset: 17
            }
        );
        let err = split_statements("SELECT $$ abc").unwrap_err();
        assert_eq!(err.what, "dollar-quoted string");
        let err = split_statements("/* /* */").unwrap_err();
        assert_eq!(err.what, "block comment");
    }
}
