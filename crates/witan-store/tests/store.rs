//! The behaviour suite on SQLite (always) and PostgreSQL (when `WITAN_TEST_DATABASE_URL` is set
//! and the build has a PostgreSQL backend), plus what only SQLite can show.

use witan_store::sqlite::SqliteStore;
use witan_store::{StoreError, suite};

async fn sqlite() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("witan.db"))
        .await
        .expect("open store");
    (dir, store)
}

#[tokio::test]
async fn suite_on_sqlite() {
    for name in suite::ALL {
        let (_dir, store) = sqlite().await;
        eprintln!("sqlite: {name}");
        suite::run(name, &store).await;
    }
}

#[tokio::test]
async fn suite_on_postgres() {
    match std::env::var("WITAN_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            // The PostgreSQL backend is its own issue; until it lands the store refuses the URL
            // with a clear message, which is what this checks.
            let err = witan_store::open(&url)
                .await
                .expect_err("no PostgreSQL backend yet");
            assert!(err.to_string().contains("PostgreSQL"), "{err}");
            eprintln!("skipped: the PostgreSQL backend is not built yet");
        }
        _ => eprintln!("skipped: WITAN_TEST_DATABASE_URL is not set"),
    }
}

#[tokio::test]
async fn signed_off_minutes_are_locked_in_the_database_itself() {
    let (_dir, store) = sqlite().await;
    suite::run(
        "signed_off_minutes_are_locked_and_corrected_by_new_versions",
        &store,
    )
    .await;
    // Even SQL that goes around the Writer cannot change or remove signed-off minutes.
    for sql in [
        "UPDATE item_minutes SET text = 'tampered' WHERE version = 1",
        "DELETE FROM item_minutes WHERE version = 1",
        "UPDATE minutes_sign_offs SET signed_by = 'someone else'",
        "DELETE FROM minutes_sign_offs",
    ] {
        let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
        assert!(err.to_string().contains("minutes locked"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn a_database_from_a_newer_witan_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("witan.db");
    let store = SqliteStore::open(&path).await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .expect("insert future migration");
    store.pool().close().await;
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
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("witan.db"))
        .await
        .expect("open");
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
        let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
        assert!(
            err.to_string().contains("the audit log cannot be changed"),
            "{sql}: {err}"
        );
    }
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE by_whom = 'clerk@example.org'")
            .fetch_one(store.pool())
            .await
            .expect("count");
    assert_eq!(n, 1);
}
