//! `pgbake migrate diff` on a corpus of schema changes, each checked on a real server: the
//! old migrations plus the generated ones give the same `pg_dump --schema-only` as the
//! declared schema; the down scripts give back the old dump; the files pass lint with deny.
//! Also `pgbake migrate drift` on a database changed by hand.

use pgbake::testing::TestDatabase;
use pgbake_codegen::schema::{DiffOptions, compare, load_both, plan_files};

/// One case of `tests/fixtures/schema_diff/cases.sql`.
struct Case {
    name: String,
    before: String,
    after: String,
    options: DiffOptions,
}

fn cases() -> Vec<Case> {
    let text = include_str!("../fixtures/schema_diff/cases.sql");
    let mut cases = Vec::new();
    for block in text.split("-- case: ").skip(1) {
        let (name, rest) = block.split_once('\n').unwrap();
        let (head, after) = rest.split_once("-- after\n").unwrap();
        let (options, before) = head.split_once("-- before\n").unwrap();
        let mut diff_options = DiffOptions::default();
        for line in options.lines() {
            if line.contains("allow-drop") {
                diff_options.allow_drop = true;
            }
            if let Some(rename) = line.strip_prefix("-- rename ") {
                let (from, to) = rename.split_once('=').unwrap();
                diff_options.renames.push((from.into(), to.into()));
            }
        }
        cases.push(Case {
            name: name.trim().into(),
            before: before.into(),
            after: after.into(),
            options: diff_options,
        });
    }
    cases
}

async fn run_script(db: &TestDatabase, text: &str) -> Result<(), String> {
    let client = db.connect().await.map_err(|e| e.to_string())?;
    let statements =
        pgbake_codegen::__internals::split_statements(text).map_err(|e| e.what.to_string())?;
    let transactional = !text.starts_with("-- pgbake:no-transaction");
    if transactional {
        client
            .batch_execute("BEGIN")
            .await
            .map_err(|e| e.to_string())?;
    }
    for statement in statements {
        client
            .batch_execute(statement.text)
            .await
            .map_err(|e| format!("{}: {e:?}", statement.text))?;
    }
    if transactional {
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Runs one case; `Err` says what went wrong.
async fn check_case(case: &Case, dir: &std::path::Path) -> Result<usize, String> {
    let sql = dir.join(&case.name);
    std::fs::create_dir_all(sql.join("migrations")).unwrap();
    std::fs::create_dir_all(sql.join("schema")).unwrap();
    std::fs::write(sql.join("migrations/V1__before.sql"), &case.before).unwrap();
    std::fs::write(sql.join("schema/schema.sql"), &case.after).unwrap();
    let (old, new) = load_both(&sql).map_err(|e| e.to_string())?;
    let steps = compare(&old, &new, &case.options).map_err(|r| format!("refused: {r:?}"))?;
    let files = plan_files(&steps);
    if files.is_empty() {
        return Err("no change found".into());
    }
    for (i, file) in files.iter().enumerate() {
        let version = i + 2;
        std::fs::write(
            sql.join(format!("migrations/V{version}__step{}.sql", file.suffix)),
            &file.up,
        )
        .unwrap();
        std::fs::write(
            sql.join(format!(
                "migrations/V{version}__step{}.down.sql",
                file.suffix
            )),
            &file.down,
        )
        .unwrap();
    }
    // The generated files pass lint with deny, and replaying them leaves the declared schema.
    let analysis = pgbake_codegen::Builder::new(&sql).analyze();
    let problems: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.file.contains("migrations"))
        .map(|d| d.render())
        .chain(analysis.lints.iter().map(|f| f.one_line()))
        .collect();
    if !problems.is_empty() {
        return Err(format!("lint: {}", problems.join("\n")));
    }
    let remaining = pgbake_codegen::schema::differences(&sql).map_err(|e| e.to_string())?;
    if !remaining.is_empty() {
        return Err(format!(
            "after the generated migrations, --check still finds {remaining:?}"
        ));
    }
    let before = TestDatabase::empty().await.map_err(|e| e.to_string())?;
    run_script(&before, &case.before).await?;
    let before_dump = pgbake::schema_dump(&before.config).map_err(|e| e.to_string())?;
    let declared = TestDatabase::empty().await.map_err(|e| e.to_string())?;
    run_script(&declared, &case.after).await?;
    let declared_dump = pgbake::schema_dump(&declared.config).map_err(|e| e.to_string())?;
    let migrated = &before;
    for file in &files {
        run_script(migrated, &file.up)
            .await
            .map_err(|e| format!("up: {e}"))?;
    }
    let migrated_dump = pgbake::schema_dump(&migrated.config).map_err(|e| e.to_string())?;
    if migrated_dump != declared_dump {
        return Err(format!(
            "migrated != declared:\n{}",
            line_diff(&declared_dump, &migrated_dump)
        ));
    }
    for file in files.iter().rev() {
        run_script(migrated, &file.down)
            .await
            .map_err(|e| format!("down: {e}"))?;
    }
    let reverted_dump = pgbake::schema_dump(&migrated.config).map_err(|e| e.to_string())?;
    if reverted_dump != before_dump {
        return Err(format!(
            "reverted != before:\n{}",
            line_diff(&before_dump, &reverted_dump)
        ));
    }
    Ok(files.len())
}

fn line_diff(expected: &str, actual: &str) -> String {
    let expected_lines: Vec<&str> = expected.lines().collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    let mut out: Vec<String> = expected_lines
        .iter()
        .filter(|l| !actual_lines.contains(l))
        .map(|l| format!("- {l}"))
        .collect();
    out.extend(
        actual_lines
            .iter()
            .filter(|l| !expected_lines.contains(l))
            .map(|l| format!("+ {l}")),
    );
    if out.is_empty() {
        out.push("(same lines, another order)".into());
    }
    out.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_schema_change_of_the_corpus_migrates_reverts_and_lints() {
    let dir = std::env::temp_dir().join(format!("pgbake_schema_diff_{}", std::process::id()));
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    let results = futures_util::future::join_all(cases.iter().map(|case| {
        let dir = dir.clone();
        async move { (case, check_case(case, &dir).await) }
    }))
    .await;
    for (case, result) in results {
        if let Err(error) = result {
            failures.push(format!("case {}: {error}", case.name));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[tokio::test]
async fn drift_lists_what_was_changed_by_hand() {
    let db = TestDatabase::new().await.unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];
    let clean = crate::pgbake(&["migrate", "drift"], &env);
    assert!(
        clean.status.success(),
        "{}{}",
        crate::text(&clean.stdout),
        crate::text(&clean.stderr)
    );
    db.connect()
        .await
        .unwrap()
        .batch_execute(
            "ALTER TABLE users ADD COLUMN nickname text;
             DROP INDEX users_company_id_idx;
             ALTER TABLE health_check ALTER COLUMN status SET DEFAULT 'fine';",
        )
        .await
        .unwrap();
    let drifted = crate::pgbake(&["migrate", "drift"], &env);
    let out = crate::text(&drifted.stdout);
    assert_eq!(
        drifted.status.code(),
        Some(1),
        "{out}{}",
        crate::text(&drifted.stderr)
    );
    assert!(
        out.contains("+ in CREATE TABLE public.users: nickname text"),
        "{out}"
    );
    assert!(out.contains("- CREATE INDEX users_company_id_idx"), "{out}");
    assert!(
        out.contains("status text DEFAULT 'fine'::text NOT NULL"),
        "{out}"
    );
    assert!(
        out.contains("3 difference(s)") || out.contains("difference(s)"),
        "{out}"
    );
}
