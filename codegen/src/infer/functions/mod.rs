//! Function calls: built-ins from `pg_proc`, user functions from the catalog, aggregates
//! and window functions, set-returning functions, and the calls with rules of their own
//! (COUNT, GROUPING, ROW, `ARRAY(SELECT …)`, the conditionals).

mod candidates;
mod strictness;

pub(crate) use strictness::builtin_result_nullable;

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments,
    Spanned, Value, WindowType,
};
use sqlparser::tokenizer::Span;

use crate::catalog::{Ty, UserFunction, object_name};
use crate::diagnostic::Code;
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::scope::Col;
use crate::infer::value::Val;
use crate::pg::builtins::{Proc, builtins};

/// Positional argument expressions of a call (named arguments by position too).
pub(crate) fn plain_args(f: &Function) -> Vec<Expr> {
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
pub(crate) fn arg_names(f: &Function) -> Vec<Option<String>> {
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

/// Whether `name` (unqualified) is a built-in aggregate.
pub(crate) fn is_aggregate(name: &str) -> bool {
    builtins()
        .procs
        .get(name)
        .is_some_and(|procs| procs.iter().any(|p| p.kind == 'a'))
}

/// A call's name and what it was given.
struct Call {
    name: String,
    schema: String,
    qualified: bool,
    args: Vec<Val>,
    arg_exprs: Vec<Expr>,
    names: Vec<Option<String>>,
    span: Span,
}

impl Inference<'_> {
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
            self.condition(filter)?;
        }
        if let Some(WindowType::WindowSpec(spec)) = &f.over {
            for e in &spec.partition_by {
                self.expr(e)?;
            }
        }
        // Keyword functions written without parentheses.
        if matches!(f.args, FunctionArguments::None)
            && let Some(ty) = crate::pg::sql_value_function_type(&name)
        {
            return Ok((Val::known(Ty::new(ty), false, Some(name)), None));
        }
        if let FunctionArguments::Subquery(q) = &f.args {
            // ARRAY(SELECT …)
            let cols = self.query(q)?;
            let c = cols
                .first()
                .ok_or_else(|| InferError::new("subquery must return a column", span))?;
            if name == "array" {
                let element_nulls = c.nullable;
                return Ok((
                    Val::known(c.ty.to_array(), false, Some("array".into()))
                        .with_element_nulls(element_nulls),
                    None,
                ));
            }
        }
        let aggregate = f.over.is_none() && !qualified && is_aggregate(&name);
        let mut call = Call {
            name,
            schema,
            qualified,
            args: Vec::new(),
            arg_exprs: plain_args(f),
            names: arg_names(f),
            span,
        };
        self.call_arguments(f, aggregate, &mut call)?;
        if let Some(v) = self.special_call(f, &call)? {
            return Ok((v, None));
        }
        // User functions first (search_path public precedes pg_catalog only for new names).
        let user: Vec<UserFunction> = self
            .catalog
            .functions
            .iter()
            .filter(|u| {
                u.name == call.name && (!call.qualified || u.schema == call.schema) && !u.procedure
            })
            .cloned()
            .collect();
        if !user.is_empty() {
            return self.user_function_call(&call, &user, in_from);
        }
        self.builtin_function_call(f, &call, in_from)
    }

    /// The arguments (with the WITHIN GROUP expressions after them, as an ordered-set
    /// aggregate's aggregated arguments: `percentile_disc(float8, anyelement)`) and their
    /// names. An aggregate's arguments are read per row, before grouping sets null
    /// columns out.
    fn call_arguments(
        &mut self,
        f: &Function,
        aggregate: bool,
        call: &mut Call,
    ) -> Result<(), InferError> {
        if aggregate {
            self.select.aggregate_depth += 1;
        }
        // FILTER (WHERE …) keeps only the rows where it is true: the arguments are read
        // in those rows (`array_agg(x) FILTER (WHERE x IS NOT NULL)` has no NULL element).
        let filtered_scope = match (&f.filter, self.scopes.last()) {
            (Some(filter), Some(scope)) if aggregate => {
                let mut scope = scope.clone();
                scope.narrow_after_where(filter);
                Some(scope)
            }
            _ => None,
        };
        let args = match filtered_scope {
            Some(scope) => self.in_scope(scope, |cx| cx.aggregate_args(f, &call.arg_exprs)),
            None => self.aggregate_args(f, &call.arg_exprs),
        };
        if aggregate {
            self.select.aggregate_depth -= 1;
        }
        let (args, within_group) = args?;
        call.args = args;
        for (o, v) in f.within_group.iter().zip(within_group) {
            call.args.push(v);
            call.arg_exprs.push(o.expr.clone());
            call.names.push(None);
        }
        Ok(())
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
                if let FunctionArgumentClause::OrderBy(order) = clause {
                    for o in order {
                        self.expr(&o.expr)?;
                    }
                }
            }
        }
        Ok((args, within_group))
    }

    /// The calls PostgreSQL types by rules of their own rather than by `pg_proc`.
    fn special_call(&mut self, f: &Function, call: &Call) -> Result<Option<Val>, InferError> {
        let name = call.name.as_str();
        let v = |ty: &str, nullable: bool| Val::known(Ty::new(ty), nullable, Some(name.into()));
        if !call.qualified {
            if let Some(v) = self.conditional_function(name, &call.args, call.span)? {
                return Ok(Some(v));
            }
            match name {
                // GROUPING(a, b, …): a bit mask of the arguments not grouped in this row.
                "grouping" if !call.args.is_empty() => return Ok(Some(v("int4", false))),
                // ROW(a, b, …): an anonymous record, never NULL itself.
                "row" => return Ok(Some(v("record", false))),
                _ => {}
            }
        }
        let star = matches!(&f.args, FunctionArguments::List(l) if l.args.iter().any(|a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Wildcard | FunctionArgExpr::QualifiedWildcard(_)))));
        if name == "count" && (star || call.args.len() == 1) {
            return Ok(Some(v("int8", false)));
        }
        Ok(None)
    }

    /// A call of a function created in the migrations.
    fn user_function_call(
        &mut self,
        call: &Call,
        user: &[UserFunction],
        in_from: bool,
    ) -> Result<(Val, Option<Vec<Col>>), InferError> {
        let procs: Vec<Proc> = user
            .iter()
            .map(|u| Proc {
                kind: 'f',
                retset: u.returns_set,
                strict: u.strict,
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
        let (v, proc) =
            self.resolve_call(&call.name, &procs, &call.args, &call.names, call.span)?;
        if proc.retset && !in_from {
            self.select.srf_calls += 1;
        }
        let chosen = user
            .iter()
            .find(|u| u.args == proc.args && u.returns == proc.ret)
            .expect("chosen from these");
        let out_columns = || {
            chosen
                .out_columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                    nullable: true,
                    element_nulls: false,
                })
                .collect()
        };
        let cols = if chosen.out_columns.len() > 1
            || (in_from && !chosen.out_columns.is_empty() && chosen.returns.name == "record")
            || (in_from && chosen.out_columns.len() == 1)
        {
            Some(out_columns())
        } else {
            None
        };
        Ok((v, cols))
    }

    /// A call of a built-in function.
    fn builtin_function_call(
        &mut self,
        f: &Function,
        call: &Call,
        in_from: bool,
    ) -> Result<(Val, Option<Vec<Col>>), InferError> {
        let name = call.name.as_str();
        let procs = builtins().procs.get(name).cloned().unwrap_or_default();
        if procs.is_empty() {
            return Err(InferError::new(format!("function `{name}` does not exist"), f.name.span())
                .help("check the function name; functions created in migrations are known by their signature"));
        }
        let (mut v, proc) = self.resolve_call(name, &procs, &call.args, &call.names, call.span)?;
        if matches!(name, "nextval" | "currval" | "setval")
            && let Some(first) = call.arg_exprs.first()
        {
            self.check_regclass_literal(first)?;
        }
        if proc.retset && !in_from {
            self.select.srf_calls += 1;
        }
        let arg_types: Vec<Option<Ty>> = call.args.iter().map(|a| self.known(a)).collect();
        v.nullable = match proc.kind {
            'a' => !self.aggregate_never_null(name, f, &call.args),
            'w' => {
                !strictness::WINDOW_NON_NULL.contains(&name)
                    && !strictness::window_value_never_null(name, f, &call.args)
            }
            _ => builtin_result_nullable(name, &proc, &call.args, &call.arg_exprs, &arg_types),
        };
        if f.over.is_some() && name == "count" {
            v.nullable = false;
        }
        let cols = if in_from && proc.ret.name == "record" && !proc.ret.array {
            crate::infer::from::record_columns(name)
        } else {
            None
        };
        Ok((v, cols))
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
        let Value::SingleQuotedString(text) = &v.value else {
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
                .code(Code::UnknownRelation)
                .help("serial and identity columns own a sequence named `<table>_<column>_seq`"),
        )
    }
}
