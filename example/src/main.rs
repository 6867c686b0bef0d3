//! The `pgbake` command over this crate's own migrations: `cargo run -p pgbake-example -- migrate status`.

fn main() -> std::process::ExitCode {
    pgbake::cli::main_with(pgbake_example::db::MIGRATIONS)
}
