//! Whether a function's result can be NULL: `pg_proc.proisstrict` and the built-ins that
//! break its rule, aggregates over groups that are never empty, window functions.

use sqlparser::ast::{Expr, Function, WindowFrameBound, WindowType};

use crate::catalog::Ty;
use crate::infer::context::Inference;
use crate::infer::value::{NullFlow, Val};
use crate::pg::builtins::Proc;

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
pub(super) const WINDOW_NON_NULL: &[&str] = &[
    "row_number",
    "rank",
    "dense_rank",
    "ntile",
    "percent_rank",
    "cume_dist",
];

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

impl Inference<'_> {
    /// What a call does with its arguments' NULLs (`pg_proc.proisstrict`): a strict
    /// function carries them to its result; a non-strict one is called with them, so a
    /// parameter may be NULL there. Aggregates and window functions skip or pass NULL
    /// rows by their own rules and give a parameter's NULL no meaning.
    pub(super) fn call_null_flow(&mut self, proc: &Proc, args: &[Val]) -> NullFlow {
        match proc.kind {
            'a' | 'w' => NullFlow::default(),
            _ if proc.strict => NullFlow::strict(args),
            _ => {
                args.iter().for_each(|a| self.null_has_meaning(a));
                NullFlow::branches(args)
            }
        }
    }

    /// An aggregate is NULL on empty input; in a plain GROUP BY no group is empty, so the
    /// aggregates above are non-NULL there (unless FILTER can empty the group).
    pub(super) fn aggregate_never_null(&self, name: &str, f: &Function, args: &[Val]) -> bool {
        // Over a window, the rows are the frame: never empty when it holds the current row.
        let rows_never_empty = match &f.over {
            Some(window) => frame_holds_current_row(window),
            None => self.select.grouped,
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
fn frame_holds_current_row(window: &WindowType) -> bool {
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
pub(super) fn window_value_never_null(name: &str, f: &Function, args: &[Val]) -> bool {
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
pub(crate) fn builtin_result_nullable(
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

/// Whether an array a call returns can hold NULL elements: an aggregate collects its
/// argument (NULL rows included), the regular-expression matches leave unmatched groups
/// NULL, `string_to_array` turns its third argument's matches into NULL, a non-strict
/// function can put a NULL argument in (`array_append(a, NULL)`), and elements pass
/// through from array arguments.
pub(super) fn call_element_nulls(name: &str, proc: &Proc, args: &[Val]) -> bool {
    if !is_array(&proc.ret) {
        return false;
    }
    let from_arrays = args.iter().any(|a| a.element_nulls);
    match name {
        "regexp_match" | "regexp_matches" => true,
        "string_to_array" => args.len() > 2 || from_arrays,
        // `array_remove(a, NULL)` removes the NULL elements.
        "array_remove" => {
            args.first().is_some_and(|a| a.element_nulls)
                && !args
                    .get(1)
                    .is_some_and(|v| v.t == crate::infer::value::T::Unknown && v.nullable)
        }
        _ if proc.kind == 'a' => args.iter().zip(&proc.args).any(|(a, t)| {
            if is_array(t) {
                a.element_nulls
            } else {
                a.nullable
            }
        }),
        _ if !proc.strict => {
            from_arrays
                || args
                    .iter()
                    .zip(&proc.args)
                    .any(|(a, t)| !is_array(t) && a.nullable)
        }
        _ => from_arrays,
    }
}

/// An array type, or a polymorphic one (`anyarray`, `anycompatiblearray`).
fn is_array(ty: &Ty) -> bool {
    ty.array || matches!(ty.name.as_str(), "anyarray" | "anycompatiblearray")
}
