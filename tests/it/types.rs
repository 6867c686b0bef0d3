//! Every PostgreSQL type a schema uses has a Rust type: each case is a value written as a
//! SQL literal, decoded from the server, bound back as a parameter and compared by the
//! server itself (text forms equal), then decoded again.

use std::collections::HashMap;
use std::fmt::Debug;
use std::ops::Bound::{Excluded, Included, Unbounded};

use pgbake::__private::{bit_vec::BitVec, chrono, cidr, eui48, rust_decimal::Decimal};
use pgbake::testing::TestDatabase;
use pgbake::{
    BoundingBox, Cid, Circle, Lexeme, LexemePosition, Line, LineSegment, MacAddr8, Money,
    Multirange, Path, PgLsn, Point, Polygon, Range, RegOid, Tid, TimeTz, TsQuery, TsVector, Void,
    Xid, Xid8, Xml,
};
use tokio_postgres::types::{FromSql, ToSql};

/// The struct generated for `CREATE TYPE address AS (street text, zip int4, kind kind)`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Address {
    street: Option<String>,
    zip: Option<i32>,
    kind: Option<Kind>,
}
pgbake::__pg_composite!(Address, "address", [street => "street", zip => "zip", kind => "kind"]);

/// The enum generated for `CREATE TYPE kind AS ENUM ('home', 'work')`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Home,
    Work,
}
pgbake::__pg_enum!(Kind, "kind", [Home => "home", Work => "work"]);

/// A composite nesting another, in a field and in an array, with a domain field.
#[derive(Debug, Clone, PartialEq, Default)]
struct Person {
    name: Option<String>,
    home: Option<Address>,
    past: Option<Vec<Address>>,
    span: Option<Range<i32>>,
    score: Option<i32>,
}
pgbake::__pg_composite!(Person, "person", [name => "name", home => "home", past => "past", span => "span", score => "score"]);

const SCHEMA: &str = "
    CREATE EXTENSION hstore;
    CREATE TYPE kind AS ENUM ('home', 'work');
    CREATE TYPE address AS (street text, zip int4, kind kind);
    CREATE DOMAIN score AS int4 CHECK (VALUE >= 0);
    CREATE TYPE person AS (name text, home address, past address[], span int4range, score score);
";

/// One round trip: `literal::pg_type` decodes to `value`; `value` bound as `$1::pg_type`
/// has the same text as the literal on the server and decodes back to `value`.
async fn round_trip<T>(
    client: &tokio_postgres::Client,
    pg_type: &str,
    literal: &str,
    value: T,
) -> Result<(), String>
where
    T: ToSql + Sync + for<'a> FromSql<'a> + PartialEq + Debug,
{
    decode_only(client, pg_type, literal, &value).await?;
    let case = format!("{pg_type} {literal}");
    let row = client
        .query_one(
            &format!("SELECT $1::{pg_type}::text, (({literal})::{pg_type})::text, $1::{pg_type}"),
            &[&value],
        )
        .await
        .map_err(|e| format!("{case}: bind: {e:?}"))?;
    let (sent, expected): (Option<String>, Option<String>) = (row.get(0), row.get(1));
    if sent != expected {
        return Err(format!(
            "{case}: the server read {sent:?}, expected {expected:?}"
        ));
    }
    let back: T = row
        .try_get(2)
        .map_err(|e| format!("{case}: decode back: {e:?}"))?;
    if back != value {
        return Err(format!("{case}: came back as {back:?}, sent {value:?}"));
    }
    Ok(())
}

/// Only the decoding half of [`round_trip`], for values the server sends but cannot receive.
async fn decode_only<T>(
    client: &tokio_postgres::Client,
    pg_type: &str,
    literal: &str,
    value: &T,
) -> Result<(), String>
where
    T: for<'a> FromSql<'a> + PartialEq + Debug,
{
    let row = client
        .query_one(&format!("SELECT ({literal})::{pg_type}"), &[])
        .await
        .map_err(|e| format!("{pg_type} {literal}: {e}"))?;
    let decoded: T = row
        .try_get(0)
        .map_err(|e| format!("{pg_type} {literal}: {e:?}"))?;
    if decoded != *value {
        return Err(format!(
            "{pg_type} {literal}: decoded {decoded:?}, expected {value:?}"
        ));
    }
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn point(x: f64, y: f64) -> Point {
    Point { x, y }
}

fn lexeme(word: &str, positions: &[(u16, u8)]) -> Lexeme {
    Lexeme {
        word: word.into(),
        positions: positions
            .iter()
            .map(|&(position, weight)| LexemePosition { position, weight })
            .collect(),
    }
}

fn word(word: &str, weights: u8, prefix: bool) -> Box<TsQuery> {
    Box::new(TsQuery::Lexeme {
        word: word.into(),
        weights,
        prefix,
    })
}

#[tokio::test]
async fn every_mapped_type_round_trips_through_the_server() {
    let db = TestDatabase::empty().await.unwrap();
    let client = db.connect().await.unwrap();
    client.batch_execute(SCHEMA).await.unwrap();
    let c = &client;
    let address = Address {
        street: Some("Main St 1".into()),
        zip: None,
        kind: Some(Kind::Work),
    };
    let ts = chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
        .unwrap()
        .and_hms_opt(7, 8, 9)
        .unwrap();
    let results = vec![
        // Composite types: nested, in arrays, NULL fields, enum and domain fields.
        round_trip(c, "address", "ROW('Main St 1', NULL, 'work')", address.clone()).await,
        round_trip(c, "address", "ROW(NULL, NULL, NULL)", Address::default()).await,
        round_trip(
            c,
            "person",
            "ROW('Ada', ROW('Main St 1', NULL, 'work'), ARRAY[ROW('Old Rd', 7, 'home')::address], '[1,3)', 5)",
            Person {
                name: Some("Ada".into()),
                home: Some(address.clone()),
                past: Some(vec![Address {
                    street: Some("Old Rd".into()),
                    zip: Some(7),
                    kind: Some(Kind::Home),
                }]),
                span: Some(Range::new(Included(1), Excluded(3))),
                score: Some(5),
            },
        )
        .await,
        round_trip(c, "address[]", "ARRAY[ROW('a', 1, 'home')::address]", vec![Address {
            street: Some("a".into()),
            zip: Some(1),
            kind: Some(Kind::Home),
        }])
        .await,
        // Ranges and multiranges (discrete ranges come back canonical: `[a,b)`).
        round_trip(c, "int4range", "'[1,5)'", Range::new(Included(1), Excluded(5))).await,
        round_trip(c, "int4range", "'empty'", Range::<i32>::Empty).await,
        round_trip(c, "int8range", "'(,10)'", Range::new(Unbounded, Excluded(10i64))).await,
        round_trip(c, "numrange", "'(1.5,2.25]'", Range::new(Excluded(Decimal::new(15, 1)), Included(Decimal::new(225, 2)))).await,
        round_trip(c, "tsrange", "'[2024-05-06 07:08:09,)'", Range::new(Included(ts), Unbounded)).await,
        round_trip(c, "tstzrange", "'[2024-05-06 07:08:09+00,2024-05-07 00:00:00+00)'", Range::new(Included(ts.and_utc()), Excluded(date(2024, 5, 7).and_hms_opt(0, 0, 0).unwrap().and_utc()))).await,
        round_trip(c, "daterange", "'[2024-01-01,2024-02-01)'", Range::new(Included(date(2024, 1, 1)), Excluded(date(2024, 2, 1)))).await,
        round_trip(c, "int4multirange", "'{[1,3), [5,7)}'", Multirange(vec![Range::new(Included(1), Excluded(3)), Range::new(Included(5), Excluded(7))])).await,
        round_trip(c, "int4multirange", "'{}'", Multirange::<i32>(vec![])).await,
        round_trip(c, "int8multirange", "'{[1,2)}'", Multirange(vec![Range::new(Included(1i64), Excluded(2))])).await,
        round_trip(c, "nummultirange", "'{(,0]}'", Multirange(vec![Range::new(Unbounded, Included(Decimal::ZERO))])).await,
        round_trip(c, "tsmultirange", "'{[2024-05-06 07:08:09,)}'", Multirange(vec![Range::new(Included(ts), Unbounded)])).await,
        round_trip(c, "tstzmultirange", "'{[2024-05-06 07:08:09+00,)}'", Multirange(vec![Range::new(Included(ts.and_utc()), Unbounded)])).await,
        round_trip(c, "datemultirange", "'{[2024-01-01,2024-01-02)}'", Multirange(vec![Range::new(Included(date(2024, 1, 1)), Excluded(date(2024, 1, 2)))])).await,
        round_trip(c, "int4range[]", "ARRAY['[1,2)'::int4range]", vec![Range::new(Included(1), Excluded(2))]).await,
        // Bit strings.
        round_trip(c, "bit(8)", "B'10100000'", BitVec::from_bytes(&[0b1010_0000])).await,
        round_trip(c, "varbit", "B'101'", BitVec::from_iter([true, false, true])).await,
        // hstore: an extension type, its OID known only at run time.
        round_trip(c, "hstore", "'a=>1, b=>NULL'", HashMap::from([("a".to_string(), Some("1".to_string())), ("b".to_string(), None)])).await,
        // Network addresses: inet keeps its netmask, cidr is a network.
        round_trip(c, "inet", "'192.168.0.1/24'", "192.168.0.1/24".parse::<cidr::IpInet>().unwrap()).await,
        round_trip(c, "inet", "'::1'", "::1/128".parse::<cidr::IpInet>().unwrap()).await,
        round_trip(c, "cidr", "'10.0.0.0/8'", "10.0.0.0/8".parse::<cidr::IpCidr>().unwrap()).await,
        round_trip(c, "macaddr", "'08:00:2b:01:02:03'", eui48::MacAddress::new([8, 0, 0x2b, 1, 2, 3])).await,
        round_trip(c, "macaddr8", "'08:00:2b:01:02:03:04:05'", MacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5])).await,
        // Money, time with zone.
        round_trip(c, "money", "12.34", Money(1234)).await,
        round_trip(c, "money", "-0.01", Money(-1)).await,
        round_trip(c, "timetz", "'04:05:06.789+02'", TimeTz {
            time: chrono::NaiveTime::from_hms_micro_opt(4, 5, 6, 789_000).unwrap(),
            offset: chrono::FixedOffset::east_opt(7200).unwrap(),
        })
        .await,
        round_trip(c, "timetz", "'23:00:00-05:30'", TimeTz {
            time: chrono::NaiveTime::from_hms_opt(23, 0, 0).unwrap(),
            offset: chrono::FixedOffset::west_opt(5 * 3600 + 1800).unwrap(),
        })
        .await,
        // Geometric types.
        round_trip(c, "point", "'(1,2.5)'", point(1.0, 2.5)).await,
        round_trip(c, "box", "'(1,2),(3,4)'", BoundingBox { high: point(3.0, 4.0), low: point(1.0, 2.0) }).await,
        round_trip(c, "path", "'[(1,2),(3,4)]'", Path { closed: false, points: vec![point(1.0, 2.0), point(3.0, 4.0)] }).await,
        round_trip(c, "path", "'((1,2),(3,4),(5,0))'", Path { closed: true, points: vec![point(1.0, 2.0), point(3.0, 4.0), point(5.0, 0.0)] }).await,
        round_trip(c, "polygon", "'((0,0),(1,0),(1,1))'", Polygon { points: vec![point(0.0, 0.0), point(1.0, 0.0), point(1.0, 1.0)] }).await,
        round_trip(c, "line", "'{1,-1,0}'", Line { a: 1.0, b: -1.0, c: 0.0 }).await,
        round_trip(c, "lseg", "'[(0,0),(1,1)]'", LineSegment { start: point(0.0, 0.0), end: point(1.0, 1.0) }).await,
        round_trip(c, "circle", "'<(1,2),3>'", Circle { center: point(1.0, 2.0), radius: 3.0 }).await,
        round_trip(c, "point[]", "ARRAY['(1,2)'::point]", vec![point(1.0, 2.0)]).await,
        // System types.
        round_trip(c, "xid", "'42'", Xid(42)).await,
        round_trip(c, "xid8", "'4294967296'", Xid8(1 << 32)).await,
        round_trip(c, "cid", "'3'", Cid(3)).await,
        round_trip(c, "regclass", "'pg_class'", RegOid(1259)).await,
        round_trip(c, "regtype", "'int4'", RegOid(23)).await,
        round_trip(c, "regnamespace", "'pg_catalog'", RegOid(11)).await,
        round_trip(c, "regproc", "'now'", RegOid(1299)).await,
        round_trip(c, "regtype[]", "ARRAY['int4'::regtype, 'text'::regtype]", vec![RegOid(23), RegOid(25)]).await,
        round_trip(c, "tid", "'(7,2)'", Tid { block: 7, offset: 2 }).await,
        round_trip(c, "pg_lsn", "'16/B374D848'", PgLsn::from(0x16_B374_D848)).await,
        // Full text search and xml.
        round_trip(c, "tsvector", "'fat:2 a:1A cat'", TsVector { lexemes: vec![lexeme("a", &[(1, 3)]), lexeme("cat", &[]), lexeme("fat", &[(2, 0)])] }).await,
        round_trip(c, "tsquery", "'fat & (rat | !cat)'", TsQuery::And(word("fat", 0, false), Box::new(TsQuery::Or(word("rat", 0, false), Box::new(TsQuery::Not(word("cat", 0, false))))))).await,
        round_trip(c, "tsquery", "'super:*B <2> man'", TsQuery::Phrase { left: word("super", 4, true), right: word("man", 0, false), distance: 2 }).await,
        decode_only(c, "tsquery", "''", &TsQuery::Empty).await,
        round_trip(c, "xml", "'<a>1</a>'", Xml("<a>1</a>".into())).await,
        // What a function returning void returns.
        decode_only(c, "void", "''", &Void).await,
        // Text-like extension types keep String.
        round_trip(c, "text", "'plain'", "plain".to_string()).await,
    ];
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_composite_the_build_knows_differently_is_an_error_that_says_rebuild() {
    let db = TestDatabase::empty().await.unwrap();
    let client = db.connect().await.unwrap();
    client
        .batch_execute("CREATE TYPE kind AS ENUM ('home', 'work'); CREATE TYPE address AS (street text, zip int4, kind kind, extra int4);")
        .await
        .unwrap();
    let row = client
        .query_one("SELECT ROW('a', 1, 'home', 2)::address", &[])
        .await
        .unwrap();
    let error = format!("{:?}", row.try_get::<_, Address>(0).unwrap_err());
    assert!(error.contains("rebuild"), "{error}");
}
