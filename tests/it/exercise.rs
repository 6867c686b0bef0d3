//! Every generated function runs: `pgbake-exercise` on the reference schema and on
//! `example/sql` calls each one on NULL-heavy data (empty tables, one row of NULLs, NULLs in
//! every nullable column, NULL array elements) with `Some` and `None` arguments.

use std::path::PathBuf;

fn exercise(folder: &str) -> pgbake_exercise::Report {
    let server = pgbake::testing::server().unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let label = folder.replace('/', "-");
    let options = pgbake_exercise::Options {
        repository: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        work_dir: target.join(format!("exercise-crate-{label}")),
        // One target folder for both folders: dependencies compile once.
        target_dir: target.join("exercise"),
        database_url: Some(server.admin_url.clone()),
    };
    pgbake_exercise::exercise(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder),
        &options,
    )
    .unwrap()
}

#[test]
fn every_generated_function_runs_on_null_heavy_data() {
    for folder in ["sql", "example/sql"] {
        let report = exercise(folder);
        assert!(report.skipped.is_empty(), "{folder}: {:?}", report.skipped);
        assert!(report.functions > 0, "{folder}: no function called");
        assert_eq!(
            report.failures(),
            Vec::<String>::new(),
            "{folder}: {}",
            report.json
        );
        assert!(
            report.count("Ok") > report.functions,
            "{folder}: {}",
            report.json
        );
        // Every table gets its rows in every state that has any: CHECK constraints are
        // met, so the data is as NULL-heavy as claimed.
        let fill_problems = &report.json["fill_problems"];
        assert_eq!(
            fill_problems.as_array().map(Vec::len),
            Some(0),
            "{folder}: {fill_problems}"
        );
        let migration_errors = &report.json["migration_errors"];
        assert_eq!(
            migration_errors.as_array().map(Vec::len),
            Some(0),
            "{folder}: {migration_errors}"
        );
    }
}
