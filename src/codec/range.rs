//! Ranges (`int4range`, `tstzrange`, …) and multiranges over any element type that has a
//! codec.

use std::ops::Bound;

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};

use super::wire::{BoxError, Reader, wire_len, write_nullable};

const EMPTY: u8 = 0x01;
const LOWER_INCLUSIVE: u8 = 0x02;
const UPPER_INCLUSIVE: u8 = 0x04;
const LOWER_UNBOUNDED: u8 = 0x08;
const UPPER_UNBOUNDED: u8 = 0x10;

/// A range value. The server returns discrete ranges (`int4range`, `int8range`,
/// `daterange`) in canonical form, `[lower, upper)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Range<T> {
    /// The empty range.
    Empty,
    /// A range with bounds (either may be unbounded).
    Nonempty {
        /// The lower bound.
        lower: Bound<T>,
        /// The upper bound.
        upper: Bound<T>,
    },
}

impl<T> Range<T> {
    /// The range between two bounds.
    pub fn new(lower: Bound<T>, upper: Bound<T>) -> Range<T> {
        Range::Nonempty { lower, upper }
    }
}

/// A multirange value: its ranges in the server's order (sorted, non-overlapping).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Multirange<T>(pub Vec<Range<T>>);

fn element(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Range(element) | Kind::Multirange(element) => Some(element),
        _ => None,
    }
}

fn read_range<'a, T: FromSql<'a>>(element: &Type, raw: &'a [u8]) -> Result<Range<T>, BoxError> {
    let mut r = Reader::new(raw, "range");
    let flags = r.u8()?;
    if flags & EMPTY != 0 {
        r.finish()?;
        return Ok(Range::Empty);
    }
    let mut bound = |unbounded: u8, inclusive: u8| -> Result<Bound<T>, BoxError> {
        if flags & unbounded != 0 {
            return Ok(Bound::Unbounded);
        }
        let value = T::from_sql_nullable(element, r.nullable()?)?;
        Ok(if flags & inclusive != 0 {
            Bound::Included(value)
        } else {
            Bound::Excluded(value)
        })
    };
    let lower = bound(LOWER_UNBOUNDED, LOWER_INCLUSIVE)?;
    let upper = bound(UPPER_UNBOUNDED, UPPER_INCLUSIVE)?;
    r.finish()?;
    Ok(Range::Nonempty { lower, upper })
}

fn write_range<T: ToSql + Sync>(
    range: &Range<T>,
    element: &Type,
    out: &mut BytesMut,
) -> Result<(), BoxError> {
    let (lower, upper) = match range {
        Range::Empty => {
            out.extend_from_slice(&[EMPTY]);
            return Ok(());
        }
        Range::Nonempty { lower, upper } => (lower, upper),
    };
    let mut flags = 0;
    for (bound, unbounded, inclusive) in [
        (lower, LOWER_UNBOUNDED, LOWER_INCLUSIVE),
        (upper, UPPER_UNBOUNDED, UPPER_INCLUSIVE),
    ] {
        flags |= match bound {
            Bound::Unbounded => unbounded,
            Bound::Included(_) => inclusive,
            Bound::Excluded(_) => 0,
        };
    }
    out.extend_from_slice(&[flags]);
    for bound in [lower, upper] {
        if let Bound::Included(value) | Bound::Excluded(value) = bound {
            write_nullable(out, value, element)?;
        }
    }
    Ok(())
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Range<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let element = element(ty).ok_or("not a range type")?;
        read_range(element, raw)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(element) if T::accepts(element))
    }
}

impl<T: ToSql + Sync> ToSql for Range<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let element = element(ty).ok_or("not a range type")?;
        write_range(self, element, out)?;
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(element) if T::accepts(element))
    }

    to_sql_checked!();
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Multirange<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let element = element(ty).ok_or("not a multirange type")?;
        let mut r = Reader::new(raw, "multirange");
        let count = r.count()?;
        let ranges = (0..count)
            .map(|_| {
                let bytes = r.nullable()?.ok_or("a multirange holds a NULL range")?;
                read_range(element, bytes)
            })
            .collect::<Result<Vec<_>, BoxError>>()?;
        r.finish()?;
        Ok(Multirange(ranges))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Multirange(element) if T::accepts(element))
    }
}

impl<T: ToSql + Sync> ToSql for Multirange<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let element = element(ty).ok_or("not a multirange type")?;
        out.extend_from_slice(&wire_len(self.0.len())?.to_be_bytes());
        for range in &self.0 {
            let at = out.len();
            out.extend_from_slice(&0i32.to_be_bytes());
            write_range(range, element, out)?;
            let len = wire_len(out.len() - at - 4)?;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Multirange(element) if T::accepts(element))
    }

    to_sql_checked!();
}
