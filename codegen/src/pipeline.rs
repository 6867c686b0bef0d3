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
    /// Migrations at or below this version were not linted (`sql/pgbake.toml`).
    pub lint_baseline: Option<i64>,
}

/// Runs every check on `sql_dir` and collects all problems.
///
/// The work runs on threads with a large stack: SQL nests without bound (a 20 000-term
/// sum is a 20 000-deep tree), and the parser and inference recurse over it. A panic in
/// the engine becomes a diagnostic instead of a crashed build.
pub fn analyze(sql_dir: &Path) -> Analysis {
    analyze_with_baseline(sql_dir, None)
}

/// [`analyze`], with a lint baseline that replaces the one of `sql/pgbake.toml`.
pub fn analyze_with_baseline(sql_dir: &Path, lint_baseline: Option<i64>) -> Analysis {
    let dir = sql_dir.to_path_buf();
    on_analysis_thread(move || {
        let tree = source::scan(&dir);
        let stage = migration_stage(&dir, &tree.migrations, lint_baseline);
        let files = parallel_map(&tree.queries, |file| type_file(&stage.catalog, file));
        combine(tree.diagnostics, stage, files)
    })
    .unwrap_or_else(|message| crashed(sql_dir, &message))
}

/// Runs `work` on a thread with [`ANALYSIS_STACK_BYTES`] of stack (on this thread when no
/// thread can be started); a panic comes back as its message.
pub(crate) fn on_analysis_thread<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(work)));
    let taken = std::sync::Arc::clone(&slot);
    let take = move || taken.lock().ok().and_then(|mut w| w.take());
    let worker = std::thread::Builder::new()
        .name("pgbake-codegen".into())
        .stack_size(ANALYSIS_STACK_BYTES)
        .spawn(move || take().map(|work| work()));
    let outcome = match worker {
        Ok(handle) => handle.join(),
        Err(_) => {
            let work = slot.lock().ok().and_then(|mut w| w.take());
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.map(|work| work())))
        }
    };
    match outcome {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Err("the analysis did not run".to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic")
            .to_string()),
    }
}

/// The analysis of a build the engine crashed on: one diagnostic that says so.
pub(crate) fn crashed(sql_dir: &Path, message: &str) -> Analysis {
    Analysis {
        migrations: Vec::new(),
        queries: Vec::new(),
        diagnostics: vec![
            Diagnostic::file(
                Code::Internal,
                sql_dir.to_string_lossy(),
                format!("pgbake-codegen crashed while reading this folder: {message}"),
            )
            .with_help("this is a bug in pgbake: please report it with the SQL that triggers it"),
        ],
        lints: Vec::new(),
        lint_baseline: None,
    }
}

/// Stack for each analysis thread (only the pages used are committed).
const ANALYSIS_STACK_BYTES: usize = 1 << 30;

/// What the migrations alone decide: checked, replayed into the catalog queries are typed
/// against, and linted. A build caches it, keyed by the migrations' content.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct MigrationStage {
    /// Migrations that passed every check, in version order.
    pub migrations: Vec<Migration>,
    /// The schema the up scripts leave.
    pub catalog: Catalog,
    /// Problems of the migrations (checks and replay), each reported once.
    pub diagnostics: Vec<Diagnostic>,
    /// Lint findings.
    pub lints: Vec<crate::lint::Finding>,
    /// The lint baseline in force.
    pub lint_baseline: Option<i64>,
}

/// What one query file yields: its typed queries and its problems. A build caches it,
/// keyed by the file's content and the catalog's.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FileStage {
    /// The queries that were typed.
    pub queries: Vec<Query>,
    /// The file's problems, including what Rust cannot express of a typed query.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks, replays and lints the migration files of `sql_dir` (lint and replay run side by
/// side: they only share the checked scripts).
pub(crate) fn migration_stage(
    sql_dir: &Path,
    files: &[SqlFile],
    lint_baseline: Option<i64>,
) -> MigrationStage {
    let (migrations, mut diagnostics) = migrations::check(files);
    let up_scripts = up_scripts(files);
    let (catalog, lint_diagnostics, lints, lint_baseline) = std::thread::scope(|scope| {
        let replay = std::thread::Builder::new()
            .stack_size(ANALYSIS_STACK_BYTES)
            .spawn_scoped(scope, || {
                crate::catalog::replay(&up_scripts, &crate::infer::Typer)
            });
        let mut lint_diagnostics = Vec::new();
        let (lints, lint_baseline) = crate::lint::lint_after_baseline(
            sql_dir,
            lint_baseline,
            &migrations,
            &mut lint_diagnostics,
        );
        let (catalog, replay_diagnostics) = match replay {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => crate::catalog::replay(&up_scripts, &crate::infer::Typer),
        };
        lint_diagnostics.extend(replay_diagnostics);
        (catalog, lint_diagnostics, lints, lint_baseline)
    });
    diagnostics.extend(lint_diagnostics);
    // A migration that failed a check is replayed too, so the catalog may report the same
    // problem again: keep the first report.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.file.clone(), d.offset, d.message.clone())));
    MigrationStage {
        migrations,
        catalog,
        diagnostics,
        lints,
        lint_baseline,
    }
}

/// The up scripts the catalog is built from: every readable one with a valid name, in
/// version order — also one that failed a content check (reported by the checks), so one
/// mistake does not turn into errors in every query that uses its tables.
fn up_scripts(files: &[SqlFile]) -> Vec<SqlFile> {
    let mut up: Vec<(i64, &SqlFile)> = files
        .iter()
        .filter_map(|file| {
            let name = migrations::parse_migration_file_name(&file.file_name).ok()?;
            (name.direction == migrations::Direction::Up).then_some((name.version, file))
        })
        .collect();
    up.sort_by(|a, b| (a.0, &a.1.file_name).cmp(&(b.0, &b.1.file_name)));
    up.into_iter().map(|(_, f)| f.clone()).collect()
}

/// Annotates and types every query of one file against `catalog`.
pub(crate) fn type_file(catalog: &Catalog, file: &SqlFile) -> FileStage {
    let (annotated, mut diagnostics) = parse_file(file);
    let mut queries = Vec::new();
    for query in annotated {
        match type_query(catalog, &query) {
            Ok(q) => queries.push(q),
            Err(d) => diagnostics.push(*d),
        }
    }
    // What inference accepts but Rust cannot express fails the build, and describe shows
    // the same errors: both read this.
    diagnostics.extend(crate::lower::emit_problems(&queries));
    FileStage {
        queries,
        diagnostics,
    }
}

/// Puts the stages' results together: the scan's problems, the migrations', then each
/// file's in file order.
pub(crate) fn combine(
    mut diagnostics: Vec<Diagnostic>,
    stage: MigrationStage,
    files: Vec<FileStage>,
) -> Analysis {
    diagnostics.extend(stage.diagnostics);
    // A migration statement PostgreSQL rejects is not replayed, so queries that use what it
    // would create fail too: the migration's error is the one to fix (and already fails the
    // build), so those consequences are not reported again.
    let schema_incomplete = diagnostics.iter().any(|d| d.code == Code::Syntax);
    let mut queries = Vec::new();
    for file in files {
        queries.extend(file.queries);
        diagnostics.extend(file.diagnostics.into_iter().filter(|d| {
            !(schema_incomplete && matches!(d.code, Code::UnknownRelation | Code::UnknownColumn))
        }));
    }
    Analysis {
        migrations: stage.migrations,
        queries,
        diagnostics,
        lints: stage.lints,
        lint_baseline: stage.lint_baseline,
    }
}

/// `f` over `items` on up to [`workers`] threads with large stacks, results in order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers().min(items.len());
    if workers <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(ANALYSIS_STACK_BYTES)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            done.push((i, f(item)));
                        }
                        done
                    })
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // A thread that could not start leaves its share to the others; none started at all
    // leaves the work to this one.
    if results.len() < items.len() {
        let done: std::collections::HashSet<usize> = results.iter().map(|(i, _)| *i).collect();
        results.extend(
            (0..items.len())
                .filter(|i| !done.contains(i))
                .map(|i| (i, f(&items[i]))),
        );
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// How many threads the engine uses: cargo's job count for a build script (`NUM_JOBS`),
/// else the machine's parallelism; at most 8.
fn workers() -> usize {
    std::env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, 8)
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

/// Parses and infers one annotated query (each of its optional-filter variants too), then
/// lowers it.
fn type_query(catalog: &Catalog, query: &AnnotatedQuery) -> Result<Query, Box<Diagnostic>> {
    // PostgreSQL's grammar first: the statement as written, with every filter present.
    if let Err(error) = crate::syntax::grammar::check_grammar(&query.sql) {
        return Err(Box::new(
            query
                .diagnostic_at_sql(Code::QuerySyntax, error.offset, error.length, error.message)
                .with_help(error.hint),
        ));
    }
    let (mut inferred, statement) = infer_query(catalog, query)?;
    let last = query.variants.len().saturating_sub(1);
    let mut variants = Vec::new();
    for (mask, variant) in query.variants.iter().enumerate() {
        let params: Vec<usize> = variant
            .params
            .iter()
            .map(|p| {
                // A variant only blanks lines: its parameters are the query's.
                (query.params.iter())
                    .position(|q| q.name == p.name)
                    .expect("a variant's parameter is one of the query's")
            })
            .collect();
        if mask != last {
            let absent: Vec<String> = (query.optional.iter().enumerate())
                .filter(|(j, _)| mask & (1 << j) == 0)
                .map(|(_, name)| format!("`:{name}`"))
                .collect();
            let absent = absent.join(", ");
            let as_query = AnnotatedQuery {
                sql: variant.sql.clone(),
                params: variant.params.clone(),
                offset_map: variant.offset_map.clone(),
                ..query.clone()
            };
            let in_variant = |mut d: Box<Diagnostic>| {
                d.message = format!("with {absent} absent: {}", d.message);
                d
            };
            // PostgreSQL's grammar, as for the full statement: blanking a line must not
            // leave a dangling `AND` or an empty `WHERE`.
            if let Err(error) = crate::syntax::grammar::check_grammar(&as_query.sql) {
                return Err(in_variant(Box::new(
                    as_query
                        .diagnostic_at_sql(
                            Code::OptionalFilter,
                            error.offset,
                            error.length,
                            format!("the statement is not valid SQL ({})", error.message),
                        )
                        .with_help(
                            "the statement must stay complete without each marked line: mark whole conditions, e.g. `WHERE true` on a line of its own and then one `AND col = :x --? x` line per filter",
                        ),
                )));
            }
            let (typed, _) = infer_query(catalog, &as_query).map_err(in_variant)?;
            let names: Vec<&str> = query.params.iter().map(|p| p.name.as_str()).collect();
            merge_variant(&mut inferred, &typed, &params, &names).map_err(|message| {
                in_variant(Box::new(query.diagnostic_at_file(
                    Code::OptionalFilter,
                    query.name_offset,
                    query.name.len(),
                    message,
                )))
            })?;
        }
        variants.push(crate::ir::Variant {
            sql: crate::optional::compact(&variant.sql),
            params,
        });
    }
    let mut lowered = crate::lower::lower(catalog, query, statement.as_ref(), &inferred)?;
    lowered.variants = variants;
    Ok(lowered)
}

/// Folds a variant's typing into the full statement's: the same parameter types and
/// columns, and a column is nullable if it is in any variant (a filter that narrows it
/// may be absent).
fn merge_variant(
    full: &mut crate::infer::Inferred,
    variant: &crate::infer::Inferred,
    params: &[usize],
    names: &[&str],
) -> Result<(), String> {
    for (ty, &i) in variant.params.iter().zip(params) {
        if full.params.get(i) != Some(ty) {
            return Err(format!(
                "parameter `:{}` is typed {ty} here but {} with every filter given",
                names.get(i).unwrap_or(&"?"),
                full.params
                    .get(i)
                    .map_or("nothing".to_string(), ToString::to_string)
            ));
        }
    }
    if variant.columns.len() != full.columns.len()
        || variant
            .columns
            .iter()
            .zip(&full.columns)
            .any(|(a, b)| a.ty != b.ty)
    {
        return Err("the output columns differ from those with every filter given".into());
    }
    for (c, v) in full.columns.iter_mut().zip(&variant.columns) {
        c.not_null &= v.not_null;
    }
    for (e, v) in full
        .column_element_nulls
        .iter_mut()
        .zip(&variant.column_element_nulls)
    {
        *e |= *v;
    }
    Ok(())
}

/// Parses and infers one statement: its inferred signature and its parsed form (`None`
/// for a utility statement read from its text).
fn infer_query(
    catalog: &Catalog,
    query: &AnnotatedQuery,
) -> Result<(crate::infer::Inferred, Option<sqlparser::ast::Statement>), Box<Diagnostic>> {
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
    Ok((inferred, statements.into_iter().next()))
}
