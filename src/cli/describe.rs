//! `pgbake describe`: what inference decided for every query, as JSON, without a database.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
}

pub fn run(args: DescribeArgs, sql: &Path) -> anyhow::Result<ExitCode> {
    let Format::Json = args.format;
    if !sql.is_dir() {
        anyhow::bail!(
            "{} is not a folder; pass the folder that holds migrations/ and queries/ with --sql",
            sql.display()
        );
    }
    let described = pgbake_codegen::describe(sql);
    outln!("{}", serde_json::to_string_pretty(&described.json)?);
    Ok(if described.has_errors {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
