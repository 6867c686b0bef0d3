//! The typed query modules generated from `sql/queries/*.sql` by pgbake's build step.
//!
//! Each file `sql/queries/<module>.sql` becomes `pgbake::queries::<module>`.

include!(concat!(env!("OUT_DIR"), "/queries.rs"));
