//! Sequences: `CREATE SEQUENCE`, and the sequence PostgreSQL creates for a serial or
//! identity column, owned by its table.

use sqlparser::ast::{ColumnOption, ColumnOptionDef};

use super::super::Catalog;

/// Records a sequence (once).
pub(super) fn create_sequence(catalog: &mut Catalog, key: (String, String)) {
    if !catalog.sequences.contains(&key) {
        catalog.sequences.push(key);
    }
}

/// Records the sequence of a serial or identity column, owned by the table (dropped with it).
pub(super) fn add_owned_sequence(catalog: &mut Catalog, schema: &str, table: &str, column: &str) {
    let name = catalog.implicit_sequence_name(schema, table, column);
    let key = (schema.to_string(), name);
    catalog.sequences.push(key.clone());
    catalog
        .owned_sequences
        .push((key, (schema.to_string(), table.to_string())));
}

/// Whether a column with these options (and whether it was written `serial`) gets a
/// sequence: serial, or an identity column (`GENERATED … AS IDENTITY`, which sqlparser
/// reads as `Generated` without an expression, or as `Identity`).
pub(super) fn column_owns_sequence(serial: bool, options: &[ColumnOptionDef]) -> bool {
    serial
        || options.iter().any(|ColumnOptionDef { option, .. }| {
            matches!(
                option,
                ColumnOption::Identity(_)
                    | ColumnOption::Generated {
                        generation_expr: None,
                        ..
                    }
            )
        })
}
