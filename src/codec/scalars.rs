//! Small scalar types with a fixed binary form: `money`, `timetz`, `macaddr8`, `xml`, and
//! the system types `xid`, `xid8`, `cid`, `tid` and the `reg*` OID aliases.

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::wire::{BoxError, Reader};

/// A log sequence number (`pg_lsn`), from postgres-types.
pub use postgres_types::PgLsn;

/// Implements `ToSql`/`FromSql` for a type whose binary form is `read`/`write` of fixed
/// bytes, accepted for the PostgreSQL type names given.
macro_rules! fixed_codec {
    ($ty:ty, [$($pg:literal),+], |$r:ident| $read:expr, |$v:ident, $out:ident| $write:expr) => {
        impl<'a> FromSql<'a> for $ty {
            fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
                let mut $r = Reader::new(raw, stringify!($ty));
                let value = $read;
                $r.finish()?;
                Ok(value)
            }

            fn accepts(ty: &Type) -> bool {
                matches!(ty.name(), $($pg)|+)
            }
        }

        impl ToSql for $ty {
            fn to_sql(&self, _: &Type, $out: &mut BytesMut) -> Result<IsNull, BoxError> {
                let $v = self;
                $write;
                Ok(IsNull::No)
            }

            fn accepts(ty: &Type) -> bool {
                matches!(ty.name(), $($pg)|+)
            }

            to_sql_checked!();
        }
    };
}

/// A `money` amount in the currency's smallest unit (cents for `lc_monetary` en_US),
/// exactly as the server stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Money(pub i64);

fixed_codec!(Money, ["money"], |r| Money(r.i64()?), |v, out| out
    .extend_from_slice(&v.0.to_be_bytes()));

/// A `timetz`: a time of day and its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeTz {
    /// The local time of day.
    pub time: chrono::NaiveTime,
    /// Its offset from UTC (`+02:00` is 7200 seconds east).
    pub offset: chrono::FixedOffset,
}

fixed_codec!(
    TimeTz,
    ["timetz"],
    |r| {
        let micros = r.i64()?;
        // The server sends the zone in seconds west of UTC.
        let west = r.i32()?;
        let time = chrono::NaiveTime::MIN + chrono::Duration::microseconds(micros);
        let offset = chrono::FixedOffset::west_opt(west).ok_or("timetz offset out of range")?;
        TimeTz { time, offset }
    },
    |v, out| {
        let micros = (v.time - chrono::NaiveTime::MIN)
            .num_microseconds()
            .ok_or("time out of range")?;
        out.extend_from_slice(&micros.to_be_bytes());
        out.extend_from_slice(&(-v.offset.local_minus_utc()).to_be_bytes());
    }
);

/// A `macaddr8` (EUI-64) address. (`macaddr` maps to `eui48::MacAddress`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MacAddr8(pub [u8; 8]);

fixed_codec!(
    MacAddr8,
    ["macaddr8"],
    |r| MacAddr8(r.take(8)?.try_into().expect("8 bytes")),
    |v, out| out.extend_from_slice(&v.0)
);

/// A transaction ID (`xid`, 32 bits, wraps around).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Xid(pub u32);

fixed_codec!(Xid, ["xid"], |r| Xid(r.u32()?), |v, out| out
    .extend_from_slice(&v.0.to_be_bytes()));

/// An object identifier typed as one of the `reg*` aliases of `oid` (`regclass`, `regtype`,
/// `regproc`, `regnamespace`, …): the OID itself, sent and read in binary like `oid` (which
/// is `u32`). For the object's name, cast to `text` in the query (`relid::regclass::text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RegOid(pub u32);

fixed_codec!(
    RegOid,
    [
        "regproc",
        "regprocedure",
        "regoper",
        "regoperator",
        "regclass",
        "regtype",
        "regrole",
        "regnamespace",
        "regconfig",
        "regdictionary",
        "regcollation"
    ],
    |r| RegOid(r.u32()?),
    |v, out| out.extend_from_slice(&v.0.to_be_bytes())
);

/// The result of a function that returns `void` (`SELECT pg_advisory_lock(:key)` as a `:one`
/// query): it carries no value, only the fact that the call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Void;

impl<'a> FromSql<'a> for Void {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Reader::new(raw, "Void").finish()?;
        Ok(Void)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "void"
    }
}

impl ToSql for Void {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "void"
    }

    to_sql_checked!();
}

/// A 64-bit transaction ID with epoch (`xid8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Xid8(pub u64);

fixed_codec!(Xid8, ["xid8"], |r| Xid8(r.u64()?), |v, out| out
    .extend_from_slice(&v.0.to_be_bytes()));

/// A command ID within a transaction (`cid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cid(pub u32);

fixed_codec!(Cid, ["cid"], |r| Cid(r.u32()?), |v, out| out
    .extend_from_slice(&v.0.to_be_bytes()));

/// A tuple ID (`tid`, as in `ctid`): a block number and an item offset within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tid {
    /// The block number.
    pub block: u32,
    /// The item's offset in the block (from 1).
    pub offset: u16,
}

fixed_codec!(
    Tid,
    ["tid"],
    |r| Tid {
        block: r.u32()?,
        offset: r.u16()?
    },
    |v, out| {
        out.extend_from_slice(&v.block.to_be_bytes());
        out.extend_from_slice(&v.offset.to_be_bytes());
    }
);

/// An `xml` value as its text (the binary form of `xml` is its text; the server checks it
/// is well-formed when it receives it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Xml(pub String);

fixed_codec!(
    Xml,
    ["xml"],
    |r| Xml(std::str::from_utf8(r.rest())?.to_string()),
    |v, out| out.extend_from_slice(v.0.as_bytes())
);
