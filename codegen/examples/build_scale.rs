//! The build step at scale: generates a `sql/` folder with N queries (10 per file) and
//! 0.3 N migrations (at least 10), then times `Builder::build` as a build script runs it,
//! each step in a child process so its peak memory is its own:
//!
//! - `cold`: empty `OUT_DIR` (first build, or `cargo clean`);
//! - `unchanged`: build again with nothing changed;
//! - `one query`: one query file edited;
//! - `one migration, same schema`: an index added to the newest migration (replayed and
//!   linted again; no query is typed again, the catalog being the same);
//! - `one migration, schema changed`: a column added there (every query is typed again).
//!
//! ```text
//! cargo run -p pgbake-codegen --example build_scale -- 100 1000 10000
//! ```
//!
//! Run it unoptimised (the default `dev` profile): that is how build scripts run in a
//! user's debug build.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(Path::new(&args[1]), Path::new(&args[2]));
        return;
    }
    if args.first().map(String::as_str) == Some("--generate") {
        // `--generate DIR N`: only write the `sql/` folder (for profiling one build).
        let n: usize = args[2].parse().expect("a query count");
        generate(Path::new(&args[1]), n, (n * 3 / 10).max(10));
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![100, 1000, 10_000]
    } else {
        args.iter()
            .map(|a| a.parse().expect("a query count"))
            .collect()
    };
    println!("| queries | migrations | step | build script (wall) | CPU | peak RSS |");
    println!("|---:|---:|---|---:|---:|---:|");
    for n in sizes {
        let migrations = (n * 3 / 10).max(10);
        let root = std::env::temp_dir().join(format!("pgbake-build-scale-{n}"));
        let _ = std::fs::remove_dir_all(&root);
        let sql = root.join("sql");
        let out = root.join("out");
        generate(&sql, n, migrations);
        std::fs::create_dir_all(&out).expect("out dir");
        let step = |name: &str| {
            let (seconds, cpu, rss) = run_child(&sql, &out);
            println!("| {n} | {migrations} | {name} | {seconds:.3} s | {cpu:.2} s | {rss} MB |");
        };
        step("cold");
        step("unchanged");
        let first = sql.join("queries/q0000.sql");
        let text = std::fs::read_to_string(&first).expect("query file");
        std::fs::write(&first, text.replace("LIMIT 10", "LIMIT 11")).expect("edit");
        step("one query");
        let last = sql.join(format!("migrations/V{migrations}__m{migrations}.sql"));
        let mut text = std::fs::read_to_string(&last).expect("migration");
        text.push_str("\nCREATE INDEX t1_created ON t1 (created_at);\n");
        std::fs::write(&last, text.clone()).expect("edit");
        step("one migration, same schema");
        text.push_str("ALTER TABLE t1 ADD COLUMN edited boolean;\n");
        std::fs::write(&last, text).expect("edit");
        step("one migration, schema changed");
        let _ = std::fs::remove_dir_all(&root);
    }
}

/// Runs one build in a child process; returns its wall time, CPU time (user + system)
/// and peak RSS in MB.
fn run_child(sql: &Path, out: &Path) -> (f64, f64, u64) {
    let output = Command::new(std::env::current_exe().expect("own path"))
        .arg("--child")
        .arg(sql)
        .arg(out)
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "build failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut fields = stdout.split_whitespace();
    let seconds = fields.next().and_then(|s| s.parse().ok()).expect("time");
    let cpu = fields.next().and_then(|s| s.parse().ok()).expect("cpu");
    let rss = fields.next().and_then(|s| s.parse().ok()).expect("rss");
    (seconds, cpu, rss)
}

fn child(sql: &Path, out: &Path) {
    let started = Instant::now();
    let report = pgbake_codegen::Builder::new(sql).out_dir(out).build();
    let seconds = started.elapsed().as_secs_f64();
    if let Err(error) = report {
        eprintln!("{error}");
        std::process::exit(1);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    // utime and stime, fields 14 and 15 of /proc/self/stat, in clock ticks (100 Hz).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: Vec<i64> = after_name
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let cpu = ticks.get(10..12).map_or(0, |t| t[0] + t[1]) as f64 / 100.0;
    println!("{seconds} {cpu} {}", kb / 1024);
}

/// `migrations` migrations (a table each, every third also alters an older one) and
/// `queries` queries over them, ten per file, of every cardinality.
fn generate(sql: &Path, queries: usize, migrations: usize) {
    let dir = sql.join("migrations");
    std::fs::create_dir_all(&dir).expect("migrations dir");
    for m in 1..=migrations {
        let mut text = format!(
            "CREATE TABLE t{m} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             name text NOT NULL,\n    amount numeric(12, 2),\n    \
             created_at timestamptz NOT NULL DEFAULT now(),\n    \
             parent_id bigint{}\n);\nCREATE INDEX t{m}_name ON t{m} (name);\n",
            if m > 1 {
                format!(" REFERENCES t{} (id)", m - 1)
            } else {
                String::new()
            }
        );
        if m % 3 == 0 {
            let older = m / 3;
            let _ = write!(
                text,
                "ALTER TABLE t{older} ADD COLUMN note_{m} text;\nCOMMENT ON COLUMN t{older}.note_{m} IS 'added by {m}';\n"
            );
        }
        std::fs::write(dir.join(format!("V{m}__m{m}.sql")), text).expect("migration");
    }
    let dir = sql.join("queries");
    std::fs::create_dir_all(&dir).expect("queries dir");
    let mut file = String::new();
    for q in 0..queries {
        let t = q % migrations + 1;
        let p = if t > 1 { t - 1 } else { t };
        let query = match q % 4 {
            0 => format!(
                "--! q{q} :many\nSELECT c.id, c.name, c.amount, p.name AS parent\nFROM t{t} c LEFT JOIN t{p} p ON p.id = c.parent_id\nWHERE c.name LIKE :pattern ORDER BY c.id LIMIT 10;\n\n"
            ),
            1 => format!(
                "--! q{q} :opt\nSELECT id, name, amount, created_at FROM t{t} WHERE id = :id;\n\n"
            ),
            2 => format!(
                "--! q{q} :one\nINSERT INTO t{t} (name, amount, parent_id) VALUES (:name, :amount, :parent_id)\nRETURNING id, created_at;\n\n"
            ),
            _ => format!(
                "--! q{q} :exec\nUPDATE t{t} SET amount = amount + :delta WHERE id = :id;\n\n"
            ),
        };
        file.push_str(&query);
        if q % 10 == 9 || q + 1 == queries {
            std::fs::write(dir.join(format!("q{:04}.sql", q / 10)), &file).expect("query file");
            file.clear();
        }
    }
}
