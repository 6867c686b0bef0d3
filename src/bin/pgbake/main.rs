//! `pgbake`: the command-line tool, run in a project's folder; it reads that project's
//! `sql/` from disk (`--sql DIR` for another folder). Install it with
//! `cargo install pgbake --features cli` (or `--path .` in this repository).

fn main() -> std::process::ExitCode {
    pgbake::cli::main()
}
