//! `DROP TABLE | VIEW | MATERIALIZED VIEW | SEQUENCE | TYPE`: a dropped table takes the
//! sequences of its serial and identity columns with it.

use sqlparser::ast::{ObjectName, ObjectType};

use super::super::{Catalog, object_name};

/// Drops each named object; an unknown one is an error unless `IF EXISTS` was written.
/// Other object kinds (indexes, functions, …) change nothing the catalog holds.
pub(super) fn drop_objects(
    catalog: &mut Catalog,
    object_type: ObjectType,
    if_exists: bool,
    names: &[ObjectName],
) -> Result<(), String> {
    for name in names {
        let key = object_name(name);
        let removed = match object_type {
            ObjectType::Table | ObjectType::View | ObjectType::MaterializedView => {
                drop_relation(catalog, &key)
            }
            ObjectType::Sequence => drop_sequence(catalog, &key),
            ObjectType::Type => catalog.types.remove(&key).is_some(),
            _ => true,
        };
        if !removed && !if_exists {
            return Err(format!("cannot drop `{}`: it does not exist", key.1));
        }
    }
    Ok(())
}

/// Drops a relation and the sequences it owns; whether it existed.
fn drop_relation(catalog: &mut Catalog, key: &(String, String)) -> bool {
    let owned: Vec<(String, String)> = catalog
        .owned_sequences
        .iter()
        .filter(|(_, table)| table == key)
        .map(|(sequence, _)| sequence.clone())
        .collect();
    catalog.sequences.retain(|s| !owned.contains(s));
    catalog.owned_sequences.retain(|(_, table)| table != key);
    catalog.relations.remove(key).is_some()
}

/// Drops a sequence; whether it existed.
fn drop_sequence(catalog: &mut Catalog, key: &(String, String)) -> bool {
    let found = catalog.sequences.contains(key);
    catalog.sequences.retain(|s| s != key);
    catalog.owned_sequences.retain(|(s, _)| s != key);
    found
}
