//! Following by email: subscribers and their follows, changes kept for confirmed followers, and
//! the outbox, each step taken once however often it is asked.

#![allow(clippy::unwrap_used)]

use super::*;

/// A follow waits for its confirmation before any change is kept for it; a change is kept once
/// however often it is told; taken changes are gone; a claimed message is not claimed again
/// until its claim runs out; a failed one waits for its retry; forgetting a subscriber leaves
/// nothing of it.
pub async fn following_keeps_changes_once_and_sends_each_message_once(store: &dyn Store) {
    let chain = kit::chain(store, MeetingStatus::AgendaPublished).await;
    let now = at("2026-12-07 09:00");
    let email = Email::parse("email", "Resident@Example.org").unwrap();
    let board = FollowTarget::Committee(chain.council.cabinet);
    let mut w = store.begin().await.unwrap();
    let (subscriber, made) = w.subscriber_for(&email, "token-1", now).await.unwrap();
    assert!(made && subscriber.confirmed.is_none());
    assert_eq!(subscriber.email.as_str(), "resident@example.org");
    let (again, made) = w.subscriber_for(&email, "token-2", now).await.unwrap();
    assert!(!made && again.id == subscriber.id && again.token == "token-1");
    let (follow, confirmed) = w
        .follow(subscriber.id, &board, "Cabinet", Frequency::Daily, now)
        .await
        .unwrap();
    assert!(!confirmed);
    w.commit().await.unwrap();
    assert!(
        store
            .followers_of(std::slice::from_ref(&board))
            .await
            .unwrap()
            .is_empty()
    );

    let mut w = store.begin().await.unwrap();
    // Asking again before confirming may change how often; a wrong subscriber confirms nothing.
    let (same, _) = w
        .follow(subscriber.id, &board, "Cabinet", Frequency::Immediate, now)
        .await
        .unwrap();
    assert_eq!(same, follow);
    assert!(!w.confirm(subscriber.id + 1, follow, now).await.unwrap());
    assert!(w.confirm(subscriber.id, follow, now).await.unwrap());
    // Once confirmed, a follow from the form changes nothing.
    let (_, confirmed) = w
        .follow(subscriber.id, &board, "Cabinet", Frequency::Weekly, now)
        .await
        .unwrap();
    assert!(confirmed);
    w.commit().await.unwrap();
    let followers = store
        .followers_of(std::slice::from_ref(&board))
        .await
        .unwrap();
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0].frequency, Frequency::Immediate);
    let counts = store.follower_counts().await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (counts[0].confirmed, counts[0].label.as_str()),
        (1, "Cabinet")
    );

    // The alerts' place in the change log, only ever forward.
    let mut w = store.begin().await.unwrap();
    assert_eq!(w.alerts_read_to().await.unwrap(), None);
    w.set_alerts_read_to(7, now).await.unwrap();
    w.set_alerts_read_to(3, now).await.unwrap();
    assert_eq!(w.alerts_read_to().await.unwrap(), Some(7));
    let change = Pending {
        subscription: follow,
        kind: SearchKind::Item,
        record: chain.item.get(),
        seq: 5,
    };
    w.add_pending(&[change, change]).await.unwrap();
    w.add_pending(&[Pending { seq: 6, ..change }])
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert!(w.take_pending(Frequency::Daily).await.unwrap().is_empty());
    let taken = w.take_pending(Frequency::Immediate).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].2, vec![change]);
    assert!(
        w.take_pending(Frequency::Immediate)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(w.alert_run(Frequency::Daily, now).await.unwrap(), None);
    assert_eq!(w.alert_run(Frequency::Daily, now).await.unwrap(), Some(now));

    let mail = NewMail {
        subscriber: subscriber.id,
        recipient: email.clone(),
        kind: MailKind::Alert,
        subject: "Cabinet: 1 new".into(),
        text: "Agenda item: Budget monitoring".into(),
        html: "<p>Agenda item: Budget monitoring</p>".into(),
        manage_url: Some("https://example.org/subscriptions/token-1".into()),
        message_id: "m1@example.org".into(),
    };
    let id = w.queue_mail(&mail, now).await.unwrap();
    assert_eq!(
        w.mail_queued_to(&email, MailKind::Alert, now)
            .await
            .unwrap(),
        1
    );
    w.commit().await.unwrap();
    let later = now + chrono::Duration::minutes(5);
    let mut w = store.begin().await.unwrap();
    let claimed = w.claim_mail(now, now, later, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id, claimed[0].attempts), (id, 0));
    assert_eq!(claimed[0].message_id, "m1@example.org");
    // Claimed: another sender finds nothing until the claim runs out.
    assert!(w.claim_mail(now, now, later, 10).await.unwrap().is_empty());
    w.mail_failed(id, "connection refused", later)
        .await
        .unwrap();
    assert!(w.claim_mail(now, now, later, 10).await.unwrap().is_empty());
    let retried = w.claim_mail(now, later, later, 10).await.unwrap();
    assert_eq!(retried[0].attempts, 1);
    w.mail_sent(id, now).await.unwrap();
    assert!(
        w.claim_mail(later, later, later, 10)
            .await
            .unwrap()
            .is_empty()
    );
    w.commit().await.unwrap();
    assert_eq!(store.unsent_mail().await.unwrap(), 0);
    assert_eq!(
        store.recent_mail(5).await.unwrap()[0].subject,
        "Cabinet: 1 new"
    );

    let (held, follows) = store.subscriber("token-1").await.unwrap().unwrap();
    assert_eq!((held.id, follows.len()), (subscriber.id, 1));
    let mut w = store.begin().await.unwrap();
    w.forget_subscriber(subscriber.id).await.unwrap();
    w.commit().await.unwrap();
    assert!(store.subscriber("token-1").await.unwrap().is_none());
    assert!(store.followers_of(&[board]).await.unwrap().is_empty());
    assert!(store.recent_mail(5).await.unwrap().is_empty());
}
