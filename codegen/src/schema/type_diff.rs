//! The steps for user types: new types, enum values added with `ADD VALUE`, domains changed
//! with `ALTER DOMAIN` (constraints added NOT VALID and validated in the next file), and
//! attributes added to composite types; every other change is refused.

use super::compare::{Phase, Plan, create_type, literal, step};
use super::model::{Domain, UserType};

/// Tells the user how to make a change the diff cannot.
const BY_HAND: &str = "PostgreSQL cannot change this in place; write this migration by hand with `pgbake migrate new`";

impl Plan<'_> {
    pub(super) fn types(&mut self) {
        let (old_schema, new_schema) = (self.old, self.new);
        for (name, new_type) in &new_schema.types {
            match (old_schema.types.get(name), new_type) {
                (None, _) => self.steps.push(step(
                    Phase::Main,
                    format!("create type {name}"),
                    vec![create_type(name, new_type)],
                    vec![format!(
                        "DROP {} {name};",
                        super::compare::type_keyword(new_type)
                    )],
                )),
                (Some(old), new) if old == new => {}
                (Some(UserType::Enum(old)), UserType::Enum(new)) if is_subsequence(old, new) => {
                    self.add_enum_values(name, old, new)
                }
                (Some(UserType::Enum(_)), UserType::Enum(_)) => self.refuse(
                    format!("remove or reorder values of enum {name} (PostgreSQL cannot drop an enum value)"),
                    "write this migration by hand with `pgbake migrate new`: create the new type, convert the columns with USING col::text::new_type, drop the old type",
                ),
                (Some(UserType::Domain(old)), UserType::Domain(new))
                    if old.base == new.base && old.collation == new.collation =>
                {
                    self.alter_domain(name, old, new)
                }
                (Some(UserType::Domain(_)), UserType::Domain(_)) => self.refuse(
                    format!("change the base type or collation of domain {name}"),
                    BY_HAND,
                ),
                (Some(UserType::Composite(old)), UserType::Composite(new))
                    if new.starts_with(old) =>
                {
                    self.add_attributes(name, &new[old.len()..])
                }
                (Some(UserType::Composite(_)), UserType::Composite(_)) => self.refuse(
                    format!("change composite type {name} (only attributes added at its end are generated)"),
                    BY_HAND,
                ),
                (Some(_), _) => self.refuse(
                    format!("make type {name} another kind of type"),
                    BY_HAND,
                ),
            }
        }
    }

    fn add_enum_values(&mut self, name: &str, old: &[String], new: &[String]) {
        let mut up = Vec::new();
        for (i, label) in new.iter().enumerate() {
            if old.contains(label) {
                continue;
            }
            let position = match new[i + 1..].iter().find(|l| old.contains(l)) {
                Some(next) => format!(" BEFORE {}", literal(next)),
                None => String::new(),
            };
            up.push(format!(
                "ALTER TYPE {name} ADD VALUE {}{position};",
                literal(label)
            ));
        }
        let down = self.recreate_enum(name, old);
        self.steps.push(step(
            Phase::Main,
            format!("add values to enum {name}"),
            up,
            down,
        ));
    }

    /// The statements that bring an enum back to `labels` (PostgreSQL cannot remove a
    /// value): a new type, every column converted through text, the old type dropped.
    fn recreate_enum(&self, name: &str, labels: &[String]) -> Vec<String> {
        let mut down = vec![
            format!("ALTER TYPE {name} RENAME TO {name}__old;"),
            create_type(name, &UserType::Enum(labels.to_vec())),
        ];
        for (table_name, table) in &self.old.tables {
            for column in table.columns.iter().filter(|c| c.ty == name) {
                let c = &column.name;
                if column.default.is_some() {
                    down.push(format!(
                        "ALTER TABLE {table_name} ALTER COLUMN {c} DROP DEFAULT;"
                    ));
                }
                down.push(format!(
                    "-- pgbake:allow changing-column-type\nALTER TABLE {table_name} ALTER COLUMN {c} TYPE {name} USING {c}::text::{name};"
                ));
                if let Some(default) = &column.default {
                    down.push(format!(
                        "ALTER TABLE {table_name} ALTER COLUMN {c} SET DEFAULT {default};"
                    ));
                }
            }
        }
        down.push(format!("DROP TYPE {name}__old;"));
        down
    }

    /// `ALTER DOMAIN` for a changed default, NOT NULL and CHECK constraints.
    fn alter_domain(&mut self, name: &str, old: &Domain, new: &Domain) {
        let alter = format!("ALTER DOMAIN {name}");
        if old.default != new.default {
            let set = |default: &Option<String>| match default {
                Some(d) => format!("{alter} SET DEFAULT {d};"),
                None => format!("{alter} DROP DEFAULT;"),
            };
            self.steps.push(step(
                Phase::Main,
                format!("change the default of domain {name}"),
                vec![set(&new.default)],
                vec![set(&old.default)],
            ));
        }
        for (check_name, check) in &old.checks {
            if new.checks.get(check_name) != Some(check) {
                self.steps.push(step(
                    Phase::Main,
                    format!("drop constraint {check_name} of domain {name}"),
                    vec![format!("{alter} DROP CONSTRAINT {check_name};")],
                    vec![format!("{alter} ADD CONSTRAINT {check_name} {check};")],
                ));
            }
        }
        for (check_name, check) in &new.checks {
            if old.checks.get(check_name) == Some(check) {
                continue;
            }
            self.steps.push(step(
                Phase::Main,
                format!(
                    "add constraint {check_name} to domain {name} (NOT VALID, validated in the next file)"
                ),
                vec![format!(
                    "{alter} ADD CONSTRAINT {check_name} {check} NOT VALID;"
                )],
                vec![format!("{alter} DROP CONSTRAINT IF EXISTS {check_name};")],
            ));
            self.steps.push(step(
                Phase::Validate,
                format!("validate constraint {check_name} of domain {name}"),
                vec![format!("{alter} VALIDATE CONSTRAINT {check_name};")],
                vec![],
            ));
        }
        if old.not_null != new.not_null {
            let (set, drop) = (
                format!("{alter} SET NOT NULL;"),
                format!("{alter} DROP NOT NULL;"),
            );
            let (description, up, down) = if new.not_null {
                (format!("make domain {name} NOT NULL"), set, drop)
            } else {
                (format!("make domain {name} nullable"), drop, set)
            };
            self.steps
                .push(step(Phase::Main, description, vec![up], vec![down]));
        }
    }

    /// `ALTER TYPE … ADD ATTRIBUTE` for attributes added at the end of a composite type.
    fn add_attributes(&mut self, name: &str, added: &[(String, String)]) {
        let up = added
            .iter()
            .map(|(a, t)| format!("ALTER TYPE {name} ADD ATTRIBUTE {a} {t};"))
            .collect();
        let down = added
            .iter()
            .rev()
            .map(|(a, _)| format!("ALTER TYPE {name} DROP ATTRIBUTE {a};"))
            .collect();
        let names: Vec<&str> = added.iter().map(|(a, _)| a.as_str()).collect();
        self.steps.push(step(
            Phase::Main,
            format!("add attributes {} to type {name}", names.join(", ")),
            up,
            down,
        ));
    }
}

/// Whether `old` keeps its order inside `new`.
fn is_subsequence(old: &[String], new: &[String]) -> bool {
    let mut rest = new.iter();
    old.iter().all(|label| rest.any(|l| l == label))
}
