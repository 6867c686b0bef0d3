//! Function calls: built-ins from `pg_proc`, user functions from the catalog, aggregates,
//! window functions, COALESCE/NULLIF/GREATEST/LEAST, set-returning functions.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::builtins::{Proc, builtins};
use super::expr::{T, Val};
use super::query::{Col, Cx};
use super::resolve::{Candidate, select};
use crate::catalog::{Ty, object_name};

/// Functions that never return NULL for non-NULL arguments (strict or not).
const NULL_SAFE: &[&str] = &[
    "lower",
    "upper",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "bit_length",
    "btrim",
    "ltrim",
    "rtrim",
    "substr",
    "substring",
    "replace",
    "md5",
    "abs",
    "round",
    "floor",
    "ceil",
    "ceiling",
    "trunc",
    "date_trunc",
    "date_part",
    "extract",
    "to_char",
    "to_timestamp",
    "to_date",
    "to_number",
    "age",
    "left",
    "right",
    "lpad",
    "rpad",
    "repeat",
    "reverse",
    "split_part",
    "position",
    "strpos",
    "initcap",
    "cardinality",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "make_interval",
    "make_date",
    "gen_random_uuid",
    "uuid_generate_v4",
    "uuid_generate_v1",
    "random",
    "similarity",
    "digest",
    "crypt",
    "gen_salt",
    "encode",
    "decode",
    "sqrt",
    "power",
    "pow",
    "mod",
    "sign",
    "ln",
    "exp",
    "log",
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timezone",
    "string_to_array",
    "array_to_string",
    "format",
    "concat",
    "concat_ws",
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "websearch_to_tsquery",
    "quote_ident",
    "quote_literal",
    "num_nulls",
    "num_nonnulls",
    "hstore",
    "text",
    "overlay",
    "translate",
    "chr",
    "ascii",
    "div",
    "gcd",
    "lcm",
    "version",
    "current_setting",
    "pg_backend_pid",
    "txid_current",
    "nextval",
    "currval",
    "setval",
    "lastval",
    "overlaps",
    "isfinite",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "make_timestamp",
    "make_timestamptz",
    "to_json",
    "to_jsonb",
    "row_to_json",
    "array_fill",
    "generate_series",
    "unnest",
    "array_append",
    "array_prepend",
    "array_cat",
    "array_remove",
    "array_replace",
    "jsonb_set",
    "jsonb_insert",
    "jsonb_strip_nulls",
    "jsonb_pretty",
    "jsonb_typeof",
    "json_typeof",
    "pg_advisory_lock",
    "pg_advisory_xact_lock",
    "pg_try_advisory_lock",
    "pg_try_advisory_xact_lock",
    "pg_advisory_unlock",
    "pg_notify",
    "nlevel",
    "subpath",
    "subltree",
    "lca",
];

/// Window functions whose result is never NULL.
const WINDOW_NON_NULL: &[&str] = &[
    "row_number",
    "rank",
    "dense_rank",
    "ntile",
    "percent_rank",
    "cume_dist",
];

/// Positional argument expressions of a call (named arguments by position too).
pub fn plain_args(f: &Function) -> Vec<Expr> {
    let FunctionArguments::List(list) = &f.args else {
        return Vec::new();
    };
    list.args
        .iter()
        .filter_map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
            | FunctionArg::Named {
                arg: FunctionArgExpr::Expr(e),
                ..
            }
            | FunctionArg::ExprNamed {
                arg: FunctionArgExpr::Expr(e),
                ..
            } => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// Columns of system views the corpus reads (`pg_timezone_names`).
pub fn system_relation(name: &str) -> Option<Vec<Col>> {
    let col = |n: &str, t: &str| Col {
        name: n.into(),
        ty: Ty::new(t),
        nullable: true,
    };
    Some(match name {
        "pg_timezone_names" => vec![
            col("name", "text"),
            col("abbrev", "text"),
            col("utc_offset", "interval"),
            col("is_dst", "bool"),
        ],
        "pg_timezone_abbrevs" => vec![
            col("abbrev", "text"),
            col("utc_offset", "interval"),
            col("is_dst", "bool"),
        ],
        _ => return None,
    })
}

fn out_columns(name: &str, args: &[Option<Ty>]) -> Option<Vec<Col>> {
    let col = |n: &str, t: &str| Col {
        name: n.into(),
        ty: Ty::new(t),
        nullable: true,
    };
    let json = args
        .first()
        .cloned()
        .flatten()
        .map(|t| t.name)
        .unwrap_or_else(|| "json".into());
    Some(match name {
        "json_each" | "jsonb_each" => vec![
            col("key", "text"),
            col(
                "value",
                if name == "jsonb_each" {
                    "jsonb"
                } else {
                    "json"
                },
            ),
        ],
        "json_each_text" | "jsonb_each_text" => vec![col("key", "text"), col("value", "text")],
        "each" => vec![col("key", "text"), col("value", "text")],
        "pg_get_keywords" => vec![
            col("word", "text"),
            col("catcode", "char"),
            col("catdesc", "text"),
        ],
        _ => {
            let _ = json;
            return None;
        }
    })
}

impl Cx<'_> {
    /// Calls a built-in by name with already-inferred arguments.
    pub fn call_builtin(
        &mut self,
        name: &str,
        args: &[Val],
        span: Span,
    ) -> Result<Val, InferError> {
        let procs = builtins().procs.get(name).cloned().unwrap_or_default();
        let (v, _) = self.resolve_call(name, &procs, args, span, false)?;
        Ok(v)
    }

    fn resolve_call(
        &mut self,
        name: &str,
        procs: &[Proc],
        args: &[Val],
        span: Span,
        has_star: bool,
    ) -> Result<(Val, Proc), InferError> {
        let n = args.len();
        let mut candidates = Vec::new();
        for (i, p) in procs.iter().enumerate() {
            let declared = p.args.len();
            if n == declared || (n < declared && n >= declared - p.defaults) {
                candidates.push(Candidate {
                    args: p.args[..n].to_vec(),
                    ret: p.ret.clone(),
                    index: i,
                });
            }
            if let Some(element) = &p.variadic
                && n + 1 >= declared
            {
                let mut expanded = p.args[..declared - 1].to_vec();
                while expanded.len() < n {
                    expanded.push(element.clone());
                }
                candidates.push(Candidate {
                    args: expanded,
                    ret: p.ret.clone(),
                    index: i,
                });
            }
        }
        let _ = has_star;
        let inputs: Vec<Option<Ty>> = args.iter().map(|a| self.known(a)).collect();
        let chosen = select(self.catalog, &candidates, &inputs).map_err(|why| {
            let shown: Vec<String> = inputs
                .iter()
                .map(|t| t.as_ref().map_or("unknown".into(), Ty::to_string))
                .collect();
            InferError::new(
                format!(
                    "function {name}({}) does not exist or is ambiguous: {why}",
                    shown.join(", ")
                ),
                span,
            )
            .help("add explicit casts to the arguments, e.g. `:name::text`")
        })?;
        for (a, t) in args.iter().zip(&chosen.args) {
            if t.name != "any" {
                self.settle(a, t);
            } else if let T::Param(_) = a.t {
                self.settle(a, &Ty::new("text"));
            }
        }
        let proc = procs[chosen.index].clone();
        Ok((Val::known(chosen.ret, true, Some(name.to_string())), proc))
    }

    /// A function call; in FROM, also returns the columns of record-returning functions.
    pub fn function_call(
        &mut self,
        f: &Function,
        in_from: bool,
    ) -> Result<(Val, Option<Vec<Col>>), InferError> {
        let span = f.span();
        let (schema, name) = object_name(&f.name);
        let qualified = f.name.0.len() > 1;
        if let Some(filter) = &f.filter {
            let v = self.expr(filter)?;
            self.settle(&v, &Ty::new("bool"));
        }
        if let Some(sqlparser::ast::WindowType::WindowSpec(spec)) = &f.over {
            for e in &spec.partition_by {
                self.expr(e)?;
            }
        }
        let star = matches!(&f.args, FunctionArguments::List(l) if l.args.iter().any(|a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Wildcard | FunctionArgExpr::QualifiedWildcard(_)))));
        let arg_exprs = plain_args(f);
        // Keyword functions written without parentheses.
        if matches!(f.args, FunctionArguments::None) {
            let ty = match name.as_str() {
                "current_date" => Some("date"),
                "current_timestamp" => Some("timestamptz"),
                "current_time" => Some("timetz"),
                "localtimestamp" => Some("timestamp"),
                "localtime" => Some("time"),
                "current_user" | "session_user" | "user" | "current_role" | "current_schema"
                | "current_catalog" => Some("name"),
                _ => None,
            };
            if let Some(ty) = ty {
                return Ok((Val::known(Ty::new(ty), false, Some(name)), None));
            }
        }
        if let FunctionArguments::Subquery(q) = &f.args {
            // ARRAY(SELECT …)
            let cols = self.query(q)?;
            let c = cols
                .first()
                .ok_or_else(|| InferError::new("subquery must return a column", span))?;
            if name == "array" {
                return Ok((
                    Val::known(c.ty.to_array(), false, Some("array".into())),
                    None,
                ));
            }
        }
        let mut args = Vec::new();
        for e in &arg_exprs {
            args.push(self.expr(e)?);
        }
        if let FunctionArguments::List(list) = &f.args {
            for clause in &list.clauses {
                if let sqlparser::ast::FunctionArgumentClause::OrderBy(order) = clause {
                    for o in order {
                        self.expr(&o.expr)?;
                    }
                }
            }
        }
        let any_nullable = args.iter().any(|a| a.nullable);
        match name.as_str() {
            "coalesce" if !qualified => {
                let ty = self.common(&args, span)?;
                let nullable = args.iter().all(|a| a.nullable);
                return Ok((Val::known(ty, nullable, Some(name)), None));
            }
            "greatest" | "least" if !qualified => {
                let ty = self.common(&args, span)?;
                let nullable = args.iter().all(|a| a.nullable);
                return Ok((Val::known(ty, nullable, Some(name)), None));
            }
            "nullif" if !qualified && args.len() == 2 => {
                self.binary("=", &args[0], &args[1], span)?;
                let ty = self.finalize(&args[0], span)?;
                return Ok((Val::known(ty, true, Some(name)), None));
            }
            "count" if star || args.len() == 1 => {
                return Ok((Val::known(Ty::new("int8"), false, Some(name)), None));
            }
            _ => {}
        }
        // User functions first (search_path public precedes pg_catalog only for new names).
        let user: Vec<_> = self
            .catalog
            .functions
            .iter()
            .filter(|u| u.name == name && (!qualified || u.schema == schema) && !u.procedure)
            .cloned()
            .collect();
        if !user.is_empty() {
            let procs: Vec<Proc> = user
                .iter()
                .map(|u| Proc {
                    kind: 'f',
                    retset: u.returns_set,
                    strict: false,
                    variadic: if u.variadic {
                        u.args.last().map(Ty::element)
                    } else {
                        None
                    },
                    defaults: u.defaults,
                    ret: u.returns.clone(),
                    args: u.args.clone(),
                })
                .collect();
            let (v, proc) = self.resolve_call(&name, &procs, &args, span, star)?;
            let chosen = user
                .iter()
                .find(|u| u.args == proc.args && u.returns == proc.ret)
                .cloned()
                .expect("chosen from these");
            let cols = if chosen.out_columns.len() > 1
                || (in_from && !chosen.out_columns.is_empty() && chosen.returns.name == "record")
            {
                Some(
                    chosen
                        .out_columns
                        .iter()
                        .map(|c| Col {
                            name: c.name.clone(),
                            ty: c.ty.clone(),
                            nullable: true,
                        })
                        .collect(),
                )
            } else {
                None
            };
            if in_from && chosen.out_columns.len() == 1 {
                let c = &chosen.out_columns[0];
                return Ok((
                    v.clone(),
                    Some(vec![Col {
                        name: c.name.clone(),
                        ty: c.ty.clone(),
                        nullable: true,
                    }]),
                ));
            }
            return Ok((v, cols));
        }
        let procs = builtins().procs.get(&name).cloned().unwrap_or_default();
        if procs.is_empty() {
            return Err(InferError::new(format!("function `{name}` does not exist"), f.name.span())
                .help("check the function name; functions created in migrations are known by their signature"));
        }
        let (mut v, proc) = self.resolve_call(&name, &procs, &args, span, star)?;
        v.nullable = match proc.kind {
            'a' => true,
            'w' => !WINDOW_NON_NULL.contains(&name.as_str()),
            _ => any_nullable || !NULL_SAFE.contains(&name.as_str()),
        };
        if f.over.is_some() && name == "count" {
            v.nullable = false;
        }
        let cols = if in_from && proc.ret.name == "record" && !proc.ret.array {
            out_columns(
                &name,
                &args.iter().map(|a| self.known(a)).collect::<Vec<_>>(),
            )
        } else {
            None
        };
        Ok((v, cols))
    }
}
