//! Build diagnostics that point into SQL files: file, line, column, snippet and help.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

/// One problem found in the `sql/` folder, with everything needed to show it to a user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Path of the file as the user knows it (e.g. `sql/migrations/V1__init.sql`).
    pub file: String,
    /// The whole text of the file, kept to render a snippet; empty when unreadable.
    pub source: Arc<str>,
    /// Byte offset of the span the message is about.
    pub offset: usize,
    /// Byte length of that span.
    pub length: usize,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The query the problem belongs to, when it belongs to one.
    pub query: Option<String>,
    /// An error stops the build; a warning (a lint finding) does not.
    pub severity: Severity,
    /// What kind of problem this is, stable across releases (for tests and tools).
    pub code: Code,
}

/// The kind of a diagnostic: a stable name shown as `error[<code>]` and in `describe`'s JSON,
/// so that tests and tools tell a right rejection from a wrong one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Code {
    /// A folder cannot be read, or holds a folder or a file that does not belong there.
    StrayFile,
    /// A file cannot be read.
    UnreadableFile,
    /// A file is not UTF-8.
    NotUtf8,
    /// A migration file name breaks the naming rule.
    MigrationName,
    /// Two migrations share a version.
    DuplicateVersion,
    /// A down script without its up script, or named differently.
    OrphanDownScript,
    /// A migration file without a statement.
    EmptyMigration,
    /// An unterminated quote, dollar quote, quoted identifier or comment.
    Unterminated,
    /// A statement that cannot run in a transaction, without `-- pgbake:no-transaction`.
    NeedsNoTransaction,
    /// `BEGIN`, `COMMIT` and the like inside a migration.
    TransactionControl,
    /// The no-transaction marker anywhere but the first line.
    MisplacedMarker,
    /// A migration statement PostgreSQL's grammar rejects.
    Syntax,
    /// A migration statement the catalog replay cannot follow (a warning: PostgreSQL
    /// accepts it; a query that needs what it changes fails on its own).
    Replay,
    /// A `DO` block whose schema changes the catalog replay cannot follow (a warning).
    DoBlock,
    /// A migration lint finding (the rule is in the message).
    Lint,
    /// A malformed `--!` header, or text before the first one.
    QueryHeader,
    /// A query name that cannot name a Rust function.
    QueryName,
    /// Two queries of one file share a name.
    DuplicateQuery,
    /// A header without a statement.
    EmptyQuery,
    /// More than one statement under one header.
    MultipleStatements,
    /// A query PostgreSQL's grammar rejects.
    QuerySyntax,
    /// A query PostgreSQL accepts that pgbake cannot type yet.
    UnsupportedQuery,
    /// A query names a table, view or other relation the migrations do not create.
    UnknownRelation,
    /// A query names a column its relations do not have.
    UnknownColumn,
    /// A query whose types cannot be inferred (operator, function, parameter, …).
    TypeInference,
    /// A statement that returns no rows declared `:one`, `:opt` or `:many`.
    Cardinality,
    /// An override names no parameter or column of the query.
    UnknownOverride,
    /// A `--? name` optional-filter marker that cannot work, or too many of them.
    OptionalFilter,
    /// A `:copy` query that is not a plain single-row `INSERT … VALUES`.
    CopyShape,
    /// A type without a Rust mapping.
    NoRustType,
    /// The generated files cannot be written.
    Output,
    /// `sql/schema/` and `sql/migrations/` disagree (with `Builder::check_schema`).
    SchemaDrift,
    /// `sql/pgbake.toml` cannot be read, or holds an unknown setting or a bad value.
    Config,
    /// A bug in pgbake-codegen (it crashed).
    Internal,
}

impl Code {
    /// The stable name (`migration-name`, `unknown-column`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::StrayFile => "stray-file",
            Code::UnreadableFile => "unreadable-file",
            Code::NotUtf8 => "not-utf8",
            Code::MigrationName => "migration-name",
            Code::DuplicateVersion => "duplicate-version",
            Code::OrphanDownScript => "orphan-down-script",
            Code::EmptyMigration => "empty-migration",
            Code::Unterminated => "unterminated",
            Code::NeedsNoTransaction => "needs-no-transaction",
            Code::TransactionControl => "transaction-control",
            Code::MisplacedMarker => "misplaced-marker",
            Code::Syntax => "syntax",
            Code::Replay => "replay",
            Code::DoBlock => "do-block",
            Code::Lint => "lint",
            Code::QueryHeader => "query-header",
            Code::QueryName => "query-name",
            Code::DuplicateQuery => "duplicate-query",
            Code::EmptyQuery => "empty-query",
            Code::MultipleStatements => "multiple-statements",
            Code::QuerySyntax => "query-syntax",
            Code::UnsupportedQuery => "unsupported-query",
            Code::UnknownRelation => "unknown-relation",
            Code::UnknownColumn => "unknown-column",
            Code::TypeInference => "type-inference",
            Code::Cardinality => "cardinality",
            Code::UnknownOverride => "unknown-override",
            Code::OptionalFilter => "optional-filter",
            Code::CopyShape => "copy-shape",
            Code::NoRustType => "no-rust-type",
            Code::Output => "output",
            Code::SchemaDrift => "schema-drift",
            Code::Config => "config",
            Code::Internal => "internal",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    /// Stops the build.
    #[default]
    Error,
    /// Reported, does not stop the build (unless lints are denied).
    Warning,
}

impl Diagnostic {
    /// A diagnostic about a whole file (a name or encoding problem): points at line 1.
    pub fn file(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            file: file.into(),
            source: Arc::from(""),
            offset: 0,
            length: 0,
            message: message.into(),
            help: None,
            query: None,
            severity: Severity::Error,
        }
    }

    /// A diagnostic about a span of a file's text.
    pub fn at(
        code: Code,
        file: impl Into<String>,
        source: Arc<str>,
        offset: usize,
        length: usize,
        message: impl Into<String>,
    ) -> Self {
        let offset = offset.min(source.len());
        let length = length.min(source.len() - offset);
        Self {
            code,
            file: file.into(),
            source,
            offset,
            length,
            message: message.into(),
            help: None,
            query: None,
            severity: Severity::Error,
        }
    }

    /// Adds the line that tells the user what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks this diagnostic as a warning.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Names the query this diagnostic belongs to.
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_column(&self) -> (usize, usize) {
        line_column(&self.source, self.offset)
    }

    /// `file:line:col: message` followed by a miette snippet and the help line.
    pub fn render(&self) -> String {
        let (line, column) = self.line_column();
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}:{}:{}: {level}[{}]: {}\n",
            self.file, line, column, self.code, self.message
        );
        if !self.source.is_empty() {
            let report = Snippet { diagnostic: self };
            let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_context_lines(1)
                .with_width(100);
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &report).is_ok() {
                // miette's first lines repeat the message (wrapped when long); the
                // snippet starts at the `╭─[file:line:col]` line.
                let snippet = rendered
                    .lines()
                    .skip_while(|l| !l.trim_start().starts_with('╭'));
                out.extend(snippet.map(|l| format!("{}\n", l.trim_end())));
                return out;
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        out
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self.line_column();
        write!(f, "{}:{}:{}: {}", self.file, line, column, self.message)
    }
}

impl std::error::Error for Diagnostic {}

struct Snippet<'a> {
    diagnostic: &'a Diagnostic,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = SourceSpan::new(self.diagnostic.offset.into(), self.diagnostic.length);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".into()),
            span,
        ))))
    }
}

impl miette::SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let source: &'b str = &self.diagnostic.source;
        let contents = source.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.diagnostic.file.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// Renders every diagnostic, sorted by file and position, for a build script or the CLI.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
    let mut out = String::new();
    for diagnostic in sorted {
        out.push_str(&diagnostic.render());
        out.push('\n');
    }
    out
}
