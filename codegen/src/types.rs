//! The one PostgreSQL -> Rust type table, and Rust names for SQL names; read only by `lower`.

use crate::ir::{PgType, TypeKind};

/// How a PostgreSQL type appears in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType {
    /// Owned type, as used in row structs (`String`, `uuid::Uuid`, `Vec<i32>`).
    pub owned: String,
    /// Borrowed parameter type (`&str`, `&[u8]`, `&[i32]`, `i64`).
    pub param: String,
}

/// The Rust type of a scalar built-in, as (owned, parameter).
fn scalar(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "bool" => ("bool", "bool"),
        "int2" => ("i16", "i16"),
        "int4" => ("i32", "i32"),
        "int8" => ("i64", "i64"),
        "float4" => ("f32", "f32"),
        "float8" => ("f64", "f64"),
        "oid" => ("u32", "u32"),
        "char" => ("i8", "i8"),
        "text" | "varchar" | "bpchar" | "citext" | "name" | "ltree" | "unknown" => {
            ("String", "&str")
        }
        "bytea" => ("Vec<u8>", "&[u8]"),
        "uuid" => ("uuid::Uuid", "uuid::Uuid"),
        "timestamptz" => (
            "chrono::DateTime<chrono::Utc>",
            "chrono::DateTime<chrono::Utc>",
        ),
        "timestamp" => ("chrono::NaiveDateTime", "chrono::NaiveDateTime"),
        "date" => ("chrono::NaiveDate", "chrono::NaiveDate"),
        "time" => ("chrono::NaiveTime", "chrono::NaiveTime"),
        "interval" => ("pgbake::Interval", "pgbake::Interval"),
        "numeric" => ("rust_decimal::Decimal", "rust_decimal::Decimal"),
        "json" | "jsonb" => ("serde_json::Value", "&serde_json::Value"),
        "inet" => ("std::net::IpAddr", "std::net::IpAddr"),
        "void" => ("()", "()"),
        _ => return None,
    })
}

/// The Rust type for a PostgreSQL type, or an error with a hint when it has no mapping.
/// Enums map to `types::<CamelName>`; domains to their base type.
pub fn rust_type(ty: &PgType) -> Result<RustType, String> {
    let (owned, param) = match &ty.kind {
        TypeKind::Enum { .. } => {
            let name = format!("types::{}", camel_case(&ty.name));
            (name.clone(), name.to_string())
        }
        TypeKind::Domain { base, .. } => {
            let base = rust_type(&PgType {
                array: false,
                ..(**base).clone()
            })?;
            (base.owned, base.param)
        }
        _ => match scalar(&ty.name) {
            Some((o, p)) => (o.to_string(), p.to_string()),
            None => {
                return Err(format!(
                    "type `{ty}` has no Rust mapping; cast it to text in the query (`::text`) or choose a supported type"
                ));
            }
        },
    };
    if ty.array {
        let element = if owned == "String" {
            "&str".to_string()
        } else {
            owned.clone()
        };
        let _ = element;
        return Ok(RustType {
            param: format!("&[{owned}]"),
            owned: format!("Vec<{owned}>"),
        });
    }
    Ok(RustType { owned, param })
}

/// `order_status` -> `OrderStatus`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c == '_' || c == ' ' || c == '-' || c == '.' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// A field name for a column name as PostgreSQL reports it (`?column?` -> `column`).
pub fn field_name(column: &str) -> String {
    let mut out = String::new();
    let mut last_underscore = false;
    for c in column.chars() {
        let lowered = c.to_ascii_lowercase();
        if lowered.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase()
                && !out.is_empty()
                && !last_underscore
                && column.chars().any(|x| x.is_ascii_lowercase())
            {
                out.push('_');
            }
            out.push(lowered);
            last_underscore = false;
        } else if !last_underscore && !out.is_empty() {
            out.push('_');
            last_underscore = true;
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        "column".into()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("c{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let t = rust_type(&PgType::base("text")).unwrap();
        assert_eq!((t.owned.as_str(), t.param.as_str()), ("String", "&str"));
        let t = rust_type(&PgType::base("uuid").to_array()).unwrap();
        assert_eq!(
            (t.owned.as_str(), t.param.as_str()),
            ("Vec<uuid::Uuid>", "&[uuid::Uuid]")
        );
        assert!(
            rust_type(&PgType::base("tsvector"))
                .unwrap_err()
                .contains("::text")
        );
        assert_eq!(camel_case("order_status"), "OrderStatus");
    }
}
