//! The generated layer of another crate, against a real server, in both statement modes.

use pgbake::StatementMode;
use pgbake::testing::TestDatabase;
use pgbake_example::db::types::{NoteStatus, Revision};
use pgbake_example::db::{MIGRATIONS, notes};

async fn exercise(mode: StatementMode) {
    let db = TestDatabase::with_migrations(MIGRATIONS).await.unwrap();
    let pool = pgbake::connect(&db.config.clone().statement_mode(mode))
        .await
        .unwrap();
    let client = pool.get().await.unwrap();

    let created = notes::create_note(
        &client,
        "hello-world",
        "Hello",
        NoteStatus::Draft,
        &["intro".to_string()],
    )
    .await
    .unwrap();
    assert_eq!(
        (created.slug.as_str(), created.status),
        ("hello-world", NoteStatus::Draft)
    );

    // The domain rejects a bad slug on the server.
    let error = notes::create_note(&client, "Not A Slug", "Bad", NoteStatus::Draft, &[])
        .await
        .unwrap_err();
    assert_eq!(error.sqlstate(), Some("23514"), "{error}");

    let loaded = notes::import_notes(
        &client,
        (0..50)
            .map(|i| notes::ImportNotesParams {
                slug: if i % 2 == 0 { "even" } else { "odd" },
                title: "imported",
                status: if i % 2 == 0 {
                    NoteStatus::Archived
                } else {
                    NoteStatus::Published
                },
            })
            .take(2),
    )
    .await
    .unwrap();
    assert_eq!(loaded, 2);

    assert_eq!(notes::publish(&client, "hello-world").await.unwrap(), 1);
    let published = notes::notes_with_status(&client, &[NoteStatus::Published])
        .await
        .unwrap();
    assert_eq!(
        published
            .iter()
            .map(|n| n.slug.as_str())
            .collect::<Vec<_>>(),
        ["hello-world", "odd"]
    );
    assert_eq!(published[0].tags, ["intro"]);

    let counts = notes::status_counts(&client).await.unwrap();
    let counts: Vec<(NoteStatus, i64)> = counts.into_iter().map(|c| (c.status, c.notes)).collect();
    assert_eq!(
        counts,
        [(NoteStatus::Published, 2), (NoteStatus::Archived, 1)]
    );

    let found = notes::note_by_slug(&client, "even")
        .await
        .unwrap()
        .expect("imported");
    assert_eq!((found.status, found.summary), (NoteStatus::Archived, None));

    // An enum parameter first used with no type context (`$1 IS NULL`), given and not.
    let every = notes::notes_in_status(&client, None).await.unwrap();
    assert_eq!(every.len(), 3);
    let published = notes::notes_in_status(&client, Some(NoteStatus::Published))
        .await
        .unwrap();
    let slugs: Vec<&str> = published.iter().map(|n| n.slug.as_str()).collect();
    assert_eq!(slugs, ["hello-world", "odd"]);

    // Generated composite structs, alone and in an array, as parameters and decoded from
    // the server (with a NULL field, an enum field and a timestamp field).
    let first = Revision {
        number: Some(1),
        author: Some("ann".into()),
        status: Some(NoteStatus::Draft),
        at: None,
    };
    let second = Revision {
        number: Some(2),
        author: None,
        status: Some(NoteStatus::Published),
        at: Some("2024-01-02T03:04:05Z".parse().unwrap()),
    };
    let added = notes::add_revision(&client, created.id, &second, std::slice::from_ref(&first))
        .await
        .unwrap();
    assert_eq!(
        (&added.latest, added.history.as_slice()),
        (&second, std::slice::from_ref(&first))
    );
    let revisions = notes::revisions_of(&client, created.id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].latest, second);
    assert_eq!(revisions[0].author, None);
    assert_eq!(revisions[0].history, [first]);
}

#[tokio::test]
async fn enums_domains_arrays_and_copy_with_prepared_statements() {
    exercise(StatementMode::Prepared).await;
}

#[tokio::test]
async fn enums_domains_arrays_and_copy_with_unnamed_statements() {
    exercise(StatementMode::Unnamed).await;
}

#[test]
fn the_migrations_are_this_crates_own() {
    assert_eq!(MIGRATIONS.len(), 2);
    assert_eq!(MIGRATIONS[0].name, "notes");
    assert_eq!(MIGRATIONS[1].name, "revisions");
    assert!(MIGRATIONS.iter().all(|m| m.down.is_some()));
}

#[tokio::test]
async fn keywords_become_raw_identifiers() {
    let db = TestDatabase::with_migrations(MIGRATIONS).await.unwrap();
    let client = db.pool.get().await.unwrap();
    assert!(notes::r#type(&client).await.unwrap().is_none());
    notes::create_note(&client, "k", "K", NoteStatus::Published, &[])
        .await
        .unwrap();
    let row = notes::r#type(&client).await.unwrap().unwrap();
    assert_eq!(row.r#type, NoteStatus::Published);
    assert!(row.r#fn > 0);
}

#[tokio::test]
async fn null_array_elements_are_option_or_a_named_error() {
    let db = TestDatabase::with_migrations(MIGRATIONS).await.unwrap();
    let client = db.pool.get().await.unwrap();
    client
        .batch_execute(
            "INSERT INTO notes (slug, title, tags, body) VALUES
                ('a', 'A', ARRAY['x', NULL], '{\"summary\": \"first\"}'),
                ('b', 'B', '{}', NULL)",
        )
        .await
        .unwrap();
    // `array_agg` over a nullable value: `Vec<Option<String>>`.
    let summaries = notes::summaries_by_status(&client).await.unwrap();
    assert_eq!(
        summaries[0].summaries,
        [Some("first".to_string()), None],
        "{summaries:?}"
    );
    // A table's array column is `Vec<String>`: the NULL element is an error that says
    // which query, which column and which override.
    let error = notes::note_tags(&client).await.unwrap_err();
    assert!(
        matches!(
            error,
            pgbake::Error::NullArrayElement {
                query: "notes::note_tags",
                column: "tags"
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("-> (tags[?])"), "{error}");
    // With the override, the element is `None`.
    let tags = notes::note_tags_with_nulls(&client).await.unwrap();
    assert_eq!(tags[0].tags, [Some("x".to_string()), None]);
    assert!(tags[1].tags.is_empty());
}
