//! The one migration naming rule, `V<version>__<name>.sql` (+ `.down.sql`), shared by the build and the CLI.

use std::fmt;

/// Whether a migration file applies or reverts its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// `V<version>__<name>.sql`
    Up,
    /// `V<version>__<name>.down.sql`
    Down,
}

/// A migration file name that follows the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationName {
    /// Positive i64 without leading zeros (a UTC timestamp `YYYYMMDDHHMMSS` works).
    pub version: i64,
    /// `[a-z0-9_]+`
    pub name: String,
    /// Up or down script.
    pub direction: Direction,
}

/// Why a file name breaks the rule; `Display` says what is wrong, [`NameError::help`] what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Not a `.sql` file at all.
    NotSql,
    /// Does not start with `V`.
    MissingPrefix,
    /// No `__` between version and name.
    MissingSeparator,
    /// The version is empty or holds something other than digits.
    VersionNotNumber(String),
    /// The version starts with `0`.
    LeadingZero(String),
    /// The version does not fit in an i64 or is zero.
    VersionOutOfRange(String),
    /// The name is empty or holds characters outside `[a-z0-9_]`.
    BadName(String),
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::NotSql => write!(
                f,
                "stray file in the migrations folder: only `.sql` files belong here"
            ),
            NameError::MissingPrefix => write!(f, "migration file name must start with `V`"),
            NameError::MissingSeparator => {
                write!(
                    f,
                    "migration file name needs `__` (two underscores) between version and name"
                )
            }
            NameError::VersionNotNumber(v) => {
                write!(f, "migration version `{v}` is not a whole number")
            }
            NameError::LeadingZero(v) => write!(f, "migration version `{v}` has a leading zero"),
            NameError::VersionOutOfRange(v) => {
                write!(
                    f,
                    "migration version `{v}` is out of range (1 to 9223372036854775807)"
                )
            }
            NameError::BadName(n) => {
                write!(
                    f,
                    "migration name `{n}` may only hold lowercase letters, digits and `_`"
                )
            }
        }
    }
}

impl NameError {
    /// What the user should do about it.
    pub fn help(&self) -> String {
        match self {
            NameError::NotSql => "move this file out of `sql/migrations/`, or rename it `V<version>__<name>.sql`".into(),
            NameError::LeadingZero(v) => format!(
                "rename it with version `{}`; versions are compared as numbers",
                v.trim_start_matches('0')
            ),
            NameError::BadName(n) => {
                let fixed = suggest_name(n);
                if fixed.is_empty() {
                    "give the migration a name such as `V<version>__create_users.sql`".into()
                } else {
                    format!("rename it with name `{fixed}`")
                }
            }
            _ => "name migrations `V<version>__<name>.sql`, e.g. `V20260101120000__create_users.sql` (or `.down.sql` for the revert script)".into(),
        }
    }
}

/// Parses a migration file name; the rule pgbake's build and CLI both use.
pub fn parse_migration_file_name(file_name: &str) -> Result<MigrationName, NameError> {
    let (stem, direction) = if let Some(stem) = file_name.strip_suffix(".down.sql") {
        (stem, Direction::Down)
    } else if let Some(stem) = file_name.strip_suffix(".sql") {
        (stem, Direction::Up)
    } else {
        return Err(NameError::NotSql);
    };
    let rest = stem.strip_prefix('V').ok_or(NameError::MissingPrefix)?;
    let (version_text, name) = rest.split_once("__").ok_or(NameError::MissingSeparator)?;
    if version_text.is_empty() || !version_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NameError::VersionNotNumber(version_text.to_string()));
    }
    if version_text.starts_with('0') && version_text != "0" {
        return Err(NameError::LeadingZero(version_text.to_string()));
    }
    let version: i64 = version_text
        .parse()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| NameError::VersionOutOfRange(version_text.to_string()))?;
    validate_name(name)?;
    Ok(MigrationName {
        version,
        name: name.to_string(),
        direction,
    })
}

/// Checks the `<name>` part of a migration file name: `[a-z0-9_]+`.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(NameError::BadName(name.to_string()));
    }
    Ok(())
}

/// The file name of a migration: `V<version>__<name>.sql` or `.down.sql`.
pub fn migration_file_name(version: i64, name: &str, direction: Direction) -> String {
    match direction {
        Direction::Up => format!("V{version}__{name}.sql"),
        Direction::Down => format!("V{version}__{name}.down.sql"),
    }
}

/// Lowercases and replaces characters outside `[a-z0-9_]` with `_`.
pub fn suggest_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_versions_and_timestamps() {
        let m = parse_migration_file_name("V20260101120000__create_users.sql").unwrap();
        assert_eq!(
            (m.version, m.name.as_str(), m.direction),
            (20260101120000, "create_users", Direction::Up)
        );
        let m = parse_migration_file_name("V1__init.down.sql").unwrap();
        assert_eq!((m.version, m.direction), (1, Direction::Down));
    }

    #[test]
    fn rejects_every_broken_shape() {
        let cases = [
            ("README.md", NameError::NotSql),
            ("v1__init.sql", NameError::MissingPrefix),
            ("V1_init.sql", NameError::MissingSeparator),
            ("Vx__init.sql", NameError::VersionNotNumber("x".into())),
            ("V__init.sql", NameError::VersionNotNumber("".into())),
            ("V01__init.sql", NameError::LeadingZero("01".into())),
            ("V0__init.sql", NameError::VersionOutOfRange("0".into())),
            (
                "V99999999999999999999__x.sql",
                NameError::VersionOutOfRange("99999999999999999999".into()),
            ),
            ("V1__Init.sql", NameError::BadName("Init".into())),
            ("V1__.sql", NameError::BadName("".into())),
            ("V1__add-users.sql", NameError::BadName("add-users".into())),
        ];
        for (file, expected) in cases {
            assert_eq!(parse_migration_file_name(file), Err(expected), "{file}");
        }
    }

    #[test]
    fn suggests_a_valid_name() {
        assert_eq!(suggest_name("Add Users-Table"), "add_users_table");
        assert_eq!(
            NameError::LeadingZero("007".into()).help(),
            "rename it with version `7`; versions are compared as numbers"
        );
    }
}
