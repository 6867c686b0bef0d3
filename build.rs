//! Checks `sql/` and generates the embedded migrations and typed queries into `OUT_DIR`.
//! `PGBAKE_LINT=deny` turns migration lint warnings into build errors (for CI).

fn main() {
    println!("cargo:rerun-if-changed=sql");
    println!("cargo:rerun-if-env-changed=PGBAKE_LINT");
    let deny = std::env::var("PGBAKE_LINT").is_ok_and(|v| v == "deny");
    // pgbake's own `serde` feature derives Serialize on its generated rows.
    let serde = std::env::var_os("CARGO_FEATURE_SERDE").is_some();
    match pgbake_codegen::Builder::new("sql")
        .deny_lints(deny)
        .serde(serde)
        .build()
    {
        Ok(report) => report.print_cargo_warnings(),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}
