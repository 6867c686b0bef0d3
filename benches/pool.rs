//! Pool checkout + return (deadpool-postgres through `pgbake::connect`) at 1/2/4/8
//! concurrent tasks and pool sizes 2/4/10. Run with `cargo bench --bench pool`.

mod common;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use pgbake::Pool;

const POOL_SIZES: [usize; 3] = [2, 4, 10];
const TASKS: [u64; 4] = [1, 2, 4, 8];

fn main() {
    if !common::benchmarking() {
        return;
    }
    let runtime = common::runtime();
    let url = runtime.block_on(async {
        let admin = common::admin().await;
        common::create_database(&admin, "pool").await.1
    });
    let mut criterion = common::criterion();
    checkout_and_return(&mut criterion, &runtime, &url);
    criterion.final_summary();
}

/// One iteration = every task checks out a connection and returns it; the reported time is
/// per iteration, the throughput line counts checkouts.
fn checkout_and_return(criterion: &mut Criterion, runtime: &tokio::runtime::Runtime, url: &str) {
    let mut group = criterion.benchmark_group("pool_checkout_return");
    for pool_size in POOL_SIZES {
        let pool = runtime.block_on(warm_pool(url, pool_size));
        for tasks in TASKS {
            group.throughput(Throughput::Elements(tasks));
            group.bench_with_input(
                BenchmarkId::new(format!("pool_{pool_size}"), format!("{tasks}_tasks")),
                &tasks,
                |bencher, &tasks| {
                    bencher
                        .to_async(runtime)
                        .iter_custom(|iters| run_checkouts(pool.clone(), tasks, iters));
                },
            );
        }
        pool.close();
    }
    group.finish();
}

/// A pool with every connection already open, so the bench measures checkout, not connect.
async fn warm_pool(url: &str, size: usize) -> Pool {
    let mut config = pgbake::Config::new(url)
        .expect("bench URL")
        .max_connections(size);
    config.min_idle = size;
    pgbake::connect(&config).await.expect("pool")
}

async fn run_checkouts(pool: Pool, tasks: u64, iters: u64) -> Duration {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(tasks as usize + 1));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let pool = pool.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                for _ in 0..iters {
                    let client = pool.get().await.expect("checkout");
                    drop(std::hint::black_box(client));
                }
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    for handle in handles {
        handle.await.expect("checkout task");
    }
    started.elapsed()
}
