//! User types: enums and composites (`CREATE TYPE`, `ALTER TYPE`), domains, and the
//! information_schema domains every database has.

use sqlparser::ast::{
    AlterType, AlterTypeAddValue, AlterTypeAddValuePosition, AlterTypeOperation, CreateDomain,
    ObjectName, Statement, UserDefinedTypeRepresentation,
};

use super::super::{
    Catalog, ColumnDef, Ty, UserType, UserTypeDef, ident, object_name, resolve_type,
};
use super::parse_or_explain;
use crate::syntax::alter_text::{AlterAttributeText, AlterDomainText};
use crate::syntax::words::QualifiedName;

/// Adds the domains information_schema's columns are declared with (PostgreSQL reports
/// these names when it describes such a column).
pub(super) fn add_information_schema_domains(catalog: &mut Catalog) {
    for (name, base) in [
        ("cardinal_number", "int4"),
        ("character_data", "varchar"),
        ("sql_identifier", "name"),
        ("time_stamp", "timestamptz"),
        ("yes_or_no", "varchar"),
    ] {
        catalog.types.insert(
            ("information_schema".to_string(), name.to_string()),
            UserType {
                schema: "information_schema".to_string(),
                def: UserTypeDef::Domain {
                    base: Ty::new(base),
                    not_null: false,
                },
            },
        );
    }
}

/// `CREATE TYPE … AS ENUM (…)` or `CREATE TYPE … AS (…)`; other forms (base and range
/// types, shells) are not recorded.
pub(super) fn create_type(
    catalog: &mut Catalog,
    name: &ObjectName,
    representation: Option<UserDefinedTypeRepresentation>,
) -> Result<(), String> {
    let (schema, name) = object_name(name);
    let def = match representation {
        Some(UserDefinedTypeRepresentation::Enum { labels }) => {
            UserTypeDef::Enum(labels.iter().map(|l| l.value.clone()).collect())
        }
        Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
            let mut columns = Vec::new();
            for attribute in attributes {
                columns.push(ColumnDef {
                    name: ident(&attribute.name),
                    ty: resolve_type(catalog, &attribute.data_type)?.0,
                    not_null: false,
                    has_default: false,
                });
            }
            UserTypeDef::Composite(columns)
        }
        _ => return Ok(()),
    };
    catalog
        .types
        .insert((schema.clone(), name), UserType { schema, def });
    Ok(())
}

/// `ALTER TYPE … RENAME TO`, `ADD VALUE` and `RENAME VALUE`.
pub(super) fn alter_type(catalog: &mut Catalog, alter: AlterType) -> Result<(), String> {
    let key = object_name(&alter.name);
    let Some(user_type) = catalog.types.get_mut(&key) else {
        return Err(format!("unknown type `{}`", key.1));
    };
    match alter.operation {
        AlterTypeOperation::Rename(rename) => {
            let user_type = catalog.types.remove(&key).expect("present");
            let new_name = ident(&rename.new_name);
            rename_type_uses(catalog, &key.1, &new_name);
            catalog.types.insert((key.0, new_name), user_type);
        }
        AlterTypeOperation::AddValue(add) => {
            if let UserTypeDef::Enum(labels) = &mut user_type.def {
                add_enum_label(labels, &add)?;
            }
        }
        AlterTypeOperation::RenameValue(rename) => {
            if let UserTypeDef::Enum(labels) = &mut user_type.def {
                for label in labels.iter_mut() {
                    if *label == rename.from.value {
                        *label = rename.to.value.clone();
                    }
                }
            }
        }
    }
    Ok(())
}

/// `CREATE DOMAIN`; `not_null` when the domain has a NOT NULL constraint (which sqlparser
/// cannot read: see `create_domain_text`).
pub(super) fn create_domain(
    catalog: &mut Catalog,
    domain: &CreateDomain,
    not_null: bool,
) -> Result<(), String> {
    let (schema, name) = object_name(&domain.name);
    let (base, _) = resolve_type(catalog, &domain.data_type)?;
    let base = catalog.base_type(&base);
    catalog.types.insert(
        (schema.clone(), name),
        UserType {
            schema,
            def: UserTypeDef::Domain { base, not_null },
        },
    );
    Ok(())
}

/// `CREATE DOMAIN … [NOT] NULL`, given as the text without its NULL and NOT NULL
/// constraints.
pub(super) fn create_domain_text(
    catalog: &mut Catalog,
    domain_text: &str,
    not_null: bool,
) -> Result<(), String> {
    let statements = parse_or_explain(domain_text, "domain")?;
    for statement in statements {
        if let Statement::CreateDomain(domain) = statement {
            create_domain(catalog, &domain, not_null)?;
        }
    }
    Ok(())
}

fn add_enum_label(labels: &mut Vec<String>, add: &AlterTypeAddValue) -> Result<(), String> {
    let value = add.value.value.clone();
    if labels.contains(&value) {
        if add.if_not_exists {
            return Ok(());
        }
        return Err(format!("enum label `{value}` already exists"));
    }
    let at = match &add.position {
        Some(AlterTypeAddValuePosition::Before(l)) => labels.iter().position(|x| *x == l.value),
        Some(AlterTypeAddValuePosition::After(l)) => {
            labels.iter().position(|x| *x == l.value).map(|i| i + 1)
        }
        None => None,
    };
    labels.insert(at.unwrap_or(labels.len()), value);
    Ok(())
}

/// Columns of a renamed type take the new name.
fn rename_type_uses(catalog: &mut Catalog, old: &str, new: &str) {
    for relation in catalog.relations.values_mut() {
        for column in &mut relation.columns {
            if column.ty.name == old {
                column.ty.name = new.to_string();
            }
        }
    }
}

/// `ALTER DOMAIN`: of what the catalog keeps, only NOT NULL changes.
pub(super) fn alter_domain(catalog: &mut Catalog, name: &str, action: AlterDomainText) {
    let key = QualifiedName::from_written(name).in_public();
    if let Some(UserType {
        def: UserTypeDef::Domain { not_null, .. },
        ..
    }) = catalog.types.get_mut(&key)
    {
        match action {
            AlterDomainText::SetNotNull => *not_null = true,
            AlterDomainText::DropNotNull => *not_null = false,
            _ => {}
        }
    }
}

/// `ALTER TYPE … {ADD | DROP | ALTER} ATTRIBUTE` on a composite type.
pub(super) fn alter_attribute(
    catalog: &mut Catalog,
    name: &str,
    action: AlterAttributeText,
) -> Result<(), String> {
    let key = QualifiedName::from_written(name).in_public();
    let resolve = |catalog: &Catalog, ty: &str| -> Result<Ty, String> {
        let text = format!("CREATE TYPE pgbake_attribute AS (a {ty})");
        match parse_or_explain(&text, "attribute type")?.pop() {
            Some(Statement::CreateType {
                representation: Some(UserDefinedTypeRepresentation::Composite { attributes }),
                ..
            }) if attributes.len() == 1 => Ok(resolve_type(catalog, &attributes[0].data_type)?.0),
            _ => Err(format!("cannot read the attribute type {ty}")),
        }
    };
    let ty = match &action {
        AlterAttributeText::Add(_, ty) | AlterAttributeText::SetType(_, ty) => {
            Some(resolve(catalog, ty)?)
        }
        AlterAttributeText::Drop(_) => None,
    };
    let Some(UserType {
        def: UserTypeDef::Composite(columns),
        ..
    }) = catalog.types.get_mut(&key)
    else {
        return Err(format!("type {name} is not a composite type"));
    };
    match (action, ty) {
        (AlterAttributeText::Add(attribute, _), Some(ty)) => columns.push(ColumnDef {
            name: attribute,
            ty,
            not_null: false,
            has_default: false,
        }),
        (AlterAttributeText::SetType(attribute, _), Some(ty)) => {
            for column in columns.iter_mut().filter(|c| c.name == attribute) {
                column.ty = ty.clone();
            }
        }
        (AlterAttributeText::Drop(attribute), _) => columns.retain(|c| c.name != attribute),
        _ => {}
    }
    Ok(())
}
