//! Lowering: from an inferred statement to the plain `ir::Query` that emit and `describe`
//! read. Overrides, the cardinality check, the `:copy` target and each value's Rust type
//! are decided here, once; emit then makes no decisions and has no fallbacks.

use sqlparser::ast::Statement;

use crate::annotate::{AnnotatedQuery, Override};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::infer::Inferred;
use crate::ir::{Cardinality, Column, CopyTarget, Param, Query};
use crate::types::{field_name, rust_type};

/// Queries with more parameters than this take a params struct.
pub const PARAMS_STRUCT_THRESHOLD: usize = 4;

/// Lowers one inferred statement (`statement` is the parsed form, `None` for a utility
/// statement read from its text).
pub fn lower(
    catalog: &Catalog,
    query: &AnnotatedQuery,
    statement: Option<&Statement>,
    inferred: &Inferred,
) -> Result<Query, Box<Diagnostic>> {
    if !inferred.returns_rows
        && matches!(
            query.cardinality,
            Cardinality::One | Cardinality::Opt | Cardinality::Many
        )
    {
        return Err(Box::new(
            query
                .diagnostic_at_file(
                    Code::Cardinality,
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
            field: field_name(&p.name),
            pg_type: catalog.to_pg_type(t),
            nullable: *nullable,
            rust_type: None,
        })
        .collect();
    let mut columns: Vec<Column> = inferred
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // The server describes a column of a domain type by the domain's base type.
            let pg_type = catalog.to_pg_type(&catalog.base_type(&c.ty));
            Column {
                name: c.name.clone(),
                field: field_name(&c.name),
                nullable: !c.not_null,
                element_nullable: pg_type.array
                    && inferred
                        .column_element_nulls
                        .get(i)
                        .copied()
                        .unwrap_or(false),
                pg_type,
                rust_type: None,
            }
        })
        .collect();
    let optional = apply_overrides(query, &mut params, &mut columns)?;
    let copy = match (query.cardinality, statement) {
        (Cardinality::Copy, Some(statement)) => Some(copy_target(statement).map_err(|message| {
            Box::new(
                query
                    .diagnostic_at_file(Code::CopyShape, query.name_offset, query.name.len(), message)
                    .with_help("write it as `INSERT INTO t (a, b) VALUES (:a, :b)`: one row, each value a plain `:parameter`"),
            )
        })?),
        (Cardinality::Copy, None) => {
            return Err(Box::new(query.diagnostic_at_file(
                Code::CopyShape,
                query.name_offset,
                query.name.len(),
                format!("`:copy` query `{}` must be an INSERT", query.name),
            )));
        }
        _ => None,
    };
    let mut lowered = Query {
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
        optional,
        variants: Vec::new(),
    };
    resolve_rust_types(&mut lowered);
    Ok(lowered)
}

/// Applies the header's `(param?)`/`(column!)`/`column[?]` overrides, then makes each optional
/// filter's parameter an `Option` whatever else the query says (`None` leaves the filter
/// out). Returns the optional parameters' indices.
fn apply_overrides(
    query: &AnnotatedQuery,
    params: &mut [Param],
    columns: &mut [Column],
) -> Result<Vec<usize>, Box<Diagnostic>> {
    if let Some(o) = query.param_overrides.iter().find(|o| o.element) {
        return Err(Box::new(
            query
                .diagnostic_at_file(
                    Code::UnknownOverride,
                    o.offset,
                    o.name.len(),
                    format!("element override `{}[…]` on a parameter", o.name),
                )
                .with_help("element overrides apply to array columns: `-> (column[?])`"),
        ));
    }
    for o in &query.param_overrides {
        let nullable = find_override_target(
            query,
            o,
            params.iter_mut().map(|p| (&*p.name, &mut p.nullable)),
            ("parameter", "name a `:param` used in the query"),
        )?;
        *nullable = o.nullable;
    }
    for o in &query.column_overrides {
        let nullable = find_override_target(
            query,
            o,
            columns.iter_mut().map(|c| {
                let flag = if o.element {
                    &mut c.element_nullable
                } else {
                    &mut c.nullable
                };
                (&*c.name, flag)
            }),
            ("column", "name an output column of the query"),
        )?;
        *nullable = o.nullable;
        if o.element && !columns.iter().any(|c| c.name == o.name && c.pg_type.array) {
            return Err(Box::new(
                query
                    .diagnostic_at_file(
                        Code::UnknownOverride,
                        o.offset,
                        o.name.len(),
                        format!("column `{}` is not an array", o.name),
                    )
                    .with_help("`column[?]` overrides the elements of an array column; use `column?` for the column itself"),
            ));
        }
    }
    let optional: Vec<usize> = (query.optional.iter())
        .filter_map(|name| query.params.iter().position(|p| &p.name == name))
        .collect();
    for &i in &optional {
        params[i].nullable = true;
    }
    Ok(optional)
}

/// Decides each value's Rust type and field name, once, after the overrides, for emit and
/// describe.
fn resolve_rust_types(query: &mut Query) {
    let (params, columns) = (&mut query.params, &mut query.columns);
    unique_fields(params.iter_mut().map(|p| &mut p.field));
    unique_fields(columns.iter_mut().map(|c| &mut c.field));
    for p in params.iter_mut() {
        p.rust_type = rust_type_text(&p.pg_type, p.nullable, true);
    }
    for c in columns.iter_mut() {
        c.rust_type = if c.element_nullable {
            rust_type(&c.pg_type.element()).ok().map(|element| {
                let vec = format!("Vec<Option<{}>>", element.owned);
                if c.nullable {
                    format!("Option<{vec}>")
                } else {
                    vec
                }
            })
        } else {
            rust_type_text(&c.pg_type, c.nullable, false)
        };
    }
}

/// The nullability flag an override names, or a diagnostic at the override naming what
/// it should name (`what` is the kind of value and the help line).
fn find_override_target<'a>(
    query: &AnnotatedQuery,
    o: &Override,
    mut values: impl Iterator<Item = (&'a str, &'a mut bool)>,
    (kind, help): (&str, &str),
) -> Result<&'a mut bool, Box<Diagnostic>> {
    match values.find(|(name, _)| *name == o.name) {
        Some((_, nullable)) => Ok(nullable),
        None => Err(Box::new(
            query
                .diagnostic_at_file(
                    Code::UnknownOverride,
                    o.offset,
                    o.name.len(),
                    format!("override names unknown {kind} `{}`", o.name),
                )
                .with_help(help),
        )),
    }
}

/// `describe`'s and emit's Rust type of a value: the parameter type for parameters, the
/// owned type for columns, in `Option<…>` when nullable; `None` when the type has no mapping.
fn rust_type_text(ty: &crate::ir::PgType, nullable: bool, param: bool) -> Option<String> {
    let r = rust_type(ty).ok()?;
    let t = if param { r.param } else { r.owned };
    Some(if nullable { format!("Option<{t}>") } else { t })
}

/// Makes Rust field names unique in their struct: a name already taken gets `_2`, `_3`, …
/// (`SELECT u.id, p.id` gives `id` and `id_2`), as sqlc does. The docs of each field still
/// give the column's own name.
fn unique_fields<'a>(fields: impl Iterator<Item = &'a mut String>) {
    let mut taken: Vec<String> = Vec::new();
    for field in fields {
        let mut candidate = field.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{field}_{n}");
            n += 1;
        }
        *field = candidate.clone();
        taken.push(candidate);
    }
}

/// Problems that make a typed query impossible to generate (describe shows them too):
/// types without a Rust mapping.
pub fn emit_problems(queries: &[Query]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for q in queries {
        let at = |code: Code, msg: String, help: &str| {
            Diagnostic::file(code, &q.file, msg)
                .with_help(help.to_string())
                .with_query(&q.name)
        };
        for (what, name, ty) in q
            .params
            .iter()
            .map(|p| ("parameter", &p.name, &p.pg_type))
            .chain(q.columns.iter().map(|c| ("column", &c.name, &c.pg_type)))
        {
            if let Err(e) = rust_type(ty) {
                out.push(at(
                    Code::NoRustType,
                    format!(
                        "{what} `{name}` of query `{}` (line {}): {e}",
                        q.name, q.line
                    ),
                    "cast it, e.g. `::text`",
                ));
            }
        }
    }
    out
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
