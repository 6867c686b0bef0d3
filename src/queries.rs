//! The typed queries of pgbake's reference schema (`sql/queries/*.sql`), for its own tests
//! and benchmarks (feature `reference`); an application generates its own.
//!
//! Each file `sql/queries/<module>.sql` becomes `pgbake::queries::<module>`.

include!(concat!(env!("OUT_DIR"), "/queries.rs"));
