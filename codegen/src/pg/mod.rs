//! PostgreSQL's own catalog data: built-in types, functions, operators and casts, system
//! relations and SQL value functions. A leaf module: the catalog and inference both read it,
//! and it imports neither.

pub mod builtins;
mod system;
mod ty;

pub use system::{SYSTEM_COLUMNS, sql_value_function_type, system_relation};
pub use ty::Ty;
