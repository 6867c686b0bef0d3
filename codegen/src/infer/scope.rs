//! Scopes: the FROM items a query can name (`Entry`), their columns (`Col`), what `*`
//! expands to, and the lookup of a column or table name in them.

use sqlparser::ast::ObjectName;
use sqlparser::tokenizer::Span;

use super::InferError;
use super::context::Inference;
use crate::catalog::{Ty, object_name};
use crate::diagnostic::Code;

/// An output or scope column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Col {
    pub name: String,
    pub ty: Ty,
    pub nullable: bool,
    /// An array whose elements can be NULL (see `Val::element_nulls`).
    pub element_nulls: bool,
}

/// One FROM item visible by name.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Name it is referenced by (alias or table name); `None` for the columns a
    /// USING/NATURAL join merges.
    pub qualifier: Option<String>,
    /// The table's schema, when the entry is a table named without an alias.
    pub schema: Option<String>,
    pub cols: Vec<Col>,
    /// Columns merged away by USING/NATURAL (not found unqualified, not in `*`).
    pub hidden: Vec<bool>,
    /// A table or materialized view: it has the system columns (`ctid`, `xmin`, …),
    /// which are found by name but are not part of `*`.
    pub system_columns: bool,
    /// The row type of a table or view, which its whole-row reference has (`SELECT h FROM
    /// t AS h` is of type `t`); `None` for other items (their rows are `record`).
    pub row_type: Option<Ty>,
}

/// A column of a scope: `scope.entries[entry].cols[column]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnRef {
    pub entry: usize,
    pub column: usize,
}

/// A FROM clause's visible names and `*` expansion.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub entries: Vec<Entry>,
    /// What `*` expands to, in order: references to the entries' columns, so that a
    /// change of a column's nullability shows in `*` too.
    pub star: Vec<ColumnRef>,
}

/// What a name means in one scope.
pub(crate) enum Lookup {
    /// A column (or a system column of a table).
    Column(Col),
    /// The whole row of a FROM item: `SELECT t FROM t`, with the item's row type.
    WholeRow(Option<Ty>),
    /// Not in this scope; an outer scope may have it.
    NotFound,
}

impl Entry {
    /// An entry whose columns are all visible.
    pub fn new(qualifier: Option<String>, schema: Option<String>, cols: Vec<Col>) -> Entry {
        Entry {
            qualifier,
            schema,
            hidden: vec![false; cols.len()],
            system_columns: false,
            row_type: None,
            cols,
        }
    }
}

impl Scope {
    /// A scope of one entry, all of whose columns are in `*`.
    pub fn of_entry(entry: Entry) -> Scope {
        let star = (0..entry.cols.len())
            .map(|column| ColumnRef { entry: 0, column })
            .collect();
        Scope {
            entries: vec![entry],
            star,
        }
    }

    /// Appends another scope's entries and `*` columns after this one's.
    pub fn append(&mut self, other: Scope) {
        let offset = self.entries.len();
        self.entries.extend(other.entries);
        self.star.extend(other.star.into_iter().map(|r| ColumnRef {
            entry: r.entry + offset,
            column: r.column,
        }));
    }

    /// The column a reference names.
    pub fn col(&self, r: ColumnRef) -> &Col {
        &self.entries[r.entry].cols[r.column]
    }

    /// The columns `*` expands to.
    pub fn star_columns(&self) -> impl Iterator<Item = &Col> {
        self.star.iter().map(|r| self.col(*r))
    }

    /// Makes every column NULL-able: the side of an outer join that is null-extended.
    pub fn make_nullable(&mut self) {
        for entry in &mut self.entries {
            for c in &mut entry.cols {
                c.nullable = true;
            }
        }
    }

    /// The columns that `qualifier.name` (or unqualified `name`) can mean here.
    pub fn matching_columns(&self, qualifier: Option<&str>, name: &str) -> Vec<ColumnRef> {
        let mut found = Vec::new();
        for (e, entry) in self.entries.iter().enumerate() {
            if qualifier.is_some_and(|q| entry.qualifier.as_deref() != Some(q)) {
                continue;
            }
            for (c, col) in entry.cols.iter().enumerate() {
                // A hidden column is found by its qualified name only.
                if col.name == name && (qualifier.is_some() || !entry.hidden[c]) {
                    found.push(ColumnRef {
                        entry: e,
                        column: c,
                    });
                }
            }
        }
        found
    }

    /// What `qualifier.name` (or `name`) means in this scope: ambiguity is an error.
    pub fn lookup(
        &self,
        qualifier: Option<&str>,
        name: &str,
        span: Span,
    ) -> Result<Lookup, InferError> {
        let mut found: Vec<Col> = self
            .matching_columns(qualifier, name)
            .into_iter()
            .map(|r| self.col(r).clone())
            .collect();
        if found.is_empty() {
            found.extend(self.system_column(qualifier, name, span)?);
        }
        if found.len() > 1 && qualifier.is_none() {
            return Err(ambiguous(name, span));
        }
        if let Some(c) = found.into_iter().next() {
            return Ok(Lookup::Column(c));
        }
        if qualifier.is_none()
            && let Some(entry) = self
                .entries
                .iter()
                .find(|e| e.qualifier.as_deref() == Some(name))
        {
            return Ok(Lookup::WholeRow(entry.row_type.clone()));
        }
        if let Some(q) = qualifier
            && self.has_qualifier(q)
        {
            return Err(
                InferError::new(format!("column `{q}.{name}` does not exist"), span)
                    .code(Code::UnknownColumn)
                    .help("check the column name against the migrations"),
            );
        }
        Ok(Lookup::NotFound)
    }

    /// A system column (`ctid`, `xmin`, …) of a table in this scope, when no column has
    /// the name.
    fn system_column(
        &self,
        qualifier: Option<&str>,
        name: &str,
        span: Span,
    ) -> Result<Option<Col>, InferError> {
        let Some((column, ty)) = crate::pg::SYSTEM_COLUMNS
            .iter()
            .find(|(column, _)| *column == name)
        else {
            return Ok(None);
        };
        let owners = self
            .entries
            .iter()
            .filter(|e| e.system_columns)
            .filter(|e| qualifier.is_none_or(|q| e.qualifier.as_deref() == Some(q)))
            .count();
        if owners > 1 && qualifier.is_none() {
            return Err(ambiguous(name, span));
        }
        Ok((owners > 0).then(|| Col {
            name: column.to_string(),
            ty: Ty::new(ty),
            nullable: false,
            element_nulls: false,
        }))
    }

    fn has_qualifier(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.qualifier.as_deref() == Some(name))
    }
}

impl Inference<'_> {
    /// The FROM item `name` names, innermost scope first.
    pub fn find_entry(&self, name: &ObjectName) -> Option<Entry> {
        let (schema, table) = object_name(name);
        let qualified = name.0.len() > 1;
        for scope in self.scopes.iter().rev() {
            for entry in scope.entries.iter().rev() {
                if entry.qualifier.as_deref() == Some(table.as_str())
                    && (!qualified || entry.schema.as_deref() == Some(schema.as_str()))
                {
                    return Some(entry.clone());
                }
            }
        }
        None
    }
}

fn ambiguous(name: &str, span: Span) -> InferError {
    InferError::new(format!("column reference `{name}` is ambiguous"), span)
        .help("qualify it with the table name or alias")
}

/// Renames columns after a table alias's column list (`AS t(a, b)`).
pub(crate) fn rename_columns(cols: &mut [Col], alias: &sqlparser::ast::TableAlias) {
    for (c, a) in cols.iter_mut().zip(&alias.columns) {
        c.name = crate::catalog::ident(&a.name);
    }
}
