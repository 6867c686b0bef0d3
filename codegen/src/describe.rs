//! `describe`: renders what the pipeline decided for every query as JSON. It only renders.

use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Query;

/// What `pgbake describe --format json` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    /// `{"queries": […], "errors": […], "warnings": […]}`: each query with its parameters
    /// and columns (`name`, `pg_type`, `rust_type`, `nullable`) and, with optional filters,
    /// their parameters (`optional`) and one statement per combination (`variants`); each
    /// error that stops the build, and each warning it passes with (statements the
    /// migration replay cannot follow), with its `code`, file, line, column, query,
    /// message and help.
    pub json: Value,
    /// Whether any error was found (the command then exits with status 1; warnings alone
    /// do not fail it, as they do not fail the build).
    pub has_errors: bool,
}

/// Describes the `sql/` folder at `sql_dir` (with `migrations/` and `queries/`): the same
/// checks and inference as a build, without writing anything.
pub fn describe(sql_dir: &Path) -> Describe {
    let analysis = crate::pipeline::analyze(sql_dir);
    to_json(&analysis.queries, &analysis.diagnostics)
}

/// Renders queries and diagnostics as describe's JSON.
pub fn to_json(queries: &[Query], diagnostics: &[Diagnostic]) -> Describe {
    let queries_json: Vec<Value> = queries
        .iter()
        .map(|q| {
            let mut query = json!({
                "module": q.module,
                "name": q.name,
                "file": q.file,
                "line": q.line,
                "cardinality": q.cardinality.as_str(),
                "sql": q.sql,
                "params": q.params.iter().map(|p| json!({
                    "name": p.name,
                    "pg_type": p.pg_type.to_string(),
                    "rust_type": p.rust_type,
                    "nullable": p.nullable,
                })).collect::<Vec<_>>(),
                "columns": q.columns.iter().map(|c| json!({
                    "name": c.name,
                    "pg_type": c.pg_type.to_string(),
                    "rust_type": c.rust_type,
                    "nullable": c.nullable,
                })).collect::<Vec<_>>(),
            });
            // Only queries with optional filters have these keys.
            if !q.variants.is_empty() {
                query["optional"] = q.optional.iter().map(|&i| q.params[i].name.clone()).collect();
                query["variants"] = q
                    .variants
                    .iter()
                    .map(|v| json!({
                        "sql": v.sql,
                        "params": v.params.iter().map(|&i| q.params[i].name.clone()).collect::<Vec<_>>(),
                    }))
                    .collect();
            }
            query
        })
        .collect();
    let (warnings, errors): (Vec<&Diagnostic>, Vec<&Diagnostic>) = diagnostics
        .iter()
        .partition(|d| d.severity == Severity::Warning);
    Describe {
        has_errors: !errors.is_empty(),
        json: json!({
            "queries": queries_json,
            "errors": diagnostics_json(&errors),
            "warnings": diagnostics_json(&warnings),
        }),
    }
}

/// Diagnostics as describe lists them, each with its code, place, message and help.
fn diagnostics_json(diagnostics: &[&Diagnostic]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.line_column();
            json!({
                "code": d.code.as_str(),
                "file": d.file,
                "line": line,
                "column": column,
                "query": d.query,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect()
}
