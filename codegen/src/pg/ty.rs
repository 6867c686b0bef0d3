//! `Ty`: a PostgreSQL type as the engine handles it (typname plus an array flag).

/// A type as inference handles it: a typname (element typname for arrays) and an array flag.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Ty {
    /// `pg_type.typname` (of the element type when `array`).
    pub name: String,
    /// Whether this is an array of `name`.
    pub array: bool,
}

impl Ty {
    /// A scalar type.
    pub fn new(name: &str) -> Ty {
        Ty {
            name: name.to_string(),
            array: false,
        }
    }

    /// The array of this type (arrays of arrays are arrays).
    pub fn to_array(&self) -> Ty {
        Ty {
            name: self.name.clone(),
            array: true,
        }
    }

    /// The element type (self when not an array).
    pub fn element(&self) -> Ty {
        Ty::new(&self.name)
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.array {
            write!(f, "{}[]", self.name)
        } else {
            f.write_str(&self.name)
        }
    }
}
