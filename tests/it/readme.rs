//! The README's walkthrough, built as a new user would: a scratch crate made from the
//! README's own code blocks (each starts with a `file:` comment naming its path), with
//! pgbake as a path dependency on this checkout. It builds, its tests run, its binary
//! migrates its own schema and nothing else, `PGBAKE_LINT=deny` works in its build, and the
//! installed `pgbake` command works in its folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pgbake::testing::TestDatabase;

use crate::{pgbake_in, temp_dir, text};

const README: &str = include_str!("../../README.md");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The files of the walkthrough section: `(path, contents)` for each fenced block whose
/// first line is `<comment> file: <path>`.
fn walkthrough_files() -> Vec<(String, String)> {
    let section = README
        .split("\n## ")
        .find(|s| s.starts_with("Using pgbake in your crate"))
        .expect("README has a `## Using pgbake in your crate` section");
    let mut files = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("```") {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        let path = block.first().and_then(|first| {
            ["// file: ", "# file: ", "-- file: "]
                .iter()
                .find_map(|prefix| first.strip_prefix(prefix))
        });
        if let Some(path) = path {
            files.push((path.trim().to_string(), block.join("\n") + "\n"));
        }
    }
    files
}

/// The README's `Cargo.toml` with the published versions replaced by this checkout.
fn local_manifest(manifest: &str) -> String {
    manifest
        .replace(
            "pgbake = { version = \"0.1\"",
            &format!("pgbake = {{ path = \"{ROOT}\""),
        )
        .replace(
            "pgbake-codegen = { version = \"0.1\"",
            &format!("pgbake-codegen = {{ path = \"{ROOT}/codegen\""),
        )
}

/// `cargo` in the scratch crate, offline, with its own target folder kept next to the
/// workspace's (so a second run only rebuilds what changed).
fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", scratch_target())
        .env_remove("PGBAKE_LINT")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn scratch_target() -> PathBuf {
    // <target>/debug/pgbake -> <target>/readme-crate
    Path::new(env!("CARGO_BIN_EXE_pgbake"))
        .ancestors()
        .nth(2)
        .unwrap()
        .join("readme-crate")
}

fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

async fn public_tables(db: &TestDatabase) -> Vec<String> {
    let client = db.connect().await.unwrap();
    crate::column(&client, crate::PUBLIC_TABLES).await
}

#[tokio::test]
async fn the_readme_walkthrough_builds_migrates_its_own_schema_and_runs_its_queries() {
    let dir = temp_dir("readme-crate");
    let files = walkthrough_files();
    let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    for expected in [
        "Cargo.toml",
        ".gitignore",
        "build.rs",
        "src/lib.rs",
        "src/main.rs",
        "tests/tickets.rs",
        "sql/migrations/V1__tickets.sql",
        "sql/migrations/V1__tickets.down.sql",
        "sql/queries/tickets.sql",
    ] {
        assert!(
            paths.contains(&expected),
            "README lacks {expected}: {paths:?}"
        );
    }
    for (path, contents) in &files {
        let contents = if path == "Cargo.toml" {
            local_manifest(contents)
        } else {
            contents.clone()
        };
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .any(|l| l.trim() == ".pgbake/"),
        "the README's .gitignore ignores the local server"
    );
    // The same versions as this workspace, so `--offline` finds every crate.
    std::fs::copy(format!("{ROOT}/Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    // The application's own dependencies: the runtime only.
    let tree = cargo(&dir, &["tree", "-e", "normal", "--prefix", "none"], &[]);
    assert_success("cargo tree", &tree);
    let tree = text(&tree.stdout);
    for heavy in [
        "clap ",
        "argon2 ",
        "flate2 ",
        "sqlparser ",
        "squawk",
        "pgbake-codegen ",
    ] {
        assert!(!tree.contains(heavy), "the app links {heavy}:\n{tree}");
    }

    // `cargo test` builds the library, the binary and the tests, and runs the tests
    // (the `testing` feature) against this suite's server.
    let server = pgbake::testing::server().unwrap();
    let tested = cargo(&dir, &["test"], &[("DATABASE_URL", &server.admin_url)]);
    assert_success("cargo test in the README crate", &tested);
    assert!(
        text(&tested.stdout).contains("test result: ok. 1 passed"),
        "{}",
        text(&tested.stdout)
    );

    // The binary migrates its own schema, and nothing else, then runs its queries.
    let app = scratch_target().join("debug/tickets");
    let db = TestDatabase::empty().await.unwrap();
    let run = Command::new(&app)
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_success("the README app", &run);
    let stdout = text(&run.stdout);
    assert!(stdout.contains("1 migration(s) applied"), "{stdout}");
    assert!(stdout.contains("open: #2 coffee machine empty"), "{stdout}");
    assert!(
        !stdout.contains("printer on fire"),
        "closed in the transaction: {stdout}"
    );
    assert_eq!(
        public_tables(&db).await,
        ["refinery_schema_history", "tickets"],
        "the app's own schema and nothing of pgbake's"
    );

    // An error returned from `main` prints its sentence, not a struct.
    let bad = Command::new(&app)
        .env("DATABASE_URL", &db.url)
        .env("DB_MAX_CONNECTIONS", "lots")
        .output()
        .unwrap();
    let stderr = text(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.starts_with("Error: invalid DB_MAX_CONNECTIONS:") && !stderr.contains('{'),
        "{stderr}"
    );

    // The installed command, run in the project's folder, works on that folder.
    let status = pgbake_in(
        Some(&dir),
        &["migrate", "status"],
        &[("DATABASE_URL", &db.url)],
    );
    assert_success("pgbake migrate status", &status);
    assert!(
        text(&status.stdout).contains("tickets"),
        "{}",
        text(&status.stdout)
    );
    let down = pgbake_in(
        Some(&dir),
        &["migrate", "down", "--steps", "1"],
        &[("DATABASE_URL", &db.url)],
    );
    assert_success("pgbake migrate down", &down);
    assert_eq!(public_tables(&db).await, ["refinery_schema_history"]);

    // `PGBAKE_LINT=deny` works in the user's build with no code of theirs.
    std::fs::write(
        dir.join("sql/migrations/V2__title_index.sql"),
        "CREATE INDEX tickets_title ON tickets (title);\n",
    )
    .unwrap();
    let denied = cargo(&dir, &["test", "--no-run"], &[("PGBAKE_LINT", "deny")]);
    assert!(
        !denied.status.success(),
        "PGBAKE_LINT=deny let a lint finding through"
    );
    assert!(
        text(&denied.stderr).contains("require-concurrent-index-creation"),
        "{}",
        text(&denied.stderr)
    );
    let warned = cargo(&dir, &["test", "--no-run"], &[]);
    assert_success("a build with a lint warning", &warned);
    assert!(
        text(&warned.stderr).contains("warning: tickets@0.1.0: "),
        "{}",
        text(&warned.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
