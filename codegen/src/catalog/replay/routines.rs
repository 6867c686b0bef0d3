//! Functions and procedures: their argument types, defaults and result, for calls in
//! queries and for `CALL`.

use sqlparser::ast::{
    ArgMode, CreateFunction, DataType, FunctionReturnType, OperateFunctionArg, Statement,
};

use super::super::{Catalog, ColumnDef, Ty, UserFunction, ident, object_name, resolve_type};

/// `CREATE [OR REPLACE] FUNCTION`: replaces a function of the same name and argument types.
pub(super) fn create_function(catalog: &mut Catalog, function: &CreateFunction) {
    let created = user_function(catalog, function);
    catalog.functions.retain(|g| {
        !(g.schema == created.schema && g.name == created.name && g.args == created.args)
    });
    catalog.functions.push(created);
}

/// `CREATE [OR REPLACE] PROCEDURE`, given as the text of the same `CREATE FUNCTION`;
/// remembered for `CALL`. Text that does not read is skipped.
pub(super) fn create_procedure(catalog: &mut Catalog, function_text: &str) {
    let Ok(statements) = crate::syntax::parse(function_text) else {
        return;
    };
    for statement in statements {
        if let Statement::CreateFunction(function) = statement {
            let procedure = UserFunction {
                returns: Ty::new("void"),
                returns_set: false,
                out_columns: Vec::new(),
                procedure: true,
                ..user_function(catalog, &function)
            };
            catalog.functions.push(procedure);
        }
    }
}

/// The signature of a function: its input arguments, and its result from `RETURNS` and
/// OUT parameters (one output column is the result's type, several make a `record`).
fn user_function(catalog: &Catalog, function: &CreateFunction) -> UserFunction {
    let (schema, name) = object_name(&function.name);
    let args = function.args.as_deref().unwrap_or(&[]);
    let input = InputArguments::of(catalog, args);
    let mut out_columns = out_parameter_columns(catalog, args);
    let (mut returns, mut returns_set) = (Ty::new("void"), false);
    match &function.return_type {
        Some(FunctionReturnType::DataType(DataType::Table(Some(columns))))
        | Some(FunctionReturnType::SetOf(DataType::Table(Some(columns)))) => {
            returns_set = true;
            for column in columns {
                if let Ok((ty, _)) = resolve_type(catalog, &column.data_type) {
                    out_columns.push(result_column(ident(&column.name), ty));
                }
            }
        }
        Some(FunctionReturnType::DataType(t)) => returns = resolved_or_record(catalog, t),
        Some(FunctionReturnType::SetOf(t)) => {
            returns = resolved_or_record(catalog, t);
            returns_set = true;
        }
        None if !out_columns.is_empty() => returns = Ty::new("record"),
        None => {}
    }
    if out_columns.len() == 1 {
        returns = out_columns[0].ty.clone();
    } else if out_columns.len() > 1 {
        returns = Ty::new("record");
    }
    UserFunction {
        schema,
        name,
        arg_names: input.names,
        args: input.types,
        defaults: input.defaults,
        variadic: input.variadic,
        returns,
        returns_set,
        out_columns,
        procedure: false,
        // CALLED ON NULL INPUT is the default.
        strict: matches!(
            function.called_on_null,
            Some(
                sqlparser::ast::FunctionCalledOnNull::Strict
                    | sqlparser::ast::FunctionCalledOnNull::ReturnsNullOnNullInput
            )
        ),
    }
}

/// The arguments a call passes (IN, INOUT and VARIADIC).
struct InputArguments {
    /// Their types (`unknown` where the type does not resolve).
    types: Vec<Ty>,
    /// Their names, `""` where unnamed.
    names: Vec<String>,
    /// How many have defaults.
    defaults: usize,
    /// One is VARIADIC.
    variadic: bool,
}

impl InputArguments {
    fn of(catalog: &Catalog, args: &[OperateFunctionArg]) -> InputArguments {
        let mut input = InputArguments {
            types: Vec::new(),
            names: Vec::new(),
            defaults: 0,
            variadic: false,
        };
        for arg in args {
            if matches!(arg.mode, Some(ArgMode::Out)) {
                continue;
            }
            input.types.push(
                resolve_type(catalog, &arg.data_type)
                    .map(|t| t.0)
                    .unwrap_or(Ty::new("unknown")),
            );
            input
                .names
                .push(arg.name.as_ref().map(ident).unwrap_or_default());
            if arg.default_expr.is_some() {
                input.defaults += 1;
            }
            if matches!(arg.mode, Some(ArgMode::Variadic)) {
                input.variadic = true;
            }
        }
        input
    }
}

/// The columns OUT and INOUT parameters add to the result.
fn out_parameter_columns(catalog: &Catalog, args: &[OperateFunctionArg]) -> Vec<ColumnDef> {
    let mut columns = Vec::new();
    for arg in args {
        if matches!(arg.mode, Some(ArgMode::Out | ArgMode::InOut))
            && let Ok((ty, _)) = resolve_type(catalog, &arg.data_type)
        {
            let name = arg
                .name
                .as_ref()
                .map(ident)
                .unwrap_or_else(|| "column".into());
            columns.push(result_column(name, ty));
        }
    }
    columns
}

fn result_column(name: String, ty: Ty) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        not_null: false,
        has_default: false,
    }
}

fn resolved_or_record(catalog: &Catalog, data_type: &DataType) -> Ty {
    resolve_type(catalog, data_type)
        .map(|t| t.0)
        .unwrap_or(Ty::new("record"))
}
