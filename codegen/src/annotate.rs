//! Parses query files: `--!` headers, overrides, `---` docs, and `:named` parameters -> `$n`.

use std::sync::Arc;

pub use crate::overrides::Override;

use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Cardinality;
use crate::overrides::parse_overrides;
use crate::source::SqlFile;
use crate::syntax::split::{skip_token, skip_trivia, split_statements};

/// One query of a query file, before inference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedQuery {
    /// Module name: the file's stem.
    pub module: String,
    /// Path of the file as shown to the user.
    pub file: String,
    /// The file's whole text (for diagnostics).
    pub source: Arc<str>,
    /// Query name from the header.
    pub name: String,
    /// Byte offset of the name in the file.
    pub name_offset: usize,
    /// 1-based line of the header.
    pub line: usize,
    /// Cardinality from the header.
    pub cardinality: Cardinality,
    /// `(param?, param!)` overrides, in written order.
    pub param_overrides: Vec<Override>,
    /// `-> (column?, column!)` overrides, in written order.
    pub column_overrides: Vec<Override>,
    /// `---` doc lines.
    pub docs: Vec<String>,
    /// The statement with `:name` replaced by `$n` (no trailing semicolon).
    pub sql: String,
    /// Parameters in `$n` order.
    pub params: Vec<ParamRef>,
    /// Maps offsets in `sql` back to offsets in the file: sorted `(sql_offset, file_offset)`
    /// pairs; an offset maps through the last pair at or before it.
    pub offset_map: Vec<(usize, usize)>,
    /// Parameters of optional filters (`--? name`), bit `j` of a variant's index.
    pub optional: Vec<String>,
    /// With optional filters: the statement for each combination, indexed by the bit mask
    /// of the given filters (the last one, all given, is `sql` itself); empty otherwise.
    pub variants: Vec<QueryVariant>,
}

/// One combination of given and absent optional filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryVariant {
    /// The statement with the absent filters' lines blanked, `:name` replaced by `$n`.
    pub sql: String,
    /// Its parameters in `$n` order.
    pub params: Vec<ParamRef>,
    /// As [`AnnotatedQuery::offset_map`].
    pub offset_map: Vec<(usize, usize)>,
}

/// A `:name` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamRef {
    /// The name without the colon.
    pub name: String,
    /// Byte offsets in the file of every `:name` occurrence (first one first).
    pub offsets: Vec<usize>,
}

impl AnnotatedQuery {
    /// The file offset of a byte offset in `sql`.
    pub fn file_offset(&self, sql_offset: usize) -> usize {
        let index = self.offset_map.partition_point(|&(s, _)| s <= sql_offset);
        match index.checked_sub(1) {
            Some(i) => {
                let (s, f) = self.offset_map[i];
                f + (sql_offset - s)
            }
            None => sql_offset,
        }
    }

    /// A diagnostic at a span of `sql` (offsets in `sql`).
    pub fn diagnostic_at_sql(
        &self,
        code: Code,
        sql_offset: usize,
        length: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic_at_file(code, self.file_offset(sql_offset), length, message)
    }

    /// A diagnostic at a file offset belonging to this query.
    pub fn diagnostic_at_file(
        &self,
        code: Code,
        offset: usize,
        length: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::at(
            code,
            &self.file,
            self.source.clone(),
            offset,
            length,
            message,
        )
        .with_query(&self.name)
    }
}

/// Rust keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Whether `name` can name a Rust item (keywords are fine: they become raw identifiers).
pub fn is_valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !NOT_RAW.contains(&name)
}

/// Parses every query of a query file. Problems are returned per query; a query with a
/// problem is left out of the result (other queries are still returned).
pub fn parse_file(file: &SqlFile) -> (Vec<AnnotatedQuery>, Vec<Diagnostic>) {
    let module = file
        .file_name
        .strip_suffix(".sql")
        .unwrap_or(&file.file_name)
        .to_string();
    let text: &str = &file.text;
    let mut diagnostics = Vec::new();
    let mut queries = Vec::new();
    if !is_valid_identifier(&module) {
        diagnostics.push(
            Diagnostic::file(Code::QueryName, &file.path, format!("query file name `{module}` is not a valid Rust module name"))
                .with_help("name query files `<module>.sql` with letters, digits and `_`, starting with a letter"),
        );
    }
    let (headers, misplaced) = header_offsets(text);
    for offset in misplaced {
        diagnostics.push(
            Diagnostic::at(Code::QueryHeader, &file.path, file.text.clone(), offset, line_len(text, offset), "`--!` header after other text on its line")
                .with_help("a query header must start its own line; move it to the next line (or use `--` for a plain comment)"),
        );
    }
    // Anything but comments before the first header is a query without a header.
    let first = headers.first().copied().unwrap_or(text.len());
    let lead = skip_trivia_all(text, 0, first);
    if lead < first {
        diagnostics.push(
            Diagnostic::at(
                Code::QueryHeader,
                &file.path,
                file.text.clone(),
                lead,
                line_len(text, lead),
                "query without a `--!` header",
            )
            .with_help("start each query with a header line like `--! user_by_id :one`"),
        );
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, &start) in headers.iter().enumerate() {
        let end = headers.get(i + 1).copied().unwrap_or(text.len());
        match parse_block(file, &module, start, end) {
            Ok(query) => {
                if let Some((_, first_offset)) = seen.iter().find(|(n, _)| *n == query.name) {
                    let (line, _) = crate::diagnostic::line_column(text, *first_offset);
                    diagnostics.push(
                        query
                            .diagnostic_at_file(Code::DuplicateQuery, query.name_offset, query.name.len(), format!("duplicate query name `{}`", query.name))
                            .with_help(format!("the first query with this name is on line {line}; rename one of them")),
                    );
                    continue;
                }
                seen.push((query.name.clone(), query.name_offset));
                queries.push(query);
            }
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (queries, diagnostics)
}

/// Offsets of lines that start with `--!` (outside quotes and block comments), and of
/// `--!` comments that follow other text on their line (a header there would be ignored).
fn header_offsets(text: &str) -> (Vec<usize>, Vec<usize>) {
    let mut out = Vec::new();
    let mut misplaced = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start && text[i..].starts_with("--!") {
            out.push(i);
        }
        let b = bytes[i];
        if b == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        let was_line_start = std::mem::replace(&mut line_start, false);
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            if !was_line_start && text[i..].starts_with("--!") {
                misplaced.push(i);
            }
            // Line comment: stop before the newline so the next line is seen as a start.
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        i = skip_token(text, i).unwrap_or(bytes.len());
    }
    (out, misplaced)
}

fn skip_trivia_all(text: &str, from: usize, to: usize) -> usize {
    skip_trivia(text, from, to)
}

fn line_len(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').unwrap_or(text.len() - offset)
}

fn parse_block(
    file: &SqlFile,
    module: &str,
    start: usize,
    end: usize,
) -> Result<AnnotatedQuery, Box<Diagnostic>> {
    let text: &str = &file.text;
    let header_end = text[start..end].find('\n').map_or(end, |n| start + n);
    let header = &text[start..header_end];
    let (line, _) = crate::diagnostic::line_column(text, start);
    let err = |code: Code, offset: usize, len: usize, msg: String, help: &str| {
        Box::new(
            Diagnostic::at(code, &file.path, file.text.clone(), offset, len, msg)
                .with_help(help.to_string()),
        )
    };
    const HEADER_HELP: &str = "write the header as `--! <name> :one|:opt|:many|:exec`, optionally followed by `(param?, …) -> (column!, …)`";
    // Name.
    let mut pos = start + 3;
    pos += count_ws(&text[pos..header_end]);
    let name_start = pos;
    while pos < header_end
        && !text.as_bytes()[pos].is_ascii_whitespace()
        && text.as_bytes()[pos] != b':'
    {
        pos += 1;
    }
    let name = &text[name_start..pos];
    if name.is_empty() {
        return Err(err(
            Code::QueryHeader,
            start,
            header.len(),
            "malformed query header: missing query name".into(),
            HEADER_HELP,
        ));
    }
    if !is_valid_identifier(name) {
        return Err(err(
            Code::QueryName,
            name_start,
            name.len(),
            format!("query name `{name}` is not a valid Rust identifier"),
            "use letters, digits and `_`, starting with a letter or `_` (e.g. `user_by_id`)",
        ));
    }
    pos += count_ws(&text[pos..header_end]);
    // Cardinality.
    if text.as_bytes().get(pos) != Some(&b':') || pos >= header_end {
        return Err(err(
            Code::QueryHeader,
            name_start,
            header_end - name_start,
            format!("malformed query header: missing cardinality after `{name}`"),
            HEADER_HELP,
        ));
    }
    let (cardinality, pos) = parse_cardinality(text, pos + 1, header_end).map_err(|word| {
        err(
            Code::QueryHeader,
            pos,
            word.len() + 1,
            format!("unknown cardinality `:{word}`"),
            "use one of `:one`, `:opt`, `:many`, `:exec`, `:copy`",
        )
    })?;
    // Overrides.
    let (param_overrides, column_overrides, pos) = parse_overrides(text, pos, header_end)
        .map_err(|(o, what)| err(Code::QueryHeader, o, 1, what, HEADER_HELP))?;
    if pos < header_end {
        let rest = &text[pos..header_end];
        if !rest.starts_with("--") {
            return Err(err(
                Code::QueryHeader,
                pos,
                rest.len(),
                format!("malformed query header: unexpected `{}`", rest.trim()),
                HEADER_HELP,
            ));
        }
    }
    let (docs, body_start) = doc_lines(text, (header_end + 1).min(end), end);
    let body = &text[body_start..end];
    let statements = split_statements(body).map_err(|u| {
        err(
            Code::Unterminated,
            body_start + u.offset,
            1,
            format!("unterminated {}", u.what),
            "close it before the next query",
        )
    })?;
    let name = name.to_string();
    let with_query = |d: Box<Diagnostic>| Box::new(d.with_query(&name));
    let statement = match statements.as_slice() {
        [statement] => statement,
        [] => {
            return Err(with_query(err(
                Code::EmptyQuery,
                start,
                header.len(),
                format!("query `{name}` is empty"),
                "write one SQL statement after the header",
            )));
        }
        [_, second, ..] => {
            let offset = body_start + second.offset;
            let length = second.text.len().min(line_len(text, offset));
            return Err(with_query(err(
                Code::MultipleStatements,
                offset,
                length,
                format!("query `{name}` has more than one statement"),
                "a query holds exactly one statement; give this statement its own `--!` header",
            )));
        }
    };
    let stmt_offset = body_start + statement.offset;
    let filters = crate::optional::find(statement.text).map_err(|p| {
        with_query(err(
            Code::OptionalFilter,
            stmt_offset + p.offset,
            p.length,
            p.message,
            &p.help,
        ))
    })?;
    if !filters.params.is_empty() && cardinality == Cardinality::Copy {
        return Err(with_query(copy_with_filters(file, &name, name_start)));
    }
    let variants = query_variants(&filters, statement.text, stmt_offset);
    let (sql, params, offset_map) = number_params(statement.text, stmt_offset);
    Ok(AnnotatedQuery {
        module: module.to_string(),
        file: file.path.clone(),
        source: file.text.clone(),
        name,
        name_offset: name_start,
        line,
        cardinality,
        param_overrides,
        column_overrides,
        docs,
        sql,
        params,
        offset_map,
        optional: filters.params,
        variants,
    })
}

/// The cardinality word starting at `start` (after its `:`) and where the header goes on,
/// or the word when it is not a cardinality.
fn parse_cardinality(
    text: &str,
    start: usize,
    header_end: usize,
) -> Result<(Cardinality, usize), &str> {
    let mut pos = start;
    while pos < header_end && text.as_bytes()[pos].is_ascii_alphanumeric() {
        pos += 1;
    }
    let word = &text[start..pos];
    Cardinality::parse(word).map(|c| (c, pos)).ok_or(word)
}

/// A `:copy` query with `--?` markers: COPY has no WHERE to filter.
fn copy_with_filters(file: &SqlFile, name: &str, name_start: usize) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::at(
            Code::OptionalFilter,
            &file.path,
            file.text.clone(),
            name_start,
            name.len(),
            format!("`:copy` query `{name}` cannot have optional filters"),
        )
        .with_help("COPY loads every row with the same columns; remove the `--?` markers"),
    )
}

/// With optional filters, the statement of each combination of given (bit set) and absent
/// filters, numbered; empty without filters.
fn query_variants(
    filters: &crate::optional::OptionalFilters,
    statement: &str,
    stmt_offset: usize,
) -> Vec<QueryVariant> {
    if filters.params.is_empty() {
        return Vec::new();
    }
    (0..(1usize << filters.params.len()))
        .map(|mask| {
            let text = filters.variant_text(statement, mask);
            let (sql, params, offset_map) = number_params(&text, stmt_offset);
            QueryVariant {
                sql,
                params,
                offset_map,
            }
        })
        .collect()
}

/// The `---` doc lines from `body_start` on (marker and one space removed), and where
/// the statement starts after them.
fn doc_lines(text: &str, mut body_start: usize, end: usize) -> (Vec<String>, usize) {
    let mut docs = Vec::new();
    loop {
        let line_end = text[body_start..end]
            .find('\n')
            .map_or(end, |n| body_start + n);
        let line = text[body_start..line_end].trim_start();
        if let Some(doc) = line.strip_prefix("---") {
            docs.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end().to_string());
            body_start = (line_end + 1).min(end);
            if line_end >= end {
                break;
            }
        } else {
            break;
        }
    }
    (docs, body_start)
}

fn count_ws(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// Replaces `:name` by `$n` (same name, same n; numbered by first appearance).
fn number_params(sql: &str, base: usize) -> (String, Vec<ParamRef>, Vec<(usize, usize)>) {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut params: Vec<ParamRef> = Vec::new();
    let mut map = vec![(0, base)];
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':'
            && (i == 0 || bytes[i - 1] != b':')
            && bytes
                .get(i + 1)
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
        {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            let name = &sql[i + 1..j];
            out.push_str(&sql[copied..i]);
            let index = match params.iter().position(|p| p.name == name) {
                Some(index) => {
                    params[index].offsets.push(base + i);
                    index
                }
                None => {
                    params.push(ParamRef {
                        name: name.to_string(),
                        offsets: vec![base + i],
                    });
                    params.len() - 1
                }
            };
            map.push((out.len(), base + i));
            out.push_str(&format!("${}", index + 1));
            copied = j;
            map.push((out.len(), base + j));
            i = j;
            continue;
        }
        i = skip_token(sql, i).unwrap_or(bytes.len());
    }
    out.push_str(&sql[copied..]);
    (out, params, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SqlFile {
        SqlFile {
            path: "sql/queries/users.sql".into(),
            file_name: "users.sql".into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn numbers_params_by_first_appearance_and_skips_casts_strings_and_assignments() {
        let (sql, params, _) = number_params(
            "SELECT :b::int4, ':a', $$:a$$, names[:a], :b, x := 1 -- :c\n",
            0,
        );
        assert_eq!(
            sql,
            "SELECT $1::int4, ':a', $$:a$$, names[$2], $1, x := 1 -- :c\n"
        );
        let names: Vec<_> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn header_overrides_docs_and_offsets() {
        let text = "--! user_by_id :opt (id?) -> (email!)\n--- Finds a user.\nSELECT email FROM users WHERE id = :id;\n";
        let (queries, diagnostics) = parse_file(&file(text));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let q = &queries[0];
        assert_eq!(q.name, "user_by_id");
        assert_eq!(q.cardinality, Cardinality::Opt);
        assert_eq!(q.docs, ["Finds a user."]);
        assert_eq!(q.sql, "SELECT email FROM users WHERE id = $1");
        assert_eq!(q.param_overrides[0].name, "id");
        assert!(q.param_overrides[0].nullable);
        assert!(!q.column_overrides[0].nullable);
        let dollar = q.sql.find("$1").unwrap();
        assert_eq!(
            &text[q.file_offset(dollar)..q.file_offset(dollar) + 3],
            ":id"
        );
    }

    #[test]
    fn reports_every_header_problem() {
        let text = "SELECT 0;\n--! :one\nSELECT 1;\n--! a :some\nSELECT 1;\n--! 1abc :one\nSELECT 1;\n--! b :one\n\n--! c :one\nSELECT 1; SELECT 2;\n--! d :one\nSELECT 1;\n--! d :one\nSELECT 1;\n";
        let (queries, diagnostics) = parse_file(&file(text));
        let messages: Vec<_> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "query without a `--!` header",
                "malformed query header: missing query name",
                "unknown cardinality `:some`",
                "query name `1abc` is not a valid Rust identifier",
                "query `b` is empty",
                "query `c` has more than one statement",
                "duplicate query name `d`",
            ]
        );
        assert_eq!(queries.len(), 1);
    }
}
