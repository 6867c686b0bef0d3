//! Binary codecs for PostgreSQL types that have no ready-made Rust mapping in
//! postgres-types: `interval`, domains, enums, composite types (`composite`), ranges and
//! multiranges (`range`), geometric types (`geometry`), full text search (`text_search`)
//! and small fixed-size types (`scalars`).

mod composite;
mod geometry;
mod range;
mod scalars;
mod text_search;
mod wire;

use std::error::Error as StdError;

#[doc(hidden)]
pub use composite::{CompositeReader, CompositeWriter};
pub use geometry::{BoundingBox, Circle, Line, LineSegment, Path, Point, Polygon};
pub use range::{Multirange, Range};
pub use scalars::{Cid, MacAddr8, Money, PgLsn, RegOid, Tid, TimeTz, Void, Xid, Xid8, Xml};
pub use text_search::{Lexeme, LexemePosition, TsQuery, TsVector};

use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

/// A PostgreSQL `interval`: months, days and microseconds, kept apart as the server does
/// (a month is not a fixed number of days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Interval {
    /// Whole months.
    pub months: i32,
    /// Whole days.
    pub days: i32,
    /// Microseconds.
    pub microseconds: i64,
}

impl<'a> FromSql<'a> for Interval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        if raw.len() != 16 {
            return Err(format!("invalid interval length {}", raw.len()).into());
        }
        let microseconds = i64::from_be_bytes(raw[0..8].try_into().expect("8 bytes"));
        let days = i32::from_be_bytes(raw[8..12].try_into().expect("4 bytes"));
        let months = i32::from_be_bytes(raw[12..16].try_into().expect("4 bytes"));
        Ok(Interval {
            months,
            days,
            microseconds,
        })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl ToSql for Interval {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.extend_from_slice(&self.microseconds.to_be_bytes());
        out.extend_from_slice(&self.days.to_be_bytes());
        out.extend_from_slice(&self.months.to_be_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }

    to_sql_checked!();
}

/// Binds or reads a value of a domain type as its base type. PostgreSQL reports a
/// parameter that sets a domain-typed column with the domain's OID, which the base type's
/// own `ToSql` does not accept; generated code wraps such values in `Domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Domain<T>(pub T);

fn domain_base(ty: &Type) -> &Type {
    match ty.kind() {
        postgres_types::Kind::Domain(base) => base,
        _ => ty,
    }
}

impl<T: ToSql> ToSql for Domain<T> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        self.0.to_sql(domain_base(ty), out)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(domain_base(ty))
    }

    to_sql_checked!();
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Domain<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        T::from_sql(domain_base(ty), raw).map(Domain)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(domain_base(ty))
    }
}

/// `ToSql`/`FromSql` for a generated Rust enum of a PostgreSQL enum (text labels).
/// Used by generated code; the paths go through `$crate`, so the crate using pgbake needs
/// no direct dependency on postgres-types.
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_enum {
    ($ty:ident, $pg_name:literal, [$($variant:ident => $label:literal),* $(,)?]) => {
        impl $crate::__private::postgres_types::ToSql for $ty {
            fn to_sql(
                &self,
                _: &$crate::__private::postgres_types::Type,
                out: &mut $crate::__private::bytes::BytesMut,
            ) -> ::std::result::Result<$crate::__private::postgres_types::IsNull, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                let label: &str = match self {
                    $($ty::$variant => $label,)*
                };
                out.extend_from_slice(label.as_bytes());
                Ok($crate::__private::postgres_types::IsNull::No)
            }

            fn accepts(ty: &$crate::__private::postgres_types::Type) -> bool {
                ty.name() == $pg_name && matches!(ty.kind(), $crate::__private::postgres_types::Kind::Enum(_))
            }

            $crate::__private::postgres_types::to_sql_checked!();
        }

        impl<'a> $crate::__private::postgres_types::FromSql<'a> for $ty {
            fn from_sql(
                _: &$crate::__private::postgres_types::Type,
                raw: &'a [u8],
            ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                match ::std::str::from_utf8(raw)? {
                    $($label => Ok($ty::$variant),)*
                    other => Err(format!(
                        "`{other}` is not a label of enum {} in this build; rebuild after the migration that added it",
                        $pg_name
                    )
                    .into()),
                }
            }

            fn accepts(ty: &$crate::__private::postgres_types::Type) -> bool {
                ty.name() == $pg_name
            }
        }
    };
}
