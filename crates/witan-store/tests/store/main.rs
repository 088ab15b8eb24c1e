//! The behaviour suite on SQLite (always) and PostgreSQL (when `WITAN_TEST_DATABASE_URL` is set),
//! one test per story per backend (`suite.rs`), plus what each database shows of itself: the
//! rules it enforces against any SQL, and a refusal of a schema from a newer witan.

mod pg;
mod suite;

use witan_store::sqlite::SqliteStore;
use witan_store::suite::kit::{TempDir, raw_pool, sqlite};
use witan_store::{StoreError, suite as stories};

#[tokio::test]
async fn signed_off_minutes_are_locked_in_the_database_itself() {
    let (_dir, store) = sqlite().await;
    let raw = raw_pool(&store).await;
    stories::signed_off_minutes_are_locked_and_corrected_by_new_versions(&store).await;
    // Even SQL that goes around the Writer cannot change or remove signed-off minutes.
    for sql in [
        "UPDATE item_minutes SET text = 'tampered' WHERE version = 1",
        "DELETE FROM item_minutes WHERE version = 1",
        "UPDATE minutes_sign_offs SET signed_by = 'someone else'",
        "DELETE FROM minutes_sign_offs",
    ] {
        let err = sqlx::query(sql).execute(&raw).await.expect_err(sql);
        assert!(err.to_string().contains("minutes locked"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn a_database_from_a_newer_witan_is_refused_clearly() {
    let dir = TempDir::new();
    let path = dir.path().join("witan.db");
    let store = SqliteStore::open(&path).await.expect("open");
    let raw = raw_pool(&store).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&raw)
    .await
    .expect("insert future migration");
    raw.close().await;
    let err = SqliteStore::open(&path)
        .await
        .expect_err("newer schema accepted");
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 99990101000000
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer version of witan"), "{err}");
}

#[tokio::test]
async fn unknown_database_urls_name_the_setting() {
    let err = witan_store::open("mysql://localhost/witan")
        .await
        .expect_err("mysql accepted");
    assert!(err.to_string().starts_with("database_url:"), "{err}");
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_by_any_sql() {
    let (_dir, store) = sqlite().await;
    let raw = raw_pool(&store).await;
    let mut w = witan_store::Store::begin(&store).await.expect("begin");
    w.record_audit(&witan_domain::AuditEntry {
        at: chrono::Utc::now(),
        by: "clerk@example.org".into(),
        action: "publish agenda".into(),
        record: "meeting".into(),
        record_id: 1,
        before: None,
        after: Some("{}".into()),
    })
    .await
    .expect("audit");
    w.commit().await.expect("commit");
    for sql in [
        "UPDATE audit_log SET by_whom = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(sql).execute(&raw).await.expect_err(sql);
        assert!(
            err.to_string().contains("the audit log cannot be changed"),
            "{sql}: {err}"
        );
    }
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE by_whom = 'clerk@example.org'")
            .fetch_one(&raw)
            .await
            .expect("count");
    assert_eq!(n, 1);
}

#[tokio::test]
async fn signed_off_minutes_are_locked_in_postgres_itself() {
    let Some(url) = pg::url("signed_off_minutes_are_locked_in_postgres_itself") else {
        return;
    };
    pg::with_store(&url, "minutes_locked", |store| async move {
        stories::signed_off_minutes_are_locked_and_corrected_by_new_versions(&store).await;
        // Even SQL that goes around the Writer cannot change or remove signed-off minutes.
        for sql in [
            "UPDATE item_minutes SET text = 'tampered' WHERE version = 1",
            "UPDATE item_minutes SET version = 3 WHERE version = 1",
            "DELETE FROM item_minutes WHERE version = 1",
            "TRUNCATE item_minutes",
            "UPDATE minutes_sign_offs SET signed_by = 'someone else'",
            "DELETE FROM minutes_sign_offs",
            "TRUNCATE minutes_sign_offs",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
            assert!(err.to_string().contains("minutes locked"), "{sql}: {err}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_by_any_sql_on_postgres() {
    let Some(url) = pg::url("the_audit_log_cannot_be_changed_by_any_sql_on_postgres") else {
        return;
    };
    pg::with_store(&url, "audit_log", |store| async move {
        let mut w = witan_store::Store::begin(&store).await.expect("begin");
        w.record_audit(&witan_domain::AuditEntry {
            at: chrono::Utc::now(),
            by: "clerk@example.org".into(),
            action: "publish agenda".into(),
            record: "meeting".into(),
            record_id: 1,
            before: None,
            after: Some("{}".into()),
        })
        .await
        .expect("audit");
        w.commit().await.expect("commit");
        for sql in [
            "UPDATE audit_log SET by_whom = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
            assert!(
                err.to_string().contains("the audit log cannot be changed"),
                "{sql}: {err}"
            );
        }
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE by_whom = 'clerk@example.org'",
        )
        .fetch_one(store.pool())
        .await
        .expect("count");
        assert_eq!(n, 1);
    })
    .await;
}

#[tokio::test]
async fn a_postgres_database_from_a_newer_witan_is_refused_clearly() {
    let Some(url) = pg::url("a_postgres_database_from_a_newer_witan_is_refused_clearly") else {
        return;
    };
    let schema = pg::Schema::create(&url, "newer_schema").await;
    let store = schema.open().await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', true, '\\x00', 0)",
    )
    .execute(store.pool())
    .await
    .expect("insert future migration");
    store.pool().close().await;
    let refused = schema.open().await;
    schema.drop().await;
    let err = refused.expect_err("newer schema accepted");
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 99990101000000
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer version of witan"), "{err}");
}

#[tokio::test]
async fn a_postgres_database_that_does_not_answer_is_unavailable() {
    // Nothing listens on port 1: the store says the database is unavailable, and says it at once.
    let started = std::time::Instant::now();
    let err = witan_store::open("postgres://witan@127.0.0.1:1/witan")
        .await
        .expect_err("opened a database that is not there");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[tokio::test]
async fn postgres_urls_open_the_postgres_store() {
    let Some(url) = pg::url("postgres_urls_open_the_postgres_store") else {
        return;
    };
    // The URL names the schema through its options, as a deployment sharing a database would.
    let schema = pg::Schema::create(&url, "open_url").await;
    let separator = if url.contains('?') { '&' } else { '?' };
    let opened = witan_store::open(&format!(
        "{url}{separator}options=-c%20search_path%3D{}",
        schema.name
    ))
    .await;
    let outcome = match &opened {
        Ok(store) => store.counts().await.map(|c| c.meetings),
        Err(e) => Err(StoreError::Database(e.to_string())),
    };
    drop(opened);
    let migrated = schema.is_migrated().await;
    schema.drop().await;
    assert_eq!(outcome.expect("open and read"), 0);
    assert!(
        migrated,
        "the store was migrated in the schema its URL names"
    );
}

/// Statements that go around the Writer, each with whether the database must refuse it and the
/// name its refusal must carry: the domain's length and shape rules (a title of at most 500
/// characters, counted as characters, and the like) hold against any SQL. `joint` is how each
/// database spells false.
fn shape_statements(joint: &str) -> Vec<(String, Option<&'static str>)> {
    let x = |n: usize| "x".repeat(n);
    vec![
        (
            "INSERT INTO organisations (id, slug, name, kind) VALUES (1, 'north', 'North', 'other')"
                .into(),
            None,
        ),
        (
            format!(
                "INSERT INTO committees (id, slug, name, joint) VALUES (1, 'cabinet', 'Cabinet', {joint})"
            ),
            None,
        ),
        (
            "INSERT INTO committee_owners (committee_id, organisation_id) VALUES (1, 1)".into(),
            None,
        ),
        (
            "INSERT INTO meetings (id, committee_id, starts_at, status)
             VALUES (1, 1, '2021-10-21T09:00:00Z', 'scheduled')"
                .into(),
            None,
        ),
        (
            format!(
                "INSERT INTO agenda_items (id, meeting_id, position, number, title)
                 VALUES (1, 1, 1, '1', '{}')",
                x(500)
            ),
            None,
        ),
        (
            format!(
                "INSERT INTO agenda_items (id, meeting_id, position, number, title)
                 VALUES (2, 1, 2, '2', '{}')",
                "é".repeat(500)
            ),
            None,
        ),
        (
            format!(
                "INSERT INTO agenda_items (id, meeting_id, position, number, title)
                 VALUES (3, 1, 3, '3', '{}')",
                x(501)
            ),
            Some("agenda_items"),
        ),
        (
            format!("UPDATE agenda_items SET title = '{}' WHERE id = 1", x(526)),
            Some("agenda_items"),
        ),
        (
            "UPDATE agenda_items SET title = '   ' WHERE id = 1".into(),
            Some("agenda_items"),
        ),
        (
            "UPDATE agenda_items SET number = '1234567890123' WHERE id = 1".into(),
            Some("agenda_items"),
        ),
        (
            format!("UPDATE committees SET name = '{}' WHERE id = 1", x(501)),
            Some("committees"),
        ),
        (
            "UPDATE committees SET slug = 'Cabinet Committee' WHERE id = 1".into(),
            Some("committees"),
        ),
        (
            format!("UPDATE meetings SET location = '{}' WHERE id = 1", x(501)),
            Some("meetings"),
        ),
        (
            "INSERT INTO issues (id, title, reference) VALUES (1, 'Beds', '')".into(),
            Some("issues"),
        ),
        (
            "UPDATE organisations SET kind = 'parish' WHERE id = 1".into(),
            Some("organisations"),
        ),
    ]
}

/// Checks that a statement was refused, or not, as it should have been.
fn judge(sql: &str, refused_on: Option<&str>, outcome: Result<(), sqlx::Error>) {
    let shown: String = sql.chars().take(120).collect();
    match (refused_on, outcome) {
        (None, Ok(())) => {}
        (None, Err(e)) => panic!("{shown}: refused: {e}"),
        (Some(table), Ok(())) => panic!("{shown}: accepted, but it breaks a rule of {table}"),
        (Some(table), Err(e)) => assert!(e.to_string().contains(table), "{shown}: {e}"),
    }
}

#[tokio::test]
async fn an_over_long_title_written_by_raw_sql_is_refused_by_sqlite() {
    let (_dir, store) = sqlite().await;
    let raw = raw_pool(&store).await;
    for (sql, refused_on) in shape_statements("0") {
        let outcome = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&raw)
            .await;
        judge(&sql, refused_on, outcome.map(drop));
    }
    // What was let in reads back: the meeting's page cannot be broken by a value stored here.
    let agenda = witan_store::Store::meeting_record(
        &store,
        witan_domain::Id::new(1),
        witan_domain::Audience::Privileged,
    )
    .await
    .expect("the meeting reads back whole")
    .agenda
    .map(|a| a.len());
    assert_eq!(agenda, Some(2));
}

#[tokio::test]
async fn an_over_long_title_written_by_raw_sql_is_refused_by_postgres() {
    let Some(url) = pg::url("an_over_long_title_written_by_raw_sql_is_refused_by_postgres") else {
        return;
    };
    pg::with_store(&url, "shape_rules", |store| async move {
        for (sql, refused_on) in shape_statements("false") {
            let outcome = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(store.pool())
                .await;
            judge(&sql, refused_on, outcome.map(drop));
        }
        let agenda = witan_store::Store::meeting_record(
            &store,
            witan_domain::Id::new(1),
            witan_domain::Audience::Privileged,
        )
        .await
        .expect("the meeting reads back whole")
        .agenda
        .map(|a| a.len());
        assert_eq!(agenda, Some(2));
    })
    .await;
}
