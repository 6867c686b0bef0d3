//! `ALTER … SET SCHEMA` for types and relations, and `ALTER [MATERIALIZED] VIEW … RENAME
//! TO`, read from their text.

use super::super::{Catalog, UserType};
use crate::syntax::ddl::AlteredObject;
use crate::syntax::words::QualifiedName;

/// Moves a type or relation to `new_schema` (same name).
pub(super) fn set_schema(
    catalog: &mut Catalog,
    object: AlteredObject,
    if_exists: bool,
    name: QualifiedName,
    new_schema: String,
) -> Result<(), String> {
    let key = name.in_public();
    match object {
        AlteredObject::Type => {
            if let Some(user_type) = catalog.types.remove(&key) {
                catalog.types.insert(
                    (new_schema.clone(), key.1),
                    UserType {
                        schema: new_schema,
                        ..user_type
                    },
                );
            } else if !if_exists {
                return Err(format!("unknown type `{}`", key.1));
            }
        }
        AlteredObject::Relation => {
            if let Some(mut relation) = catalog.relations.remove(&key) {
                relation.schema = new_schema.clone();
                catalog.relations.insert((new_schema, key.1), relation);
            } else if !if_exists {
                return Err(format!("unknown relation `{}`", key.1));
            }
        }
    }
    Ok(())
}

/// Renames a view or materialized view within its schema.
pub(super) fn rename_view(
    catalog: &mut Catalog,
    if_exists: bool,
    name: QualifiedName,
    new_name: String,
) -> Result<(), String> {
    let (schema, name) = name.in_public();
    if let Some(mut relation) = catalog.relations.remove(&(schema.clone(), name.clone())) {
        relation.name = new_name.clone();
        catalog.relations.insert((schema, new_name), relation);
    } else if !if_exists {
        return Err(format!("unknown view `{name}`"));
    }
    Ok(())
}
