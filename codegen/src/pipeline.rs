//! The pipeline, stage by stage: scan `sql/` -> check migrations -> replay them into a
//! catalog -> annotate query files -> infer each query -> lower it to `ir::Query`.
//! `Builder` (writing `OUT_DIR`) and `describe` (rendering JSON) both start here.

use std::path::Path;

use crate::annotate::{AnnotatedQuery, parse_file};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Query;
use crate::migrations::{self, Migration};
use crate::source::{self, SqlFile};

/// Everything the engine knows about a `sql/` folder, without writing anything.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Migrations that passed every check, in version order.
    pub migrations: Vec<Migration>,
    /// Queries that were typed.
    pub queries: Vec<Query>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// Migration lint findings.
    pub lints: Vec<crate::lint::Finding>,
}

/// Runs every check on `sql_dir` and collects all problems.
///
/// The work runs on a thread with a large stack: SQL nests without bound (a 20 000-term
/// sum is a 20 000-deep tree), and the parser and inference recurse over it. A panic in
/// the engine becomes a diagnostic instead of a crashed build.
pub fn analyze(sql_dir: &Path) -> Analysis {
    let dir = sql_dir.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("pgbake-codegen".into())
        .stack_size(ANALYSIS_STACK_BYTES)
        .spawn(move || analyze_here(&dir));
    let outcome = match worker {
        Ok(handle) => handle.join(),
        Err(_) => Ok(analyze_here(sql_dir)),
    };
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Analysis {
            migrations: Vec::new(),
            queries: Vec::new(),
            diagnostics: vec![
                Diagnostic::file(
                    Code::Internal,
                    sql_dir.to_string_lossy(),
                    format!("pgbake-codegen crashed while reading this folder: {message}"),
                )
                .with_help(
                    "this is a bug in pgbake: please report it with the SQL that triggers it",
                ),
            ],
            lints: Vec::new(),
        }
    })
}

/// Stack for the analysis thread (only the pages used are committed).
const ANALYSIS_STACK_BYTES: usize = 1 << 30;

fn analyze_here(sql_dir: &Path) -> Analysis {
    let tree = source::scan(sql_dir);
    let mut diagnostics = tree.diagnostics;
    let (migrations, migration_diagnostics) = migrations::check(&tree.migrations);
    diagnostics.extend(migration_diagnostics);
    // The catalog is built from every readable up script with a valid name, in version
    // order — also from one that failed a content check (already reported above), so one
    // mistake does not turn into errors in every query that uses its tables.
    let mut up_scripts: Vec<(i64, &source::SqlFile)> = tree
        .migrations
        .iter()
        .filter_map(|file| {
            let name = migrations::parse_migration_file_name(&file.file_name).ok()?;
            (name.direction == migrations::Direction::Up).then_some((name.version, file))
        })
        .collect();
    up_scripts.sort_by(|a, b| (a.0, &a.1.file_name).cmp(&(b.0, &b.1.file_name)));
    let up_scripts: Vec<source::SqlFile> = up_scripts.into_iter().map(|(_, f)| f.clone()).collect();
    let (queries, query_diagnostics) = type_queries(&up_scripts, &tree.queries);
    // A migration statement PostgreSQL rejects is not replayed, so queries that use what it
    // would create fail too: the migration's error is the one to fix (and already fails the
    // build), so those consequences are not reported again.
    let schema_incomplete = diagnostics.iter().any(|d| d.code == Code::Syntax);
    diagnostics.extend(query_diagnostics.into_iter().filter(|d| {
        !(schema_incomplete && matches!(d.code, Code::UnknownRelation | Code::UnknownColumn))
    }));
    // A migration that failed a check is replayed too, so the catalog may report the same
    // problem again: keep the first report.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.file.clone(), d.offset, d.message.clone())));
    let lints = crate::lint::lint_migrations(&migrations);
    Analysis {
        migrations,
        queries,
        diagnostics,
        lints,
    }
}

/// Replays `migrations` (sorted by version, up scripts only) and types every query of
/// `queries`. A query with an error is left out and reported; the others are returned.
pub fn type_queries(migrations: &[SqlFile], queries: &[SqlFile]) -> (Vec<Query>, Vec<Diagnostic>) {
    let (catalog, mut diagnostics) = crate::catalog::replay(migrations, &crate::infer::Typer);
    let mut out = Vec::new();
    for file in queries {
        let (annotated, problems) = parse_file(file);
        diagnostics.extend(problems);
        for query in annotated {
            match type_query(&catalog, &query) {
                Ok(q) => out.push(q),
                Err(d) => diagnostics.push(*d),
            }
        }
    }
    (out, diagnostics)
}

/// Checks one annotated query against PostgreSQL's grammar, parses and infers it, then
/// lowers it.
fn type_query(catalog: &Catalog, query: &AnnotatedQuery) -> Result<Query, Box<Diagnostic>> {
    if let Err(error) = crate::syntax::grammar::check_grammar(&query.sql) {
        return Err(Box::new(
            query
                .diagnostic_at_sql(Code::QuerySyntax, error.offset, error.length, error.message)
                .with_help(error.hint),
        ));
    }
    let unparsed = crate::infer::utility_statement(catalog, &query.sql, query.params.len());
    let rewritten = crate::syntax::rewrite_for_parser(&query.sql)
        .filter(|_| crate::syntax::parse(&query.sql).is_err());
    let parsed = match (&unparsed, &rewritten) {
        (Some(_), _) => Ok(Vec::new()),
        (None, Some((rewritten, _))) => crate::syntax::parse(rewritten),
        (None, None) => crate::syntax::parse(&query.sql),
    };
    let statements = parsed.map_err(|e| {
        Box::new(
            query
                .diagnostic_at_sql(
                    Code::UnsupportedQuery,
                    e.offset,
                    1,
                    format!(
                        "PostgreSQL accepts query `{}`, but pgbake cannot type it yet ({})",
                        query.name, e.message
                    ),
                )
                .with_help("write this part another way, or report it with the query"),
        )
    })?;
    let inferred = match unparsed {
        Some(result) => result,
        None => {
            let statement = statements.first().ok_or_else(|| {
                Box::new(query.diagnostic_at_file(
                    Code::EmptyQuery,
                    query.name_offset,
                    query.name.len(),
                    format!("query `{}` is empty", query.name),
                ))
            })?;
            // Parts a rewrite moved out of the statement are typed on their own.
            let checks = rewritten.as_ref().map(|(_, c)| c.as_slice()).unwrap_or(&[]);
            checks
                .iter()
                .try_for_each(|check| match crate::syntax::parse_one(check) {
                    Some(s) => crate::infer::infer_statement(catalog, &s, 0).map(|_| ()),
                    None => Err(crate::infer::InferError::new(
                        "cannot read the ON CONFLICT index predicate",
                        sqlparser::tokenizer::Span::empty(),
                    )),
                })
                .and_then(|()| {
                    crate::infer::infer_statement(catalog, statement, query.params.len())
                })
        }
    }
    .map_err(|e| {
        let offset = if e.span.start.line == 0 {
            0
        } else {
            crate::syntax::sql_offset(&query.sql, e.span.start.line, e.span.start.column)
        };
        let length =
            if e.span.end.line == e.span.start.line && e.span.end.column > e.span.start.column {
                (e.span.end.column - e.span.start.column) as usize
            } else {
                1
            };
        let mut d = query.diagnostic_at_sql(e.code, offset, length, e.message);
        d = d.with_help(
            e.help
                .unwrap_or_else(|| "add a cast like `:name::text` or an override".into()),
        );
        Box::new(d)
    })?;
    crate::lower::lower(catalog, query, statements.first(), &inferred)
}
