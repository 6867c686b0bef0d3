//! Words of SQL text read without the parser: a statement's leading keywords, names as
//! written (`s."T"`), and the words of a statement with their parenthesis depth.

use super::split::{Token, leading_tokens, skip_token, skip_trivia};

/// A possibly schema-qualified name, folded as PostgreSQL folds identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifiedName {
    /// The schema, when the name is qualified.
    pub schema: Option<String>,
    /// The name.
    pub name: String,
}

impl QualifiedName {
    /// Reads a name as written: `users`, `"Users"`, `app.users`.
    pub fn from_written(written: &str) -> QualifiedName {
        match written.rsplit_once('.') {
            Some((schema, name)) => QualifiedName {
                schema: Some(normalize_ident(schema)),
                name: normalize_ident(name),
            },
            None => QualifiedName {
                schema: None,
                name: normalize_ident(written),
            },
        }
    }

    /// (schema, name), with `public` for an unqualified name.
    pub fn in_public(self) -> (String, String) {
        (self.schema.unwrap_or_else(|| "public".into()), self.name)
    }
}

/// A word or other token of a statement, with its byte range and parenthesis depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexeme {
    /// Byte offset where the token starts.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
    /// How many parentheses are open around it (a parenthesis itself counts as outside).
    pub depth: usize,
    /// The unquoted word, lowercased; `None` for quoted text, numbers and punctuation.
    pub word: Option<String>,
}

impl Lexeme {
    /// Whether this is the unquoted word `word` (lowercase) outside any parentheses.
    pub fn is_top_level_word(&self, word: &str) -> bool {
        self.depth == 0 && self.word.as_deref() == Some(word)
    }
}

/// The first `n` words of a statement, lowercased, skipping comments, quoted text and punctuation.
pub fn leading_words(text: &str, n: usize) -> Vec<String> {
    leading_tokens(text, usize::MAX)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .take(n)
        .collect()
}

/// The word at `index` (0-based) of `text` as written, quotes and qualifiers included
/// (`s."T"`); words are separated by white space and comments, and the first other
/// character ends the search.
pub fn written_word(text: &str, index: usize) -> Option<&str> {
    let mut i = skip_trivia(text, 0, text.len());
    let mut n = 0;
    while i < text.len() {
        let rest = &text[i..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        if n == index {
            return Some(&rest[..len]);
        }
        n += 1;
        i = skip_trivia(text, i + len, text.len());
    }
    None
}

/// An identifier as PostgreSQL folds it: the inside of a quoted one, else lowercased.
pub fn normalize_ident(written: &str) -> String {
    if let Some(inner) = written.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        inner.replace("\"\"", "\"")
    } else {
        written.to_lowercase()
    }
}

/// Every token of `text` outside comments: words, quoted text and single characters,
/// each with its parenthesis depth. `None` when a quote or comment is left open.
pub fn lexemes(text: &str) -> Option<Vec<Lexeme>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = skip_trivia(text, 0, text.len());
    while i < text.len() {
        let rest = &text[i..];
        let first = rest.chars().next()?;
        let (end, word) = if first.is_alphabetic() || first == '_' {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            (i + len, Some(rest[..len].to_lowercase()))
        } else {
            (skip_token(text, i).ok()?, None)
        };
        if first == ')' {
            depth = depth.saturating_sub(1);
        }
        out.push(Lexeme {
            start: i,
            end,
            depth,
            word,
        });
        if first == '(' {
            depth += 1;
        }
        i = skip_trivia(text, end, text.len());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_words_keep_quotes_and_qualifiers() {
        let text = "ALTER TABLE /* c */ app.\"Users\" SET SCHEMA x";
        assert_eq!(written_word(text, 2), Some("app.\"Users\""));
        assert_eq!(written_word("CREATE TABLE t(a int)", 3), None);
        assert_eq!(
            QualifiedName::from_written("app.\"Users\""),
            QualifiedName {
                schema: Some("app".into()),
                name: "Users".into()
            }
        );
    }

    #[test]
    fn lexemes_know_their_depth() {
        let lexemes = lexemes("a (b 'c)' \"d\" -- e)\n) f").unwrap();
        let summary: Vec<(usize, Option<&str>)> = lexemes
            .iter()
            .map(|l| (l.depth, l.word.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                (0, Some("a")),
                (0, None),
                (1, Some("b")),
                (1, None),
                (1, None),
                (0, None),
                (0, Some("f"))
            ]
        );
    }
}
