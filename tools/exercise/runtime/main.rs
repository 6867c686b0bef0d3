//! The driver: migrates a fresh database, then for each data state fills every table and
//! calls every generated function, each call in a transaction rolled back afterwards.
//! Prints one JSON report line.

mod calls;
mod db;
mod fill;
mod functions;

use pgbake::__private::serde_json;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let db = pgbake::testing::TestDatabase::empty().await.expect("a database");
    let mut client = db.connect().await.expect("a connection");
    // A recursive query over rows that reference themselves (the fill numbers them so) can
    // run forever: a call that takes this long is counted as a data error.
    client.batch_execute("SET statement_timeout = '10s'").await.expect("a statement timeout");
    let mut migration_errors = Vec::new();
    for (path, no_transaction, statements) in db::MIGRATION_SCRIPTS {
        let script = if *no_transaction {
            statements.to_vec()
        } else {
            let mut all = vec!["BEGIN"];
            all.extend_from_slice(statements);
            all.push("COMMIT");
            all
        };
        for statement in script {
            if let Err(e) = client.batch_execute(statement).await {
                migration_errors.push(format!("{path}: {}", fill::db_message(&e)));
                let _ = client.batch_execute("ROLLBACK").await;
                break;
            }
        }
    }
    let mut tally = calls::Tally::default();
    let mut fill_problems = Vec::new();
    let mut rows = serde_json::Map::new();
    for state in fill::STATES {
        match fill::fill(&client, state).await {
            Ok((inserted, problems)) => {
                rows.insert(state.name.into(), inserted.into());
                fill_problems.extend(problems.into_iter().map(|p| format!("[{}] {p}", state.name)));
            }
            Err(e) => fill_problems.push(format!("[{}] {e}", state.name)),
        }
        for (index, (name, has_option)) in functions::FUNCTIONS.iter().enumerate() {
            let variants: &[(i32, bool)] = if *has_option { &[(1, false), (2, true), (3, false)] } else { &[(1, false), (2, false)] };
            for (seed, none) in variants {
                let transaction = client.transaction().await.expect("a transaction");
                let result = functions::call(index, &transaction, *seed, *none).await;
                tally.record(name, state.name, state.null_elements, result);
                let _ = transaction.rollback().await;
            }
        }
    }
    let outcomes: serde_json::Map<String, serde_json::Value> =
        tally.outcomes.iter().map(|(k, v)| (format!("{k:?}"), (*v).into())).collect();
    let data_errors: serde_json::Map<String, serde_json::Value> =
        tally.data_errors.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
    let report = serde_json::json!({
        "functions": functions::FUNCTIONS.len(),
        "calls": tally.calls,
        "outcomes": outcomes,
        "failures": tally.failures,
        "data_errors": data_errors,
        "rows_inserted": rows,
        "fill_problems": fill_problems,
        "migration_errors": migration_errors,
    });
    println!("PGBAKE-EXERCISE-REPORT {report}");
}
