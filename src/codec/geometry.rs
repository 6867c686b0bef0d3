//! PostgreSQL's geometric types, kept exactly as the server sends them (float8
//! coordinates; a path keeps whether it is closed).

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::wire::{BoxError, Reader};

/// A `point`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Point {
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
}

/// A `box`: PostgreSQL stores the upper right corner first and normalises any two
/// opposite corners to that order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BoundingBox {
    /// Upper right corner.
    pub high: Point,
    /// Lower left corner.
    pub low: Point,
}

/// A `path`: open or closed.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Path {
    /// A closed path (`(…)`) joins its last point to its first; an open one (`[…]`) does not.
    pub closed: bool,
    /// The points in order.
    pub points: Vec<Point>,
}

/// A `polygon`.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Polygon {
    /// The vertices in order.
    pub points: Vec<Point>,
}

/// A `line`: the infinite line `a·x + b·y + c = 0`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Line {
    /// Coefficient of x.
    pub a: f64,
    /// Coefficient of y.
    pub b: f64,
    /// Constant term.
    pub c: f64,
}

/// An `lseg`: a line segment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LineSegment {
    /// First end point.
    pub start: Point,
    /// Second end point.
    pub end: Point,
}

/// A `circle`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Circle {
    /// Center.
    pub center: Point,
    /// Radius.
    pub radius: f64,
}

fn read_point(r: &mut Reader<'_>) -> Result<Point, BoxError> {
    Ok(Point {
        x: r.f64()?,
        y: r.f64()?,
    })
}

fn write_point(p: &Point, out: &mut BytesMut) {
    out.extend_from_slice(&p.x.to_be_bytes());
    out.extend_from_slice(&p.y.to_be_bytes());
}

fn read_points(r: &mut Reader<'_>) -> Result<Vec<Point>, BoxError> {
    let n = r.count()?;
    (0..n).map(|_| read_point(r)).collect()
}

fn write_points(points: &[Point], out: &mut BytesMut) -> Result<(), BoxError> {
    out.extend_from_slice(&super::wire::wire_len(points.len())?.to_be_bytes());
    points.iter().for_each(|p| write_point(p, out));
    Ok(())
}

/// `FromSql`/`ToSql` for a geometric type through its `read`/`write` functions.
macro_rules! geometric {
    ($ty:ty, $pg:literal, $read:expr, $write:expr) => {
        impl<'a> FromSql<'a> for $ty {
            fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
                let mut r = Reader::new(raw, $pg);
                let read: fn(&mut Reader<'_>) -> Result<$ty, BoxError> = $read;
                let value = read(&mut r)?;
                r.finish()?;
                Ok(value)
            }

            fn accepts(ty: &Type) -> bool {
                ty.name() == $pg
            }
        }

        impl ToSql for $ty {
            fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
                let write: fn(&$ty, &mut BytesMut) -> Result<(), BoxError> = $write;
                write(self, out)?;
                Ok(IsNull::No)
            }

            fn accepts(ty: &Type) -> bool {
                ty.name() == $pg
            }

            to_sql_checked!();
        }
    };
}

geometric!(Point, "point", read_point, |p, out| {
    write_point(p, out);
    Ok(())
});
geometric!(
    BoundingBox,
    "box",
    |r| Ok(BoundingBox {
        high: read_point(r)?,
        low: read_point(r)?,
    }),
    |b, out| {
        write_point(&b.high, out);
        write_point(&b.low, out);
        Ok(())
    }
);
geometric!(
    Path,
    "path",
    |r| Ok(Path {
        closed: r.u8()? != 0,
        points: read_points(r)?,
    }),
    |p, out| {
        out.extend_from_slice(&[u8::from(p.closed)]);
        write_points(&p.points, out)
    }
);
geometric!(
    Polygon,
    "polygon",
    |r| Ok(Polygon {
        points: read_points(r)?,
    }),
    |p, out| write_points(&p.points, out)
);
geometric!(
    Line,
    "line",
    |r| Ok(Line {
        a: r.f64()?,
        b: r.f64()?,
        c: r.f64()?,
    }),
    |l, out| {
        for v in [l.a, l.b, l.c] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        Ok(())
    }
);
geometric!(
    LineSegment,
    "lseg",
    |r| Ok(LineSegment {
        start: read_point(r)?,
        end: read_point(r)?,
    }),
    |l, out| {
        write_point(&l.start, out);
        write_point(&l.end, out);
        Ok(())
    }
);
geometric!(
    Circle,
    "circle",
    |r| Ok(Circle {
        center: read_point(r)?,
        radius: r.f64()?,
    }),
    |c, out| {
        write_point(&c.center, out);
        out.extend_from_slice(&c.radius.to_be_bytes());
        Ok(())
    }
);
