//! What pgbake's engine generated from this crate's `sql/` folder.

/// Typed query modules from `sql/queries/*.sql`.
#[allow(missing_docs)]
pub mod queries {
    include!(concat!(env!("OUT_DIR"), "/queries.rs"));
}

/// The migrations of `sql/migrations/`, embedded.
pub mod migrations {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}
