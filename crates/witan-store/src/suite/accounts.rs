//! Accounts, sessions, sign-in attempts and the audit log.

#![allow(clippy::unwrap_used)]

use super::*;

/// Failures are counted by address and by account inside the writer, so attempts made at the
/// same moment are checked one after another: of thirty parallel attempts that each reserve a
/// failure while fewer than five are counted, exactly five get through. Clearing forgets only the
/// failures of one account from one address.
pub async fn sign_in_attempts_are_counted_one_after_another(store: &dyn Store) {
    let victim = Email::parse("email", "admin@northshire.gov.uk").unwrap();
    let other = Email::parse("email", "clerk@northshire.gov.uk").unwrap();
    let now = at("2026-11-23 09:00");
    let since = now - chrono::Duration::minutes(15);
    let attempt = || async {
        let mut w = store.begin().await.unwrap();
        let counted = w
            .failed_attempts(&victim, "198.51.100.7", since)
            .await
            .unwrap();
        if counted.on_account_from_address >= 5 {
            return false;
        }
        // A pause while the check is open lets every other attempt reach its own check: were
        // the check not inside the writer's lock, all thirty would see the same count.
        tokio::task::yield_now().await;
        w.record_login_failure(&victim, "198.51.100.7", now)
            .await
            .unwrap();
        w.commit().await.unwrap();
        true
    };
    let through = futures_util::future::join_all((0..30).map(|_| attempt())).await;
    assert_eq!(
        through.iter().filter(|t| **t).count(),
        5,
        "parallel attempts are counted one after another"
    );

    let mut w = store.begin().await.unwrap();
    w.record_login_failure(&other, "198.51.100.7", now)
        .await
        .unwrap();
    w.record_login_failure(&victim, "203.0.113.9", now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    // A day-old failure is forgotten when another is recorded.
    w.record_login_failure(&victim, "203.0.113.9", now - chrono::Duration::days(2))
        .await
        .unwrap();
    w.record_login_failure(&other, "203.0.113.9", now)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&victim, "198.51.100.7", since)
            .await
            .unwrap(),
        FailedAttempts {
            from_address: 6,
            on_account_from_address: 5,
            on_account: 6,
            first_from_address: Some(now),
            first_on_account_from_address: Some(now),
            last_on_account: Some(now + chrono::Duration::minutes(1)),
        }
    );
    assert_eq!(
        w.failed_attempts(&victim, "203.0.113.9", now - chrono::Duration::days(3))
            .await
            .unwrap()
            .from_address,
        2,
        "failures older than a day are forgotten"
    );
    w.clear_login_failures(&victim, "198.51.100.7")
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    let left = w
        .failed_attempts(&victim, "198.51.100.7", since)
        .await
        .unwrap();
    assert_eq!(
        (
            left.from_address,
            left.on_account_from_address,
            left.on_account
        ),
        (1, 0, 1),
        "clearing forgets one account's failures from one address"
    );
}

/// Accounts are unique by email, sessions expire and end, failed sign-ins are counted and
/// forgotten, and the audit log keeps what it is given, newest first.
pub async fn accounts_sessions_and_the_audit_log(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let email = Email::parse("email", "clerk@northshire.gov.uk").unwrap();
    let clerk = User::new(email.clone(), title("Jo Clerk"), Role::Clerk, Some(c.org)).unwrap();
    let id = w.create_user(&clerk, "$argon2id$first").await.unwrap();
    let admin = User::new(
        Email::parse("email", "admin@northshire.gov.uk").unwrap(),
        title("Sam Admin"),
        Role::Admin,
        None,
    )
    .unwrap();
    w.create_user(&admin, "$argon2id$admin").await.unwrap();
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    let again = w.create_user(&clerk, "$argon2id$other").await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a second account with one email is a conflict: {again:?}"
    );
    drop(w);

    let account = store.account(&email).await.unwrap();
    assert_eq!(account.user.id, id);
    assert_eq!(account.user.record, clerk);
    assert_eq!(account.password_hash, "$argon2id$first");
    assert!(matches!(
        store
            .account(&Email::parse("email", "nobody@example.org").unwrap())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let emails: Vec<String> = store
        .users()
        .await
        .unwrap()
        .iter()
        .map(|u| u.email.to_string())
        .collect();
    assert_eq!(
        emails,
        ["admin@northshire.gov.uk", "clerk@northshire.gov.uk"]
    );

    let now = at("2026-11-23 09:00");
    let session = |token: &str| Session {
        token_hash: token.to_owned(),
        user: id,
        csrf_token: format!("csrf-{token}"),
        created: now,
        expires: now + chrono::Duration::hours(12),
        seen: now,
    };
    let mut w = store.begin().await.unwrap();
    w.create_session(&session("one")).await.unwrap();
    w.create_session(&session("two")).await.unwrap();
    w.set_password(id, "$argon2id$second").await.unwrap();
    w.commit().await.unwrap();
    let (found, user) = store.session("one", now).await.unwrap().unwrap();
    assert_eq!(found, session("one"));
    assert_eq!(user.id, id);
    assert_eq!(
        store.account(&email).await.unwrap().password_hash,
        "$argon2id$second"
    );
    assert!(
        store
            .session("one", now + chrono::Duration::hours(12))
            .await
            .unwrap()
            .is_none(),
        "an expired session signs no one in"
    );
    assert!(store.session("three", now).await.unwrap().is_none());

    // Changing a role keeps the sessions; removing the account ends them.
    let officer = User::new(email.clone(), title("Jo Officer"), Role::Officer, None).unwrap();
    let mut w = store.begin().await.unwrap();
    w.update_user(id, &officer).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.user(id).await.unwrap().record, officer);
    assert!(store.session("two", now).await.unwrap().is_some());
    let mut w = store.begin().await.unwrap();
    w.update_user(id, &clerk).await.unwrap();
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    w.end_sessions_of(id, Some("two")).await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("one", now).await.unwrap().is_none());
    assert!(store.session("two", now).await.unwrap().is_some());
    let mut w = store.begin().await.unwrap();
    w.end_session("two").await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("two", now).await.unwrap().is_none());

    // Using a session moves its last use on, and nothing else.
    let mut w = store.begin().await.unwrap();
    w.create_session(&session("touched")).await.unwrap();
    w.touch_session("touched", now + chrono::Duration::hours(3))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let (touched, _) = store.session("touched", now).await.unwrap().unwrap();
    assert_eq!(
        touched,
        Session {
            seen: now + chrono::Duration::hours(3),
            ..session("touched")
        }
    );

    let mut w = store.begin().await.unwrap();
    for minutes in [0, 5, 10] {
        w.record_login_failure(
            &email,
            "192.0.2.1",
            now + chrono::Duration::minutes(minutes),
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now).await.unwrap(),
        FailedAttempts {
            from_address: 3,
            on_account_from_address: 3,
            on_account: 3,
            first_from_address: Some(now),
            first_on_account_from_address: Some(now),
            last_on_account: Some(now + chrono::Duration::minutes(10)),
        }
    );
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now + chrono::Duration::minutes(5))
            .await
            .unwrap()
            .on_account,
        2
    );
    w.clear_login_failures(&email, "192.0.2.1").await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now).await.unwrap(),
        FailedAttempts::default()
    );
    drop(w);

    let entry = |n: i64, action: &str| AuditEntry {
        at: now + chrono::Duration::minutes(n),
        by: "clerk@northshire.gov.uk".into(),
        action: action.into(),
        record: "meeting".into(),
        record_id: n,
        before: (n > 1).then(|| r#"{"status":"scheduled"}"#.to_owned()),
        after: Some(r#"{"status":"agenda_published"}"#.to_owned()),
    };
    let mut w = store.begin().await.unwrap();
    w.record_audit(&entry(1, "create meeting")).await.unwrap();
    w.record_audit(&entry(2, "publish agenda")).await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.record_audit(&entry(3, "never landed")).await.unwrap();
    drop(w);
    let log = store.audit_log(None, Page::first(10)).await.unwrap();
    let entries: Vec<&AuditEntry> = log.iter().map(|r| &r.entry).collect();
    assert_eq!(
        entries,
        [&entry(2, "publish agenda"), &entry(1, "create meeting")]
    );
    let one = store
        .audit_log(Some(("meeting", 1)), Page::first(10))
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].entry, entry(1, "create meeting"));

    let mut w = store.begin().await.unwrap();
    w.create_session(&session("four")).await.unwrap();
    w.delete_user(id).await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("four", now).await.unwrap().is_none());
    assert!(matches!(
        store.account(&email).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        store.audit_log(None, Page::first(10)).await.unwrap().len(),
        2
    );
}
