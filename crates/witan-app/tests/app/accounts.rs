//! Accounts: sign-in, lock-out, passwords and sessions.

use super::*;

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "tr0ub4dor and three more";
/// The address the account's owner signs in from.
const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));

#[tokio::test]
async fn accounts_sign_in_lock_out_change_password_and_sign_out() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let org = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-county-council").unwrap(),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    let cli = Actor::CommandLine;
    let user = new_user(
        "Jo.Clerk@Northshire.gov.uk",
        Some("Jo Clerk"),
        "clerk",
        Some(org),
    )
    .unwrap();
    let email = "jo.clerk@northshire.gov.uk";

    // A short password is refused, naming the field, and nothing is written.
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a password of 11 characters",
        ws.add_user(&cli, &user, "elevenchars", now).await,
        |e| invalid_field(e) == Some("password"),
    )
    .await;
    assert!(store.users().await.unwrap().is_empty());

    let id = ws.add_user(&cli, &user, PASSWORD, now).await.unwrap();
    let account = store
        .account(&Email::parse("email", email).unwrap())
        .await
        .unwrap();
    assert_eq!(account.user.id, id);
    assert_eq!(account.user.record, user);
    assert!(
        account.password_hash.starts_with("$argon2id$")
            && !account.password_hash.contains(PASSWORD),
        "{}",
        account.password_hash
    );
    let log = audit_log(store).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].entry.by.as_str(),
            log[0].entry.action.as_str(),
            log[0].entry.record.as_str(),
            log[0].entry.record_id
        ),
        ("witan command line", "add user", "user", id.get())
    );
    assert_eq!(json(log[0].entry.after.as_ref())["email"], email);
    assert!(
        !log[0].entry.after.as_ref().unwrap().contains(PASSWORD),
        "the password is not in the audit log"
    );

    // Signing in: the cookie's token opens the session; the store keeps only its hash.
    let first = ws.sign_in(email, PASSWORD, HOME, None, now).await.unwrap();
    assert_eq!(first.user.id, id);
    assert_eq!(first.session.user, id);
    assert_eq!(first.token.len(), 64);
    assert_ne!(first.token, first.session.token_hash);
    assert_eq!(first.session.token_hash, token_hash(&first.token));
    assert_eq!(
        first.session.expires,
        now + Duration::hours(witan_app::SESSION_HOURS)
    );
    assert!(
        store.session(&first.token, now).await.unwrap().is_none(),
        "the raw token is not what the store keeps"
    );
    let (session, who) = ws
        .session(&first.token, now)
        .await
        .unwrap()
        .expect("the token opens the session");
    assert_eq!(session, first.session);
    assert_eq!(who.id, id);
    assert!(
        ws.session(&first.token, now + Duration::hours(13))
            .await
            .unwrap()
            .is_none(),
        "an expired session opens nothing"
    );
    assert!(ws.session("not a token", now).await.unwrap().is_none());

    // A wrong password and an unknown account are the same refusal.
    let wrong = ws
        .sign_in(email, "not the password at all", HOME, None, now)
        .await;
    assert!(matches!(wrong, Err(Error::BadCredentials)), "{wrong:?}");
    let unknown = ws
        .sign_in("nobody@northshire.gov.uk", PASSWORD, HOME, None, now)
        .await;
    assert!(matches!(unknown, Err(Error::BadCredentials)), "{unknown:?}");

    // Changing the password.
    let second = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::minutes(1))
        .await
        .unwrap();
    assert_ne!(second.token, first.token);
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a password change with the wrong current password",
        ws.change_password(
            &second.session,
            "not my password at all",
            NEW_PASSWORD,
            HOME,
            now,
        )
        .await,
        |e| invalid_field(e) == Some("current_password"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "a password change to a short password",
        ws.change_password(&second.session, PASSWORD, "short", HOME, now)
            .await,
        |e| invalid_field(e) == Some("new_password"),
    )
    .await;
    assert!(ws.session(&first.token, now).await.unwrap().is_some());
    let rotated = ws
        .change_password(&second.session, PASSWORD, NEW_PASSWORD, HOME, now)
        .await
        .unwrap();
    assert!(
        ws.session(&first.token, now).await.unwrap().is_none(),
        "other sessions end"
    );
    assert!(
        ws.session(&second.token, now).await.unwrap().is_none(),
        "the current session's token ends too"
    );
    assert_ne!(rotated.token, second.token);
    let (current, _) = ws
        .session(&rotated.token, now)
        .await
        .unwrap()
        .expect("a fresh token carries the reader on");
    assert_eq!(current.user, id);
    let second = rotated;
    let log = audit_log(store).await;
    assert_eq!(
        (
            log[0].entry.by.as_str(),
            log[0].entry.action.as_str(),
            log[0].entry.record_id
        ),
        (email, "change password", id.get())
    );
    let old = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::minutes(2))
        .await;
    assert!(matches!(old, Err(Error::BadCredentials)), "{old:?}");
    let third = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, now + Duration::minutes(2))
        .await
        .unwrap();

    // Signing out ends that session only.
    ws.sign_out(&third.session).await.unwrap();
    assert!(ws.session(&third.token, now).await.unwrap().is_none());
    assert!(ws.session(&second.token, now).await.unwrap().is_some());
    ws.sign_out(&second.session).await.unwrap();
    assert!(ws.session(&second.token, now).await.unwrap().is_none());

    // Five failures within 15 minutes lock the account from that address, right password or
    // not, until the window has passed.
    let t = now + Duration::hours(1);
    for minute in 0..5 {
        let failed = ws
            .sign_in(
                email,
                "guessing again and again",
                HOME,
                None,
                t + Duration::minutes(minute),
            )
            .await;
        assert!(matches!(failed, Err(Error::BadCredentials)), "{failed:?}");
    }
    let locked = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, t + Duration::minutes(5))
        .await;
    assert!(
        matches!(locked, Err(Error::TooManyAttempts { seconds: 600 })),
        "{locked:?}"
    );
    let later = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, t + Duration::minutes(20))
        .await;
    assert!(later.is_ok(), "{later:?}");
}

/// An admin account made from the command line; returns its email.
async fn admin_account(env: &Env) -> &'static str {
    let email = "sam.admin@northshire.gov.uk";
    let user = new_user(email, Some("Sam Admin"), "admin", None).unwrap();
    env.ws
        .add_user(&Actor::CommandLine, &user, PASSWORD, minute_now())
        .await
        .unwrap();
    email
}

fn address(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, last))
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_for_long() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();

    // One stranger's guesses lock that stranger out of the account, not its owner.
    for n in 0..5 {
        let guess = ws
            .sign_in(
                email,
                "guess guess guess",
                address(1),
                None,
                t + Duration::seconds(n),
            )
            .await;
        assert!(matches!(guess, Err(Error::BadCredentials)), "{guess:?}");
    }
    let stranger = ws
        .sign_in(email, PASSWORD, address(1), None, t + Duration::seconds(5))
        .await;
    assert!(
        matches!(stranger, Err(Error::TooManyAttempts { .. })),
        "{stranger:?}"
    );
    let owner = ws
        .sign_in(email, PASSWORD, HOME, None, t + Duration::seconds(5))
        .await;
    assert!(owner.is_ok(), "the owner gets in at once: {owner:?}");

    // Strangers at several addresses slow every attempt on the account, the owner's too, but
    // only for a short while after their latest guess, however many they make.
    let mut now = t + Duration::seconds(10);
    let (mut guesses, mut who, mut from_this) = (5, 2, 0);
    while guesses < 19 {
        match ws
            .sign_in(email, "guess guess guess", address(who), None, now)
            .await
        {
            Err(Error::BadCredentials) => {
                guesses += 1;
                from_this += 1;
                if from_this == 5 {
                    (who, from_this) = (who + 1, 0);
                }
            }
            Err(Error::TooManyAttempts { seconds }) => now += Duration::seconds(seconds),
            other => panic!("a stranger's guess: {other:?}"),
        }
    }
    assert!(now < t + Duration::minutes(10), "{now} {t}");
    let slowed = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::seconds(1))
        .await;
    assert!(
        matches!(slowed, Err(Error::TooManyAttempts { seconds: 299 })),
        "{slowed:?}"
    );
    let owner = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::seconds(300))
        .await;
    assert!(owner.is_ok(), "the wait is over in five minutes: {owner:?}");

    // One address is held to twenty failures across every account it names.
    for n in 0..20 {
        let other = format!("nobody{n}@northshire.gov.uk");
        let guess = ws
            .sign_in(&other, "guess guess guess", address(99), None, t)
            .await;
        assert!(matches!(guess, Err(Error::BadCredentials)), "{guess:?}");
    }
    let spraying = ws
        .sign_in("another@northshire.gov.uk", "guess", address(99), None, t)
        .await;
    assert!(
        matches!(spraying, Err(Error::TooManyAttempts { seconds: 900 })),
        "{spraying:?}"
    );
}

#[tokio::test]
async fn password_checks_count_against_the_sign_in_limits() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();
    let signed = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    for _ in 0..5 {
        let guess = ws
            .change_password(
                &signed.session,
                "guess guess guess",
                NEW_PASSWORD,
                address(3),
                t,
            )
            .await;
        assert!(
            matches!(&guess, Err(Error::Store(StoreError::Invalid(e))) if e.field == "current_password"),
            "{guess:?}"
        );
    }
    let locked = ws
        .change_password(&signed.session, PASSWORD, NEW_PASSWORD, address(3), t)
        .await;
    assert!(
        matches!(locked, Err(Error::TooManyAttempts { seconds: 900 })),
        "the right current password is refused once the limit is reached: {locked:?}"
    );
    assert!(
        ws.sign_in(email, NEW_PASSWORD, HOME, None, t)
            .await
            .is_err(),
        "the password did not change"
    );
    let changed = ws
        .change_password(
            &signed.session,
            PASSWORD,
            NEW_PASSWORD,
            address(3),
            t + Duration::minutes(16),
        )
        .await;
    assert!(changed.is_ok(), "{changed:?}");
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();

    let idle = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    assert!(
        ws.session(&idle.token, t + Duration::hours(8))
            .await
            .unwrap()
            .is_none(),
        "eight hours unused end a session"
    );

    // Used every few hours, a session lasts until its absolute limit and no longer.
    let busy = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    for hours in [3, 6, 9, 11] {
        let at = t + Duration::hours(hours);
        let (session, _) = ws
            .session(&busy.token, at)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("open after {hours} hours of use"));
        assert_eq!(session.seen, at, "its use is written down");
    }
    assert!(
        ws.session(&busy.token, t + Duration::hours(12))
            .await
            .unwrap()
            .is_none(),
        "twelve hours end a session however busy"
    );
    assert!(
        ws.session(&idle.token, t + Duration::hours(7))
            .await
            .unwrap()
            .is_none(),
        "an idle session does not come back"
    );
}

#[tokio::test]
async fn a_sign_in_ends_the_session_it_was_presented_with() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();
    let first = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    let other = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    let second = ws
        .sign_in(email, PASSWORD, HOME, Some(&first.token), t)
        .await
        .unwrap();
    assert!(ws.session(&first.token, t).await.unwrap().is_none());
    assert!(ws.session(&second.token, t).await.unwrap().is_some());
    assert!(
        ws.session(&other.token, t).await.unwrap().is_some(),
        "sessions on other devices stay"
    );
}

#[tokio::test]
async fn a_full_hashing_limit_answers_busy_at_once() {
    let env = env().await;
    let email = admin_account(&env).await;
    let ws = env.ws.clone().with_hashing_limit(1);
    let t = minute_now();
    let held = ws.hashing.clone().try_acquire_owned().unwrap();
    let busy = ws.sign_in(email, PASSWORD, HOME, None, t).await;
    assert!(matches!(busy, Err(Error::Busy)), "{busy:?}");
    drop(held);
    assert!(
        ws.sign_in(email, PASSWORD, HOME, None, t).await.is_ok(),
        "a refusal for being busy is not counted as a failure"
    );
}
