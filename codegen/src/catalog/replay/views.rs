//! Views and materialized views, typed by the `QueryTyper` the replay was given.

use sqlparser::ast::{CreateView, Statement};

use super::super::{Catalog, QueryTyper, Relation, RelationKind, ident, object_name};
use super::parse_or_explain;

/// `CREATE [OR REPLACE] VIEW` (or a materialized one): its columns are the query's output
/// columns, renamed by the column list when there is one.
pub(super) fn create_view(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    view: &CreateView,
) -> Result<(), String> {
    let (schema, name) = object_name(&view.name);
    let mut columns = typer.output_columns(catalog, &view.query)?;
    for (column, alias) in columns.iter_mut().zip(&view.columns) {
        column.name = ident(&alias.name);
    }
    catalog.relations.insert(
        (schema.clone(), name.clone()),
        Relation {
            schema,
            name,
            kind: if view.materialized {
                RelationKind::MaterializedView
            } else {
                RelationKind::View
            },
            columns,
        },
    );
    Ok(())
}

/// `CREATE MATERIALIZED VIEW`, given as the text of the same plain `CREATE VIEW`.
pub(super) fn create_materialized_view(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    view_text: &str,
) -> Result<(), String> {
    let statements = parse_or_explain(view_text, "materialized view")?;
    for statement in statements {
        if let Statement::CreateView(mut view) = statement {
            view.materialized = true;
            create_view(catalog, typer, &view)?;
        }
    }
    Ok(())
}
