//! `pgbake`: the command-line tool, over the migrations embedded from this crate's `sql/`.

fn main() -> std::process::ExitCode {
    pgbake::cli::main_with(pgbake::MIGRATIONS)
}
