//! `pgbake migrate diff` on a corpus of schema changes, each checked on a real server: the
//! old migrations plus the generated ones give the same `pg_dump --schema-only` as the
//! declared schema; the down scripts give back the old dump; the files pass lint with deny.
//! Also `pgbake migrate drift` on a database changed by hand.

use futures_util::StreamExt;
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
    // Each case holds two databases: a few cases at a time stay under max_connections.
    let results: Vec<_> = futures_util::stream::iter(cases.iter().map(|case| {
        let dir = dir.clone();
        async move { (case, check_case(case, &dir).await) }
    }))
    .buffer_unordered(8)
    .collect()
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
    // The changed default is two lines: the expected one missing, the found one added.
    assert!(
        out.contains(
            "- in CREATE TABLE public.health_check: status text DEFAULT 'ok'::text NOT NULL"
        ),
        "{out}"
    );
    assert!(out.contains(": 4 difference(s) from what"), "{out}");
}

/// A scratch project whose `sql/migrations/V1__init.sql` and `sql/schema/schema.sql` hold
/// these texts.
fn diff_project(label: &str, migrations: &str, schema: &str) -> std::path::PathBuf {
    let dir = crate::temp_dir(label);
    std::fs::create_dir_all(dir.join("sql/migrations")).unwrap();
    std::fs::create_dir_all(dir.join("sql/schema")).unwrap();
    std::fs::write(dir.join("sql/migrations/V1__init.sql"), migrations).unwrap();
    std::fs::write(dir.join("sql/schema/schema.sql"), schema).unwrap();
    dir
}

/// Runs `pgbake migrate diff …` in `dir`: exit code, stdout, stderr.
fn migrate_diff(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let args: Vec<&str> = ["migrate", "diff"].iter().chain(args).copied().collect();
    let output = crate::pgbake_in(Some(dir), &args, &[]);
    (
        output.status.code(),
        crate::text(&output.stdout),
        crate::text(&output.stderr),
    )
}

/// The names of the files in `dir/sql/migrations`, sorted.
fn migration_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("sql/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `V<14 digits>__<name>.sql` or `.down.sql`: the name, and whether it is a down script.
fn generated_name(file: &str) -> Option<(String, bool)> {
    let rest = file.strip_prefix('V')?;
    let (version, rest) = rest.split_at_checked(14)?;
    if !version.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix("__")?;
    match rest.strip_suffix(".down.sql") {
        Some(name) => Some((name.into(), true)),
        None => Some((rest.strip_suffix(".sql")?.into(), false)),
    }
}

const DIFF_TABLE: &str = "CREATE TABLE items (id bigint PRIMARY KEY, label text);\n";

#[test]
fn migrate_diff_writes_timestamped_files_and_then_finds_nothing() {
    let dir = diff_project(
        "diff-writes",
        DIFF_TABLE,
        "CREATE TABLE items (id bigint PRIMARY KEY, label text, due date);\n\
         CREATE INDEX items_label_idx ON items (label);\n",
    );
    let (code, out, err) = migrate_diff(&dir, &["add_due_dates"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("  add column items.due\n"), "{out}");
    assert!(
        out.contains("  create index items_label_idx concurrently\n"),
        "{out}"
    );
    let files = migration_files(&dir);
    let generated: Vec<(String, bool)> = files
        .iter()
        .filter(|f| *f != "V1__init.sql")
        .map(|f| generated_name(f).unwrap_or_else(|| panic!("badly named: {f}")))
        .collect();
    assert_eq!(
        generated,
        [
            ("add_due_dates".to_string(), true),
            ("add_due_dates".to_string(), false),
            ("add_due_dates_indexes".to_string(), true),
            ("add_due_dates_indexes".to_string(), false),
        ],
        "{files:?}"
    );
    for file in files.iter().filter(|f| *f != "V1__init.sql") {
        assert!(
            out.contains(&format!("created sql/migrations/{file}")),
            "{out}"
        );
    }
    let main = files
        .iter()
        .find(|f| f.ends_with("__add_due_dates.sql"))
        .unwrap();
    let main = std::fs::read_to_string(dir.join("sql/migrations").join(main)).unwrap();
    assert!(
        main.contains("ALTER TABLE items ADD COLUMN due date;"),
        "{main}"
    );

    let indexes = files
        .iter()
        .find(|f| f.ends_with("__add_due_dates_indexes.sql"))
        .unwrap();
    let indexes = std::fs::read_to_string(dir.join("sql/migrations").join(indexes)).unwrap();
    assert!(
        indexes.starts_with("-- pgbake:no-transaction\n"),
        "{indexes}"
    );
    assert!(indexes.contains("SET lock_timeout = '5s';\n"), "{indexes}");
    assert!(indexes.ends_with("RESET lock_timeout;\n"), "{indexes}");

    let (code, out, err) = migrate_diff(&dir, &["again"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("nothing to write"), "{out}");
    assert_eq!(migration_files(&dir), files);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_diff_check_lists_each_difference_and_exits_1() {
    let dir = diff_project(
        "diff-check",
        DIFF_TABLE,
        "CREATE TABLE items (id bigint PRIMARY KEY, label text DEFAULT 'none', due date);\n",
    );
    let (code, out, err) = migrate_diff(&dir, &["--check"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("differs: add column items.due\n"), "{out}");
    assert!(
        out.contains("differs: change the default of items.label\n"),
        "{out}"
    );
    assert!(
        out.contains("2 difference(s) between sql/migrations and sql/schema"),
        "{out}"
    );
    assert_eq!(migration_files(&dir), ["V1__init.sql"]);

    std::fs::write(dir.join("sql/schema/schema.sql"), DIFF_TABLE).unwrap();
    let (code, out, err) = migrate_diff(&dir, &["--check"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("sql/schema matches sql/migrations"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_diff_refuses_a_drop_until_allowed() {
    let dir = diff_project(
        "diff-drop",
        DIFF_TABLE,
        "CREATE TABLE items (id bigint PRIMARY KEY);\n",
    );
    let (code, out, err) = migrate_diff(&dir, &["drop_label"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("refused: drop column items.label (its data is lost); pass --allow-drop"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(migration_files(&dir), ["V1__init.sql"]);

    let (code, out, err) = migrate_diff(&dir, &["drop_label", "--allow-drop"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("drop column items.label"), "{out}");
    assert_eq!(migration_files(&dir).len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_diff_refuses_a_possible_rename_until_named() {
    let dir = diff_project(
        "diff-rename",
        DIFF_TABLE,
        "CREATE TABLE items (id bigint PRIMARY KEY, title text);\n",
    );
    let (code, out, err) = migrate_diff(&dir, &["rename_label"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("--rename items.label=title"), "{err}");
    assert!(err.contains("--allow-drop"), "{err}");
    assert_eq!(migration_files(&dir), ["V1__init.sql"]);

    let (code, out, err) = migrate_diff(&dir, &["rename_label", "--rename", "items.label=title"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let up = migration_files(&dir)
        .into_iter()
        .find(|f| f.ends_with("__rename_label.sql"))
        .unwrap();
    let up = std::fs::read_to_string(dir.join("sql/migrations").join(up)).unwrap();
    assert!(
        up.contains("ALTER TABLE items RENAME COLUMN label TO title;"),
        "{up}"
    );
    assert!(!up.contains("DROP COLUMN"), "{up}");
    let (code, out, err) = migrate_diff(&dir, &["--check"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
