//! Reading and writing the binary wire format: a cursor over a value's bytes.

use std::error::Error as StdError;

/// The error type of `ToSql`/`FromSql`.
pub(crate) type BoxError = Box<dyn StdError + Sync + Send>;

/// A cursor over the bytes of one value in PostgreSQL's binary format.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader of a value of the named type (the name appears in errors).
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { bytes, what }
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], BoxError> {
        if self.bytes.len() < n {
            return Err(format!("a binary {} value ends early", self.what).into());
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    /// Every byte left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BoxError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, BoxError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, BoxError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn i16(&mut self) -> Result<i16, BoxError> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, BoxError> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, BoxError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, BoxError> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, BoxError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(crate) fn f64(&mut self) -> Result<f64, BoxError> {
        Ok(f64::from_be_bytes(self.array()?))
    }

    /// A count written as int32 (never negative).
    pub(crate) fn count(&mut self) -> Result<usize, BoxError> {
        let n = self.i32()?;
        usize::try_from(n)
            .map_err(|_| format!("a binary {} value has a negative count", self.what).into())
    }

    /// A NUL-terminated string.
    pub(crate) fn cstring(&mut self) -> Result<&'a str, BoxError> {
        let end =
            self.bytes.iter().position(|b| *b == 0).ok_or_else(|| {
                format!("a binary {} value has an unterminated string", self.what)
            })?;
        let text = std::str::from_utf8(&self.bytes[..end])?;
        self.bytes = &self.bytes[end + 1..];
        Ok(text)
    }

    /// A length-prefixed value (`None` for length -1, SQL NULL).
    pub(crate) fn nullable(&mut self) -> Result<Option<&'a [u8]>, BoxError> {
        let len = self.i32()?;
        if len < 0 {
            return Ok(None);
        }
        self.take(len as usize).map(Some)
    }

    /// The end of the value: no bytes may be left.
    pub(crate) fn finish(self) -> Result<(), BoxError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "a binary {} value has {} trailing bytes",
                self.what,
                self.bytes.len()
            )
            .into())
        }
    }
}

/// A length as the int32 the wire format uses.
pub(crate) fn wire_len(len: usize) -> Result<i32, BoxError> {
    i32::try_from(len).map_err(|_| "value too large for PostgreSQL's wire format".into())
}

/// Writes `value` length-prefixed into `out` (length -1 for NULL).
pub(crate) fn write_nullable(
    out: &mut bytes::BytesMut,
    value: &(dyn postgres_types::ToSql + Sync),
    ty: &postgres_types::Type,
) -> Result<(), BoxError> {
    let at = out.len();
    out.extend_from_slice(&0i32.to_be_bytes());
    let len = match value.to_sql_checked(ty, out)? {
        postgres_types::IsNull::Yes => -1,
        postgres_types::IsNull::No => wire_len(out.len() - at - 4)?,
    };
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}
