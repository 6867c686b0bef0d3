//! Sample arguments for every Rust type a generated function takes, and the tally of what
//! each call returned.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use pgbake::__private::{bit_vec, chrono, cidr, eui48, rust_decimal, serde_json, uuid};

/// A value of a parameter's type for call variant `seed`.
pub trait Sample: Sized {
    fn sample(seed: i32) -> Self;
}

impl<T: Sample> Sample for Option<T> {
    fn sample(seed: i32) -> Self {
        Some(T::sample(seed))
    }
}

impl<T: Sample> Sample for Vec<T> {
    fn sample(seed: i32) -> Self {
        vec![T::sample(seed), T::sample(seed + 1)]
    }
}

macro_rules! sample {
    ($($ty:ty => |$n:ident| $value:expr;)*) => {
        $(impl Sample for $ty {
            fn sample($n: i32) -> Self {
                $value
            }
        })*
    };
}

fn day(n: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(n.into())
}

fn point(n: i32) -> pgbake::Point {
    pgbake::Point { x: n.into(), y: n.into() }
}

sample! {
    bool => |n| n % 2 == 0;
    i8 => |n| n as i8;
    i16 => |n| n as i16;
    i32 => |n| n;
    i64 => |n| n.into();
    u32 => |n| n as u32;
    f32 => |n| n as f32;
    f64 => |n| n.into();
    String => |n| format!("v{n}");
    () => |_n| ();
    uuid::Uuid => |n| uuid::Uuid::from_u128(n as u128);
    chrono::NaiveDate => |n| day(n);
    chrono::NaiveDateTime => |n| day(n).and_hms_opt(0, 0, 0).unwrap();
    chrono::DateTime<chrono::Utc> => |n| day(n).and_hms_opt(0, 0, 0).unwrap().and_utc();
    chrono::NaiveTime => |n| chrono::NaiveTime::from_hms_opt(0, n as u32 % 60, 0).unwrap();
    rust_decimal::Decimal => |n| rust_decimal::Decimal::from(n);
    serde_json::Value => |n| serde_json::json!({ "n": n });
    pgbake::Interval => |n| pgbake::Interval { months: 0, days: n, microseconds: 0 };
    pgbake::TimeTz => |n| pgbake::TimeTz { time: chrono::NaiveTime::from_hms_opt(0, n as u32 % 60, 0).unwrap(), offset: chrono::FixedOffset::east_opt(0).unwrap() };
    pgbake::Money => |n| pgbake::Money(n.into());
    pgbake::Xml => |n| pgbake::Xml(format!("<v>{n}</v>"));
    cidr::IpInet => |n| format!("10.0.0.{}/32", n.rem_euclid(250)).parse().unwrap();
    cidr::IpCidr => |n| format!("10.{}.0.0/16", n.rem_euclid(250)).parse().unwrap();
    eui48::MacAddress => |n| eui48::MacAddress::new([8, 0, 0x2b, 1, 2, n as u8]);
    pgbake::MacAddr8 => |n| pgbake::MacAddr8([8, 0, 0x2b, 1, 2, 3, 4, n as u8]);
    bit_vec::BitVec => |n| bit_vec::BitVec::from_bytes(&[n as u8]);
    HashMap<String, Option<String>> => |n| HashMap::from([("k".to_string(), Some(format!("{n}")))]);
    pgbake::Point => |n| point(n);
    pgbake::BoundingBox => |n| pgbake::BoundingBox { high: point(n), low: point(0) };
    pgbake::LineSegment => |n| pgbake::LineSegment { start: point(0), end: point(n) };
    pgbake::Line => |n| pgbake::Line { a: 1.0, b: -1.0, c: n.into() };
    pgbake::Circle => |n| pgbake::Circle { center: point(n), radius: 1.0 };
    pgbake::Path => |n| pgbake::Path { closed: false, points: vec![point(0), point(n)] };
    pgbake::Polygon => |n| pgbake::Polygon { points: vec![point(0), point(n), pgbake::Point { x: n.into(), y: 0.0 }] };
    pgbake::Xid => |n| pgbake::Xid(n as u32);
    pgbake::RegOid => |n| pgbake::RegOid(n as u32);
    pgbake::Xid8 => |n| pgbake::Xid8(n as u64);
    pgbake::Cid => |n| pgbake::Cid(n as u32);
    pgbake::Tid => |n| pgbake::Tid { block: 0, offset: n as u16 };
    pgbake::PgLsn => |n| pgbake::PgLsn::from(n as u64);
    pgbake::TsVector => |n| pgbake::TsVector { lexemes: vec![pgbake::Lexeme { word: format!("word{n}"), positions: vec![] }] };
    pgbake::TsQuery => |n| pgbake::TsQuery::Lexeme { word: format!("word{n}"), weights: 0, prefix: false };
}

impl<T: Sample> Sample for pgbake::Range<T> {
    fn sample(seed: i32) -> Self {
        pgbake::Range::new(Bound::Included(T::sample(seed)), Bound::Excluded(T::sample(seed + 1)))
    }
}

impl<T: Sample> Sample for pgbake::Multirange<T> {
    fn sample(seed: i32) -> Self {
        pgbake::Multirange(vec![pgbake::Range::sample(seed)])
    }
}

/// What one call ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    /// The server refused to plan the statement (SQLSTATE class 42 or 0A).
    Prepare,
    /// A value came back NULL where the Rust type is not an `Option`.
    NullIntoNonOption,
    /// A NULL element of an array typed `Vec<T>` (the convention for table array columns):
    /// counted apart in the state with NULL elements in arrays, a failure in the others.
    NullElement,
    /// Any other decode error.
    Decode,
    /// A parameter could not be encoded.
    Encode,
    /// An error the data explains: a constraint, no row for `:one`, a division by zero.
    DataError,
}

#[derive(Default)]
pub struct Tally {
    pub calls: u64,
    pub outcomes: BTreeMap<Outcome, u64>,
    pub failures: Vec<String>,
    pub data_errors: BTreeMap<String, u64>,
}

impl Tally {
    /// Records a call of `function` (`module::name`), given whether the data state has
    /// NULL array elements.
    pub fn record<T>(&mut self, function: &str, state: &str, null_elements: bool, result: Result<T, pgbake::Error>) {
        self.calls += 1;
        let (outcome, message) = match result {
            Ok(_) => (Outcome::Ok, String::new()),
            Err(error) => classify(&error),
        };
        *self.outcomes.entry(outcome).or_default() += 1;
        match outcome {
            Outcome::Ok => {}
            // A NULL element in a `Vec<T>` is the documented convention for table array
            // columns, counted apart from failures, in the state that puts NULL elements
            // into them: the other states have the same rows with no NULL element in any
            // array, so an array that gets a NULL element from anything else (a NULL
            // scalar) already fails there.
            Outcome::DataError => {
                *self.data_errors.entry(format!("{function}: {message}")).or_default() += 1
            }
            Outcome::NullElement if null_elements => {
                *self.data_errors.entry(format!("{function}: {message}")).or_default() += 1
            }
            _ => {
                let line = format!("{outcome:?}: {function} [{state}]: {message}");
                if !self.failures.contains(&line) {
                    self.failures.push(line);
                }
            }
        }
    }
}

fn classify(error: &pgbake::Error) -> (Outcome, String) {
    let db = match error {
        pgbake::Error::Db(db) => db,
        pgbake::Error::NullArrayElement { .. } => return (Outcome::NullElement, error.to_string()),
        pgbake::Error::NoRows { .. } => return (Outcome::DataError, "no row for :one".into()),
        other => return (Outcome::DataError, other.to_string()),
    };
    if let Some(server) = db.as_db_error() {
        let code = server.code().code();
        let outcome = if code.starts_with("42") || code.starts_with("0A") {
            Outcome::Prepare
        } else {
            Outcome::DataError
        };
        return (outcome, format!("{} (SQLSTATE {code})", server.message()));
    }
    let text = format!("{db}");
    let source = std::error::Error::source(db).map(|s| s.to_string()).unwrap_or_default();
    let message = format!("{text}: {source}");
    if text.starts_with("error deserializing") {
        // Generated code reads every `Vec<T>` through a check that reports a NULL element
        // as `NullArrayElement`: a raw NULL here is a value the build said cannot be NULL.
        if source.contains("NULL") {
            return (Outcome::NullIntoNonOption, message);
        }
        return (Outcome::Decode, message);
    }
    if text.starts_with("error serializing") {
        return (Outcome::Encode, message);
    }
    if text.contains("query returned an unexpected number of rows") {
        return (Outcome::DataError, "more than one row for :opt".into());
    }
    (Outcome::DataError, message)
}
