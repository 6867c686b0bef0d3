//! Migration linting: operations that lock or break a live database, found at build time
//! with squawk's rules. Each finding names the rule and the safer pattern; the line
//! `-- pgbake:allow <rule>` right above a statement silences that rule for it.

mod baseline;
mod keys;
mod lock_timeout;

pub use baseline::{CONFIG_FILE, raise_lint_baseline, read_lint_baseline};

use squawk_linter::{Linter, LinterSettings, Rule};

use crate::diagnostic::{Code, Diagnostic, line_column};
use crate::migrations::{Migration, Script};

/// The rules pgbake checks, by squawk's name.
pub const RULES: &[(Rule, &str)] = &[
    (
        Rule::RequireConcurrentIndexCreation,
        "CREATE INDEX CONCURRENTLY in a `-- pgbake:no-transaction` migration",
    ),
    (
        Rule::RequireConcurrentIndexDeletion,
        "DROP INDEX CONCURRENTLY in a `-- pgbake:no-transaction` migration",
    ),
    (
        Rule::AddingRequiredField,
        "add the column nullable or with a DEFAULT, backfill, then SET NOT NULL",
    ),
    (
        Rule::AddingNotNullableField,
        "add a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL",
    ),
    (
        Rule::ChangingColumnType,
        "add a new column, backfill it, switch readers, then drop the old one",
    ),
    (
        Rule::ConstraintMissingNotValid,
        "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration",
    ),
    (
        Rule::AddingForeignKeyConstraint,
        "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later migration",
    ),
    (
        Rule::BanDropColumn,
        "stop using the column in the code first; drop it in a later release",
    ),
    (
        Rule::BanDropTable,
        "stop using the table in the code first; drop it in a later release",
    ),
    (
        Rule::RenamingColumn,
        "add the new column, write both, backfill, then drop the old one",
    ),
    (
        Rule::RenamingTable,
        "create the new table or a view under the new name; move readers over first",
    ),
    (
        Rule::PreferTextField,
        "use text with a CHECK (length(col) <= n): changing varchar(n) later rewrites the table",
    ),
    (
        Rule::PreferTimestampTz,
        "use timestamptz: timestamp without time zone loses the offset",
    ),
    (
        Rule::PreferBigintOverInt,
        "use bigint (or uuid) keys: int4 runs out at 2^31",
    ),
    (
        Rule::PreferIdentity,
        "use bigint GENERATED ALWAYS AS IDENTITY instead of serial",
    ),
    (
        Rule::AddingSerialPrimaryKeyField,
        "build a unique index CONCURRENTLY, then ADD PRIMARY KEY USING INDEX",
    ),
];

/// Rules about column types and keys, which apply to new tables too.
const TYPE_RULES: &[Rule] = &[
    Rule::PreferTextField,
    Rule::PreferTimestampTz,
    Rule::PreferBigintOverInt,
    Rule::PreferIdentity,
];

/// pgbake's own rule (squawk's fires on any slow statement, also on new tables).
pub const LOCK_TIMEOUT_RULE: &str = "require-lock-timeout";

/// The line that silences a rule for the statement below it.
pub const ALLOW_MARKER: &str = "-- pgbake:allow";

/// One finding: the rule and a diagnostic pointing into the migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// Squawk's rule name, e.g. `require-concurrent-index-creation`.
    pub rule: String,
    /// Where, what, and the safer pattern.
    pub diagnostic: Diagnostic,
}

impl Finding {
    /// `file:line: [rule] message — safer pattern`, one line for `cargo:warning`.
    pub fn one_line(&self) -> String {
        let (line, _) = self.diagnostic.line_column();
        let help = self.diagnostic.help.as_deref().unwrap_or_default();
        format!(
            "{}:{line}: {} — {help}",
            self.diagnostic.file, self.diagnostic.message
        )
    }
}

/// Rules a down script is exempt from: undoing a migration means dropping or renaming back
/// what its up script added, which is the point of the script. Locking rules still apply:
/// a revert runs against a live database too.
const DOWN_EXEMPT: &[Rule] = &[
    Rule::BanDropColumn,
    Rule::BanDropTable,
    Rule::RenamingColumn,
    Rule::RenamingTable,
];

/// Lints the migrations newer than the lint baseline (`baseline`, or else the one of
/// `sql/pgbake.toml`); returns the findings and the baseline in force. A broken settings
/// file is a diagnostic, and then every migration is linted.
pub fn lint_after_baseline(
    sql_dir: &std::path::Path,
    baseline: Option<i64>,
    migrations: &[Migration],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Finding>, Option<i64>) {
    let baseline = match baseline {
        Some(baseline) => Some(baseline),
        None => read_lint_baseline(sql_dir).unwrap_or_else(|diagnostic| {
            diagnostics.push(*diagnostic);
            None
        }),
    };
    let first = migrations.partition_point(|m| baseline.is_some_and(|b| m.version <= b));
    (lint_migrations(&migrations[first..]), baseline)
}

/// Lints the up and down scripts of `migrations`.
pub fn lint_migrations(migrations: &[Migration]) -> Vec<Finding> {
    migrations
        .iter()
        .flat_map(|m| {
            let down = m.down.iter().flat_map(lint_down_script);
            lint_script(&m.up).into_iter().chain(down)
        })
        .collect()
}

/// Lints one up script.
pub fn lint_script(script: &Script) -> Vec<Finding> {
    lint_with(script, &[])
}

/// Lints one down script (without the rules in [`DOWN_EXEMPT`]).
pub fn lint_down_script(script: &Script) -> Vec<Finding> {
    lint_with(script, DOWN_EXEMPT)
}

fn lint_with(script: &Script, exempt_rules: &[Rule]) -> Vec<Finding> {
    let text: &str = &script.text;
    let parsed = crate::syntax::lint_tree(text);
    let mut linter = Linter::from(RULES.iter().map(|(rule, _)| *rule));
    linter.settings = LinterSettings {
        assume_in_transaction: !script.no_transaction,
        ..Default::default()
    };
    let statements = crate::syntax::split::split_statements(text).unwrap_or_default();
    let exempt = lock_timeout::on_new_tables(&statements);
    // Locking rules do not apply to tables created earlier in the same migration; the
    // type rules (varchar, timestamp, int keys) are about new tables.
    let on_new_table = |offset: usize| {
        statements.iter().zip(&exempt).any(|(s, exempt)| {
            *exempt && s.offset <= offset && offset < s.offset + s.text.len().max(1)
        })
    };
    let mut findings: Vec<Finding> = linter
        .lint(&parsed, text)
        .into_iter()
        .filter(|violation| RULES.iter().any(|(rule, _)| *rule == violation.code))
        .filter(|violation| !exempt_rules.contains(&violation.code))
        .filter_map(|violation| {
            let rule = violation.code.to_string();
            let start = u32::from(violation.text_range.start()) as usize;
            let end = u32::from(violation.text_range.end()) as usize;
            if allowed(text, start, &rule)
                || (!TYPE_RULES.contains(&violation.code) && on_new_table(start))
                || (violation.code == Rule::PreferBigintOverInt
                    && !keys::is_key_column(&parsed.tree(), start, end))
            {
                return None;
            }
            let safer = RULES
                .iter()
                .find(|(r, _)| *r == violation.code)
                .map(|(_, safer)| *safer)
                .unwrap_or_default();
            let help = match &violation.help {
                Some(help) => {
                    format!("{safer} ({help}); or put `{ALLOW_MARKER} {rule}` on the line above")
                }
                None => format!("{safer}; or put `{ALLOW_MARKER} {rule}` on the line above"),
            };
            let message = format!("[{rule}] {}", violation.message);
            let diagnostic = Diagnostic::at(
                Code::Lint,
                &script.path,
                script.text.clone(),
                start,
                end.saturating_sub(start).min(80),
                message,
            )
            .with_help(help)
            .as_warning();
            Some(Finding { rule, diagnostic })
        })
        .collect();
    if let Some(missing) = lock_timeout::missing_lock_timeout(&statements)
        && !allowed(text, missing.offset, LOCK_TIMEOUT_RULE)
    {
        findings.push(Finding {
            rule: LOCK_TIMEOUT_RULE.to_string(),
            diagnostic: Diagnostic::at(
                Code::Lint,
                &script.path,
                script.text.clone(),
                missing.offset,
                missing.length.min(80),
                format!("[{LOCK_TIMEOUT_RULE}] {} without a lock_timeout set before it", missing.what),
            )
            .as_warning()
            .with_help(format!(
                "start the migration with `SET LOCAL lock_timeout = '5s';` so it fails fast instead of queueing behind a long query and blocking the table; or put `{ALLOW_MARKER} {LOCK_TIMEOUT_RULE}` on the line above"
            )),
        });
    }
    findings.sort_by_key(|f| f.diagnostic.offset);
    findings
}

/// Whether a `-- pgbake:allow <rule>[, <rule>…]` line sits right above the line of `offset`
/// (other comment lines may sit between them).
fn allowed(text: &str, offset: usize, rule: &str) -> bool {
    let (line, _) = line_column(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let mut index = line.saturating_sub(1);
    // The statement may start after white space on the reported line; walk up over
    // comment lines only.
    while index > 0 {
        index -= 1;
        let above = lines.get(index).map_or("", |l| l.trim());
        if let Some(rules) = above.strip_prefix(ALLOW_MARKER) {
            if rules.split([',', ' ']).any(|r| r.trim() == rule) {
                return true;
            }
            continue;
        }
        if !above.starts_with("--") {
            return false;
        }
    }
    false
}
