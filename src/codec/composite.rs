//! Composite types: the reader and writer behind `__pg_composite!`, which generated code
//! uses for the structs of `CREATE TYPE … AS (…)` and table row types.

use bytes::BytesMut;
use postgres_types::{Field, FromSql, IsNull, Kind, ToSql, Type};

use super::wire::{BoxError, Reader, write_nullable};

/// The type a field's value is read or written as: a domain's base type.
fn value_type(ty: &Type) -> &Type {
    match ty.kind() {
        Kind::Domain(base) => value_type(base),
        _ => ty,
    }
}

/// Reads the fields of one binary composite value in order.
#[doc(hidden)]
pub struct CompositeReader<'a> {
    name: &'static str,
    fields: &'a [Field],
    reader: Reader<'a>,
    index: usize,
}

impl<'a> CompositeReader<'a> {
    /// Starts reading a value of composite type `ty` (named `name` in this build) that
    /// this build knows with `expected` fields.
    pub fn new(
        ty: &'a Type,
        raw: &'a [u8],
        name: &'static str,
        expected: usize,
    ) -> Result<Self, BoxError> {
        let fields = match ty.kind() {
            Kind::Composite(fields) => fields.as_slice(),
            _ => &[],
        };
        let mut reader = Reader::new(raw, "composite");
        let count = reader.count()?;
        if count != expected {
            return Err(format!(
                "composite type `{name}` has {count} fields in the database but {expected} in this build; rebuild after the migration that changed it"
            )
            .into());
        }
        Ok(CompositeReader {
            name,
            fields,
            reader,
            index: 0,
        })
    }

    /// The next field, named `field` (for errors).
    pub fn field<T: FromSql<'a>>(&mut self, field: &str) -> Result<T, BoxError> {
        let index = self.index;
        self.index += 1;
        let oid = self.reader.u32()?;
        let raw = self.reader.nullable()?;
        let ty = match self.fields.get(index) {
            Some(f) => f.type_().clone(),
            None => Type::from_oid(oid).ok_or_else(|| {
                format!(
                    "field `{field}` of composite type `{}` has a type (OID {oid}) only a prepared statement can describe",
                    self.name
                )
            })?,
        };
        let ty = value_type(&ty);
        if !T::accepts(ty) {
            return Err(format!(
                "field `{field}` of composite type `{}` is `{ty}` in the database, which its Rust field cannot hold; rebuild after the migration that changed it",
                self.name
            )
            .into());
        }
        T::from_sql_nullable(ty, raw)
            .map_err(|e| format!("field `{field}` of composite type `{}`: {e}", self.name).into())
    }

    /// The end of the value.
    pub fn finish(self) -> Result<(), BoxError> {
        self.reader.finish()
    }
}

/// Writes the fields of one binary composite value in order.
#[doc(hidden)]
pub struct CompositeWriter<'a> {
    name: &'static str,
    fields: std::slice::Iter<'a, Field>,
    out: &'a mut BytesMut,
}

impl<'a> CompositeWriter<'a> {
    /// Starts writing a value of composite type `ty` (named `name` in this build, with
    /// `expected` fields).
    pub fn new(
        ty: &'a Type,
        out: &'a mut BytesMut,
        name: &'static str,
        expected: usize,
    ) -> Result<Self, BoxError> {
        let Kind::Composite(fields) = ty.kind() else {
            return Err(format!(
                "a parameter of composite type `{name}` needs its field types from the server: send it through a prepared statement (DB_STATEMENT_MODE=prepared)"
            )
            .into());
        };
        if fields.len() != expected {
            return Err(format!(
                "composite type `{name}` has {} fields in the database but {expected} in this build; rebuild after the migration that changed it",
                fields.len()
            )
            .into());
        }
        out.extend_from_slice(&super::wire::wire_len(expected)?.to_be_bytes());
        Ok(CompositeWriter {
            name,
            fields: fields.iter(),
            out,
        })
    }

    /// Writes the next field, named `field` (for errors).
    pub fn field(&mut self, field: &str, value: &(dyn ToSql + Sync)) -> Result<(), BoxError> {
        let f = self.fields.next().ok_or_else(|| {
            format!(
                "composite type `{}` has fewer fields than this build",
                self.name
            )
        })?;
        self.out.extend_from_slice(&f.type_().oid().to_be_bytes());
        write_nullable(self.out, value, value_type(f.type_()))
            .map_err(|e| format!("field `{field}` of composite type `{}`: {e}", self.name).into())
    }

    /// The end of the value.
    pub fn finish(self) -> Result<IsNull, BoxError> {
        Ok(IsNull::No)
    }
}

/// `ToSql`/`FromSql` for a generated struct of a PostgreSQL composite type, its fields
/// listed in the type's order. The paths go through `$crate`, so the crate using pgbake
/// needs no direct dependency on postgres-types.
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_composite {
    ($ty:ident, $pg_name:literal, [$($field:ident => $label:literal),* $(,)?]) => {
        impl $crate::__private::postgres_types::ToSql for $ty {
            fn to_sql(
                &self,
                ty: &$crate::__private::postgres_types::Type,
                out: &mut $crate::__private::bytes::BytesMut,
            ) -> ::std::result::Result<$crate::__private::postgres_types::IsNull, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                let labels: &[&str] = &[$($label),*];
                #[allow(unused_mut)]
                let mut writer = $crate::__private::CompositeWriter::new(ty, out, $pg_name, labels.len())?;
                $(writer.field($label, &self.$field)?;)*
                writer.finish()
            }

            fn accepts(ty: &$crate::__private::postgres_types::Type) -> bool {
                ty.name() == $pg_name
            }

            $crate::__private::postgres_types::to_sql_checked!();
        }

        impl<'a> $crate::__private::postgres_types::FromSql<'a> for $ty {
            fn from_sql(
                ty: &$crate::__private::postgres_types::Type,
                raw: &'a [u8],
            ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                let labels: &[&str] = &[$($label),*];
                #[allow(unused_mut)]
                let mut reader = $crate::__private::CompositeReader::new(ty, raw, $pg_name, labels.len())?;
                let value = $ty { $($field: reader.field($label)?,)* };
                reader.finish()?;
                Ok(value)
            }

            fn accepts(ty: &$crate::__private::postgres_types::Type) -> bool {
                ty.name() == $pg_name
            }
        }
    };
}
