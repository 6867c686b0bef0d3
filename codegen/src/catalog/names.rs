//! Names and types as sqlparser gives them, folded and resolved against the catalog:
//! identifiers, `schema.name` object names, and written data types.

use sqlparser::ast::{DataType, Ident, ObjectName, ObjectNamePart};

use super::{Catalog, Ty, parse_type_name};

/// The value of an identifier as PostgreSQL folds it.
pub(crate) fn ident(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// (schema, name) of an object name; unqualified names are in `public`.
pub(crate) fn object_name(name: &ObjectName) -> (String, String) {
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(ident(i)),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [.., schema, name] => (schema.clone(), name.clone()),
        [name] => ("public".into(), name.clone()),
        [] => ("public".into(), String::new()),
    }
}

/// Resolves a written data type against built-ins and the catalog's user types; the flag
/// says the type was written `serial`, `bigserial` or `smallserial`.
pub(crate) fn resolve_type(catalog: &Catalog, data_type: &DataType) -> Result<(Ty, bool), String> {
    let written = data_type.to_string();
    let parsed = parse_type_name(&written);
    let array = parsed.array;
    let mut name = parsed.name.clone();
    if catalog.user_type(parsed.schema.as_deref(), &name).is_none() {
        if crate::pg::builtins::type_exists(&name) {
            // built-in
        } else if let Some(r) = catalog.relation(parsed.schema.as_deref(), &name) {
            name = r.name.clone();
        } else {
            return Err(format!("unknown type `{written}`"));
        }
    }
    Ok((Ty { name, array }, parsed.serial))
}
