//! Load: many tasks running a mix of generated reads and writes over a small pool.
//! The short run is part of the suite; the 30-second run is
//! `cargo test --test it load_64_tasks -- --ignored --nocapture` (`PGBAKE_LOAD_SECONDS` to change it).

use std::time::{Duration, Instant};

use pgbake::queries::{app_config, companies, incident_timers, users};
use pgbake::testing::TestDatabase;

struct LoadReport {
    operations: usize,
    errors: Vec<String>,
    p50: Duration,
    p99: Duration,
}

/// Small, fast, deterministic per task: enough to mix operations.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

async fn run_load(tasks: usize, pool_size: usize, duration: Duration) -> LoadReport {
    let db = TestDatabase::new().await.unwrap();
    let config = db.config.clone().max_connections(pool_size);
    let pool = pgbake::connect(&config).await.unwrap();
    let setup = pool.get().await.unwrap();
    let company = companies::create_company(&setup, "Load", "load", None)
        .await
        .unwrap();
    let mut user_ids = Vec::new();
    for i in 0..20 {
        let email = format!("user{i}@load.test");
        let slug = format!("user-{i}");
        let user = users::create_user(
            &setup,
            &users::CreateUserParams {
                company_id: company.id,
                email: &email,
                password_hash: "x",
                user_slug: &slug,
                display_name: &slug,
                created_by: None,
            },
        )
        .await
        .unwrap();
        user_ids.push(user.id);
    }
    drop(setup);

    let deadline = Instant::now() + duration;
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let pool = pool.clone();
            let user_ids = user_ids.clone();
            let company_id = company.id;
            tokio::spawn(async move {
                let mut random = 0x9E37_79B9_7F4A_7C15_u64 ^ (task as u64 + 1);
                let mut latencies = Vec::new();
                let mut errors = Vec::new();
                while Instant::now() < deadline {
                    let pick = next_random(&mut random);
                    let user = user_ids[(pick % user_ids.len() as u64) as usize];
                    let started = Instant::now();
                    let result: Result<(), pgbake::Error> = async {
                        let client = pool.get().await?;
                        match pick % 10 {
                            0..=3 => {
                                users::user_by_email(
                                    &client,
                                    &format!("user{}@load.test", pick % 20),
                                )
                                .await?;
                            }
                            4 | 5 => {
                                users::list_company_users(&client, company_id, 10, 0).await?;
                            }
                            6 => {
                                companies::company_stats(&client).await?;
                            }
                            7 => {
                                incident_timers::start_timer(&client, user, Some("load")).await?;
                            }
                            8 => {
                                users::record_login(&client, user).await?;
                            }
                            _ => {
                                let value = serde_json::json!({ "task": task });
                                app_config::set_config(
                                    &client,
                                    &app_config::SetConfigParams {
                                        key: &format!("load.task_{}", task % 8),
                                        value: &value,
                                        environment: "test",
                                        description: None,
                                        actor: Some(user),
                                    },
                                )
                                .await?;
                            }
                        }
                        Ok(())
                    }
                    .await;
                    latencies.push(started.elapsed());
                    if let Err(error) = result {
                        errors.push(error.to_string());
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for handle in handles {
        let (l, e) = handle.await.unwrap();
        latencies.extend(l);
        errors.extend(e);
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let report = LoadReport {
        operations: latencies.len(),
        errors,
        p50: at(0.50),
        p99: at(0.99),
    };
    // The pool is back to idle: every connection returned, nobody waiting.
    let status = pool.status();
    assert_eq!(
        status.waiting, 0,
        "tasks still waiting for a connection: {status:?}"
    );
    assert_eq!(
        status.available, status.size,
        "connections not returned to the pool: {status:?}"
    );
    assert!(status.size <= pool_size);
    report
}

fn print(report: &LoadReport, tasks: usize, pool_size: usize, duration: Duration) {
    eprintln!(
        "load: {tasks} tasks, pool of {pool_size}, {duration:?}: {} operations ({:.0}/s), {} errors, p50 {:.2} ms, p99 {:.2} ms",
        report.operations,
        report.operations as f64 / duration.as_secs_f64(),
        report.errors.len(),
        report.p50.as_secs_f64() * 1000.0,
        report.p99.as_secs_f64() * 1000.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_mixed_load_has_no_errors_and_returns_the_pool_to_idle() {
    let duration = Duration::from_secs(3);
    let report = run_load(64, 10, duration).await;
    print(&report, 64, 10, duration);
    assert!(
        report.errors.is_empty(),
        "{} errors, first: {}",
        report.errors.len(),
        report.errors[0]
    );
    assert!(report.operations > 64, "the load did not run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "30-second load run; `cargo test --test it load_64_tasks -- --ignored --nocapture`"]
async fn load_64_tasks_for_30_seconds() {
    let seconds = std::env::var("PGBAKE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let duration = Duration::from_secs(seconds);
    let report = run_load(64, 10, duration).await;
    print(&report, 64, 10, duration);
    assert!(
        report.errors.is_empty(),
        "{} errors, first: {}",
        report.errors.len(),
        report.errors[0]
    );
}
