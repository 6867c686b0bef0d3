//! Parameters as the server sees them: statements prepared with the inferred types in both
//! statement modes, and optional filters as statements of their own that the planner can
//! serve from an index.

use pgbake::StatementMode;
use pgbake::queries::{companies, users};
use pgbake::testing::TestDatabase;

/// `(:company_id::uuid IS NULL OR company_id = :company_id)`, as generated code hands it over.
static CAST_FORM: pgbake::Sql = pgbake::Sql {
    name: "tests::cast_form",
    text: "SELECT id FROM users WHERE ($1::uuid IS NULL OR company_id = $1) ORDER BY email",
    param_types: &[pgbake::ParamType {
        name: "uuid",
        schema: "pg_catalog",
        array: false,
        kind: pgbake::ParamKind::Base,
    }],
};

/// Two companies with two and one users; returns their ids.
async fn two_companies(client: &impl pgbake::GenericClient) -> (uuid::Uuid, uuid::Uuid) {
    let a = companies::create_company(client, "A", "a", None)
        .await
        .unwrap();
    let b = companies::create_company(client, "B", "b", None)
        .await
        .unwrap();
    for (company, email) in [(a.id, "a1@x.io"), (a.id, "a2@x.io"), (b.id, "b1@x.io")] {
        users::create_user(
            client,
            &users::CreateUserParams {
                company_id: company,
                email,
                password_hash: "hash",
                user_slug: &email.replace(['@', '.'], "-"),
                display_name: email,
                created_by: None,
            },
        )
        .await
        .unwrap();
    }
    (a.id, b.id)
}

#[tokio::test]
async fn a_parameter_first_used_without_type_context_prepares_and_runs_in_both_modes() {
    let db = TestDatabase::new().await.unwrap();
    // Without the inferred types, the server cannot type `$1 IS NULL`.
    let plain = db.connect().await.unwrap();
    let untyped = plain
        .prepare("SELECT id FROM users WHERE ($1 IS NULL OR company_id = $1)")
        .await;
    assert!(untyped.is_err(), "the server typed the uncast form alone");
    for mode in [StatementMode::Prepared, StatementMode::Unnamed] {
        let pool = pgbake::connect(&db.config.clone().statement_mode(mode))
            .await
            .unwrap();
        let client = pool.get().await.unwrap();
        let (a, _) = match users::users_in_company(&client, None).await.unwrap().len() {
            0 => two_companies(&client).await,
            _ => {
                let a: uuid::Uuid = client
                    .query_one("SELECT id FROM companies WHERE slug = 'a'", &[])
                    .await
                    .unwrap()
                    .get(0);
                (a, a)
            }
        };
        let everyone = users::users_in_company(&client, None).await.unwrap();
        let of_a = users::users_in_company(&client, Some(a)).await.unwrap();
        assert_eq!((everyone.len(), of_a.len()), (3, 2), "{mode:?}");
        let rows = pgbake::GenericClient::fetch_all(&client, &CAST_FORM, &[&Some(a)])
            .await
            .unwrap();
        assert_eq!(rows.len(), 2, "{mode:?}");
        let rows = pgbake::GenericClient::fetch_all(&client, &CAST_FORM, &[&None::<uuid::Uuid>])
            .await
            .unwrap();
        assert_eq!(rows.len(), 3, "{mode:?}");
    }
    // A plain tokio-postgres client prepares with the types too.
    let everyone = users::users_in_company(&plain, None).await.unwrap();
    assert_eq!(everyone.len(), 3);
}

#[tokio::test]
async fn optional_filters_choose_a_statement_per_combination_in_both_modes() {
    let db = TestDatabase::new().await.unwrap();
    for mode in [StatementMode::Prepared, StatementMode::Unnamed] {
        let pool = pgbake::connect(&db.config.clone().statement_mode(mode))
            .await
            .unwrap();
        let client = pool.get().await.unwrap();
        let (a, b) = if mode == StatementMode::Prepared {
            two_companies(&client).await
        } else {
            let ids: Vec<uuid::Uuid> = client
                .query("SELECT id FROM companies ORDER BY slug", &[])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            (ids[0], ids[1])
        };
        let emails = |rows: Vec<users::SearchUsersRow>| {
            rows.into_iter().map(|r| r.email).collect::<Vec<_>>()
        };
        let all = users::search_users(&client, None, None, 10).await.unwrap();
        assert_eq!(emails(all), ["a1@x.io", "a2@x.io", "b1@x.io"], "{mode:?}");
        let of_b = users::search_users(&client, Some(b), None, 10)
            .await
            .unwrap();
        assert_eq!(emails(of_b), ["b1@x.io"], "{mode:?}");
        let prefixed = users::search_users(&client, None, Some("a2"), 10)
            .await
            .unwrap();
        assert_eq!(emails(prefixed), ["a2@x.io"], "{mode:?}");
        let both = users::search_users(&client, Some(a), Some("b"), 10)
            .await
            .unwrap();
        assert!(both.is_empty(), "{mode:?}");
        // Repeated combinations reuse their statement.
        users::search_users(&client, Some(b), None, 10)
            .await
            .unwrap();
        if mode == StatementMode::Prepared {
            let prepared: Vec<String> = crate::column(
                &client,
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT id, email FROM users%LIMIT%' AND statement NOT LIKE '%pg_prepared_statements%'",
            )
            .await;
            assert_eq!(
                prepared.len(),
                4,
                "one statement per combination used: {prepared:#?}"
            );
        }
    }
}

/// The generic plan of `sql` (as prepared statements run after their first executions).
async fn generic_plan(
    client: &tokio_postgres::Client,
    sql: &str,
    types: &str,
    args: &str,
) -> String {
    client
        .batch_execute(&format!(
            "DEALLOCATE ALL; SET plan_cache_mode = force_generic_plan; PREPARE probe({types}) AS {sql}"
        ))
        .await
        .unwrap();
    let rows = client
        .query(&format!("EXPLAIN EXECUTE probe({args})"), &[])
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<_, String>(0) + "\n").collect()
}

#[tokio::test]
async fn a_given_optional_filter_uses_the_index_where_is_null_or_cannot() {
    let db = TestDatabase::new().await.unwrap();
    let client = db.connect().await.unwrap();
    client
        .batch_execute(
            "INSERT INTO companies (name, slug) SELECT 'c' || i, 'c' || i FROM generate_series(1, 500) i;
             INSERT INTO users (company_id, email, password_hash, user_slug, display_name)
             SELECT c.id, 'u' || n || '@x.io', 'h', 'u' || n, 'u'
             FROM generate_series(1, 50000) n
             JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM companies) c ON c.k = n % 500;
             ANALYZE companies; ANALYZE users;",
        )
        .await
        .unwrap();
    let company: uuid::Uuid = client
        .query_one("SELECT id FROM companies LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    let described = pgbake_codegen::describe(std::path::Path::new("sql"));
    let query = |name: &str| {
        described.json["queries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["name"] == name)
            .unwrap()
            .clone()
    };
    let search = query("search_users");
    let company_only = search["variants"][1]["sql"].as_str().unwrap().to_string();
    assert_eq!(
        search["variants"][1]["params"],
        serde_json::json!(["company_id", "limit"])
    );
    let filtered = generic_plan(
        &client,
        &company_only,
        "uuid, int8",
        &format!("'{company}', 1000"),
    )
    .await;
    assert!(
        filtered.contains("Index Cond: (company_id = $1)"),
        "the given filter is not served by an index:\n{filtered}"
    );
    let generic = query("users_in_company")["sql"]
        .as_str()
        .unwrap()
        .to_string();
    let or_plan = generic_plan(&client, &generic, "uuid", &format!("'{company}'")).await;
    assert!(
        !or_plan.contains("Index Cond: (company_id"),
        "`IS NULL OR` was expected to defeat the index:\n{or_plan}"
    );
}

/// A PostgreSQL enum as generated code declares it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mood {
    Calm,
    Cross,
}

pgbake::__pg_enum!(Mood, "mood", [Calm => "calm", Cross => "cross"]);

/// `(:mood IS NULL OR mood = :mood)` on an enum column, as generated code hands it over.
static ENUM_FILTER: pgbake::Sql = pgbake::Sql {
    name: "tests::enum_filter",
    text: "SELECT id FROM moods WHERE ($1 IS NULL OR mood = $1) ORDER BY id",
    param_types: &[pgbake::ParamType {
        name: "mood",
        schema: "extra",
        array: false,
        kind: pgbake::ParamKind::Enum(&["calm", "cross"]),
    }],
};

/// The same on a domain column, with an array of the enum beside it.
static DOMAIN_FILTER: pgbake::Sql = pgbake::Sql {
    name: "tests::domain_filter",
    text: "SELECT id FROM moods WHERE ($1 IS NULL OR handle = $1) AND ($2 IS NULL OR mood = ANY($2)) ORDER BY id",
    param_types: &[
        pgbake::ParamType {
            name: "handle",
            schema: "extra",
            array: false,
            kind: pgbake::ParamKind::Domain("text"),
        },
        pgbake::ParamType {
            name: "mood",
            schema: "extra",
            array: true,
            kind: pgbake::ParamKind::Enum(&["calm", "cross"]),
        },
    ],
};

async fn ids(
    client: &impl pgbake::GenericClient,
    sql: &'static pgbake::Sql,
    params: &[&(dyn pgbake::__private::postgres_types::ToSql + Sync)],
) -> Vec<i32> {
    let rows = pgbake::GenericClient::fetch_all(client, sql, params)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", sql.name));
    rows.iter().map(|r| r.get(0)).collect()
}

/// Runs both filters on `client` with `None` and `Some`.
async fn user_type_filters(client: &impl pgbake::GenericClient) {
    assert_eq!(ids(client, &ENUM_FILTER, &[&None::<Mood>]).await, [1, 2, 3]);
    assert_eq!(ids(client, &ENUM_FILTER, &[&Some(Mood::Cross)]).await, [2]);
    let none: Option<pgbake::Domain<&str>> = None;
    let nobody: Option<Vec<Mood>> = None;
    assert_eq!(
        ids(client, &DOMAIN_FILTER, &[&none, &nobody]).await,
        [1, 2, 3]
    );
    let bee = Some(pgbake::Domain("bee"));
    assert_eq!(ids(client, &DOMAIN_FILTER, &[&bee, &nobody]).await, [2]);
    let calm = Some(vec![Mood::Calm]);
    assert_eq!(ids(client, &DOMAIN_FILTER, &[&none, &calm]).await, [1, 3]);
}

#[tokio::test]
async fn user_defined_parameter_types_without_type_context_prepare_and_run_everywhere() {
    let db = TestDatabase::empty().await.unwrap();
    let plain = db.connect().await.unwrap();
    plain
        .batch_execute(
            "CREATE SCHEMA extra;
             CREATE TYPE extra.mood AS ENUM ('calm', 'cross');
             CREATE DOMAIN extra.handle AS text CHECK (VALUE ~ '^[a-z]+$');
             CREATE TABLE moods (id int PRIMARY KEY, mood extra.mood, handle extra.handle);
             INSERT INTO moods VALUES (1, 'calm', 'ann'), (2, 'cross', 'bee'), (3, 'calm', NULL);",
        )
        .await
        .unwrap();
    for mode in [StatementMode::Prepared, StatementMode::Unnamed] {
        let pool = pgbake::connect(&db.config.clone().statement_mode(mode))
            .await
            .unwrap();
        let mut client = pool.get().await.unwrap();
        // Twice: the second time the types come from the connection's cache.
        user_type_filters(&client).await;
        user_type_filters(&client).await;
        let transaction = client.transaction().await.unwrap();
        user_type_filters(&transaction).await;
        transaction.rollback().await.unwrap();
        user_type_filters(&pool).await;
    }
    user_type_filters(&plain).await;

    // A migration that recreates the enum gives it a new OID: the cached lookup is stale,
    // dropped, and the statement runs with the new one.
    let pool = pgbake::connect(&db.config).await.unwrap();
    let client = pool.get().await.unwrap();
    user_type_filters(&client).await;
    plain
        .batch_execute(
            "ALTER TABLE moods ALTER COLUMN mood TYPE text;
             DROP TYPE extra.mood;
             CREATE TYPE extra.mood AS ENUM ('calm', 'cross');
             ALTER TABLE moods ALTER COLUMN mood TYPE extra.mood USING mood::extra.mood;",
        )
        .await
        .unwrap();
    user_type_filters(&client).await;
}
