//! Optional filters: a line of a query that ends in the comment `--? name` applies only when
//! parameter `name` is given (`Some`). Without the marker's effect the SQL is still the
//! complete statement, so other tools read it as it is. Each combination of given and
//! absent filters is a statement of its own: the lines of the absent ones blanked out and
//! the parameters renumbered, typed at build time and prepared separately at run time.

use std::ops::Range;

use crate::syntax::split::skip_token;

/// At most this many optional filters per query (2^4 = 16 statements, each typed).
pub const MAX_OPTIONAL_FILTERS: usize = 4;

/// The optional filters of one statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OptionalFilters {
    /// Parameter names, in order of their first marker (bit `j` of a variant's index).
    pub params: Vec<String>,
    /// For each parameter, the byte ranges of its lines in the statement text.
    pub lines: Vec<Vec<Range<usize>>>,
}

/// A marker problem: where in the statement text, how long, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerProblem {
    /// Offset in the statement text.
    pub offset: usize,
    /// Length of the text to underline.
    pub length: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

impl OptionalFilters {
    /// The statement text of variant `mask` (bit `j` set: filter `j` given): the lines of
    /// every absent filter replaced by spaces, so offsets in the text stay where they were.
    pub fn variant_text(&self, statement: &str, mask: usize) -> String {
        let mut bytes = statement.as_bytes().to_vec();
        for (j, lines) in self.lines.iter().enumerate() {
            if mask & (1 << j) != 0 {
                continue;
            }
            for line in lines {
                for b in &mut bytes[line.clone()] {
                    *b = b' ';
                }
            }
        }
        // Only whole lines of ASCII-delimited text were replaced by ASCII spaces.
        String::from_utf8(bytes).unwrap_or_else(|_| statement.to_string())
    }
}

/// The text a variant sends: lines left blank by absent filters removed.
pub fn compact(sql: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in sql.split('\n') {
        if line.trim().is_empty() && !line.is_empty() {
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// Finds the `--? name` markers of a statement and checks them: each names a parameter its
/// line uses, a marked parameter is used on its marked lines only, and there are at most
/// [`MAX_OPTIONAL_FILTERS`].
pub fn find(statement: &str) -> Result<OptionalFilters, MarkerProblem> {
    let mut filters = OptionalFilters::default();
    let mut i = 0;
    while i < statement.len() {
        let next = skip_token(statement, i).unwrap_or(statement.len());
        if statement[i..].starts_with("--?") {
            let comment_end = statement[i..].find('\n').map_or(statement.len(), |n| i + n);
            let name = statement[i + 3..comment_end].trim();
            let name = name.strip_prefix(':').unwrap_or(name);
            let problem = |message: String, help: &str| MarkerProblem {
                offset: i,
                length: comment_end - i,
                message,
                help: help.to_string(),
            };
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(problem(
                    format!(
                        "malformed optional-filter marker `{}`",
                        &statement[i..comment_end]
                    ),
                    "end the line of an optional clause with `--? name`, naming the parameter it depends on",
                ));
            }
            let line_start = statement[..i].rfind('\n').map_or(0, |n| n + 1);
            if !uses_param(&statement[line_start..i], name) {
                return Err(problem(
                    format!("`--? {name}` marks a line that does not use `:{name}`"),
                    "put the marker on the line of the clause that uses the parameter",
                ));
            }
            let j = match filters.params.iter().position(|p| p == name) {
                Some(j) => j,
                None => {
                    if filters.params.len() == MAX_OPTIONAL_FILTERS {
                        return Err(problem(
                            format!(
                                "more than {MAX_OPTIONAL_FILTERS} optional filters in one query (each combination is a statement of its own: at most {} are checked)",
                                1 << MAX_OPTIONAL_FILTERS
                            ),
                            "split the query, or make some filters required",
                        ));
                    }
                    filters.params.push(name.to_string());
                    filters.lines.push(Vec::new());
                    filters.params.len() - 1
                }
            };
            filters.lines[j].push(line_start..comment_end);
        }
        i = next;
    }
    for (j, name) in filters.params.iter().enumerate() {
        let mut others = OptionalFilters::default();
        others.params.push(name.clone());
        others.lines.push(filters.lines[j].clone());
        let without = others.variant_text(statement, 0);
        if let Some(offset) = param_offset(&without, name) {
            return Err(MarkerProblem {
                offset,
                length: name.len() + 1,
                message: format!(
                    "`:{name}` is an optional filter (`--? {name}`) but is also used outside the lines it marks"
                ),
                help: format!(
                    "an absent filter leaves its lines out, so `:{name}` may be used only there; use another parameter here"
                ),
            });
        }
    }
    Ok(filters)
}

/// Whether `text` uses parameter `:name` (outside quotes and comments).
fn uses_param(text: &str, name: &str) -> bool {
    param_offset(text, name).is_some()
}

/// The offset of the first `:name` in `text` (outside quotes and comments; not `::`).
fn param_offset(text: &str, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':'
            && (i == 0 || bytes[i - 1] != b':')
            && text[i + 1..].starts_with(name)
            && !bytes
                .get(i + 1 + name.len())
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Some(i);
        }
        i = skip_token(text, i).unwrap_or(bytes.len());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_and_blanks_absent_lines() {
        let sql = "SELECT id FROM users\nWHERE true\n  AND company_id = :company_id --? company_id\n  AND email = :email --? :email\nLIMIT :n";
        let filters = find(sql).unwrap();
        assert_eq!(filters.params, ["company_id", "email"]);
        let only_email = filters.variant_text(sql, 0b10);
        assert_eq!(only_email.len(), sql.len());
        assert!(!only_email.contains("company_id"));
        assert_eq!(
            compact(&only_email),
            "SELECT id FROM users\nWHERE true\n  AND email = :email --? :email\nLIMIT :n"
        );
    }

    #[test]
    fn rejects_markers_that_cannot_work() {
        let outside = find("SELECT :a::int AS x\nWHERE :a > 0 --? a").unwrap_err();
        assert!(outside.message.contains("also used outside"), "{outside:?}");
        let unused = find("SELECT 1\nWHERE true --? a").unwrap_err();
        assert!(unused.message.contains("does not use"), "{unused:?}");
        let many = "SELECT 1 WHERE true\n AND :a --? a\n AND :b --? b\n AND :c --? c\n AND :d --? d\n AND :e --? e";
        assert!(find(many).unwrap_err().message.contains("more than 4"));
        // `--?` inside a string is not a marker.
        assert_eq!(
            find("SELECT '--? a' AS x").unwrap(),
            OptionalFilters::default()
        );
    }
}
