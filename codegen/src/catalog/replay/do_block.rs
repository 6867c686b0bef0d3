//! `DO` blocks: the statements that always run are replayed like any other; the schema
//! changes that cannot be followed (conditional, dynamic, or not readable) are one warning
//! that names the block and what it may change.

use super::apply_text;
use crate::catalog::{Catalog, QueryTyper};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SqlFile;
use crate::syntax::do_block::{DoBlock, short};
use crate::syntax::split::Statement;

/// Replays what `block` always runs; returns a warning when it may change more.
pub fn replay(
    catalog: &mut Catalog,
    typer: &dyn QueryTyper,
    file: &SqlFile,
    statement: &Statement<'_>,
    block: &DoBlock,
) -> Option<Diagnostic> {
    let mut unfollowed = block.unfollowed.clone();
    for inner in &block.unconditional {
        if let Err(message) = apply_text(catalog, typer, inner) {
            unfollowed.push(format!("{} ({message})", short(inner)));
        }
    }
    if unfollowed.is_empty() {
        return None;
    }
    let first_line_length = statement.text.find('\n').unwrap_or(statement.text.len());
    Some(
        Diagnostic::at(
            Code::DoBlock,
            &file.path,
            file.text.clone(),
            statement.offset,
            first_line_length,
            format!(
                "this DO block may change the schema in ways pgbake cannot replay: {}",
                unfollowed.join("; ")
            ),
        )
        .with_help(
            "queries that use what it changes may fail to type; where you can, write the change as a plain statement (`ADD COLUMN IF NOT EXISTS`, `CREATE … IF NOT EXISTS`) outside the DO block",
        )
        .as_warning(),
    )
}
