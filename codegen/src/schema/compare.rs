//! Compares two schemas and lists the steps that turn the old one into the new one, each
//! with its undo, in the phase of the migration it belongs to. Destructive or ambiguous
//! changes are refusals that name the change and the option that accepts it.

use super::model::{Column, ConstraintKind, Schema, Table, UserType};

/// What the user accepts beyond safe changes.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Drop tables, columns, types and other objects `sql/schema/` no longer declares.
    pub allow_drop: bool,
    /// Renames: `table=new_table` or `table.column=new_column`.
    pub renames: Vec<(String, String)>,
}

/// A change the diff will not guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The change (`drop column users.name`).
    pub change: String,
    /// What accepts it (`pass --allow-drop`).
    pub hint: String,
}

/// Which migration file a step goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// The transactional migration.
    Main,
    /// `-- pgbake:no-transaction`: indexes built or dropped CONCURRENTLY.
    Concurrent,
    /// Constraints validated after they were added NOT VALID.
    Validate,
}

/// One change: what it is, its statements and the statements that undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The file it goes to.
    pub phase: Phase,
    /// One line for the user.
    pub description: String,
    /// Statements, in order.
    pub up: Vec<String>,
    /// Statements that undo `up`, in order.
    pub down: Vec<String>,
}

pub(super) fn step(phase: Phase, description: String, up: Vec<String>, down: Vec<String>) -> Step {
    Step {
        phase,
        description,
        up,
        down,
    }
}

/// The steps from `old` to `new`, or every change that needs the user's word.
pub fn compare(
    old: &Schema,
    new: &Schema,
    options: &DiffOptions,
) -> Result<Vec<Step>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let old = apply_renames(old, options, &mut refusals);
    let mut plan = Plan {
        old: &old,
        new,
        options,
        steps: Vec::new(),
        refusals,
        recreated_views: Vec::new(),
        recreated_triggers: Vec::new(),
    };
    plan.run();
    if plan.refusals.is_empty() {
        Ok(plan.steps)
    } else {
        Err(plan.refusals)
    }
}

/// Renames the user asked for, applied to the old schema; each one is also a step.
fn apply_renames(old: &Schema, options: &DiffOptions, refusals: &mut Vec<Refusal>) -> Schema {
    let mut renamed = old.clone();
    for (from, to) in &options.renames {
        match from.split_once('.') {
            Some((table, column)) => match renamed
                .tables
                .get_mut(table)
                .and_then(|t| t.column_mut(column))
            {
                Some(c) => c.name.clone_from(to),
                None => refusals.push(Refusal {
                    change: format!("rename {from}: the migrations have no column {from}"),
                    hint: "name an existing column: --rename table.column=new_name".into(),
                }),
            },
            None => match renamed.tables.remove(from) {
                Some(t) => {
                    renamed.tables.insert(to.clone(), t);
                    for index in renamed.indexes.values_mut() {
                        if index.table == *from {
                            index.table.clone_from(to);
                        }
                    }
                }
                None => refusals.push(Refusal {
                    change: format!("rename {from}: the migrations have no table {from}"),
                    hint: "name an existing table: --rename table=new_name".into(),
                }),
            },
        }
    }
    renamed
}

pub(super) struct Plan<'a> {
    pub(super) old: &'a Schema,
    pub(super) new: &'a Schema,
    pub(super) options: &'a DiffOptions,
    pub(super) steps: Vec<Step>,
    pub(super) refusals: Vec<Refusal>,
    pub(super) recreated_views: Vec<String>,
    pub(super) recreated_triggers: Vec<(String, String)>,
}

impl Plan<'_> {
    fn run(&mut self) {
        self.renames();
        self.decide_recreations();
        self.drop_recreated();
        self.types();
        self.functions();
        self.tables();
        self.indexes();
        self.views();
        self.triggers();
        self.comments();
        self.drops();
    }

    pub(super) fn refuse(&mut self, change: String, hint: &str) {
        self.refusals.push(Refusal {
            change,
            hint: hint.into(),
        });
    }

    fn renames(&mut self) {
        for (from, to) in &self.options.renames {
            let (up, down, rule) = match from.split_once('.') {
                Some((table, column)) => {
                    let table = self.new_table_name(table, to);
                    (
                        format!("ALTER TABLE {table} RENAME COLUMN {column} TO {to};"),
                        format!("ALTER TABLE {table} RENAME COLUMN {to} TO {column};"),
                        "renaming-column",
                    )
                }
                None => (
                    format!("ALTER TABLE {from} RENAME TO {to};"),
                    format!("ALTER TABLE {to} RENAME TO {from};"),
                    "renaming-table",
                ),
            };
            let allow = format!("-- pgbake:allow {rule}\n");
            self.steps.push(step(
                Phase::Main,
                format!("rename {from} to {to}"),
                vec![format!("{allow}{up}")],
                vec![format!("{allow}{down}")],
            ));
        }
    }

    /// The table name a column rename runs on (after a table rename, when there is one).
    fn new_table_name(&self, table: &str, _to: &str) -> String {
        self.options
            .renames
            .iter()
            .find(|(from, _)| from == table)
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| table.to_string())
    }

    /// Views and triggers that must be dropped and created again: changed views whose
    /// columns PostgreSQL cannot replace, and everything that depends on a dropped object.
    fn decide_recreations(&mut self) {
        let mut dropped: Vec<String> = Vec::new();
        for (name, view) in &self.old.views {
            if let Some(new_view) = self.new.views.get(name)
                && new_view != view
                && (view.materialized
                    || !new_view.columns.starts_with(&view.columns)
                    || new_view.materialized)
            {
                dropped.push(name.clone());
            }
        }
        for (signature, function) in &self.old.functions {
            if let Some(new_function) = self.new.functions.get(signature)
                && (new_function.returns != function.returns
                    || new_function.arg_names != function.arg_names)
            {
                dropped.push(function.name.clone());
            }
        }
        // Columns dropped or changed in type: a view on them must go before they do.
        for (table, t) in &self.old.tables {
            if let Some(new_table) = self.new.tables.get(table) {
                for column in &t.columns {
                    let changed = match new_table.columns.iter().find(|c| c.name == column.name) {
                        Some(new_column) => {
                            new_column.ty != column.ty || new_column.generated != column.generated
                        }
                        None => self.options.allow_drop,
                    };
                    if changed {
                        dropped.push(column.name.clone());
                    }
                }
            }
        }
        // Views mentioning a dropped name are recreated, and then views mentioning them.
        loop {
            let before = self.recreated_views.len();
            for (name, view) in &self.old.views {
                let mentions = dropped
                    .iter()
                    .chain(&self.recreated_views)
                    .any(|d| mentions(&view.create, d) && d != name)
                    || dropped.contains(name);
                if mentions
                    && self.new.views.contains_key(name)
                    && !self.recreated_views.contains(name)
                {
                    self.recreated_views.push(name.clone());
                }
            }
            if self.recreated_views.len() == before {
                break;
            }
        }
        for (key, trigger) in &self.old.triggers {
            if dropped.iter().any(|d| mentions(trigger, d)) && self.new.triggers.contains_key(key) {
                self.recreated_triggers.push(key.clone());
            }
        }
    }

    fn drop_recreated(&mut self) {
        let old_schema = self.old;
        for key in self.recreated_triggers.clone() {
            let (table, name) = &key;
            self.steps.push(step(
                Phase::Main,
                format!("drop trigger {name} on {table} to create it again"),
                vec![format!("DROP TRIGGER {name} ON {table};")],
                vec![format!("{};", old_schema.triggers[&key])],
            ));
        }
        // Dependants first: a view that mentions another is dropped before it.
        let mut pending = self.recreated_views.clone();
        let mut order = Vec::new();
        while !pending.is_empty() {
            let free = pending
                .iter()
                .position(|name| {
                    !pending.iter().any(|other| {
                        other != name && mentions(&old_schema.views[other].create, name)
                    })
                })
                .unwrap_or(0);
            order.push(pending.remove(free));
        }
        for name in order {
            let view = &old_schema.views[&name];
            let kind = view.keyword();
            self.steps.push(step(
                Phase::Main,
                format!("drop view {name} to create it again"),
                vec![format!("DROP {kind} {name};")],
                vec![format!("{};", view.create)],
            ));
        }
    }

    fn functions(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        for (signature, function) in &new_schema.functions {
            match old_schema.functions.get(signature) {
                None => self.steps.push(step(
                    Phase::Main,
                    format!("create function {signature}"),
                    vec![format!("{};", function.create)],
                    vec![format!("DROP {} {signature};", function.keyword())],
                )),
                Some(old) if old == function => {}
                Some(old) if old.returns == function.returns && old.arg_names == function.arg_names => {
                    self.steps.push(step(
                        Phase::Main,
                        format!("replace function {signature}"),
                        vec![format!("{};", or_replace(&function.create))],
                        vec![format!("{};", or_replace(&old.create))],
                    ))
                }
                Some(old) => self.steps.push(step(
                    Phase::Main,
                    format!("drop and create function {signature} (its result or argument names changed)"),
                    vec![format!("DROP {} {signature};", old.keyword()), format!("{};", function.create)],
                    vec![format!("DROP {} {signature};", function.keyword()), format!("{};", old.create)],
                )),
            }
        }
    }

    fn tables(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        let mut new_foreign_keys = Vec::new();
        for (name, table) in &new_schema.tables {
            match old_schema.tables.get(name) {
                None => {
                    let (create, foreign_keys) = create_table(name, table);
                    self.steps.push(step(
                        Phase::Main,
                        format!("create table {name}"),
                        vec![create],
                        vec![format!(
                            "-- pgbake:allow ban-drop-table\nDROP TABLE {name};"
                        )],
                    ));
                    new_foreign_keys.extend(foreign_keys);
                }
                Some(old) => self.alter_table(name, old, table),
            }
        }
        for (table, constraint, definition) in new_foreign_keys {
            self.steps.push(step(
                Phase::Main,
                format!("add foreign key {constraint} to {table}"),
                vec![format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition};"
                )],
                vec![format!("ALTER TABLE {table} DROP CONSTRAINT {constraint};")],
            ));
        }
    }
}

/// `CREATE TYPE` or `CREATE DOMAIN` for a user type.
pub(super) fn create_type(name: &str, user_type: &UserType) -> String {
    match user_type {
        UserType::Enum(labels) => {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            format!("CREATE TYPE {name} AS ENUM ({});", labels.join(", "))
        }
        UserType::Composite(attributes) => {
            let attributes: Vec<String> =
                attributes.iter().map(|(a, t)| format!("{a} {t}")).collect();
            format!("CREATE TYPE {name} AS ({});", attributes.join(", "))
        }
        UserType::Domain(domain) => {
            let mut text = format!("CREATE DOMAIN {name} AS {}", domain.base);
            if let Some(collation) = &domain.collation {
                text.push_str(&format!(" COLLATE {collation}"));
            }
            if let Some(default) = &domain.default {
                text.push_str(&format!(" DEFAULT {default}"));
            }
            if domain.not_null {
                text.push_str(" NOT NULL");
            }
            for (check_name, check) in &domain.checks {
                text.push_str(&format!(" CONSTRAINT {check_name} {check}"));
            }
            text.push(';');
            text
        }
    }
}

/// `TYPE` or `DOMAIN`, for DROP.
pub(super) fn type_keyword(user_type: &UserType) -> &'static str {
    match user_type {
        UserType::Domain(_) => "DOMAIN",
        _ => "TYPE",
    }
}

/// A string literal.
pub(super) fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `CREATE OR REPLACE …` from `CREATE …`.
pub(super) fn or_replace(create: &str) -> String {
    match create
        .strip_prefix("create ")
        .or_else(|| create.strip_prefix("CREATE "))
    {
        Some(rest) => format!("CREATE OR REPLACE {rest}"),
        None => create.to_string(),
    }
}

/// Whether SQL text mentions `name` as a word.
pub(super) fn mentions(text: &str, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// `CREATE TABLE` with every column and constraint except foreign keys, which are returned
/// as `(table, name, definition)` to be added once every new table exists.
pub(super) fn create_table(name: &str, table: &Table) -> (String, Vec<(String, String, String)>) {
    let mut lines: Vec<String> = table.columns.iter().map(column_definition).collect();
    let mut foreign_keys = Vec::new();
    let mut constraints: Vec<_> = table.constraints.iter().collect();
    constraints.sort_by_key(|(n, c)| (c.kind, n.to_string()));
    for (constraint_name, constraint) in constraints {
        if constraint.kind == ConstraintKind::ForeignKey {
            foreign_keys.push((
                name.to_string(),
                constraint_name.clone(),
                constraint.definition.clone(),
            ));
        } else {
            lines.push(format!(
                "CONSTRAINT {constraint_name} {}",
                constraint.definition
            ));
        }
    }
    (
        format!("CREATE TABLE {name} (\n    {}\n);", lines.join(",\n    ")),
        foreign_keys,
    )
}

/// A column as `CREATE TABLE` and `ADD COLUMN` write it.
pub(super) fn column_definition(column: &Column) -> String {
    let mut text = format!("{} {}", column.name, column.ty);
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(generated) = &column.generated {
        text.push_str(&format!(" GENERATED ALWAYS AS ({generated}) STORED"));
    }
    if let Some(identity) = &column.identity {
        text.push_str(&format!(" GENERATED {identity} AS IDENTITY"));
    } else if column.not_null {
        text.push_str(" NOT NULL");
    }
    text
}
