//! The steps for tables that exist on both sides (columns, defaults, NOT NULL, identity,
//! constraints), and for indexes, views, triggers, comments and drops.

use super::compare::{
    Phase, Plan, column_definition, create_table, create_type, literal, mentions, or_replace, step,
    type_keyword,
};
use super::model::{Column, Constraint, ConstraintKind, Table};

const ALLOW_RESTORE: &str = "-- pgbake:allow adding-required-field, adding-not-nullable-field, constraint-missing-not-valid, adding-foreign-key-constraint\n";

/// Whether changing `from` to `to` needs no table rewrite and loses nothing.
fn widens(from: &str, to: &str) -> bool {
    let varchar = |t: &str| {
        t.strip_prefix("character varying(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
    };
    match (varchar(from), varchar(to)) {
        (Some(a), Some(b)) => b >= a,
        (Some(_), None) => to == "text" || to == "character varying",
        _ => from == "character varying" && to == "text",
    }
}

impl Plan<'_> {
    pub(super) fn alter_table(&mut self, name: &str, old: &Table, new: &Table) {
        for column in &old.columns {
            if !new.columns.iter().any(|c| c.name == column.name) {
                self.drop_column(name, column, new, old);
            }
        }
        for column in &new.columns {
            match old.columns.iter().find(|c| c.name == column.name) {
                None => self.add_column(name, column),
                Some(before) => self.alter_column(name, before, column),
            }
        }
        for (constraint_name, constraint) in &old.constraints {
            match new.constraints.get(constraint_name) {
                Some(same) if same == constraint => {}
                _ => self.steps.push(step(
                    Phase::Main,
                    format!("drop constraint {constraint_name} of {name}"),
                    vec![format!(
                        "ALTER TABLE {name} DROP CONSTRAINT {constraint_name};"
                    )],
                    vec![format!(
                        "{ALLOW_RESTORE}ALTER TABLE {name} ADD CONSTRAINT {constraint_name} {};",
                        constraint.definition
                    )],
                )),
            }
        }
        for (constraint_name, constraint) in &new.constraints {
            if old.constraints.get(constraint_name) != Some(constraint) {
                self.add_constraint(name, constraint_name, constraint);
            }
        }
    }

    fn drop_column(&mut self, table: &str, column: &Column, new: &Table, old: &Table) {
        let c = &column.name;
        if !self.options.allow_drop {
            let rename = new
                .columns
                .iter()
                .find(|n| n.ty == column.ty && !old.columns.iter().any(|o| o.name == n.name));
            match rename {
                Some(other) => self.refuse(
                    format!("column {table}.{c} is gone and {table}.{} is new: a rename or a drop", other.name),
                    &format!("pass --rename {table}.{c}={} to rename it, or --allow-drop to drop {c} and add {}", other.name, other.name),
                ),
                None => self.refuse(format!("drop column {table}.{c} (its data is lost)"), "pass --allow-drop to drop it"),
            }
            return;
        }
        self.steps.push(step(
            Phase::Main,
            format!("drop column {table}.{c}"),
            vec![format!(
                "-- pgbake:allow ban-drop-column\nALTER TABLE {table} DROP COLUMN {c};"
            )],
            vec![format!(
                "{ALLOW_RESTORE}ALTER TABLE {table} ADD COLUMN {};",
                column_definition(column)
            )],
        ));
    }

    fn add_column(&mut self, table: &str, column: &Column) {
        let c = &column.name;
        if column.not_null
            && column.default.is_none()
            && column.identity.is_none()
            && column.generated.is_none()
        {
            self.refuse(
                format!(
                    "add column {table}.{c} NOT NULL without a default (fails on a table with rows)"
                ),
                "give it a DEFAULT, or declare it nullable, backfill it, then declare it NOT NULL",
            );
            return;
        }
        self.steps.push(step(
            Phase::Main,
            format!("add column {table}.{c}"),
            vec![format!(
                "ALTER TABLE {table} ADD COLUMN {};",
                column_definition(column)
            )],
            vec![format!("ALTER TABLE {table} DROP COLUMN {c};")],
        ));
    }

    fn alter_column(&mut self, table: &str, old: &Column, new: &Column) {
        let c = &new.name;
        let alter = format!("ALTER TABLE {table} ALTER COLUMN {c}");
        if old.generated != new.generated {
            if old.generated.is_none() || new.generated.is_none() {
                self.refuse(
                    format!("make {table}.{c} a generated column or a plain one"),
                    "write this migration by hand with `pgbake migrate new`",
                );
                return;
            }
            self.steps.push(step(
                Phase::Main,
                format!("drop and add generated column {table}.{c} (its expression changed)"),
                vec![
                    format!(
                        "-- pgbake:allow ban-drop-column\nALTER TABLE {table} DROP COLUMN {c};"
                    ),
                    format!("ALTER TABLE {table} ADD COLUMN {};", column_definition(new)),
                ],
                vec![
                    format!("ALTER TABLE {table} DROP COLUMN {c};"),
                    format!("ALTER TABLE {table} ADD COLUMN {};", column_definition(old)),
                ],
            ));
            return;
        }
        if old.ty != new.ty {
            if widens(&old.ty, &new.ty) {
                self.steps.push(step(
                    Phase::Main,
                    format!(
                        "widen {table}.{c} from {} to {} (no rewrite)",
                        old.ty, new.ty
                    ),
                    vec![format!(
                        "-- pgbake:allow changing-column-type, prefer-text-field\n{alter} TYPE {};",
                        new.ty
                    )],
                    vec![format!(
                        "-- pgbake:allow changing-column-type, prefer-text-field\n{alter} TYPE {};",
                        old.ty
                    )],
                ));
            } else {
                self.refuse(
                    format!("change the type of {table}.{c} from {} to {} (rewrites the table or narrows it)", old.ty, new.ty),
                    "add a new column, backfill it and switch readers, then drop the old one with --allow-drop",
                );
            }
        }
        if old.default != new.default {
            let set = |d: &Option<String>| match d {
                Some(d) => format!("{alter} SET DEFAULT {d};"),
                None => format!("{alter} DROP DEFAULT;"),
            };
            self.steps.push(step(
                Phase::Main,
                format!("change the default of {table}.{c}"),
                vec![set(&new.default)],
                vec![set(&old.default)],
            ));
        }
        if old.identity != new.identity {
            let set = |i: &Option<String>| match i {
                Some(i) => format!("{alter} ADD GENERATED {i} AS IDENTITY;"),
                None => format!("{alter} DROP IDENTITY;"),
            };
            let mut up = Vec::new();
            let mut down = Vec::new();
            if old.identity.is_some() {
                up.push(format!("{alter} DROP IDENTITY;"));
                down.push(format!("{alter} DROP IDENTITY;"));
            }
            up.push(set(&new.identity));
            down.push(set(&old.identity));
            up.retain(|s| !s.contains("DROP IDENTITY") || old.identity.is_some());
            self.steps.push(step(
                Phase::Main,
                format!("change the identity of {table}.{c}"),
                dedup(up),
                dedup(down),
            ));
        }
        let implicit = new.identity.is_some() || old.identity.is_some();
        if old.not_null != new.not_null && !implicit {
            if new.not_null {
                let check = format!("{table}_{c}_not_null");
                self.steps.push(step(
                    Phase::Main,
                    format!("make {table}.{c} NOT NULL (checked NOT VALID, validated in the next file)"),
                    vec![format!("ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID;")],
                    vec![format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check};")],
                ));
                self.steps.push(step(
                    Phase::Validate,
                    format!("validate NOT NULL of {table}.{c}"),
                    vec![
                        format!("ALTER TABLE {table} VALIDATE CONSTRAINT {check};"),
                        format!("-- pgbake:allow adding-not-nullable-field\n{alter} SET NOT NULL;"),
                        format!("ALTER TABLE {table} DROP CONSTRAINT {check};"),
                    ],
                    vec![format!("{alter} DROP NOT NULL;")],
                ));
            } else {
                self.steps.push(step(
                    Phase::Main,
                    format!("make {table}.{c} nullable"),
                    vec![format!("{alter} DROP NOT NULL;")],
                    vec![format!(
                        "-- pgbake:allow adding-not-nullable-field\n{alter} SET NOT NULL;"
                    )],
                ));
            }
        }
    }

    fn add_constraint(&mut self, table: &str, name: &str, constraint: &Constraint) {
        match constraint.kind {
            ConstraintKind::Check | ConstraintKind::ForeignKey => {
                self.steps.push(step(
                    Phase::Main,
                    format!(
                        "add constraint {name} to {table} (NOT VALID, validated in the next file)"
                    ),
                    vec![format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {name} {} NOT VALID;",
                        constraint.definition
                    )],
                    vec![format!(
                        "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};"
                    )],
                ));
                self.steps.push(step(
                    Phase::Validate,
                    format!("validate constraint {name} of {table}"),
                    vec![format!("ALTER TABLE {table} VALIDATE CONSTRAINT {name};")],
                    vec![],
                ));
            }
            ConstraintKind::Unique | ConstraintKind::PrimaryKey => {
                let (unique, keyword) = match constraint.kind {
                    ConstraintKind::Unique => ("UNIQUE", "UNIQUE"),
                    _ => ("UNIQUE", "PRIMARY KEY"),
                };
                let columns = constraint.columns.join(", ");
                self.steps.push(step(
                    Phase::Concurrent,
                    format!("build the index of constraint {name} on {table} concurrently"),
                    vec![format!(
                        "CREATE {unique} INDEX CONCURRENTLY {name} ON {table} ({columns});"
                    )],
                    vec![format!("DROP INDEX CONCURRENTLY IF EXISTS {name};")],
                ));
                self.steps.push(step(
                    Phase::Validate,
                    format!("add constraint {name} to {table} using its index"),
                    vec![format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {name} {keyword} USING INDEX {name};"
                    )],
                    vec![format!("ALTER TABLE {table} DROP CONSTRAINT {name};")],
                ));
            }
        }
    }

    pub(super) fn indexes(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        for (name, index) in &new_schema.indexes {
            let existing_table = old_schema.tables.contains_key(&index.table);
            match old_schema.indexes.get(name) {
                Some(old) if old == index => {}
                Some(old) => self.steps.push(step(
                    Phase::Concurrent,
                    format!("rebuild index {name} (its definition changed)"),
                    vec![
                        format!("DROP INDEX CONCURRENTLY {name};"),
                        concurrently(&index.create),
                    ],
                    vec![
                        format!("DROP INDEX CONCURRENTLY {name};"),
                        concurrently(&old.create),
                    ],
                )),
                None if existing_table => self.steps.push(step(
                    Phase::Concurrent,
                    format!("create index {name} concurrently"),
                    vec![concurrently(&index.create)],
                    vec![format!("DROP INDEX CONCURRENTLY IF EXISTS {name};")],
                )),
                None => self.steps.push(step(
                    Phase::Main,
                    format!("create index {name}"),
                    vec![format!("{};", index.create)],
                    vec![],
                )),
            }
        }
        for (name, index) in &old_schema.indexes {
            if new_schema.indexes.contains_key(name) {
                continue;
            }
            if new_schema.tables.contains_key(&index.table) {
                self.steps.push(step(
                    Phase::Concurrent,
                    format!("drop index {name} concurrently"),
                    vec![format!("DROP INDEX CONCURRENTLY {name};")],
                    vec![concurrently(&index.create)],
                ));
            } else {
                self.steps.push(step(
                    Phase::Main,
                    String::new(),
                    vec![],
                    vec![format!("{};", index.create)],
                ));
            }
        }
    }

    pub(super) fn views(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        let mut order: Vec<&String> = new_schema.views.keys().collect();
        // A view that another mentions is created first.
        order.sort_by_key(|name| {
            !new_schema
                .views
                .iter()
                .any(|(other, v)| other != *name && mentions(&v.create, name))
        });
        for name in order {
            let view = &new_schema.views[name];
            let recreated = self.recreated_views.contains(name);
            let kind = view.keyword();
            match old_schema.views.get(name) {
                Some(old) if old == view && !recreated => {}
                Some(old) if !recreated => {
                    let down = if old.columns == view.columns {
                        vec![format!("{};", or_replace(&old.create))]
                    } else {
                        vec![format!("DROP {kind} {name};"), format!("{};", old.create)]
                    };
                    self.steps.push(step(
                        Phase::Main,
                        format!("replace view {name}"),
                        vec![format!("{};", or_replace(&view.create))],
                        down,
                    ))
                }
                _ => self.steps.push(step(
                    Phase::Main,
                    format!("create view {name}"),
                    vec![format!("{};", view.create)],
                    vec![format!("DROP {kind} {name};")],
                )),
            }
        }
        for (name, view) in old_schema.views.iter().rev() {
            if !new_schema.views.contains_key(name) {
                let kind = view.keyword();
                self.steps.push(step(
                    Phase::Main,
                    format!("drop view {name}"),
                    vec![format!("DROP {kind} {name};")],
                    vec![format!("{};", view.create)],
                ));
            }
        }
    }

    pub(super) fn triggers(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        for (key, trigger) in &new_schema.triggers {
            let (table, name) = key;
            let recreated = self.recreated_triggers.contains(key);
            match old_schema.triggers.get(key) {
                Some(old) if old == trigger && !recreated => {}
                Some(old) if !recreated => self.steps.push(step(
                    Phase::Main,
                    format!("drop and create trigger {name} on {table}"),
                    vec![
                        format!("DROP TRIGGER {name} ON {table};"),
                        format!("{trigger};"),
                    ],
                    vec![
                        format!("DROP TRIGGER {name} ON {table};"),
                        format!("{old};"),
                    ],
                )),
                _ => self.steps.push(step(
                    Phase::Main,
                    format!("create trigger {name} on {table}"),
                    vec![format!("{trigger};")],
                    vec![format!("DROP TRIGGER {name} ON {table};")],
                )),
            }
        }
        for ((table, name), trigger) in &old_schema.triggers {
            if new_schema
                .triggers
                .contains_key(&(table.clone(), name.clone()))
            {
                continue;
            }
            let up = if new_schema.tables.contains_key(table) {
                vec![format!("DROP TRIGGER {name} ON {table};")]
            } else {
                vec![]
            };
            self.steps.push(step(
                Phase::Main,
                format!("drop trigger {name} on {table}"),
                up,
                vec![format!("{trigger};")],
            ));
        }
    }

    pub(super) fn comments(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        let set = |target: &str, text: Option<&String>| match text {
            Some(text) => format!("COMMENT ON {target} IS {};", literal(text)),
            None => format!("COMMENT ON {target} IS NULL;"),
        };
        for (target, text) in &new_schema.comments {
            let old = old_schema.comments.get(target);
            if old != Some(text) {
                self.steps.push(step(
                    Phase::Main,
                    format!("comment on {}", target.to_lowercase()),
                    vec![set(target, Some(text))],
                    vec![set(target, old)],
                ));
            }
        }
        for (target, text) in &old_schema.comments {
            if !new_schema.comments.contains_key(target) {
                let table_gone = target
                    .split_once(' ')
                    .map(|(_, n)| n.split('.').next().unwrap_or(n))
                    .is_some_and(|t| {
                        old_schema.tables.contains_key(t) && !new_schema.tables.contains_key(t)
                    });
                let up = if table_gone {
                    vec![]
                } else {
                    vec![set(target, None)]
                };
                self.steps.push(step(
                    Phase::Main,
                    format!("remove the comment on {}", target.to_lowercase()),
                    up,
                    vec![set(target, Some(text))],
                ));
            }
        }
    }

    pub(super) fn drops(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        for (name, table) in &old_schema.tables {
            if new_schema.tables.contains_key(name) {
                continue;
            }
            if !self.options.allow_drop {
                let candidate = new_schema
                    .tables
                    .keys()
                    .find(|n| !old_schema.tables.contains_key(*n));
                let hint = match candidate {
                    Some(new_name) => format!(
                        "pass --rename {name}={new_name} if it was renamed, or --allow-drop to drop it"
                    ),
                    None => "pass --allow-drop to drop it".into(),
                };
                self.refuse(format!("drop table {name} (its data is lost)"), &hint);
                continue;
            }
            let (create, foreign_keys) = create_table(name, table);
            let mut down = vec![create];
            down.extend(foreign_keys.into_iter().map(|(t, c, d)| {
                format!("{ALLOW_RESTORE}ALTER TABLE {t} ADD CONSTRAINT {c} {d};")
            }));
            self.steps.push(step(
                Phase::Main,
                format!("drop table {name}"),
                vec![format!(
                    "-- pgbake:allow ban-drop-table\nDROP TABLE {name};"
                )],
                down,
            ));
        }
        for (signature, function) in &old_schema.functions {
            if !new_schema.functions.contains_key(signature) {
                self.steps.push(step(
                    Phase::Main,
                    format!("drop function {signature}"),
                    vec![format!("DROP {} {signature};", function.keyword())],
                    vec![format!("{};", function.create)],
                ));
            }
        }
        for (name, user_type) in &old_schema.types {
            if new_schema.types.contains_key(name) {
                continue;
            }
            if !self.options.allow_drop {
                self.refuse(format!("drop type {name}"), "pass --allow-drop to drop it");
                continue;
            }
            self.steps.push(step(
                Phase::Main,
                format!("drop type {name}"),
                vec![format!("DROP {} {name};", type_keyword(user_type))],
                vec![create_type(name, user_type)],
            ));
        }
    }
}

fn dedup(mut statements: Vec<String>) -> Vec<String> {
    statements.dedup();
    statements
}

/// `CREATE [UNIQUE] INDEX CONCURRENTLY …;` from an index's canonical text.
fn concurrently(create: &str) -> String {
    let text = create
        .replacen(
            "create unique index ",
            "CREATE UNIQUE INDEX CONCURRENTLY ",
            1,
        )
        .replacen("create index ", "CREATE INDEX CONCURRENTLY ", 1);
    format!("{text};")
}
