//! The typed query layer against the server: inferred types equal what PostgreSQL reports,
//! and the generated functions work on a pool connection, a client and a transaction.

use pgbake::queries::{app_config, companies, incident_timers, users};
use pgbake::testing::TestDatabase;

/// `_int4` -> `int4[]`, as describe spells arrays.
fn spelled(ty: &tokio_postgres::types::Type) -> String {
    match ty.kind() {
        tokio_postgres::types::Kind::Array(element) => format!("{}[]", element.name()),
        _ => ty.name().to_string(),
    }
}

#[tokio::test]
async fn inferred_types_equal_what_the_server_reports_for_every_query() {
    let described = pgbake_codegen::describe(std::path::Path::new("sql"));
    assert!(!described.has_errors, "{}", described.json["errors"]);
    let db = TestDatabase::new().await.unwrap();
    let client = db.connect().await.unwrap();
    let queries = described.json["queries"].as_array().unwrap();
    assert!(queries.len() >= 20, "the reference queries are missing");
    let mut mismatches = Vec::new();
    for query in queries {
        let name = format!(
            "{}::{}",
            query["module"].as_str().unwrap(),
            query["name"].as_str().unwrap()
        );
        let sql = query["sql"].as_str().unwrap();
        let statement = match client.prepare(sql).await {
            Ok(statement) => statement,
            // A parameter whose first use gives no type (`$1 IS NULL OR col = $1`): the
            // generated code prepares with the inferred types, and so does this check.
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::AMBIGUOUS_PARAMETER) => {
                let mut types = Vec::new();
                for p in query["params"].as_array().unwrap() {
                    let oid: u32 = client
                        .query_one("SELECT $1::text::regtype::oid", &[&p["pg_type"].as_str()])
                        .await
                        .unwrap()
                        .get(0);
                    types.push(tokio_postgres::types::Type::from_oid(oid).unwrap());
                }
                client
                    .prepare_typed(sql, &types)
                    .await
                    .unwrap_or_else(|e| panic!("{name}: the server rejects the query: {e}"))
            }
            Err(e) => panic!("{name}: the server rejects the query: {e:?}"),
        };
        let server_params: Vec<String> = statement.params().iter().map(spelled).collect();
        let inferred_params: Vec<String> = query["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["pg_type"].as_str().unwrap().to_string())
            .collect();
        if server_params != inferred_params {
            mismatches.push(format!(
                "{name} params: server {server_params:?}, inferred {inferred_params:?}"
            ));
        }
        let server_columns: Vec<(String, String)> = statement
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), spelled(c.type_())))
            .collect();
        let inferred_columns: Vec<(String, String)> = query["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["pg_type"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        if server_columns != inferred_columns {
            mismatches.push(format!(
                "{name} columns: server {server_columns:?}, inferred {inferred_columns:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "inference disagrees with PostgreSQL:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn generated_functions_round_trip_through_pool_client_and_transaction() {
    let db = TestDatabase::new().await.unwrap();
    let pooled = db.pool.get().await.unwrap();
    let company = companies::create_company(&pooled, "Acme", "acme", None)
        .await
        .unwrap();
    assert_eq!(
        (company.name.as_str(), company.slug.as_str()),
        ("Acme", "acme")
    );

    let created = users::create_user(
        &pooled,
        &users::CreateUserParams {
            company_id: company.id,
            email: "Ada@Example.com",
            password_hash: "hash",
            user_slug: "ada",
            display_name: "Ada",
            created_by: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(created.id.get_version_num(), 7);

    // Lookups: :opt gives Some for a match and None otherwise.
    let found = users::user_by_email(&pooled, "ADA@example.com")
        .await
        .unwrap()
        .expect("user by email");
    assert_eq!(found.email, "ada@example.com");
    assert_eq!(found.last_login_at, None);
    assert!(
        users::user_by_email(&pooled, "nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(users::record_login(&pooled, created.id).await.unwrap(), 1);
    let found = users::user_by_email(&pooled, "ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(found.last_login_at.is_some());

    // A LEFT JOIN with no roles yet: the aggregate is coalesced to an empty array.
    let page = users::list_company_users(&pooled, company.id, 10, 0)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].roles, Vec::<String>::new());
    assert_eq!(page[0].total, 1);

    // Works on a plain client and inside a transaction that rolls back.
    let mut plain = db.connect().await.unwrap();
    let role_id: uuid::Uuid = crate::value(
        &plain,
        "INSERT INTO roles (name) VALUES ('viewer') RETURNING id",
    )
    .await;
    plain
        .execute(
            "INSERT INTO permissions (code) VALUES ('users.read') RETURNING id",
            &[],
        )
        .await
        .unwrap();
    plain
        .execute(
            "INSERT INTO role_permissions (role_id, permission_id) SELECT $1, id FROM permissions",
            &[&role_id],
        )
        .await
        .unwrap();
    assert_eq!(
        users::grant_role(&plain, created.id, Some(created.id), "viewer")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        users::grant_role(&plain, created.id, Some(created.id), "viewer")
            .await
            .unwrap(),
        0
    );
    let permissions = users::user_permissions(&plain, created.id).await.unwrap();
    assert_eq!(
        permissions
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["users.read"]
    );
    {
        let transaction = plain.transaction().await.unwrap();
        assert_eq!(
            users::soft_delete_user(&transaction, None, created.id)
                .await
                .unwrap(),
            1
        );
        assert!(
            users::user_by_email(&transaction, "ada@example.com")
                .await
                .unwrap()
                .is_none()
        );
        transaction.rollback().await.unwrap();
    }
    assert!(
        users::user_by_email(&pooled, "ada@example.com")
            .await
            .unwrap()
            .is_some()
    );

    // Streaming gives the same rows as the Vec form.
    use futures_util::TryStreamExt;
    let ids = [created.id];
    let streamed: Vec<users::UsersByIdsRow> = users::users_by_ids_stream(&pooled, &ids)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, users::users_by_ids(&pooled, &ids).await.unwrap());

    // Intervals, nullable params, and aggregates per company.
    let timer = incident_timers::start_timer(&pooled, created.id, None)
        .await
        .unwrap();
    let reset = incident_timers::reset_timer(&pooled, Some("kept"), Some(created.id), timer.id)
        .await
        .unwrap()
        .expect("timer");
    assert!(reset.elapsed.microseconds >= 0);
    let timers = incident_timers::user_timers(&pooled, created.id)
        .await
        .unwrap();
    assert_eq!(timers[0].notes.as_deref(), Some("kept"));
    assert_eq!(timers[0].days_since_reset, 0);
    let stats = companies::company_stats(&pooled).await.unwrap();
    assert_eq!((stats[0].active_users, stats[0].deleted_users), (1, 0));

    // JSON in and out, ON CONFLICT … DO UPDATE.
    let value = serde_json::json!({"label": "Sign-up", "enabled": true});
    let first = app_config::set_config(
        &pooled,
        &app_config::SetConfigParams {
            key: "signup",
            value: &value,
            environment: "test",
            description: None,
            actor: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(first.value, value);
    let listed = app_config::environment_config(&pooled, "test")
        .await
        .unwrap();
    assert_eq!(listed[0].label.as_deref(), Some("Sign-up"));
    assert_eq!(listed[0].kind, "object");
    assert!(
        app_config::config_value(&pooled, "signup", "production")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn one_without_a_row_is_a_clear_error_and_opt_gives_none() {
    let db = TestDatabase::new().await.unwrap();
    let client = db.pool.get().await.unwrap();
    let error = companies::company_by_slug(&client, "nobody")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            pgbake::Error::NoRows {
                query: "companies::company_by_slug"
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("use `:opt`"), "{error}");
    assert!(
        companies::rename_company(&client, "x", None, uuid::Uuid::nil())
            .await
            .unwrap()
            .is_none()
    );
    companies::create_company(&client, "Acme", "acme", None)
        .await
        .unwrap();
    let found = companies::company_by_slug(&client, "acme").await.unwrap();
    assert_eq!((found.name.as_str(), found.deleted_at), ("Acme", None));
}

#[tokio::test]
async fn hostile_text_is_bound_as_parameters_and_stored_verbatim() {
    let db = TestDatabase::new().await.unwrap();
    let client = db.pool.get().await.unwrap();
    let hostile = [
        "'; DROP TABLE users; --",
        "$1 $2 :name ::text",
        "\\' OR 1=1 --",
        "Robert'); DELETE FROM companies; --",
        "unicode ✓ \u{0301} \u{202e}",
        "$$ dollar $$ $tag$",
        "/* comment */ -- comment",
    ];
    for (index, text) in hostile.iter().enumerate() {
        let slug = format!("c{index}");
        let company = companies::create_company(&client, text, &slug, None)
            .await
            .unwrap();
        assert_eq!(company.name, *text);
        let renamed = companies::rename_company(&client, text, None, company.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(renamed.name, *text);
        let note =
            incident_timers::start_timer(&client, seed_user(&client, &slug).await, Some(text))
                .await
                .unwrap();
        let stored: Option<String> = client
            .query_one(
                "SELECT notes FROM incident_timers WHERE id = $1",
                &[&note.id],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(stored.as_deref(), Some(*text));
    }
    let tables: i64 = crate::value(
        &client,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    )
    .await;
    assert!(tables >= 10, "a table disappeared");
}

async fn seed_user(client: &pgbake::Client, slug: &str) -> uuid::Uuid {
    let company: uuid::Uuid = client
        .query_one("SELECT id FROM companies WHERE slug = $1", &[&slug])
        .await
        .unwrap()
        .get(0);
    users::create_user(
        client,
        &users::CreateUserParams {
            company_id: company,
            email: &format!("{slug}@example.com"),
            password_hash: "x",
            user_slug: slug,
            display_name: slug,
            created_by: None,
        },
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn copy_queries_bulk_load_rows_with_binary_copy() {
    let db = TestDatabase::new().await.unwrap();
    let client = db.pool.get().await.unwrap();
    let company = companies::create_company(&client, "Bulk", "bulk", None)
        .await
        .unwrap();
    let user = users::create_user(
        &client,
        &users::CreateUserParams {
            company_id: company.id,
            email: "bulk@example.com",
            password_hash: "x",
            user_slug: "bulk",
            display_name: "Bulk",
            created_by: None,
        },
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let notes: Vec<String> = (0..1000)
        .map(|i| format!("timer {i}, 'quoted' \t tab"))
        .collect();
    let rows = notes
        .iter()
        .enumerate()
        .map(|(i, note)| incident_timers::LoadTimersParams {
            user_id: user.id,
            reset_at: now - chrono::Duration::hours(i as i64),
            notes: if i % 10 == 0 {
                None
            } else {
                Some(note.as_str())
            },
        });
    let loaded = incident_timers::load_timers(&client, rows).await.unwrap();
    assert_eq!(loaded, 1000);
    let timers = incident_timers::user_timers(&client, user.id)
        .await
        .unwrap();
    assert_eq!(timers.len(), 1000);
    assert_eq!(timers.iter().filter(|t| t.notes.is_none()).count(), 100);
    assert!(
        timers
            .iter()
            .any(|t| t.notes.as_deref() == Some("timer 1, 'quoted' \t tab"))
    );
    // The rows got their defaults like an INSERT would give them (id, created_at).
    let ids: i64 = crate::value(&client, "SELECT count(DISTINCT id) FROM incident_timers").await;
    assert_eq!(ids, 1000);
}
