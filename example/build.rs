//! Checks this crate's `sql/` folder and generates its migrations and typed queries.

fn main() {
    println!("cargo:rerun-if-changed=sql");
    match pgbake_codegen::Builder::new("sql").build() {
        Ok(report) => report.print_cargo_warnings(),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}
