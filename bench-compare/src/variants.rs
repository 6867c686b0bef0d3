//! The variants: each runs the `pgbench -S` query on `clients` connections for `duration`
//! and returns transactions per second (connection set-up excluded, as pgbench reports it).

use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::generated::queries::accounts;
use crate::setup::Target;

/// The query of `pgbench -S`, for the hand-written variants.
pub const SELECT_BALANCE: &str = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One way of running the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `pgbench -S -M prepared`: the ceiling every other variant is compared with.
    PgbenchPrepared,
    /// `pgbench -S -M simple`.
    PgbenchSimple,
    /// tokio-postgres, one connection per worker, statement prepared once.
    TokioPostgres,
    /// tokio-postgres, `depth` queries in flight on each connection.
    TokioPostgresPipelined,
    /// deadpool pool (`pgbake::connect`) + the generated `account_balance`, one checkout per query.
    Pgbake,
    /// One pooled connection per worker, held for the run, + the generated function: the
    /// generated layer alone, without the per-query checkout.
    PgbakeHeld,
    /// One pooled connection per worker with `depth` generated calls in flight.
    PgbakePipelined,
    /// The generated function called on `&pool` by each of the C callers: statements share
    /// the pool's shared connections (default 2), pipelined.
    PgbakeOnPool,
    /// sqlx `PgPool` + `query_scalar(…).fetch_optional(&pool)`, without the ping sqlx sends
    /// before each checkout by default (`test_before_acquire(false)`), as deadpool's fast
    /// recycling (pgbake's setting) sends none.
    Sqlx,
}

impl Variant {
    pub const ALL: [Variant; 9] = [
        Variant::PgbenchPrepared,
        Variant::PgbenchSimple,
        Variant::TokioPostgres,
        Variant::TokioPostgresPipelined,
        Variant::Pgbake,
        Variant::PgbakeHeld,
        Variant::PgbakePipelined,
        Variant::PgbakeOnPool,
        Variant::Sqlx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Variant::PgbenchPrepared => "pgbench -M prepared",
            Variant::PgbenchSimple => "pgbench -M simple",
            Variant::TokioPostgres => "tokio-postgres",
            Variant::TokioPostgresPipelined => "tokio-postgres pipelined",
            Variant::Pgbake => "pgbake",
            Variant::PgbakeHeld => "pgbake held connection",
            Variant::PgbakePipelined => "pgbake pipelined",
            Variant::PgbakeOnPool => "pgbake on &pool",
            Variant::Sqlx => "sqlx",
        }
    }

    /// The short name used by `--variants`.
    pub fn key(self) -> &'static str {
        match self {
            Variant::PgbenchPrepared => "pgbench-prepared",
            Variant::PgbenchSimple => "pgbench-simple",
            Variant::TokioPostgres => "tokio-postgres",
            Variant::TokioPostgresPipelined => "tokio-postgres-pipelined",
            Variant::Pgbake => "pgbake",
            Variant::PgbakeHeld => "pgbake-held",
            Variant::PgbakePipelined => "pgbake-pipelined",
            Variant::PgbakeOnPool => "pgbake-on-pool",
            Variant::Sqlx => "sqlx",
        }
    }
}

/// How one run is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub clients: usize,
    /// pgbench `-j` (client threads); the Rust variants run on that many tokio workers.
    pub threads: usize,
    pub duration: Duration,
    /// Queries in flight per connection for the pipelined variants.
    pub depth: usize,
}

/// Runs `variant` once and returns its TPS.
pub async fn run(variant: Variant, target: &Target, shape: Shape) -> Result<f64, Error> {
    match variant {
        Variant::PgbenchPrepared => pgbench(target, shape, "prepared"),
        Variant::PgbenchSimple => pgbench(target, shape, "simple"),
        Variant::TokioPostgres => tokio_postgres_one_at_a_time(target, shape).await,
        Variant::TokioPostgresPipelined => tokio_postgres_pipelined(target, shape).await,
        Variant::Pgbake => pgbake_pool(target, shape).await,
        Variant::PgbakeHeld => pgbake_held(target, shape).await,
        Variant::PgbakePipelined => pgbake_pipelined(target, shape).await,
        Variant::PgbakeOnPool => pgbake_on_pool(target, shape).await,
        Variant::Sqlx => sqlx_pool(target, shape).await,
    }
}

fn pgbench(target: &Target, shape: Shape, mode: &str) -> Result<f64, Error> {
    let mut command = Command::new(target.bin_dir.join("pgbench"));
    command.args([
        "-n",
        "-S",
        "-M",
        mode,
        "-c",
        &shape.clients.to_string(),
        "-j",
        &shape.threads.to_string(),
        "-T",
        &shape.duration.as_secs().max(1).to_string(),
        "-h",
        &target.host,
        "-p",
        &target.port.to_string(),
        "-U",
        &target.user,
        &target.database,
    ]);
    if let Some(password) = &target.password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    // "tps = 23456.789012 (without initial connection time)"
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .ok_or_else(|| format!("no `tps = ` line in pgbench's output:\n{stdout}").into())
}

/// Releases the prepared workers together (connections are already open) and turns their
/// completed-query counts into TPS over the measured wall time.
async fn measure<F, Fut>(workers: Vec<F>, duration: Duration) -> Result<f64, Error>
where
    F: FnOnce(Instant) -> Fut,
    Fut: Future<Output = Result<u64, Error>> + Send + 'static,
{
    let started = Instant::now();
    let deadline = started + duration;
    let handles: Vec<_> = workers
        .into_iter()
        .map(|worker| tokio::spawn(worker(deadline)))
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Keeps `depth` calls of `call` in flight until `deadline`, then drains them.
async fn pipelined<C, Fut>(depth: usize, deadline: Instant, mut call: C) -> Result<u64, Error>
where
    C: FnMut() -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let mut in_flight = FuturesUnordered::new();
    for _ in 0..depth {
        in_flight.push(call());
    }
    let mut done = 0;
    while let Some(result) = in_flight.next().await {
        result?;
        done += 1;
        if Instant::now() < deadline {
            in_flight.push(call());
        }
    }
    Ok(done)
}

async fn connect(target: &Target) -> Result<tokio_postgres::Client, Error> {
    let (client, connection) = tokio_postgres::connect(&target.url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

async fn pgbake_pool_for(target: &Target, clients: usize) -> Result<pgbake::Pool, Error> {
    let mut config = pgbake::Config::new(&target.url)?.max_connections(clients);
    config.min_idle = clients;
    // As in an application: `DB_SHARED_CONNECTIONS` sets how many connections calls on
    // `&pool` share (default 2).
    if let Ok(shared) = std::env::var("DB_SHARED_CONNECTIONS") {
        config = config.shared_connections(shared.parse()?);
    }
    Ok(pgbake::connect(&config).await?)
}

async fn tokio_postgres_one_at_a_time(target: &Target, shape: Shape) -> Result<f64, Error> {
    let mut workers = Vec::new();
    for _ in 0..shape.clients {
        let client = connect(target).await?;
        let statement = client.prepare(SELECT_BALANCE).await?;
        let rows = target.rows;
        workers.push(move |deadline: Instant| async move {
            let mut random = fastrand::Rng::new();
            let mut done = 0;
            while Instant::now() < deadline {
                let aid = random.i32(1..=rows);
                let row = client.query_opt(&statement, &[&aid]).await?;
                let balance: Option<i32> = row.ok_or("no such account")?.try_get(0)?;
                std::hint::black_box(balance);
                done += 1;
            }
            Ok::<u64, Error>(done)
        });
    }
    measure(workers, shape.duration).await
}

async fn tokio_postgres_pipelined(target: &Target, shape: Shape) -> Result<f64, Error> {
    let mut workers = Vec::new();
    for _ in 0..shape.clients {
        let client = connect(target).await?;
        let statement = client.prepare(SELECT_BALANCE).await?;
        let (rows, depth) = (target.rows, shape.depth);
        workers.push(move |deadline: Instant| async move {
            let mut random = fastrand::Rng::new();
            let (client, statement) = (&client, &statement);
            pipelined(depth, deadline, || {
                let aid = random.i32(1..=rows);
                async move {
                    let row = client.query_opt(statement, &[&aid]).await?;
                    let balance: Option<i32> = row.ok_or("no such account")?.try_get(0)?;
                    std::hint::black_box(balance);
                    Ok(())
                }
            })
            .await
        });
    }
    measure(workers, shape.duration).await
}

async fn pgbake_pool(target: &Target, shape: Shape) -> Result<f64, Error> {
    let pool = warmed_pool(target, shape.clients).await?;
    let workers: Vec<_> = (0..shape.clients)
        .map(|_| {
            let pool = pool.clone();
            let rows = target.rows;
            move |deadline: Instant| async move {
                let mut random = fastrand::Rng::new();
                let mut done = 0;
                while Instant::now() < deadline {
                    let aid = random.i32(1..=rows);
                    let client = pool.get().await?;
                    let row = accounts::account_balance(&client, aid).await?;
                    std::hint::black_box(row.ok_or("no such account")?);
                    done += 1;
                }
                Ok::<u64, Error>(done)
            }
        })
        .collect();
    let tps = measure(workers, shape.duration).await;
    pool.close();
    tps
}

/// A pgbake pool whose connections have all prepared the query, as a warmed-up service's.
async fn warmed_pool(target: &Target, clients: usize) -> Result<pgbake::Pool, Error> {
    let pool = pgbake_pool_for(target, clients).await?;
    let held: Vec<_> = futures_util::future::try_join_all((0..clients).map(|_| pool.get())).await?;
    for client in &held {
        accounts::account_balance(client, 1).await?;
    }
    drop(held);
    Ok(pool)
}

async fn pgbake_held(target: &Target, shape: Shape) -> Result<f64, Error> {
    let pool = pgbake_pool_for(target, shape.clients).await?;
    let mut workers = Vec::new();
    for _ in 0..shape.clients {
        let client = pool.get().await?;
        accounts::account_balance(&client, 1).await?;
        let rows = target.rows;
        workers.push(move |deadline: Instant| async move {
            let mut random = fastrand::Rng::new();
            let mut done = 0;
            while Instant::now() < deadline {
                let aid = random.i32(1..=rows);
                let row = accounts::account_balance(&client, aid).await?;
                std::hint::black_box(row.ok_or("no such account")?);
                done += 1;
            }
            Ok::<u64, Error>(done)
        });
    }
    let tps = measure(workers, shape.duration).await;
    pool.close();
    tps
}

async fn pgbake_pipelined(target: &Target, shape: Shape) -> Result<f64, Error> {
    let pool = pgbake_pool_for(target, shape.clients).await?;
    let mut workers = Vec::new();
    for _ in 0..shape.clients {
        let client = pool.get().await?;
        accounts::account_balance(&client, 1).await?;
        let (rows, depth) = (target.rows, shape.depth);
        workers.push(move |deadline: Instant| async move {
            let mut random = fastrand::Rng::new();
            let client = &client;
            pipelined(depth, deadline, || {
                let aid = random.i32(1..=rows);
                async move {
                    let row = accounts::account_balance(client, aid).await?;
                    std::hint::black_box(row.ok_or("no such account")?);
                    Ok(())
                }
            })
            .await
        });
    }
    let tps = measure(workers, shape.duration).await;
    pool.close();
    tps
}

async fn pgbake_on_pool(target: &Target, shape: Shape) -> Result<f64, Error> {
    let pool = warmed_pool(target, shape.clients).await?;
    let workers: Vec<_> = (0..shape.clients)
        .map(|_| {
            let pool = pool.clone();
            let rows = target.rows;
            move |deadline: Instant| async move {
                let mut random = fastrand::Rng::new();
                let mut done = 0;
                while Instant::now() < deadline {
                    let aid = random.i32(1..=rows);
                    let row = accounts::account_balance(&pool, aid).await?;
                    std::hint::black_box(row.ok_or("no such account")?);
                    done += 1;
                }
                Ok::<u64, Error>(done)
            }
        })
        .collect();
    let tps = measure(workers, shape.duration).await;
    pool.close();
    tps
}

async fn sqlx_pool(target: &Target, shape: Shape) -> Result<f64, Error> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(shape.clients as u32)
        .min_connections(shape.clients as u32)
        .test_before_acquire(false)
        .connect(&target.url)
        .await?;
    // Prepare on every pooled connection first (sqlx caches statements per connection).
    let mut held = Vec::new();
    for _ in 0..shape.clients {
        let mut connection = pool.acquire().await?;
        sqlx::query_scalar::<_, Option<i32>>(SELECT_BALANCE)
            .bind(1_i32)
            .fetch_optional(&mut *connection)
            .await?;
        held.push(connection);
    }
    drop(held);
    let workers: Vec<_> = (0..shape.clients)
        .map(|_| {
            let pool = pool.clone();
            let rows = target.rows;
            move |deadline: Instant| async move {
                let mut random = fastrand::Rng::new();
                let mut done = 0;
                while Instant::now() < deadline {
                    let aid = random.i32(1..=rows);
                    let balance = sqlx::query_scalar::<_, Option<i32>>(SELECT_BALANCE)
                        .bind(aid)
                        .fetch_optional(&pool)
                        .await?;
                    std::hint::black_box(balance.ok_or("no such account")?);
                    done += 1;
                }
                Ok::<u64, Error>(done)
            }
        })
        .collect();
    let tps = measure(workers, shape.duration).await;
    pool.close().await;
    tps
}
