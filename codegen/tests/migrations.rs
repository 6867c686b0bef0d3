//! Build-time migration checks: every broken folder gives every error, rendered as a user sees it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use pgbake_codegen::Builder;

/// A temporary `sql/` folder holding `files` under `migrations/`.
struct SqlFolder {
    root: PathBuf,
}

impl SqlFolder {
    fn new(files: &[(&str, &[u8])]) -> SqlFolder {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "pgbake-codegen-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let migrations = root.join("sql").join("migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        for (name, bytes) in files {
            let path = migrations.join(name);
            if name.ends_with('/') {
                std::fs::create_dir_all(&path).unwrap();
            } else {
                std::fs::write(path, bytes).unwrap();
            }
        }
        SqlFolder { root }
    }

    /// Every diagnostic, rendered, with the temporary prefix replaced by `sql`.
    fn check(&self) -> String {
        let analysis = Builder::new(self.root.join("sql")).analyze();
        let mut diagnostics = analysis.diagnostics;
        diagnostics.sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
        let prefix = format!("{}/", self.root.display());
        diagnostics
            .iter()
            .map(|d| d.render().replace(&prefix, ""))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn migrations(&self) -> Vec<(i64, String, bool, bool)> {
        Builder::new(self.root.join("sql"))
            .analyze()
            .migrations
            .into_iter()
            .map(|m| (m.version, m.name, m.down.is_some(), m.up.no_transaction))
            .collect()
    }
}

impl Drop for SqlFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn a_good_folder_has_no_diagnostics_and_keeps_version_order() {
    let folder = SqlFolder::new(&[
        ("V10__later.sql", b"CREATE TABLE b (id int);"),
        ("V2__first.sql", b"CREATE TABLE a (id int);"),
        ("V2__first.down.sql", b"DROP TABLE a;"),
        (
            "V20260101120000__timestamped.sql",
            b"\xef\xbb\xbfALTER TABLE a ADD COLUMN x int;\r\n",
        ),
        (
            "V20260101120001__concurrent_index.sql",
            b"-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY a_x ON a (x);\n",
        ),
        (".gitkeep", b""),
    ]);
    assert_eq!(folder.check(), "");
    assert_eq!(
        folder.migrations(),
        vec![
            (2, "first".to_string(), true, false),
            (10, "later".to_string(), false, false),
            (20260101120000, "timestamped".to_string(), false, false),
            (20260101120001, "concurrent_index".to_string(), false, true),
        ]
    );
}

#[test]
fn bom_and_crlf_are_normalised_before_embedding() {
    let folder = SqlFolder::new(&[("V1__a.sql", b"\xef\xbb\xbfSELECT 1;\r\nSELECT 2;\r\n")]);
    let analysis = Builder::new(folder.root.join("sql")).analyze();
    assert_eq!(&*analysis.migrations[0].up.text, "SELECT 1;\nSELECT 2;\n");
}

#[test]
fn every_broken_name_is_reported_in_one_pass() {
    let folder = SqlFolder::new(&[
        ("V1__init.sql", b"SELECT 1;"),
        ("v2__lowercase_prefix.sql", b"SELECT 1;"),
        ("V3_one_underscore.sql", b"SELECT 1;"),
        ("V04__leading_zero.sql", b"SELECT 1;"),
        ("V5__Has-Caps.sql", b"SELECT 1;"),
        ("Vx__not_a_number.sql", b"SELECT 1;"),
        ("notes.txt", b"remember"),
        ("nested/", b""),
    ]);
    insta::assert_snapshot!(folder.check());
}

#[test]
fn duplicates_orphans_and_bad_contents_are_reported_in_one_pass() {
    let folder = SqlFolder::new(&[
        ("V1__a.sql", b"SELECT 1;"),
        ("V1__b.sql", b"SELECT 2;"),
        ("V2__c.sql", b"SELECT 1;"),
        ("V2__c.sql.orig", b"SELECT 1;"),
        ("V3__gone.down.sql", b"DROP TABLE x;"),
        ("V4__empty.sql", b"-- only a comment\n\n"),
        ("V5__latin1.sql", b"SELECT 'caf\xe9';"),
        (
            "V6__unterminated.sql",
            b"SELECT 1;\nSELECT $$ never closed;\n",
        ),
        ("V7__named.sql", b"SELECT 1;"),
        ("V7__misnamed.down.sql", b"SELECT 1;"),
    ]);
    insta::assert_snapshot!(folder.check());
}

#[test]
fn statements_that_refuse_a_transaction_need_the_marker() {
    let folder = SqlFolder::new(&[
        (
            "V1__index.sql",
            b"CREATE TABLE t (a int);\n\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n",
        ),
        ("V2__vacuum.sql", b"VACUUM ANALYZE t;\n"),
        ("V3__database.sql", b"create database other;\n"),
        ("V4__drop_index.sql", b"DROP INDEX CONCURRENTLY t_a;\n"),
        (
            "V5__commit.sql",
            b"BEGIN;\nCREATE TABLE u (a int);\nCOMMIT;\n",
        ),
        (
            "V6__late_marker.sql",
            b"SELECT 1;\n-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY t_b ON t (a);\n",
        ),
        (
            "V7__marked.sql",
            b"-- pgbake:no-transaction\nCREATE INDEX CONCURRENTLY t_c ON t (a);\nVACUUM t;\n",
        ),
    ]);
    insta::assert_snapshot!(folder.check());
}
