//! Checks a plain-format dump before `psql` sees it: complete (pg_dump's closing line),
//! well-formed (no unterminated string, comment or COPY block), free of psql meta-commands
//! and of transaction control that would end the restore's single transaction.
//!
//! The lexer follows psql's: `'…'` (with `''`), `E'…'` (backslash escapes), `"…"`,
//! `$tag$…$tag$`, `--` and nested `/* */` comments; a backslash anywhere else starts a
//! meta-command. After a `COPY … FROM stdin;` line, lines are data up to a line `\.`.

/// What a valid dump holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PlainDump {
    /// Whether it drops its objects before creating them (`pg_dump --clean`).
    pub has_drops: bool,
    /// The key of pg_dump's own `\restrict` line, when there is one.
    pub restrict_key: Option<String>,
}

/// The last comment pg_dump writes: a dump without it was cut short.
pub const COMPLETE_LINE: &str = "-- PostgreSQL database dump complete";

/// Checks `text` (a whole plain dump); the error names the line and what is wrong.
pub fn check_plain_dump(text: &[u8]) -> Result<PlainDump, String> {
    let mut dump = PlainDump::default();
    let mut lexer = Lexer::default();
    let mut copy_data = false;
    let mut complete = false;
    let mut statements = 0usize;
    for (index, line) in text.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        if copy_data {
            if line == b"\\." {
                copy_data = false;
            }
            continue;
        }
        if complete && !matches!(line, b"" | b"--") && !is_unrestrict(line, &dump) {
            return Err(format!(
                "line {number}: text after pg_dump's closing line `{COMPLETE_LINE}`; the file was altered"
            ));
        }
        if line.first() == Some(&b'\\') && lexer.at_statement_start() {
            match meta_line(line) {
                Some(("restrict", key)) if statements == 0 && dump.restrict_key.is_none() => {
                    dump.restrict_key = Some(key.to_string());
                    continue;
                }
                Some(("unrestrict", _)) if is_unrestrict(line, &dump) && complete => continue,
                _ => {}
            }
        }
        if lexer.at_statement_start() && line == COMPLETE_LINE.as_bytes() {
            complete = true;
            continue;
        }
        for statement in lexer
            .feed_line(line)
            .map_err(|e| format!("line {number}: {e}"))?
        {
            statements += 1;
            let words = first_words(&statement);
            match words.as_slice() {
                [first, ..] if is_transaction_control(first) => {
                    return Err(format!(
                        "line {number}: `{}` ends the restore's transaction; a pg_dump file holds no transaction control",
                        words.join(" ")
                    ));
                }
                [first, ..] if first == "drop" => dump.has_drops = true,
                [first, ..] if first == "copy" => {
                    copy_data = is_copy_from_stdin(&statement, line, number)?;
                }
                _ => {}
            }
            if statement
                .to_ascii_lowercase()
                .contains("standard_conforming_strings")
                && words != ["set", "standard_conforming_strings", "=", "on"]
            {
                return Err(format!(
                    "line {number}: changes standard_conforming_strings; a pg_dump file only turns it on"
                ));
            }
        }
    }
    if copy_data {
        return Err("the file ends inside COPY data (no `\\.` line): it was cut short".into());
    }
    if !complete {
        return Err(format!(
            "the file does not end with pg_dump's closing line `{COMPLETE_LINE}`: it was cut short, or is not a pg_dump file"
        ));
    }
    if let Some(open) = lexer.open_construct() {
        return Err(format!(
            "the file ends inside {open}: it was cut short or is not SQL"
        ));
    }
    Ok(dump)
}

fn is_unrestrict(line: &[u8], dump: &PlainDump) -> bool {
    matches!((meta_line(line), &dump.restrict_key), (Some(("unrestrict", key)), Some(expected)) if key == expected)
}

/// `\restrict KEY` / `\unrestrict KEY` with an alphanumeric key, as pg_dump writes them.
fn meta_line(line: &[u8]) -> Option<(&str, &str)> {
    let text = std::str::from_utf8(line).ok()?;
    let (command, key) = text.strip_prefix('\\')?.split_once(' ')?;
    let valid_key = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric());
    (matches!(command, "restrict" | "unrestrict") && valid_key).then_some((command, key))
}

fn is_transaction_control(word: &str) -> bool {
    matches!(
        word,
        "begin" | "commit" | "end" | "rollback" | "abort" | "start" | "prepare"
    )
}

/// A COPY must be pg_dump's `COPY <table> (<columns>) FROM stdin;` on a line of its own:
/// psql then reads the following lines as data.
fn is_copy_from_stdin(statement: &str, line: &[u8], number: usize) -> Result<bool, String> {
    let normalized = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole_line = std::str::from_utf8(line).is_ok_and(|l| l.trim_end() == statement.trim());
    if normalized.ends_with(" FROM stdin;") && normalized.starts_with("COPY ") && whole_line {
        return Ok(true);
    }
    Err(format!(
        "line {number}: `{}` is not pg_dump's `COPY … FROM stdin;` line",
        truncate(&normalized, 80)
    ))
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The first three words of a statement, lowercase, with comments skipped.
fn first_words(statement: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in statement.lines() {
        let code = line.split("--").next().unwrap_or_default();
        for word in code.split_whitespace() {
            let word = word.trim_end_matches(';').to_ascii_lowercase();
            if !word.is_empty() {
                words.push(word);
            }
            if words.len() == 4 {
                return words;
            }
        }
    }
    words
}

/// Where the lexer is between two bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum State {
    #[default]
    Code,
    String {
        escapes: bool,
    },
    Identifier,
    Dollar(String),
    Block(usize),
}

#[derive(Debug, Default)]
struct Lexer {
    state: State,
    /// The statement so far (code, strings and all).
    statement: String,
}

impl Lexer {
    fn at_statement_start(&self) -> bool {
        self.state == State::Code && self.statement.trim().is_empty()
    }

    fn open_construct(&self) -> Option<&'static str> {
        match self.state {
            State::Code if self.statement.trim().is_empty() => None,
            State::Code => Some("a statement without its closing `;`"),
            State::String { .. } => Some("a quoted string"),
            State::Identifier => Some("a quoted identifier"),
            State::Dollar(_) => Some("a dollar-quoted string"),
            State::Block(_) => Some("a /* comment */"),
        }
    }

    /// Lexes one line; returns the statements it completed.
    fn feed_line(&mut self, line: &[u8]) -> Result<Vec<String>, String> {
        let text = String::from_utf8_lossy(line);
        let chars: Vec<char> = text.chars().collect();
        let mut done = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let mut width = 1;
            let was_comment = matches!(self.state, State::Block(_));
            match &mut self.state {
                State::Code => match c {
                    '-' if next == Some('-') => {
                        // A line comment: the rest of the line is not code.
                        self.statement.push('\n');
                        return Ok(done);
                    }
                    '/' if next == Some('*') => {
                        self.state = State::Block(1);
                        width = 2;
                    }
                    '\'' => {
                        let escapes = i > 0
                            && matches!(chars[i - 1], 'e' | 'E')
                            && (i < 2 || !is_ident_char(chars[i - 2]));
                        self.state = State::String { escapes };
                    }
                    '"' => self.state = State::Identifier,
                    '$' if i == 0 || !is_ident_char(chars[i - 1]) => {
                        if let Some(tag) = dollar_tag(&chars[i..]) {
                            width = tag.chars().count();
                            self.state = State::Dollar(tag);
                        }
                    }
                    '\\' => {
                        let rest: String = chars[i..].iter().take(40).collect();
                        return Err(format!(
                            "`{}` is a psql meta-command; pgbake never runs meta-commands from a backup",
                            rest.trim_end()
                        ));
                    }
                    ';' => {
                        self.statement.push(';');
                        done.push(std::mem::take(&mut self.statement));
                        i += 1;
                        continue;
                    }
                    _ => {}
                },
                State::String { escapes } => match c {
                    '\\' if *escapes => width = 2,
                    '\'' if next == Some('\'') => width = 2,
                    '\'' => self.state = State::Code,
                    _ => {}
                },
                State::Identifier => match c {
                    '"' if next == Some('"') => width = 2,
                    '"' => self.state = State::Code,
                    _ => {}
                },
                State::Dollar(tag) => {
                    let tag_chars: Vec<char> = tag.chars().collect();
                    if chars[i..].starts_with(&tag_chars) {
                        width = tag_chars.len();
                        self.state = State::Code;
                    }
                }
                State::Block(depth) => {
                    if c == '/' && next == Some('*') {
                        *depth += 1;
                        width = 2;
                    } else if c == '*' && next == Some('/') {
                        *depth -= 1;
                        width = 2;
                        if *depth == 0 {
                            self.state = State::Code;
                        }
                    }
                }
            }
            let end = (i + width).min(chars.len());
            if was_comment || matches!(self.state, State::Block(_)) {
                // Comments are not part of the statement's text.
                if !self.statement.ends_with(' ') {
                    self.statement.push(' ');
                }
            } else {
                self.statement.extend(&chars[i..end]);
            }
            i = end;
        }
        self.statement.push('\n');
        Ok(done)
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// `$tag$` or `$$` at the start of `chars`.
fn dollar_tag(chars: &[char]) -> Option<String> {
    let mut tag = String::from("$");
    for (index, &c) in chars.iter().enumerate().skip(1) {
        if c == '$' {
            tag.push('$');
            return Some(tag);
        }
        let valid = if index == 1 {
            c.is_alphabetic() || c == '_'
        } else {
            c.is_alphanumeric() || c == '_'
        };
        if !valid {
            return None;
        }
        tag.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc123\n\nSET standard_conforming_strings = on;\n\
        DROP TABLE IF EXISTS public.t;\nCREATE FUNCTION f() RETURNS text AS $f$ SELECT '\\! not a command' $f$ LANGUAGE sql;\n\
        COPY public.t (id, s) FROM stdin;\n1\t\\\\! rm\n2\t\\N\n\\.\n\nSELECT E'it''s \\' ; \\! x';\n/* a /* nested */ comment \\! */\n\
        --\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc123\n\n";

    #[test]
    fn a_pg_dump_file_passes() {
        let dump = check_plain_dump(GOOD.as_bytes()).unwrap();
        assert!(dump.has_drops);
        assert_eq!(dump.restrict_key.as_deref(), Some("abc123"));
    }

    #[test]
    fn meta_commands_truncation_and_transaction_control_are_refused() {
        let complete = "\n-- PostgreSQL database dump complete\n";
        let cases = [
            (
                format!("SELECT 1;\n\\! echo hi\n{complete}"),
                "meta-command",
            ),
            (format!("SELECT 1; \\! echo hi\n{complete}"), "meta-command"),
            (format!("\\connect other\n{complete}"), "meta-command"),
            (
                format!("\\restrict k\n\\unrestrict k\n\\! id\n{complete}"),
                "meta-command",
            ),
            (format!("SELECT 'a\\';\n\\! id\n{complete}"), "meta-command"),
            (format!("COMMIT;\n{complete}"), "transaction"),
            (
                format!("COPY t FROM stdin WITH (FORMAT csv);\n{complete}"),
                "COPY",
            ),
            (
                format!("SET standard_conforming_strings = off;\n{complete}"),
                "standard_conforming",
            ),
            ("CREATE TABLE t (x int);\n".to_string(), "closing line"),
            (
                "COPY public.t (x) FROM stdin;\n1\n".to_string(),
                "inside COPY",
            ),
            (format!("SELECT 'open\n{complete}"), "closing line"),
            (
                format!("SELECT 1;\n{complete}\nSELECT 2;\n"),
                "after pg_dump's closing line",
            ),
            ("README\n=====\n".to_string(), "closing line"),
        ];
        for (text, expected) in cases {
            let error = check_plain_dump(text.as_bytes()).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
