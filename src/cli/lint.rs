//! `pgbake lint`: the migration lint findings of a sql/ folder, without a database.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Exit with status 1 when there is any finding (for CI).
    #[arg(long)]
    deny: bool,
}

pub fn run(args: LintArgs, sql: &Path) -> anyhow::Result<ExitCode> {
    if !sql.is_dir() {
        anyhow::bail!(
            "{} is not a folder; pass the folder that holds migrations/ with --sql",
            sql.display()
        );
    }
    let analysis = pgbake_codegen::Builder::new(sql).analyze();
    let migration_errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.query.is_none() && d.file.contains("migrations"))
        .collect();
    for diagnostic in &migration_errors {
        out!("{}", diagnostic.render());
    }
    for finding in &analysis.lints {
        outln!("{}", finding.diagnostic.render());
    }
    let count = analysis.lints.len();
    outln!(
        "{count} finding(s) in {} migration(s){}",
        analysis.migrations.len(),
        if count > 0 {
            "; `-- pgbake:allow <rule>` on the line above a statement accepts it"
        } else {
            ""
        }
    );
    Ok(
        if !migration_errors.is_empty() || (args.deny && count > 0) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}
