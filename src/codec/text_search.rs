//! Full text search values, `tsvector` and `tsquery`, in their binary form.

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::wire::{BoxError, Reader, wire_len};

/// A `tsvector`: sorted, distinct lexemes with their positions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TsVector {
    /// The lexemes (the server sorts them and merges duplicates).
    pub lexemes: Vec<Lexeme>,
}

/// One lexeme of a [`TsVector`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lexeme {
    /// The normalised word.
    pub word: String,
    /// Where it occurs (may be empty).
    pub positions: Vec<LexemePosition>,
}

/// A position of a lexeme: 1 to 16383, and its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LexemePosition {
    /// The word position.
    pub position: u16,
    /// The weight: 3 is `A`, 2 `B`, 1 `C`, 0 `D` (the default).
    pub weight: u8,
}

/// A `tsquery` as the server holds it: a tree of operators over lexemes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TsQuery {
    /// The empty query (matches nothing). The server can send one but cannot receive one
    /// in binary form, so binding it as a parameter is an error.
    #[default]
    Empty,
    /// A lexeme.
    Lexeme {
        /// The word.
        word: String,
        /// The weights it may have, a bit mask: 8 is `A`, 4 `B`, 2 `C`, 1 `D`; 0 is any.
        weights: u8,
        /// A prefix match (`word:*`).
        prefix: bool,
    },
    /// `!query`.
    Not(Box<TsQuery>),
    /// `left & right`.
    And(Box<TsQuery>, Box<TsQuery>),
    /// `left | right`.
    Or(Box<TsQuery>, Box<TsQuery>),
    /// `left <distance> right` (`<->` is distance 1).
    Phrase {
        /// The left operand.
        left: Box<TsQuery>,
        /// The right operand.
        right: Box<TsQuery>,
        /// How many positions apart.
        distance: u16,
    },
}

impl<'a> FromSql<'a> for TsVector {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let mut r = Reader::new(raw, "tsvector");
        let count = r.count()?;
        let mut lexemes = Vec::with_capacity(count.min(4096));
        for _ in 0..count {
            let word = r.cstring()?.to_string();
            let n = r.u16()?;
            let positions = (0..n)
                .map(|_| {
                    let packed = r.u16()?;
                    Ok(LexemePosition {
                        position: packed & 0x3fff,
                        weight: (packed >> 14) as u8,
                    })
                })
                .collect::<Result<Vec<_>, BoxError>>()?;
            lexemes.push(Lexeme { word, positions });
        }
        r.finish()?;
        Ok(TsVector { lexemes })
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "tsvector"
    }
}

impl ToSql for TsVector {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(&wire_len(self.lexemes.len())?.to_be_bytes());
        for lexeme in &self.lexemes {
            write_cstring(&lexeme.word, out)?;
            let n = u16::try_from(lexeme.positions.len()).map_err(|_| "too many positions")?;
            out.extend_from_slice(&n.to_be_bytes());
            for p in &lexeme.positions {
                let packed = (u16::from(p.weight & 3) << 14) | (p.position & 0x3fff);
                out.extend_from_slice(&packed.to_be_bytes());
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "tsvector"
    }

    to_sql_checked!();
}

fn write_cstring(text: &str, out: &mut BytesMut) -> Result<(), BoxError> {
    if text.contains('\0') {
        return Err("a lexeme cannot contain a NUL character".into());
    }
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&[0]);
    Ok(())
}

const VALUE: u8 = 1;
const OPERATOR: u8 = 2;
const NOT: u8 = 1;
const AND: u8 = 2;
const OR: u8 = 3;
const PHRASE: u8 = 4;

/// One item in the server's order: an operator, then its right operand, then its left.
fn read_item(r: &mut Reader<'_>, depth: usize) -> Result<TsQuery, BoxError> {
    if depth > 10_000 {
        return Err("tsquery nests too deeply".into());
    }
    match r.u8()? {
        VALUE => {
            let weights = r.u8()?;
            let prefix = r.u8()? != 0;
            let word = r.cstring()?.to_string();
            Ok(TsQuery::Lexeme {
                word,
                weights,
                prefix,
            })
        }
        OPERATOR => {
            let operator = r.u8()?;
            let distance = if operator == PHRASE { r.i16()? } else { 0 };
            if operator == NOT {
                return Ok(TsQuery::Not(Box::new(read_item(r, depth + 1)?)));
            }
            let right = Box::new(read_item(r, depth + 1)?);
            let left = Box::new(read_item(r, depth + 1)?);
            match operator {
                AND => Ok(TsQuery::And(left, right)),
                OR => Ok(TsQuery::Or(left, right)),
                PHRASE => Ok(TsQuery::Phrase {
                    left,
                    right,
                    distance: u16::try_from(distance).map_err(|_| "negative phrase distance")?,
                }),
                other => Err(format!("unknown tsquery operator {other}").into()),
            }
        }
        other => Err(format!("unknown tsquery item type {other}").into()),
    }
}

fn count_items(q: &TsQuery) -> usize {
    match q {
        TsQuery::Empty => 0,
        TsQuery::Lexeme { .. } => 1,
        TsQuery::Not(q) => 1 + count_items(q),
        TsQuery::And(l, r)
        | TsQuery::Or(l, r)
        | TsQuery::Phrase {
            left: l, right: r, ..
        } => 1 + count_items(l) + count_items(r),
    }
}

fn write_item(q: &TsQuery, out: &mut BytesMut) -> Result<(), BoxError> {
    let binary = |op: u8, l: &TsQuery, r: &TsQuery, out: &mut BytesMut| {
        out.extend_from_slice(&[OPERATOR, op]);
        if let TsQuery::Phrase { distance, .. } = q {
            let d = i16::try_from(*distance).map_err(|_| "phrase distance too large")?;
            out.extend_from_slice(&d.to_be_bytes());
        }
        write_item(r, out)?;
        write_item(l, out)
    };
    match q {
        TsQuery::Empty => Err("an empty tsquery cannot be an operand".into()),
        TsQuery::Lexeme {
            word,
            weights,
            prefix,
        } => {
            out.extend_from_slice(&[VALUE, *weights, u8::from(*prefix)]);
            write_cstring(word, out)
        }
        TsQuery::Not(inner) => {
            out.extend_from_slice(&[OPERATOR, NOT]);
            write_item(inner, out)
        }
        TsQuery::And(l, r) => binary(AND, l, r, out),
        TsQuery::Or(l, r) => binary(OR, l, r, out),
        TsQuery::Phrase { left, right, .. } => binary(PHRASE, left, right, out),
    }
}

impl<'a> FromSql<'a> for TsQuery {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let mut r = Reader::new(raw, "tsquery");
        let count = r.count()?;
        let query = if count == 0 {
            TsQuery::Empty
        } else {
            read_item(&mut r, 0)?
        };
        r.finish()?;
        if count_items(&query) != count {
            return Err("a binary tsquery value has a wrong item count".into());
        }
        Ok(query)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "tsquery"
    }
}

impl ToSql for TsQuery {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if *self == TsQuery::Empty {
            // The server sends an empty tsquery but its binary input refuses one.
            return Err("PostgreSQL cannot receive an empty tsquery in binary form; send NULL or a query with at least one lexeme".into());
        }
        out.extend_from_slice(&wire_len(count_items(self))?.to_be_bytes());
        write_item(self, out)?;
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "tsquery"
    }

    to_sql_checked!();
}
