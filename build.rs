//! With the `reference` feature (pgbake's own tests and benchmarks), checks the reference
//! schema in `sql/` and generates its migrations and typed queries into `OUT_DIR`.
//! Without it (every dependent crate), there is nothing to do.

fn main() {
    #[cfg(feature = "reference")]
    {
        println!("cargo:rerun-if-changed=sql");
        // pgbake's own `serde` feature derives Serialize on its generated rows.
        let serde = std::env::var_os("CARGO_FEATURE_SERDE").is_some();
        // `PGBAKE_LINT=deny` is read by the builder itself.
        match pgbake_codegen::Builder::new("sql").serde(serde).build() {
            Ok(report) => report.print_cargo_warnings(),
            Err(error) => {
                eprintln!("{error}");
                std::process::exit(1);
            }
        }
    }
}
