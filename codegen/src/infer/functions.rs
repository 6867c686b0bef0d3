//! Function calls: built-ins from `pg_proc`, user functions from the catalog, aggregates,
//! window functions, COALESCE/NULLIF/GREATEST/LEAST, set-returning functions.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned};
use sqlparser::tokenizer::Span;

use super::InferError;
use super::expr::{T, Val};
use super::query::{Col, Cx};
use super::resolve::{Candidate, select};
use crate::catalog::{Ty, object_name};
use crate::pg::builtins::{Proc, builtins};

/// Strict built-ins that can return NULL although every argument is non-NULL (each
/// one's documentation says when). Every other strict function returns NULL only for
/// a NULL argument (`pg_proc.proisstrict`). `lower`/`upper` of a range, `substring`
/// with a pattern, `to_char` of a date/time with a possibly empty format and
/// `current_setting(name, missing_ok)` are decided in [`strict_result_nullable`].
const STRICT_BUT_NULLABLE: &[&str] = &[
    // empty arrays have no dimensions
    "array_length",
    "array_lower",
    "array_upper",
    "array_ndims",
    "array_dims",
    // array elements may be NULL
    "unnest",
    // no match
    "regexp_match",
    "regexp_substr",
    // a missing key or element, JSON null as text
    "json_extract_path",
    "json_extract_path_text",
    "jsonb_extract_path",
    "jsonb_extract_path_text",
    "json_object_field",
    "json_object_field_text",
    "jsonb_object_field",
    "jsonb_object_field_text",
    "json_array_element",
    "json_array_element_text",
    "jsonb_array_element",
    "jsonb_array_element_text",
    "json_array_elements_text",
    "jsonb_array_elements_text",
    "jsonb_path_query_first",
    "jsonb_path_query_first_tz",
    "jsonb_path_match",
    "jsonb_path_match_tz",
    "jsonb_path_exists",
    "jsonb_path_exists_tz",
    "fetchval",
    // a name that does not exist
    "to_regclass",
    "to_regtype",
    "to_regproc",
    "to_regprocedure",
    "to_regoper",
    "to_regoperator",
    "to_regnamespace",
    "to_regrole",
    "to_regcollation",
    "pg_get_serial_sequence",
    "pg_get_viewdef",
    "pg_get_indexdef",
    "pg_get_constraintdef",
    "pg_get_functiondef",
    "pg_get_triggerdef",
    "pg_get_ruledef",
    "pg_get_expr",
    "pg_get_function_arguments",
    "pg_get_function_result",
    "pg_get_function_identity_arguments",
    "obj_description",
    "col_description",
    "shobj_description",
    "pg_relation_size",
    "pg_total_relation_size",
    "pg_table_size",
    "pg_indexes_size",
    "pg_relation_filenode",
    "pg_relation_filepath",
    // infinite input and a field that is not monotonic
    "date_part",
    "extract",
    // no such thing in this session
    "txid_current_if_assigned",
    "pg_current_xact_id_if_assigned",
    "inet_client_addr",
    "inet_client_port",
    "inet_server_addr",
    "inet_server_port",
    "pg_last_xact_replay_timestamp",
    "pg_last_wal_receive_lsn",
    "pg_last_wal_replay_lsn",
    "lca",
];

/// Non-strict built-ins that never return NULL.
const NON_STRICT_NEVER_NULL: &[&str] = &[
    "concat",
    "json_build_object",
    "json_build_array",
    "jsonb_build_object",
    "jsonb_build_array",
    "num_nulls",
    "num_nonnulls",
    "pg_typeof",
    "quote_nullable",
    "array_append",
    "array_prepend",
    "gen_random_uuid",
];

/// Non-strict built-ins that return NULL only when their first argument is NULL.
const NON_STRICT_NULL_ON_FIRST: &[&str] = &["concat_ws", "format"];

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

/// The name of each argument of [`plain_args`] (`None` for positional ones).
pub fn arg_names(f: &Function) -> Vec<Option<String>> {
    let FunctionArguments::List(list) = &f.args else {
        return Vec::new();
    };
    list.args
        .iter()
        .filter_map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(_)) => Some(None),
            FunctionArg::Named {
                name,
                arg: FunctionArgExpr::Expr(_),
                ..
            } => Some(Some(crate::catalog::ident(name))),
            FunctionArg::ExprNamed {
                name,
                arg: FunctionArgExpr::Expr(_),
                ..
            } => Some(Some(name.to_string().to_lowercase())),
            _ => None,
        })
        .collect()
}

/// Whether a strict built-in can return NULL for these non-NULL arguments.
fn strict_result_nullable(
    name: &str,
    proc: &Proc,
    args: &[Expr],
    arg_types: &[Option<Ty>],
) -> bool {
    if STRICT_BUT_NULLABLE.contains(&name) {
        return true;
    }
    let first_is = |names: &[&str]| {
        proc.args
            .first()
            .is_some_and(|a| !a.array && names.contains(&a.name.as_str()))
    };
    match name {
        // The bound of an empty or unbounded range.
        "lower" | "upper" => first_is(&["anyrange", "anymultirange"]),
        // substring(text FROM pattern) has no match.
        "substring" => proc.args.get(1).is_some_and(|a| a.name == "text"),
        "current_setting" => proc.args.len() > 1,
        // to_char of a date/time with an empty format is NULL.
        "to_char" => {
            let datetime = arg_types.first().is_some_and(|t| {
                t.as_ref().is_none_or(|t| {
                    matches!(
                        t.name.as_str(),
                        "timestamp" | "timestamptz" | "date" | "interval" | "time" | "timetz"
                    )
                })
            });
            let nonempty_literal = matches!(
                args.get(1),
                Some(Expr::Value(v)) if matches!(&v.value, sqlparser::ast::Value::SingleQuotedString(f) if !f.is_empty())
            );
            datetime && !nonempty_literal
        }
        _ => false,
    }
}

/// Aggregates that give a non-NULL result for a group holding at least one row: with any
/// input (the `*_agg` collectors), or when every argument is non-NULL (the rest).
const AGGREGATES_NON_NULL_PER_GROUP: &[&str] = &[
    "array_agg",
    "json_agg",
    "jsonb_agg",
    "min",
    "max",
    "sum",
    "avg",
    "bit_and",
    "bit_or",
    "bit_xor",
    "bool_and",
    "bool_or",
    "every",
    "string_agg",
];

impl Cx<'_> {
    /// An aggregate is NULL on empty input; in a plain GROUP BY no group is empty, so the
    /// aggregates above are non-NULL there (unless FILTER can empty the group).
    fn aggregate_never_null(&self, name: &str, f: &sqlparser::ast::Function, args: &[Val]) -> bool {
        // Over a window, the rows are the frame: never empty when it holds the current row.
        let rows_never_empty = match &f.over {
            Some(window) => frame_holds_current_row(window),
            None => self.grouped,
        };
        if !rows_never_empty || f.filter.is_some() || !AGGREGATES_NON_NULL_PER_GROUP.contains(&name)
        {
            return false;
        }
        matches!(name, "array_agg" | "json_agg" | "jsonb_agg") || args.iter().all(|a| !a.nullable)
    }
}

/// Whether a window's frame always holds the current row: the default frame does, and so
/// does any frame that starts before or at it and ends at or after it. A named window
/// (`OVER w`) is not looked up: no.
fn frame_holds_current_row(window: &sqlparser::ast::WindowType) -> bool {
    use sqlparser::ast::{WindowFrameBound, WindowType};
    let WindowType::WindowSpec(spec) = window else {
        return false;
    };
    match &spec.window_frame {
        None => true,
        Some(frame) => {
            matches!(
                frame.start_bound,
                WindowFrameBound::Preceding(_) | WindowFrameBound::CurrentRow
            ) && matches!(
                frame.end_bound,
                None | Some(WindowFrameBound::CurrentRow | WindowFrameBound::Following(_))
            )
        }
    }
}

/// Window functions whose value comes from a row of a frame that holds the current row
/// (`first_value`, `last_value`) or has a non-NULL default (`lag`/`lead` with a third
/// argument): non-NULL when their inputs are.
fn window_value_never_null(name: &str, f: &sqlparser::ast::Function, args: &[Val]) -> bool {
    match name {
        "first_value" | "last_value" => {
            f.over.as_ref().is_some_and(frame_holds_current_row)
                && args.first().is_some_and(|a| !a.nullable)
        }
        "lag" | "lead" => args.len() == 3 && args.iter().all(|a| !a.nullable),
        _ => false,
    }
}

/// Whether a built-in's result can be NULL, from `proisstrict` and the lists above.
pub(super) fn builtin_result_nullable(
    name: &str,
    proc: &Proc,
    args: &[Val],
    exprs: &[Expr],
    arg_types: &[Option<Ty>],
) -> bool {
    if proc.strict {
        return args.iter().any(|a| a.nullable)
            || strict_result_nullable(name, proc, exprs, arg_types);
    }
    if NON_STRICT_NEVER_NULL.contains(&name) {
        return false;
    }
    if NON_STRICT_NULL_ON_FIRST.contains(&name) {
        return args.first().is_none_or(|a| a.nullable);
    }
    if name == "array_cat" {
        return args.iter().all(|a| a.nullable);
    }
    true
}

/// A system relation's columns as inference sees them.
pub fn system_relation(schema: Option<&str>, name: &str) -> Option<(String, Vec<Col>)> {
    crate::pg::system_relation(schema, name).map(|(schema, columns)| {
        let cols = columns
            .iter()
            .map(|c| Col {
                name: c.name.clone(),
                ty: c.ty.clone(),
                nullable: !c.not_null,
            })
            .collect();
        (schema, cols)
    })
}

/// An SQL value function as a FROM item: one column named after it.
pub fn sql_value_function(name: &str) -> Option<Vec<Col>> {
    crate::pg::sql_value_function_type(name).map(|ty| {
        vec![Col {
            name: name.to_string(),
            ty: Ty::new(ty),
            nullable: false,
        }]
    })
}

/// The name of a built-in set-returning function's single OUT parameter, which names
/// its result column in FROM: `SELECT DISTINCT proname, n FROM pg_proc,
/// unnest(proargnames, proargmodes) u(n, m) WHERE m IN ('o', 't')` with one such mode.
pub fn single_out_name(name: &str) -> Option<&'static str> {
    match name {
        "json_array_elements"
        | "json_array_elements_text"
        | "jsonb_array_elements"
        | "jsonb_array_elements_text" => Some("value"),
        "pg_event_trigger_table_rewrite_oid" => Some("oid"),
        "pg_partition_ancestors" => Some("relid"),
        _ => None,
    }
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
        let (mut v, proc) = self.resolve_call(name, &procs, args, &[], span)?;
        let arg_types: Vec<Option<Ty>> = args.iter().map(|a| self.known(a)).collect();
        v.nullable = builtin_result_nullable(name, &proc, args, &[], &arg_types);
        Ok(v)
    }

    /// A string literal given as a regclass is converted when the statement is parsed,
    /// so a relation or sequence that does not exist is an error at PREPARE
    /// (`regclassin`: a possibly qualified name, double quotes keep case).
    fn check_regclass_literal(&self, e: &Expr) -> Result<(), InferError> {
        let e = match e {
            Expr::Nested(inner) => &**inner,
            Expr::Cast {
                expr, data_type, ..
            } if data_type.to_string().eq_ignore_ascii_case("regclass") => &**expr,
            e => e,
        };
        let Expr::Value(v) = e else { return Ok(()) };
        let sqlparser::ast::Value::SingleQuotedString(text) = &v.value else {
            return Ok(());
        };
        let mut parts = Vec::new();
        let mut current = String::new();
        let mut quoted = false;
        let mut chars = text.trim().chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    current.push('"');
                }
                '"' => quoted = !quoted,
                '.' if !quoted => parts.push(std::mem::take(&mut current)),
                c if quoted => current.push(c),
                c => current.extend(c.to_lowercase()),
            }
        }
        parts.push(current);
        let (schema, name) = match parts.as_slice() {
            [name] => (None, name.as_str()),
            [schema, name] => (Some(schema.as_str()), name.as_str()),
            [_, schema, name] => (Some(schema.as_str()), name.as_str()),
            _ => return Ok(()),
        };
        if self.catalog.regclass_exists(schema, name) {
            return Ok(());
        }
        Err(
            InferError::new(format!("relation \"{text}\" does not exist"), e.span())
                .help("serial and identity columns own a sequence named `<table>_<column>_seq`"),
        )
    }

    fn resolve_call(
        &mut self,
        name: &str,
        procs: &[Proc],
        args: &[Val],
        names: &[Option<String>],
        span: Span,
    ) -> Result<(Val, Proc), InferError> {
        let n = args.len();
        let named = names.iter().any(Option::is_some);
        let mut candidates = Vec::new();
        for (i, p) in procs.iter().enumerate() {
            let declared = p.args.len();
            if named {
                // Named notation: positional arguments first, then each name's position;
                // every position left out must have a default (no VARIADIC expansion).
                let mut slots: Vec<Option<usize>> = vec![None; declared];
                let mut fits = n <= declared;
                for (input, arg_name) in names.iter().enumerate() {
                    if !fits {
                        break;
                    }
                    let position = match arg_name {
                        None => Some(input),
                        Some(arg_name) => p.arg_names.iter().position(|a| a == arg_name),
                    };
                    match position {
                        Some(at) if at < declared && slots[at].is_none() => slots[at] = Some(input),
                        _ => fits = false,
                    }
                }
                if fits
                    && slots
                        .iter()
                        .enumerate()
                        .all(|(at, s)| s.is_some() || at >= declared - p.defaults)
                {
                    let mut ordered = vec![Ty::new("unknown"); n];
                    for (at, slot) in slots.iter().enumerate() {
                        if let Some(input) = slot {
                            ordered[*input] = p.args[at].clone();
                        }
                    }
                    candidates.push(Candidate {
                        args: ordered,
                        ret: p.ret.clone(),
                        index: i,
                    });
                }
                continue;
            }
            match &p.variadic {
                // PostgreSQL expands VARIADIC whenever the call has at least as many
                // arguments as declared; the array form needs the VARIADIC keyword.
                Some(element) if n >= declared => {
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
                _ if n == declared || (n < declared && n >= declared - p.defaults) => {
                    candidates.push(Candidate {
                        args: p.args[..n].to_vec(),
                        ret: p.ret.clone(),
                        index: i,
                    });
                }
                _ => {}
            }
        }
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

    /// The arguments, WITHIN GROUP expressions and ORDER BY expressions of a call.
    fn aggregate_args(
        &mut self,
        f: &Function,
        arg_exprs: &[Expr],
    ) -> Result<(Vec<Val>, Vec<Val>), InferError> {
        let mut args = Vec::new();
        for e in arg_exprs {
            args.push(self.expr(e)?);
        }
        let mut within_group = Vec::new();
        for o in &f.within_group {
            within_group.push(self.expr(&o.expr)?);
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
        Ok((args, within_group))
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
        let names = arg_names(f);
        // Keyword functions written without parentheses.
        if matches!(f.args, FunctionArguments::None) {
            let ty = crate::pg::sql_value_function_type(&name);
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
        // An aggregate's arguments are read per row, before grouping sets null columns out.
        let aggregate = f.over.is_none()
            && !qualified
            && builtins()
                .procs
                .get(&name)
                .is_some_and(|procs| procs.iter().any(|p| p.kind == 'a'));
        if aggregate {
            self.aggregate_depth += 1;
        }
        let args = self.aggregate_args(f, &arg_exprs);
        if aggregate {
            self.aggregate_depth -= 1;
        }
        let (mut args, within_group) = args?;
        // An ordered-set aggregate's WITHIN GROUP (ORDER BY …) expressions are its
        // aggregated arguments, after the direct ones (`percentile_disc(float8, anyelement)`).
        let mut arg_exprs = arg_exprs;
        let mut names = names;
        for (o, v) in f.within_group.iter().zip(within_group) {
            args.push(v);
            arg_exprs.push(o.expr.clone());
            names.push(None);
        }
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
            // GROUPING(a, b, …): a bit mask of the arguments not grouped in this row.
            "grouping" if !qualified && !args.is_empty() => {
                return Ok((Val::known(Ty::new("int4"), false, Some(name)), None));
            }
            // ROW(a, b, …): an anonymous record, never NULL itself.
            "row" if !qualified => {
                return Ok((
                    Val::known(Ty::new("record"), false, Some("row".into())),
                    None,
                ));
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
                    arg_names: u.arg_names.clone(),
                })
                .collect();
            let (v, proc) = self.resolve_call(&name, &procs, &args, &names, span)?;
            if proc.retset && !in_from {
                self.srf_calls += 1;
            }
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
        let (mut v, proc) = self.resolve_call(&name, &procs, &args, &names, span)?;
        if matches!(name.as_str(), "nextval" | "currval" | "setval")
            && let Some(first) = arg_exprs.first()
        {
            self.check_regclass_literal(first)?;
        }
        if proc.retset && !in_from {
            self.srf_calls += 1;
        }
        let arg_types: Vec<Option<Ty>> = args.iter().map(|a| self.known(a)).collect();
        v.nullable = match proc.kind {
            'a' => !self.aggregate_never_null(&name, f, &args),
            'w' => {
                !WINDOW_NON_NULL.contains(&name.as_str())
                    && !window_value_never_null(&name, f, &args)
            }
            _ => builtin_result_nullable(&name, &proc, &args, &arg_exprs, &arg_types),
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
