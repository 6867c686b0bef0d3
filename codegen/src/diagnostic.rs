//! Build diagnostics that point into SQL files: file, line, column, snippet and help.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

/// One problem found in the `sql/` folder, with everything needed to show it to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// Stops the build.
    #[default]
    Error,
    /// Reported, does not stop the build (unless lints are denied).
    Warning,
}

impl Diagnostic {
    /// A diagnostic about a whole file (a name or encoding problem): points at line 1.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
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
        file: impl Into<String>,
        source: Arc<str>,
        offset: usize,
        length: usize,
        message: impl Into<String>,
    ) -> Self {
        let offset = offset.min(source.len());
        let length = length.min(source.len() - offset);
        Self {
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
            "{}:{}:{}: {level}: {}\n",
            self.file, line, column, self.message
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
