//! Checks `sql/` and generates this crate's embedded migrations and typed queries into `OUT_DIR`.

fn main() {
    println!("cargo:rerun-if-changed=sql");
    if let Err(error) = pgbake_codegen::Builder::new("sql").build() {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
