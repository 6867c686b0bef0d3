//! `describe --sql DIR --format json`: prints what inference decided (the peer corpus's tool interface).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sql = PathBuf::from("sql");
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--sql" => {
                i += 1;
                sql = PathBuf::from(&args[i]);
            }
            "describe" | "--format" | "json" => {}
            other => {
                eprintln!("unknown argument `{other}`; usage: describe --sql DIR --format json");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let described = pgbake_codegen::describe(&sql);
    println!(
        "{}",
        serde_json::to_string_pretty(&described.json).expect("json")
    );
    if described.has_errors {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
