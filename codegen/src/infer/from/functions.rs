//! Functions in FROM: a call's result as a row source (scalar, composite, OUT columns or a
//! column definition list), WITH ORDINALITY, UNNEST, and SQL value functions.

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgumentList, FunctionArguments, ObjectName, Spanned,
    TableAlias, TableFactor,
};

use crate::catalog::{Ty, ident, object_name};
use crate::infer::InferError;
use crate::infer::context::Inference;
use crate::infer::scope::{Col, Entry, rename_columns};

/// An SQL value function as a FROM item: one column named after it.
pub(super) fn sql_value_function(name: &str) -> Option<Vec<Col>> {
    crate::pg::sql_value_function_type(name).map(|ty| {
        vec![Col {
            name: name.to_string(),
            ty: Ty::new(ty),
            nullable: false,
            element_nulls: false,
        }]
    })
}

/// The name of a built-in set-returning function's single OUT parameter, which names
/// its result column in FROM: `SELECT DISTINCT proname, n FROM pg_proc,
/// unnest(proargnames, proargmodes) u(n, m) WHERE m IN ('o', 't')` with one such mode.
fn single_out_name(name: &str) -> Option<&'static str> {
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

/// The OUT columns of a built-in returning `record` (its columns in FROM).
pub(crate) fn record_columns(name: &str) -> Option<Vec<Col>> {
    let col = |n: &str, t: &str| Col {
        name: n.into(),
        ty: Ty::new(t),
        nullable: true,
        element_nulls: false,
    };
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
        _ => return None,
    })
}

/// A call written as a FROM item, with its arguments.
fn call_of(name: &ObjectName, args: &[FunctionArg]) -> Function {
    Function {
        name: name.clone(),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.to_vec(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    }
}

impl Inference<'_> {
    /// A function call or UNNEST in FROM, inferred in the scope LATERAL items see.
    pub(super) fn function_factor(&mut self, factor: &TableFactor) -> Result<Entry, InferError> {
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality,
                ..
            } => self.function_table(&call_of(name, &args.args), alias.as_ref(), *with_ordinality),
            TableFactor::Function {
                name,
                args,
                alias,
                with_ordinality,
                ..
            } => self.function_table(&call_of(name, args), alias.as_ref(), *with_ordinality),
            TableFactor::TableFunction {
                expr: Expr::Function(f),
                alias,
            } => self.function_table(f, alias.as_ref(), false),
            TableFactor::TableFunction { expr, .. } => {
                Err(InferError::new("unsupported table function", expr.span()))
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_ordinality,
                ..
            } => self.unnest(array_exprs, alias.as_ref(), *with_ordinality),
            other => Err(InferError::new("unsupported FROM item", other.span())),
        }
    }

    /// `UNNEST(a, b, …) [WITH ORDINALITY] [AS alias(…)]`: a column per array.
    fn unnest(
        &mut self,
        array_exprs: &[Expr],
        alias: Option<&TableAlias>,
        with_ordinality: bool,
    ) -> Result<Entry, InferError> {
        let mut cols = Vec::new();
        // Every array is inferred; the last failure is reported.
        let mut failure = None;
        for e in array_exprs {
            match self.expr(e) {
                Ok(v) => match self.known(&v) {
                    Some(t) if t.array => cols.push(Col {
                        name: "unnest".into(),
                        ty: t.element(),
                        nullable: true,
                        element_nulls: false,
                    }),
                    _ => {
                        failure = Some(
                            InferError::new(
                                "could not determine the array type given to unnest",
                                e.span(),
                            )
                            .help("add a cast like `:ids::int4[]`"),
                        );
                    }
                },
                Err(err) => failure = Some(err),
            }
        }
        if let Some(f) = failure {
            return Err(f);
        }
        if with_ordinality {
            cols.push(ordinality());
        }
        let mut qualifier = Some("unnest".to_string());
        if let Some(alias) = alias {
            qualifier = Some(ident(&alias.name));
            if cols.len() == 1 + usize::from(with_ordinality) && alias.columns.is_empty() {
                cols[0].name = ident(&alias.name);
            }
            rename_columns(&mut cols, alias);
        }
        Ok(Entry::new(qualifier, None, cols))
    }

    /// A function call as a FROM item.
    fn function_table(
        &mut self,
        function: &Function,
        alias: Option<&TableAlias>,
        with_ordinality: bool,
    ) -> Result<Entry, InferError> {
        let (_, fname) = object_name(&function.name);
        let (v, record_cols) = self.function_call(function, true)?;
        // A function returning `record` takes its columns from the column definition
        // list (`AS x(a int, b text)`); PostgreSQL requires one.
        let definition_list = alias
            .filter(|a| !a.columns.is_empty() && a.columns.iter().all(|c| c.data_type.is_some()));
        let returns_record = record_cols.is_none()
            && self
                .known(&v)
                .is_some_and(|t| !t.array && t.name == "record");
        let mut cols = match (record_cols, definition_list) {
            (None, Some(list)) if returns_record => self.definition_list(function, list)?,
            (None, None) if returns_record => {
                return Err(InferError::new(
                    "a column definition list is required for functions returning \"record\"",
                    function.name.span(),
                )
                .help("add one, like `AS x(a int, b text)`"));
            }
            (Some(cols), _) => cols,
            (None, _) => {
                let ty = self.finalize(&v, function.name.span())?;
                match self.composite_columns(&ty) {
                    Some(composite) => composite,
                    None => vec![Col {
                        name: scalar_column_name(&fname, alias),
                        ty,
                        nullable: v.nullable,
                        element_nulls: false,
                    }],
                }
            }
        };
        if with_ordinality {
            cols.push(ordinality());
        }
        let mut qualifier = Some(fname);
        if let Some(alias) = alias {
            qualifier = Some(ident(&alias.name));
            rename_columns(&mut cols, alias);
        }
        Ok(Entry::new(qualifier, None, cols))
    }

    /// The columns of `AS x(a int, b text)`.
    fn definition_list(
        &self,
        function: &Function,
        list: &TableAlias,
    ) -> Result<Vec<Col>, InferError> {
        let mut cols = Vec::new();
        for c in &list.columns {
            let Some(dt) = c.data_type.as_ref() else {
                continue;
            };
            let (ty, _) = crate::catalog::resolve_type(self.catalog, dt)
                .map_err(|e| InferError::new(e, function.name.span()))?;
            cols.push(Col {
                name: ident(&c.name),
                ty,
                nullable: true,
                element_nulls: false,
            });
        }
        Ok(cols)
    }
}

/// A scalar result column is named after the function's single OUT parameter, else
/// after the alias, else after the function (chooseScalarFunctionAlias).
fn scalar_column_name(function: &str, alias: Option<&TableAlias>) -> String {
    single_out_name(function)
        .map(str::to_string)
        .or_else(|| {
            alias
                .filter(|a| a.columns.is_empty())
                .map(|a| ident(&a.name))
        })
        .unwrap_or_else(|| function.to_string())
}

/// The `ordinality` column WITH ORDINALITY adds.
fn ordinality() -> Col {
    Col {
        name: "ordinality".into(),
        ty: Ty::new("int8"),
        nullable: false,
        element_nulls: false,
    }
}
