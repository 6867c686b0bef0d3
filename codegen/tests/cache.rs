//! The build cache (`OUT_DIR/pgbake-cache/`): a build that reuses what the last one
//! computed writes exactly what a cold build writes, whatever changed in between.

use std::path::{Path, PathBuf};

use pgbake_codegen::{BuildError, BuildReport, Builder};

/// A `sql/` folder and two output folders: `warm` keeps its cache between builds, `cold`
/// is emptied before each one.
struct Project {
    root: PathBuf,
}

impl Project {
    fn new(name: &str) -> Project {
        let root = std::env::temp_dir().join(format!("pgbake-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let project = Project { root };
        project.write(
            "migrations/V1__users.sql",
            "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text);\n",
        );
        project.write(
            "migrations/V2__posts.sql",
            "CREATE TABLE posts (id bigint PRIMARY KEY, author bigint NOT NULL REFERENCES users (id), title text);\n",
        );
        project.write(
            "queries/users.sql",
            "--! user_by_id :one\nSELECT id, name, email FROM users WHERE id = :id;\n",
        );
        project.write(
            "queries/posts.sql",
            "--! posts_of :many\nSELECT p.id, p.title, u.name FROM posts p JOIN users u ON u.id = p.author WHERE p.author = :author;\n",
        );
        project
    }

    fn sql(&self) -> PathBuf {
        self.root.join("sql")
    }

    fn write(&self, file: &str, text: &str) {
        let path = self.sql().join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(path, text).expect("write");
    }

    fn out(&self, which: &str) -> PathBuf {
        self.root.join(which)
    }

    /// Builds into the warm folder (cache kept) and into a fresh cold folder; asserts both
    /// write the same files and report the same, and returns the warm report.
    fn build_both(&self, builder: impl Fn(&Path) -> Builder) -> Result<BuildReport, BuildError> {
        let warm_dir = self.out("warm");
        std::fs::create_dir_all(&warm_dir).expect("warm");
        let cold_dir = self.out("cold");
        let _ = std::fs::remove_dir_all(&cold_dir);
        std::fs::create_dir_all(&cold_dir).expect("cold");
        let warm = builder(&warm_dir).build();
        let cold = builder(&cold_dir).build();
        match (&warm, &cold) {
            (Ok(w), Ok(c)) => {
                assert_eq!(w.queries, c.queries, "typed queries differ");
                assert_eq!(w.migrations, c.migrations, "migrations differ");
                assert_eq!(w.lints, c.lints, "lint findings differ");
                assert_eq!(w.warnings, c.warnings, "warnings differ");
                for file in ["queries.rs", "migrations.rs"] {
                    assert_eq!(
                        read(&warm_dir.join(file)),
                        read(&cold_dir.join(file)),
                        "{file} of the cached build differs from a cold build's"
                    );
                }
            }
            (Err(w), Err(c)) => assert_eq!(w.to_string(), c.to_string()),
            _ => panic!(
                "the cached build and a cold build disagree:\ncached: {:?}\ncold: {:?}",
                warm.as_ref().map(|_| ()),
                cold.as_ref().map(|_| ())
            ),
        }
        warm
    }

    fn queries_rs(&self) -> String {
        read(&self.out("warm").join("queries.rs"))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn plain(sql: &Path) -> impl Fn(&Path) -> Builder + use<> {
    let sql = sql.to_path_buf();
    move |out: &Path| Builder::new(&sql).out_dir(out)
}

#[test]
fn every_kind_of_change_builds_what_a_cold_build_builds() {
    let project = Project::new("changes");
    let build = plain(&project.sql());
    let first = project.build_both(&build).expect("first build");
    assert_eq!(first.written.len(), 2, "a first build writes both files");
    assert!(
        project
            .out("warm")
            .join("pgbake-cache/migrations.json")
            .exists()
    );

    // Nothing changed: nothing is rewritten (cargo does not recompile the crate).
    let again = project.build_both(&build).expect("unchanged");
    assert!(again.written.is_empty(), "rewrote {:?}", again.written);

    // One query file edited: the new column is there.
    project.write(
        "queries/users.sql",
        "--! user_by_id :one\nSELECT id, name, email, 1 AS one FROM users WHERE id = :id;\n",
    );
    project.build_both(&build).expect("query edited");
    assert!(project.queries_rs().contains("pub one: i32"));

    // A migration edited, no query file touched: the column's type follows the migration.
    assert!(project.queries_rs().contains("pub email: Option<String>"));
    project.write(
        "migrations/V1__users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL);\n",
    );
    project.build_both(&build).expect("migration edited");
    assert!(
        project.queries_rs().contains("pub email: String"),
        "a cached query file kept the old migrations' types"
    );

    // A migration that leaves the schema as it was (an index) re-types no query file: the
    // entries are the ones stored before.
    let entry = project
        .out("warm")
        .join("pgbake-cache/queries/posts.sql.json");
    let before = read(&entry);
    project.write(
        "migrations/V3__index.sql",
        "-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY posts_author ON posts (author);\n",
    );
    project.build_both(&build).expect("index added");
    assert_eq!(
        read(&entry),
        before,
        "an index-only migration re-keyed a query file"
    );
    std::fs::remove_file(project.sql().join("migrations/V3__index.sql")).expect("remove");

    // A migration added that drops a column a query reads: the query fails, though its
    // file did not change.
    project.write(
        "migrations/V3__no_title.sql",
        "ALTER TABLE posts DROP COLUMN title;\n",
    );
    let error = project.build_both(&build).expect_err("column dropped");
    assert!(error.to_string().contains("title"), "{error}");
    std::fs::remove_file(project.sql().join("migrations/V3__no_title.sql")).expect("remove");
    project.build_both(&build).expect("migration removed");

    // A query file removed: its module and its cache entry are gone.
    std::fs::remove_file(project.sql().join("queries/posts.sql")).expect("remove");
    project.build_both(&build).expect("query file removed");
    assert!(!project.queries_rs().contains("pub mod posts"));
    for kind in ["json", "rs"] {
        let entry = format!("pgbake-cache/queries/posts.sql.{kind}");
        assert!(!project.out("warm").join(entry).exists());
    }

    // A broken query file fails, and fixing it builds again.
    project.write("queries/users.sql", "--! broken :one\nSELEC 1;\n");
    project.build_both(&build).expect_err("syntax error");
    project.write(
        "queries/users.sql",
        "--! user_by_id :one\nSELECT id FROM users WHERE id = :id;\n",
    );
    project.build_both(&build).expect("fixed");
}

#[test]
fn options_and_lint_settings_are_part_of_the_key() {
    let project = Project::new("options");
    project.build_both(plain(&project.sql())).expect("plain");
    assert!(!project.queries_rs().contains("Serialize"));
    let sql = project.sql();
    project
        .build_both(|out: &Path| Builder::new(&sql).out_dir(out).serde(true))
        .expect("serde");
    assert!(
        project.queries_rs().contains("Serialize"),
        "a module cached without serde was reused with serde on"
    );

    // A lint finding, then a baseline that excludes its migration.
    project.write(
        "migrations/V3__index.sql",
        "CREATE INDEX users_name ON users (name);\n",
    );
    let linted = project.build_both(plain(&sql)).expect("lint warning");
    assert!(!linted.lints.is_empty(), "the index should be linted");
    project.write("pgbake.toml", "lint_baseline = 3\n");
    let baselined = project.build_both(plain(&sql)).expect("baseline");
    assert!(
        baselined.lints.is_empty(),
        "sql/pgbake.toml changed but the cached lint findings were kept: {:?}",
        baselined.lints
    );
}

#[test]
fn a_damaged_cache_is_rebuilt_not_trusted() {
    let project = Project::new("damaged");
    let build = plain(&project.sql());
    project.build_both(&build).expect("first build");
    let cache = project.out("warm").join("pgbake-cache");
    let entries = [
        cache.join("migrations.json"),
        cache.join("queries/users.sql.json"),
        cache.join("queries/users.sql.rs"),
    ];
    for (garbage, what) in [
        (&b""[..], "empty"),
        (&b"{\"key\":"[..], "truncated"),
        (&b"\xff\xfe not json"[..], "binary"),
    ] {
        for entry in &entries {
            std::fs::write(entry, garbage).expect("damage");
        }
        project
            .build_both(&build)
            .unwrap_or_else(|e| panic!("{what} cache: {e}"));
    }
    // An entry from another build (valid JSON, wrong key) is not used either: swap two
    // files' entries.
    for kind in ["json", "rs"] {
        let users = read(&cache.join(format!("queries/users.sql.{kind}")));
        let posts = read(&cache.join(format!("queries/posts.sql.{kind}")));
        std::fs::write(cache.join(format!("queries/users.sql.{kind}")), posts).expect("swap");
        std::fs::write(cache.join(format!("queries/posts.sql.{kind}")), users).expect("swap");
        project.build_both(&build).expect("swapped entries");
    }
    // A stored module whose key line is gone is formatted again, not used.
    let module = cache.join("queries/users.sql.rs");
    let text = read(&module);
    let (_, body) = text.split_once('\n').expect("a key line");
    std::fs::write(&module, body).expect("strip the key line");
    project
        .build_both(&build)
        .expect("module without its key line");
}
