//! User types while the schema is read: `CREATE TYPE` and `ALTER TYPE` (enum values,
//! composite attributes, renames), `CREATE DOMAIN` (with the NULL, NOT NULL and COLLATE
//! clauses sqlparser cannot read or keeps apart) and `ALTER DOMAIN`.

use std::collections::BTreeMap;

use sqlparser::ast::{
    AlterType, AlterTypeOperation, CreateDomain, Statement, TableConstraint,
    UserDefinedTypeRepresentation,
};

use super::model::{Domain, Schema, UserType, canonical_name, canonical_text, canonical_type};
use super::objects;
use crate::syntax::alter_text::{
    AlterAttributeText, AlterDomainText, alter_attribute_text, alter_domain_text,
};
use crate::syntax::ddl::domain_without_null_constraints;

/// Applies a type statement that must be read from its text (`CREATE DOMAIN … [NOT] NULL`,
/// `ALTER DOMAIN`, `ALTER TYPE … ATTRIBUTE`); `None`: not one of these.
pub(super) fn apply_type_text(schema: &mut Schema, text: &str) -> Option<Result<(), String>> {
    let words = canonical_text(text);
    if words.starts_with("create domain ") {
        let (readable, not_null) =
            domain_without_null_constraints(text).unwrap_or_else(|| (text.to_string(), false));
        return Some(read_domain(&readable).map(|domain| create_domain(schema, domain, not_null)));
    }
    if let Some((name, action)) = alter_domain_text(text) {
        return Some(alter_domain(schema, &canonical_name(&name), action));
    }
    if let Some((name, action)) = alter_attribute_text(text) {
        return Some(alter_attribute(schema, &canonical_name(&name), action));
    }
    None
}

/// `CREATE TYPE … AS ENUM (…)` or `AS (…)`.
pub(super) fn create_type(
    schema: &mut Schema,
    name: &str,
    representation: Option<UserDefinedTypeRepresentation>,
) -> Result<(), String> {
    let user_type = match representation {
        Some(UserDefinedTypeRepresentation::Enum { labels }) => {
            UserType::Enum(labels.into_iter().map(|l| l.value).collect())
        }
        Some(UserDefinedTypeRepresentation::Composite { attributes }) => UserType::Composite(
            attributes
                .into_iter()
                .map(|a| {
                    (
                        canonical_name(&a.name.to_string()),
                        canonical_type(&a.data_type.to_string()),
                    )
                })
                .collect(),
        ),
        _ => return Err("only enum and composite types are supported".into()),
    };
    schema.types.insert(canonical_name(name), user_type);
    Ok(())
}

/// `ALTER TYPE … ADD VALUE | RENAME VALUE | RENAME TO`.
pub(super) fn alter_type(schema: &mut Schema, alter: AlterType) -> Result<(), String> {
    let name = canonical_name(&alter.name.to_string());
    if let AlterTypeOperation::Rename(rename) = alter.operation {
        let Some(user_type) = schema.types.remove(&name) else {
            return Err(format!("type {name} does not exist"));
        };
        let new_name = canonical_name(&rename.new_name.to_string());
        schema.types.insert(new_name, user_type);
        return Ok(());
    }
    let Some(UserType::Enum(labels)) = schema.types.get_mut(&name) else {
        return Err(format!("type {name} is not an enum the schema knows"));
    };
    match alter.operation {
        AlterTypeOperation::AddValue(add) => {
            objects::add_enum_value(labels, add.value.value, add.position);
        }
        AlterTypeOperation::RenameValue(rename) => {
            for label in labels.iter_mut() {
                if *label == rename.from.value {
                    label.clone_from(&rename.to.value);
                }
            }
        }
        AlterTypeOperation::Rename(_) => {}
    }
    Ok(())
}

/// The one `CREATE DOMAIN` of `text` (without NULL and NOT NULL clauses), as sqlparser
/// reads it.
fn read_domain(text: &str) -> Result<CreateDomain, String> {
    let statements = crate::syntax::parse(text)
        .map_err(|e| format!("cannot read this domain: {}", e.message))?;
    match statements.into_iter().next() {
        Some(Statement::CreateDomain(domain)) => Ok(domain),
        _ => Err("cannot read this domain".into()),
    }
}

/// Adds a domain (replacing one of the same name).
fn create_domain(schema: &mut Schema, domain: CreateDomain, not_null: bool) {
    let name = canonical_name(&domain.name.to_string());
    let mut checks = BTreeMap::new();
    for constraint in domain.constraints {
        add_check(&mut checks, &name, constraint);
    }
    schema.types.insert(
        name,
        UserType::Domain(Domain {
            base: canonical_type(&domain.data_type.to_string()),
            collation: domain.collation.map(|c| c.to_string()),
            default: domain.default.map(|d| canonical_text(&d.to_string())),
            not_null,
            checks,
        }),
    );
}

/// A domain CHECK under its name, or the one PostgreSQL gives it (`d_check`, `d_check1`).
fn add_check(checks: &mut BTreeMap<String, String>, domain: &str, constraint: TableConstraint) {
    if let TableConstraint::Check(mut check) = constraint {
        let constraint_name = match check.name.take() {
            Some(n) => n.value,
            None => objects::free_name(checks, domain, None, "check"),
        };
        checks.insert(constraint_name, canonical_text(&check.to_string()));
    }
}

fn alter_domain(schema: &mut Schema, name: &str, action: AlterDomainText) -> Result<(), String> {
    if let AlterDomainText::Rename(new_name) = action {
        let Some(domain) = schema.types.remove(name) else {
            return Err(format!("domain {name} does not exist"));
        };
        schema.types.insert(canonical_name(&new_name), domain);
        return Ok(());
    }
    let Some(UserType::Domain(domain)) = schema.types.get_mut(name) else {
        return Err(format!("domain {name} does not exist"));
    };
    match action {
        AlterDomainText::SetDefault(expression) => {
            let read = read_domain(&format!("CREATE DOMAIN d AS int DEFAULT {expression}"))?;
            domain.default = read.default.map(|d| canonical_text(&d.to_string()));
        }
        AlterDomainText::DropDefault => domain.default = None,
        AlterDomainText::SetNotNull => domain.not_null = true,
        AlterDomainText::DropNotNull => domain.not_null = false,
        AlterDomainText::AddConstraint(constraint) => {
            let read = read_domain(&format!("CREATE DOMAIN d AS int {constraint}"))?;
            for constraint in read.constraints {
                add_check(&mut domain.checks, name, constraint);
            }
        }
        AlterDomainText::DropConstraint(constraint) => {
            domain.checks.remove(&constraint);
        }
        AlterDomainText::RenameConstraint(from, to) => {
            if let Some(check) = domain.checks.remove(&from) {
                domain.checks.insert(to, check);
            }
        }
        AlterDomainText::ValidateConstraint | AlterDomainText::Owner => {}
        AlterDomainText::Rename(_) => {}
    }
    Ok(())
}

fn alter_attribute(
    schema: &mut Schema,
    name: &str,
    action: AlterAttributeText,
) -> Result<(), String> {
    let Some(UserType::Composite(attributes)) = schema.types.get_mut(name) else {
        return Err(format!(
            "type {name} is not a composite type the schema knows"
        ));
    };
    match action {
        AlterAttributeText::Add(attribute, ty) => {
            attributes.push((canonical_name(&attribute), canonical_type(&ty)));
        }
        AlterAttributeText::Drop(attribute) => {
            attributes.retain(|(a, _)| *a != attribute);
        }
        AlterAttributeText::SetType(attribute, ty) => {
            for (a, t) in attributes.iter_mut() {
                if *a == attribute {
                    *t = canonical_type(&ty);
                }
            }
        }
    }
    Ok(())
}
