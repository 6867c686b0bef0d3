//! `pgbake-exercise SQL_DIR…`: calls every generated function of each folder on NULL-heavy
//! data and prints the figures; exits 1 when any call failed to prepare or decode.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let folders: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if folders.is_empty() {
        eprintln!(
            "usage: pgbake-exercise SQL_DIR… (DATABASE_URL: a server to use; unset: a throwaway cluster)"
        );
        return ExitCode::from(2);
    }
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository.join("target"));
    let options = pgbake_exercise::Options {
        work_dir: target.join("exercise-crate"),
        target_dir: target.join("exercise"),
        repository,
        database_url: None,
    };
    let mut failed = false;
    for folder in folders {
        match pgbake_exercise::exercise(&folder, &options) {
            Ok(report) => {
                println!("{}: {}", folder.display(), report.json);
                for skipped in &report.skipped {
                    println!("  left out: {skipped}");
                }
                for failure in report.failures() {
                    println!("  FAIL {failure}");
                    failed = true;
                }
            }
            Err(e) => {
                println!("{}: ERROR {e}", folder.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
