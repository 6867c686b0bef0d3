//! pgbake-codegen: the build-time engine of pgbake.
//!
//! It reads a `sql/` folder (`migrations/` and `queries/`), checks the migrations'
//! names, order and contents, replays them into a schema catalog, infers the types of
//! every annotated query, and writes Rust source into `OUT_DIR`. No database is used.

#![forbid(unsafe_code)]

pub mod annotate;
pub mod catalog;
pub mod describe;
pub mod emit;
pub mod error;
pub mod infer;
pub mod ir;
pub mod lint;
pub mod migrations;
pub mod pg;
pub mod source;
pub mod syntax;
pub mod types;

mod builder;

pub use builder::{Analysis, BuildError, BuildReport, Builder, analyze};
pub use error::Diagnostic;
