//! Rust source generation: the embedded migration set and the typed query modules.
pub mod migrations;
pub mod queries;
