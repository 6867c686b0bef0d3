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

/// The Rust type of a scalar built-in or extension type, as (owned, parameter): types
/// that are `Copy` are passed by value, others by reference.
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
        "text" | "varchar" | "bpchar" | "citext" | "name" | "ltree" | "lquery" | "ltxtquery"
        | "unknown" => ("String", "&str"),
        "bytea" => ("Vec<u8>", "&[u8]"),
        "uuid" => ("uuid::Uuid", "uuid::Uuid"),
        "timestamptz" => (
            "chrono::DateTime<chrono::Utc>",
            "chrono::DateTime<chrono::Utc>",
        ),
        "timestamp" => ("chrono::NaiveDateTime", "chrono::NaiveDateTime"),
        "date" => ("chrono::NaiveDate", "chrono::NaiveDate"),
        "time" => ("chrono::NaiveTime", "chrono::NaiveTime"),
        "timetz" => ("pgbake::TimeTz", "pgbake::TimeTz"),
        "interval" => ("pgbake::Interval", "pgbake::Interval"),
        "numeric" => ("rust_decimal::Decimal", "rust_decimal::Decimal"),
        "money" => ("pgbake::Money", "pgbake::Money"),
        "json" | "jsonb" => ("serde_json::Value", "&serde_json::Value"),
        "xml" => ("pgbake::Xml", "&pgbake::Xml"),
        "inet" => ("cidr::IpInet", "cidr::IpInet"),
        "cidr" => ("cidr::IpCidr", "cidr::IpCidr"),
        "macaddr" => ("eui48::MacAddress", "eui48::MacAddress"),
        "macaddr8" => ("pgbake::MacAddr8", "pgbake::MacAddr8"),
        "bit" | "varbit" => ("bit_vec::BitVec", "&bit_vec::BitVec"),
        "hstore" => (
            "std::collections::HashMap<String, Option<String>>",
            "&std::collections::HashMap<String, Option<String>>",
        ),
        "point" => ("pgbake::Point", "pgbake::Point"),
        "box" => ("pgbake::BoundingBox", "pgbake::BoundingBox"),
        "lseg" => ("pgbake::LineSegment", "pgbake::LineSegment"),
        "line" => ("pgbake::Line", "pgbake::Line"),
        "circle" => ("pgbake::Circle", "pgbake::Circle"),
        "path" => ("pgbake::Path", "&pgbake::Path"),
        "polygon" => ("pgbake::Polygon", "&pgbake::Polygon"),
        "xid" => ("pgbake::Xid", "pgbake::Xid"),
        "regproc" | "regprocedure" | "regoper" | "regoperator" | "regclass" | "regtype"
        | "regrole" | "regnamespace" | "regconfig" | "regdictionary" | "regcollation" => {
            ("pgbake::RegOid", "pgbake::RegOid")
        }
        "xid8" => ("pgbake::Xid8", "pgbake::Xid8"),
        "cid" => ("pgbake::Cid", "pgbake::Cid"),
        "tid" => ("pgbake::Tid", "pgbake::Tid"),
        "pg_lsn" => ("pgbake::PgLsn", "pgbake::PgLsn"),
        "tsvector" => ("pgbake::TsVector", "&pgbake::TsVector"),
        "tsquery" => ("pgbake::TsQuery", "&pgbake::TsQuery"),
        "void" => ("pgbake::Void", "pgbake::Void"),
        _ => return range(name),
    })
}

/// Ranges and multiranges of the built-in range types. Every range's element type is
/// `Copy`, so a range is passed by value and a multirange by reference.
fn range(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "int4range" => ("pgbake::Range<i32>", "pgbake::Range<i32>"),
        "int8range" => ("pgbake::Range<i64>", "pgbake::Range<i64>"),
        "numrange" => (
            "pgbake::Range<rust_decimal::Decimal>",
            "pgbake::Range<rust_decimal::Decimal>",
        ),
        "tsrange" => (
            "pgbake::Range<chrono::NaiveDateTime>",
            "pgbake::Range<chrono::NaiveDateTime>",
        ),
        "tstzrange" => (
            "pgbake::Range<chrono::DateTime<chrono::Utc>>",
            "pgbake::Range<chrono::DateTime<chrono::Utc>>",
        ),
        "daterange" => (
            "pgbake::Range<chrono::NaiveDate>",
            "pgbake::Range<chrono::NaiveDate>",
        ),
        "int4multirange" => ("pgbake::Multirange<i32>", "&pgbake::Multirange<i32>"),
        "int8multirange" => ("pgbake::Multirange<i64>", "&pgbake::Multirange<i64>"),
        "nummultirange" => (
            "pgbake::Multirange<rust_decimal::Decimal>",
            "&pgbake::Multirange<rust_decimal::Decimal>",
        ),
        "tsmultirange" => (
            "pgbake::Multirange<chrono::NaiveDateTime>",
            "&pgbake::Multirange<chrono::NaiveDateTime>",
        ),
        "tstzmultirange" => (
            "pgbake::Multirange<chrono::DateTime<chrono::Utc>>",
            "&pgbake::Multirange<chrono::DateTime<chrono::Utc>>",
        ),
        "datemultirange" => (
            "pgbake::Multirange<chrono::NaiveDate>",
            "&pgbake::Multirange<chrono::NaiveDate>",
        ),
        _ => return None,
    })
}

/// The Rust type for a PostgreSQL type, or an error with a hint when it has no mapping.
/// Enums and composite types map to `types::<CamelName>` (a composite only when every
/// field has a mapping); domains to their base type.
pub fn rust_type(ty: &PgType) -> Result<RustType, String> {
    let (owned, param) = match &ty.kind {
        TypeKind::Enum { .. } => {
            let name = format!("types::{}", camel_case(&ty.name));
            (name.clone(), name)
        }
        TypeKind::Composite { fields, .. } => {
            for field in fields {
                rust_type(&field.ty).map_err(|e| {
                    format!(
                        "field `{}` of composite type `{}`: {e}",
                        field.name, ty.name
                    )
                })?;
            }
            let name = format!("types::{}", camel_case(&ty.name));
            (name.clone(), format!("&{name}"))
        }
        TypeKind::Domain { base, .. } => {
            let base = rust_type(&PgType {
                array: false,
                ..(**base).clone()
            })?;
            (base.owned, base.param)
        }
        TypeKind::Pseudo if ty.name == "record" => {
            return Err(
                "an anonymous `record` has no Rust type; select its fields as columns (`(f(x)).*`, `SELECT a, b` instead of `SELECT (a, b)`) or cast it to a composite type created in a migration"
                    .to_string(),
            );
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
        // Anything a Rust identifier cannot hold (`_`, ` `, `-`, `.`, `:` in an enum label
        // such as `'foo:c'`) separates words.
        if c == '_' || !c.is_alphanumeric() {
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
            rust_type(&PgType::base("tsvector_of_mars"))
                .unwrap_err()
                .contains("::text")
        );
        let record = PgType {
            kind: TypeKind::Pseudo,
            ..PgType::base("record")
        };
        assert!(rust_type(&record).unwrap_err().contains("composite type"));
        assert_eq!(camel_case("order_status"), "OrderStatus");
    }

    #[test]
    fn enum_labels_with_punctuation_become_identifiers() {
        for (label, rust) in [
            ("foo:c", "FooC"),
            ("a b-c.d", "ABCD"),
            ("9lives", "T9lives"),
            ("ünï", "Ünï"),
        ] {
            assert_eq!(camel_case(label), rust);
            assert!(
                syn::parse_str::<syn::Ident>(&camel_case(label)).is_ok(),
                "{label}"
            );
        }
    }

    #[test]
    fn built_in_types_without_a_rust_type() {
        let mut unmapped: Vec<&str> = (crate::pg::builtins::builtins().types.iter())
            .filter(|(_, t)| matches!(t.typtype, 'b' | 'r' | 'm'))
            .map(|(name, _)| name.as_str())
            .filter(|name| rust_type(&PgType::base(name)).is_err())
            .collect();
        unmapped.sort_unstable();
        // Catalog-internal types (most have no binary output at all) and the rarely selected
        // `jsonpath`, `refcursor` and snapshots: a build error says to cast them to text.
        // The README lists them; change both together.
        assert_eq!(
            unmapped,
            [
                "aclitem",
                "ghstore",
                "gtrgm",
                "gtsvector",
                "jsonpath",
                "ltree_gist",
                "pg_brin_bloom_summary",
                "pg_brin_minmax_multi_summary",
                "pg_dependencies",
                "pg_mcv_list",
                "pg_ndistinct",
                "pg_node_tree",
                "pg_snapshot",
                "refcursor",
                "txid_snapshot"
            ]
        );
    }
}
