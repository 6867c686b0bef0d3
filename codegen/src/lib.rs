//! pgbake-codegen: the build-time engine of pgbake.
//!
//! It reads a `sql/` folder (`migrations/` and `queries/`), checks the migrations' names,
//! order and contents, replays them into a schema catalog, infers the types of every
//! annotated query, and writes Rust source into `OUT_DIR`. No database is used.
//!
//! A crate that owns its SQL calls it from `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     println!("cargo:rerun-if-changed=sql");
//!     match pgbake_codegen::Builder::new("sql").build() {
//!         Ok(report) => report.print_cargo_warnings(),
//!         Err(error) => {
//!             eprintln!("{error}");
//!             std::process::exit(1);
//!         }
//!     }
//! }
//! ```
//!
//! and includes what it wrote:
//!
//! ```ignore
//! // src/lib.rs
//! pub mod db {
//!     include!(concat!(env!("OUT_DIR"), "/migrations.rs")); // pub static MIGRATIONS
//!     include!(concat!(env!("OUT_DIR"), "/queries.rs"));    // pub mod <file> { … }
//! }
//! ```
//!
//! [`describe`] gives the same analysis as JSON (what `pgbake describe` prints). The stages
//! and their invariants are described in `ARCHITECTURE.md`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod annotate;
mod builder;
mod cache;
mod catalog;
mod describe;
mod diagnostic;
mod emit;
mod infer;
pub mod ir;
mod lint;
mod lower;
mod migrations;
mod optional;
mod overrides;
mod pg;
mod pipeline;
pub mod schema;
mod source;
mod syntax;
mod types;

pub use builder::{BuildError, BuildReport, Builder};
pub use describe::{Describe, describe};
pub use diagnostic::{Code, Diagnostic, Severity, render_all};
pub use lint::{CONFIG_FILE, Finding, raise_lint_baseline, read_lint_baseline};
pub use migrations::{
    Direction, Migration, MigrationName, NO_TRANSACTION_MARKER, NameError, Script, has_statements,
    migration_file_name, parse_migration_file_name, suggest_name, validate_name,
};
pub use pipeline::{Analysis, analyze, analyze_with_baseline};

/// The engine's stages, for pgbake's own tests and fuzzers. Not a stable API.
#[doc(hidden)]
pub mod __internals {
    pub use crate::annotate::parse_file;
    pub use crate::catalog::replay;
    pub use crate::emit::queries::emit_queries;
    pub use crate::infer::Typer;
    pub use crate::lint::{lint_down_script, lint_script};
    pub use crate::lower::emit_problems;
    pub use crate::pipeline::type_queries;
    pub use crate::source::{SqlFile, scan};
    pub use crate::syntax::split::split_statements;
    pub use crate::types::{camel_case, field_name};
}
