//! Smaller defects: huge timeouts, capped backoff, which part of a URL is wrong, pool
//! timeouts, seeds that claim only their own admin, names too long for a file.

use std::time::{Duration, Instant};

use pgbake::Config;
use pgbake::testing::TestDatabase;

use crate::{pgbake, pgbake_in, temp_dir, text};

#[test]
fn huge_timeouts_and_bad_urls_name_what_is_wrong() {
    for variable in ["DB_CONNECT_TIMEOUT", "DB_ACQUIRE_TIMEOUT"] {
        let output = pgbake(
            &["migrate", "status"],
            &[
                ("DATABASE_URL", "postgres://u@127.0.0.1:1/x"),
                (variable, "99999999999999999999"),
            ],
        );
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("invalid {variable}:")), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    for (url, part) in [
        ("postgres://app:p@ss@db/app", "contains `@`"),
        ("postgres://app@db:54x2/app", "the port `54x2`"),
        (
            "postgres://app@db/app?colour=blue",
            "unknown parameter `colour`",
        ),
    ] {
        let output = pgbake(&["migrate", "status"], &[("DATABASE_URL", url)]);
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("invalid DATABASE_URL") && stderr.contains(part),
            "{url}: {stderr}"
        );
    }
}

#[tokio::test]
async fn retries_back_off_to_a_ceiling() {
    let port = pgbake::cluster::free_port().unwrap();
    let config = Config::new(&format!("postgres://postgres@127.0.0.1:{port}/app"))
        .unwrap()
        .connect_retries(6)
        .retry_backoff(Duration::from_millis(100), Duration::from_millis(200));
    // Uncapped: 100 + 200 + 400 + 800 + 1600 + 3200 ms. Capped: 100 + 5 × 200 ms.
    assert_eq!(config.backoff_before_retry(6), Duration::from_millis(200));
    assert_eq!(
        Config::new("postgres://u@h/d")
            .unwrap()
            .backoff_before_retry(40),
        Duration::from_secs(5)
    );
    let started = Instant::now();
    pgbake::connect_direct(&config).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn pool_timeouts_report_the_configured_wait() {
    let db = TestDatabase::new().await.unwrap();
    let config = db
        .config
        .clone()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(250));
    let pool = pgbake::connect(&config).await.unwrap();
    let _held = pool.get().await.unwrap();
    let error = pool.get().await.unwrap_err();
    assert!(error.to_string().contains("within 250ms"), "{error}");
}

#[tokio::test]
async fn concurrent_seeds_show_one_password_and_only_for_an_admin_they_created() {
    let db = TestDatabase::new().await.unwrap();
    let seeds = format!("{}/sql/seeds", env!("CARGO_MANIFEST_DIR"));
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_pgbake"))
                .args(["seed", "--dir", &seeds])
                .env("DATABASE_URL", &db.url)
                .env_remove("PGBAKE_ADMIN_PASSWORD")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut passwords = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = text(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
        passwords.extend(stdout.lines().filter_map(|l| {
            l.split_once("created with password: ")
                .map(|(_, p)| p.trim().to_string())
        }));
    }
    assert_eq!(passwords.len(), 1, "{passwords:?}");
    let hash: String = db
        .connect()
        .await
        .unwrap()
        .query_one(
            "SELECT password_hash FROM users WHERE user_slug = 'admin'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    use argon2::PasswordVerifier;
    argon2::Argon2::default()
        .verify_password(
            passwords[0].as_bytes(),
            &argon2::PasswordHash::new(&hash).unwrap(),
        )
        .unwrap();

    // Seeds that create no admin: nothing is claimed.
    let fresh = TestDatabase::new().await.unwrap();
    let only_roles = temp_dir("seeds-no-admin");
    std::fs::copy(
        format!("{seeds}/001_company_and_roles.sql"),
        only_roles.join("001.sql"),
    )
    .unwrap();
    let output = pgbake(
        &["seed", "--dir", only_roles.to_str().unwrap()],
        &[("DATABASE_URL", &fresh.url)],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        !text(&output.stdout).contains("admin user"),
        "{}",
        text(&output.stdout)
    );
    let _ = std::fs::remove_dir_all(only_roles);
}

#[test]
fn migrate_new_refuses_a_name_too_long_for_a_file_before_writing() {
    let dir = temp_dir("new-long");
    let name = "a".repeat(232);
    let output = pgbake_in(Some(&dir), &["migrate", "new", &name], &[]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("at most") && stderr.contains("nothing was created"),
        "{stderr}"
    );
    let files = std::fs::read_dir(dir.join("sql/migrations")).map_or(0, |d| d.count());
    assert_eq!(files, 0, "a refused name left files");
    let longest = "a".repeat(229);
    let output = pgbake_in(Some(&dir), &["migrate", "new", &longest], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        std::fs::read_dir(dir.join("sql/migrations"))
            .unwrap()
            .count(),
        2
    );
    let _ = std::fs::remove_dir_all(dir);
}
