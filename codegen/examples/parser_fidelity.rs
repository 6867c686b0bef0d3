//! Measures how faithfully three SQL parsers follow PostgreSQL 15's grammar on real corpora.
//!
//! ```sh
//! cargo run -p pgbake-codegen --example parser_fidelity -- \
//!     [--server 'host=/tmp port=5432 user=postgres'] [--verbose] \
//!     --corpus LABEL SQL_DIR… [--corpus LABEL SQL_DIR…]…
//! ```
//!
//! Each `SQL_DIR` is a `sql/` folder (`migrations/`, `queries/`). Every migration file (up and
//! down) is split into statements with libpg_query's scanner-based splitter; every query of
//! a query file is taken as the engine feeds its parsers (`--!` header and docs stripped,
//! `:name` replaced by `$n`). Each statement is given to sqlparser (PostgreSQL dialect),
//! squawk's parser (`squawk_syntax::SourceFile::parse`, accepted when it reports no error)
//! and libpg_query's `parse`.
//!
//! With `--server`, the truth is what that PostgreSQL server says: each `SQL_DIR` gets a
//! scratch database where the up scripts run in version order, statement by statement, then
//! the queries, then the down scripts in reverse version order. A statement PostgreSQL
//! rejects is one whose error is a syntax error (SQLSTATE 42601) raised for the statement
//! itself (not from inside a function body it defines). Every other outcome, success or any
//! other error, means the grammar accepted it.
//!
//! Prints one row per corpus, kind (migrations, queries) and parser; `--verbose` lists every
//! statement where the parsers or the server disagree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pgbake_codegen::__internals::{SqlFile, parse_file, scan};
use pgbake_codegen::{Direction, parse_migration_file_name};

const PARSERS: [&str; 3] = ["sqlparser 0.63", "squawk-parser 2.68", "libpg_query 15"];

/// One statement and what each parser (in [`PARSERS`] order) and the server made of it.
struct Statement {
    kind: Kind,
    /// `file:line` of the statement.
    place: String,
    text: String,
    accepted: [bool; 3],
    /// `Some(Ok(()))` when PostgreSQL's grammar accepted it, `Some(Err(message))` for a
    /// syntax error; `None` without a server.
    server: Option<Result<(), String>>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Migrations,
    Queries,
}

struct Corpus {
    label: String,
    dirs: Vec<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let mut server = None;
    let mut verbose = false;
    let mut corpora: Vec<Corpus> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server" => server = args.next(),
            "--verbose" => verbose = true,
            "--corpus" => corpora.push(Corpus {
                label: args.next().unwrap_or_default(),
                dirs: Vec::new(),
            }),
            dir if !corpora.is_empty() => corpora.last_mut().unwrap().dirs.push(dir.into()),
            other => {
                eprintln!(
                    "unexpected `{other}`: the first argument after the options is `--corpus LABEL`"
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "| corpus | kind | parser | statements | accepted | false rejections | false acceptances |"
    );
    println!("|---|---|---|---:|---:|---:|---:|");
    let mut details = Vec::new();
    for corpus in &corpora {
        let mut seen = BTreeSet::new();
        let mut statements = Vec::new();
        for dir in &corpus.dirs {
            let mut unit = read_unit(dir, &mut seen);
            if let Some(server) = &server {
                runtime.block_on(judge_on_server(server, &mut unit));
            }
            statements.extend(unit);
        }
        for kind in [Kind::Migrations, Kind::Queries] {
            let of_kind: Vec<&Statement> = statements.iter().filter(|s| s.kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            for (p, parser) in PARSERS.iter().enumerate() {
                let accepted = of_kind.iter().filter(|s| s.accepted[p]).count();
                let (false_rejections, false_acceptances) = match server {
                    None => ("-".to_string(), "-".to_string()),
                    Some(_) => {
                        let truth = |s: &&&Statement| matches!(s.server, Some(Ok(())));
                        let fr = of_kind
                            .iter()
                            .filter(|s| truth(s) && !s.accepted[p])
                            .count();
                        let fa = of_kind
                            .iter()
                            .filter(|s| !truth(s) && s.accepted[p])
                            .count();
                        (fr.to_string(), fa.to_string())
                    }
                };
                println!(
                    "| {} | {} | {parser} | {} | {accepted} | {false_rejections} | {false_acceptances} |",
                    corpus.label,
                    kind.name(),
                    of_kind.len()
                );
            }
        }
        details.extend(
            statements
                .into_iter()
                .filter(disagreement)
                .map(|s| (corpus.label.clone(), s)),
        );
    }
    if verbose {
        for (label, s) in &details {
            let verdicts: Vec<String> = PARSERS
                .iter()
                .zip(s.accepted)
                .map(|(p, a)| format!("{p}: {}", if a { "accepts" } else { "rejects" }))
                .collect();
            let server = match &s.server {
                None => "no server".to_string(),
                Some(Ok(())) => "PostgreSQL 15 accepts".to_string(),
                Some(Err(message)) => format!("PostgreSQL 15 rejects: {message}"),
            };
            let text: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let text: String = text.chars().take(160).collect();
            println!(
                "\n[{label}] {} ({}; {server})\n    {text}",
                s.place,
                verdicts.join(", ")
            );
        }
    }
    std::process::ExitCode::SUCCESS
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Migrations => "migrations",
            Kind::Queries => "queries",
        }
    }
}

/// Whether the parsers disagree among themselves or with the server.
fn disagreement(s: &Statement) -> bool {
    let truth = match &s.server {
        Some(verdict) => verdict.is_ok(),
        None => s.accepted[2],
    };
    s.accepted.iter().any(|a| *a != truth)
}

/// The statements of one `sql/` folder in the order the server runs them: up scripts by
/// version, queries, down scripts by descending version. Files already in `seen` (the same
/// file reached through another folder or a symbolic link) are skipped.
fn read_unit(dir: &Path, seen: &mut BTreeSet<PathBuf>) -> Vec<Statement> {
    let tree = scan(dir);
    let mut fresh = |sub: &str, file: &SqlFile| {
        let path = dir.join(sub).join(&file.file_name);
        seen.insert(std::fs::canonicalize(&path).unwrap_or(path))
    };
    let mut ups = Vec::new();
    let mut downs = Vec::new();
    for file in &tree.migrations {
        let Ok(name) = parse_migration_file_name(&file.file_name) else {
            continue;
        };
        if fresh("migrations", file) {
            match name.direction {
                Direction::Up => ups.push((name.version, file)),
                Direction::Down => downs.push((name.version, file)),
            }
        }
    }
    ups.sort_by_key(|(version, _)| *version);
    downs.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    let mut out: Vec<Statement> = Vec::new();
    for (_, file) in &ups {
        out.extend(migration_statements(file));
    }
    for file in &tree.queries {
        if !fresh("queries", file) {
            continue;
        }
        let (queries, _) = parse_file(file);
        for query in queries {
            out.push(judge(
                Kind::Queries,
                format!("{}:{}", file.path, query.line),
                query.sql,
            ));
        }
    }
    for (_, file) in &downs {
        out.extend(migration_statements(file));
    }
    out
}

fn migration_statements(file: &SqlFile) -> Vec<Statement> {
    let text: &str = &file.text;
    let Ok(pieces) = pg_query::split_with_scanner(text) else {
        eprintln!("{}: libpg_query cannot split this file", file.path);
        return Vec::new();
    };
    pieces
        .into_iter()
        .filter(|piece| !piece.trim().is_empty())
        .map(|piece| {
            // The piece is a slice of `text`: its start is its offset in the file.
            let offset = piece.as_ptr() as usize - text.as_ptr() as usize;
            let lead = piece.len() - piece.trim_start().len();
            let line = text[..offset + lead].matches('\n').count() + 1;
            judge(
                Kind::Migrations,
                format!("{}:{line}", file.path),
                piece.to_string(),
            )
        })
        .collect()
}

fn judge(kind: Kind, place: String, text: String) -> Statement {
    use sqlparser::dialect::PostgreSqlDialect;
    let accepted = [
        sqlparser::parser::Parser::parse_sql(&PostgreSqlDialect {}, &text).is_ok(),
        squawk_syntax::SourceFile::parse(&text).errors().is_empty(),
        pg_query::parse(&text).is_ok(),
    ];
    Statement {
        kind,
        place,
        text,
        accepted,
        server: None,
    }
}

/// Runs the unit's statements one by one on a scratch database of `server` and records
/// whether PostgreSQL's grammar accepted each.
async fn judge_on_server(server: &str, unit: &mut [Statement]) {
    let connect = |database: &str| {
        let config = format!("{server} dbname={database}");
        async move {
            let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("cannot connect with `{config}`: {e}"));
            tokio::spawn(connection);
            client
        }
    };
    let admin = connect("postgres").await;
    let scratch = "pgbake_parser_fidelity";
    let reset = format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)");
    admin.batch_execute(&reset).await.expect("drop scratch");
    admin
        .batch_execute(&format!("CREATE DATABASE {scratch}"))
        .await
        .expect("create scratch");
    {
        let client = connect(scratch).await;
        client
            .batch_execute("SET statement_timeout = '20s'; SET client_min_messages = error")
            .await
            .expect("settings");
        for statement in unit.iter_mut() {
            let verdict = match client.simple_query(&statement.text).await {
                Ok(_) => Ok(()),
                Err(error) => {
                    // A failed statement inside a transaction the script opened aborts it.
                    let _ = client.batch_execute("ROLLBACK").await;
                    match error.as_db_error() {
                        Some(db)
                            if db.code() == &tokio_postgres::error::SqlState::SYNTAX_ERROR
                                && db.where_().is_none() =>
                        {
                            Err(db.message().to_string())
                        }
                        _ => Ok(()),
                    }
                }
            };
            statement.server = Some(verdict);
        }
    }
    admin.batch_execute(&reset).await.expect("drop scratch");
}
