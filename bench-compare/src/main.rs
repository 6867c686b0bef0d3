//! Side-by-side throughput of the `pgbench -S` query: pgbench (prepared and simple), raw
//! tokio-postgres (one at a time and pipelined), pgbake (pool + generated function, and
//! pipelined) and sqlx, on the same table, server, connection count and transport (TCP).
//!
//! ```text
//! cargo run --release -- [--seconds 5] [--rounds 3] [--clients 1,2,4] [--depth 8]
//!                        [--scale 10] [--variants pgbench-prepared,pgbake,…]
//! ```
//!
//! Starts a throwaway cluster when `DATABASE_URL` is unset. `DB_SHARED_CONNECTIONS` sets how
//! many connections the `pgbake-on-pool` variant's callers share, as in an application. For each connection count the
//! variants run in interleaved rounds (A B C … A B C …); every figure is also given as a
//! ratio to `pgbench -S -M prepared` of the same round. Prints a Markdown table at the end.

mod generated;
mod setup;
mod variants;

use std::time::Duration;

use variants::{Shape, Variant};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Command-line settings.
#[derive(Debug)]
struct Settings {
    seconds: u64,
    rounds: usize,
    clients: Vec<usize>,
    depth: usize,
    scale: i32,
    variants: Vec<Variant>,
}

/// The TPS of one variant in each round, and pgbench's of the same round.
struct Series {
    variant: Variant,
    tps: Vec<f64>,
    ratio: Vec<f64>,
}

fn main() -> Result<(), Error> {
    let settings = parse_args(std::env::args().skip(1))?;
    let setup_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let target = setup_runtime
        .block_on(setup::prepare(settings.scale))
        .map_err(|e| e.to_string())?;
    drop(setup_runtime);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut report = String::new();
    report.push_str(&format!(
        "{} s per run, {} rounds, scale {} ({} rows), pipeline depth {}, TCP {}:{}, {} cores\n",
        settings.seconds,
        settings.rounds,
        settings.scale,
        target.rows,
        settings.depth,
        target.host,
        target.port,
        cores
    ));
    for &clients in &settings.clients {
        let shape = Shape {
            clients,
            threads: clients.min(cores),
            duration: Duration::from_secs(settings.seconds),
            depth: settings.depth,
        };
        // The Rust variants get as many runtime workers as pgbench gets threads (-j).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(shape.threads)
            .enable_all()
            .build()?;
        let mut series: Vec<Series> = settings
            .variants
            .iter()
            .map(|&variant| Series {
                variant,
                tps: Vec::new(),
                ratio: Vec::new(),
            })
            .collect();
        for round in 1..=settings.rounds {
            let mut ceiling = None;
            for entry in &mut series {
                let tps = runtime.block_on(variants::run(entry.variant, &target, shape))?;
                if entry.variant == Variant::PgbenchPrepared {
                    ceiling = Some(tps);
                }
                entry.tps.push(tps);
                eprintln!(
                    "C={clients} round {round}: {:<26} {:>10.0} tps",
                    entry.variant.name(),
                    tps
                );
            }
            for entry in &mut series {
                let tps = *entry.tps.last().expect("this round's figure");
                entry.ratio.push(ceiling.map_or(f64::NAN, |c| tps / c));
            }
        }
        report.push_str(&table(clients, shape.threads, &series));
    }
    println!("{report}");
    Ok(())
}

/// A Markdown table: per-round TPS (ratio to pgbench -M prepared of that round), then medians.
fn table(clients: usize, threads: usize, series: &[Series]) -> String {
    let rounds = series.first().map_or(0, |s| s.tps.len());
    let mut out = format!(
        "\n### C = {clients} (pgbench -j {threads}, {threads} tokio workers)\n\n| variant |"
    );
    for round in 1..=rounds {
        out.push_str(&format!(" round {round} |"));
    }
    out.push_str(" median TPS | median ratio |\n|---|");
    out.push_str(&"---:|".repeat(rounds + 2));
    out.push('\n');
    for entry in series {
        out.push_str(&format!("| {} |", entry.variant.name()));
        for (tps, ratio) in entry.tps.iter().zip(&entry.ratio) {
            out.push_str(&format!(" {tps:.0} ({ratio:.2}) |"));
        }
        out.push_str(&format!(
            " {:.0} | {:.2} |\n",
            median(&entry.tps),
            median(&entry.ratio)
        ));
    }
    out
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Settings, Error> {
    let mut settings = Settings {
        seconds: 5,
        rounds: 3,
        clients: vec![1, 2, 4],
        depth: 8,
        scale: 10,
        variants: Variant::ALL.to_vec(),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => settings.seconds = value()?.parse()?,
            "--rounds" => settings.rounds = value()?.parse()?,
            "--depth" => settings.depth = value()?.parse()?,
            "--scale" => settings.scale = value()?.parse()?,
            "--clients" => {
                settings.clients = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--variants" => {
                settings.variants = value()?
                    .split(',')
                    .map(|key| {
                        Variant::ALL
                            .into_iter()
                            .find(|v| v.key() == key)
                            .ok_or_else(|| format!("unknown variant `{key}`; one of: {}", keys()))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--help" | "-h" => {
                println!(
                    "bench-compare [--seconds 5] [--rounds 3] [--clients 1,2,4] [--depth 8] [--scale 10] [--variants {}]",
                    keys()
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown flag `{other}`; see --help").into()),
        }
    }
    if settings.seconds == 0 || settings.rounds == 0 || settings.depth == 0 || settings.scale < 1 {
        return Err("--seconds, --rounds, --depth and --scale must be at least 1".into());
    }
    Ok(settings)
}

fn keys() -> String {
    Variant::ALL.map(Variant::key).join(",")
}
