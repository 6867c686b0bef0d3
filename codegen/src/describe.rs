//! `describe`: the inferred signature of every query as JSON, and `analyze`, the
//! annotate -> catalog -> infer pipeline the Builder calls.

use std::path::Path;

use serde_json::{Value, json};

use crate::annotate::{AnnotatedQuery, parse_file};
use crate::error::Diagnostic;
use crate::ir::{Cardinality, Column, CopyTarget, Param, Query};
use crate::source::SqlFile;
use crate::types::describe_rust_type;

/// What `pgbake describe --format json` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    /// `{"queries": […], "errors": […]}` in the shape of DESIGN.md.
    pub json: Value,
    /// Whether any error was found (the command then exits with status 1).
    pub has_errors: bool,
}

/// Describes the `sql/` folder at `sql_dir` (with `migrations/` and `queries/`): the same
/// checks and inference as a build, without writing anything.
pub fn describe(sql_dir: &Path) -> Describe {
    let analysis = crate::builder::analyze(sql_dir);
    to_json(&analysis.queries, &analysis.diagnostics)
}

/// Renders queries and diagnostics as describe's JSON.
pub fn to_json(queries: &[Query], diagnostics: &[Diagnostic]) -> Describe {
    let queries_json: Vec<Value> = queries
        .iter()
        .map(|q| {
            json!({
                "module": q.module,
                "name": q.name,
                "file": q.file,
                "line": q.line,
                "cardinality": q.cardinality.as_str(),
                "sql": q.sql,
                "params": q.params.iter().map(|p| json!({
                    "name": p.name,
                    "pg_type": p.pg_type.to_string(),
                    "rust_type": describe_rust_type(&p.pg_type, p.nullable, true),
                    "nullable": p.nullable,
                })).collect::<Vec<_>>(),
                "columns": q.columns.iter().map(|c| json!({
                    "name": c.name,
                    "pg_type": c.pg_type.to_string(),
                    "rust_type": describe_rust_type(&c.pg_type, c.nullable, false),
                    "nullable": c.nullable,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.line_column();
            json!({
                "file": d.file,
                "line": line,
                "column": column,
                "query": d.query,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    Describe {
        has_errors: !errors.is_empty(),
        json: json!({ "queries": queries_json, "errors": errors }),
    }
}

/// Replays `migrations` (sorted by version, up scripts only) and types every query of
/// `queries`. A query with an error is left out and reported; the others are returned.
pub fn analyze(migrations: &[SqlFile], queries: &[SqlFile]) -> (Vec<Query>, Vec<Diagnostic>) {
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

fn type_query(
    catalog: &crate::catalog::Catalog,
    query: &AnnotatedQuery,
) -> Result<Query, Box<Diagnostic>> {
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
                    e.offset,
                    1,
                    format!("cannot parse query `{}`: {}", query.name, e.message),
                )
                .with_help("check the SQL syntax (PostgreSQL dialect)"),
        )
    })?;
    let inferred = match unparsed {
        Some(result) => result,
        None => {
            let statement = statements.first().ok_or_else(|| {
                Box::new(query.diagnostic_at_file(
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
        let mut d = query.diagnostic_at_sql(offset, length, e.message);
        d = d.with_help(
            e.help
                .unwrap_or_else(|| "add a cast like `:name::text` or an override".into()),
        );
        Box::new(d)
    })?;
    if !inferred.returns_rows
        && matches!(
            query.cardinality,
            Cardinality::One | Cardinality::Opt | Cardinality::Many
        )
    {
        return Err(Box::new(
            query
                .diagnostic_at_file(
                    query.name_offset,
                    query.name.len(),
                    format!(
                        "query `{}` returns no rows but is declared `:{}`",
                        query.name,
                        query.cardinality.as_str()
                    ),
                )
                .with_help("declare it `:exec`, or add `RETURNING …`"),
        ));
    }
    let mut params: Vec<Param> = query
        .params
        .iter()
        .zip(&inferred.params)
        .zip(&inferred.param_nullable)
        .map(|((p, t), nullable)| Param {
            name: p.name.clone(),
            pg_type: catalog.to_pg_type(t),
            nullable: *nullable,
        })
        .collect();
    let mut columns: Vec<Column> = inferred
        .columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            // The server describes a column of a domain type by the domain's base type.
            pg_type: catalog.to_pg_type(&catalog.base_type(&c.ty)),
            nullable: !c.not_null,
        })
        .collect();
    for o in &query.param_overrides {
        let p = params
            .iter_mut()
            .find(|p| p.name == o.name)
            .ok_or_else(|| {
                Box::new(
                    query
                        .diagnostic_at_file(
                            o.offset,
                            o.name.len(),
                            format!("override names unknown parameter `{}`", o.name),
                        )
                        .with_help("name a `:param` used in the query"),
                )
            })?;
        p.nullable = o.nullable;
    }
    for o in &query.column_overrides {
        let c = columns
            .iter_mut()
            .find(|c| c.name == o.name)
            .ok_or_else(|| {
                Box::new(
                    query
                        .diagnostic_at_file(
                            o.offset,
                            o.name.len(),
                            format!("override names unknown column `{}`", o.name),
                        )
                        .with_help("name an output column of the query"),
                )
            })?;
        c.nullable = o.nullable;
    }
    let copy = match (query.cardinality, statements.first()) {
        (Cardinality::Copy, Some(statement)) => Some(copy_target(statement).map_err(|message| {
            Box::new(
                query
                    .diagnostic_at_file(query.name_offset, query.name.len(), message)
                    .with_help("write it as `INSERT INTO t (a, b) VALUES (:a, :b)`: one row, each value a plain `:parameter`"),
            )
        })?),
        (Cardinality::Copy, None) => {
            return Err(Box::new(query.diagnostic_at_file(
                query.name_offset,
                query.name.len(),
                format!("`:copy` query `{}` must be an INSERT", query.name),
            )));
        }
        _ => None,
    };
    Ok(Query {
        module: query.module.clone(),
        name: query.name.clone(),
        file: query.file.clone(),
        line: query.line,
        cardinality: query.cardinality,
        sql: query.sql.clone(),
        docs: query.docs.clone(),
        params,
        columns,
        copy,
    })
}

/// The binary COPY for a `:copy` query: a single-row `INSERT INTO t (cols) VALUES (…)`
/// whose values are all plain parameters, without RETURNING or ON CONFLICT.
fn copy_target(statement: &sqlparser::ast::Statement) -> Result<CopyTarget, String> {
    use sqlparser::ast::{Expr, SetExpr, Statement, Value};
    let Statement::Insert(insert) = statement else {
        return Err("a `:copy` query must be an INSERT".into());
    };
    if insert.returning.is_some() || insert.on.is_some() {
        return Err(
            "a `:copy` INSERT cannot have RETURNING or ON CONFLICT (COPY has neither)".into(),
        );
    }
    if insert.columns.is_empty() {
        return Err(
            "a `:copy` INSERT must list its columns: `INSERT INTO t (a, b) VALUES (:a, :b)`".into(),
        );
    }
    let Some(SetExpr::Values(values)) = insert.source.as_ref().map(|s| s.body.as_ref()) else {
        return Err("a `:copy` INSERT must use VALUES".into());
    };
    let [row] = values.rows.as_slice() else {
        return Err("a `:copy` INSERT must have exactly one VALUES row".into());
    };
    let row = &row.content;
    if row.len() != insert.columns.len() {
        return Err("the VALUES row must have one value per listed column".into());
    }
    let mut param_for_column = Vec::new();
    for value in row {
        let Expr::Value(v) = value else {
            return Err(format!(
                "`{value}` is not a plain parameter; COPY cannot evaluate expressions"
            ));
        };
        let Value::Placeholder(p) = &v.value else {
            return Err(format!(
                "`{value}` is not a plain parameter; COPY cannot evaluate expressions"
            ));
        };
        let index: usize = p
            .trim_start_matches('$')
            .parse()
            .map_err(|_| format!("`{p}` is not a parameter"))?;
        param_for_column.push(index - 1);
    }
    let columns: Vec<String> = insert.columns.iter().map(ToString::to_string).collect();
    Ok(CopyTarget {
        statement: format!(
            "COPY {} ({}) FROM STDIN (FORMAT binary)",
            insert.table,
            columns.join(", ")
        ),
        param_for_column,
    })
}
