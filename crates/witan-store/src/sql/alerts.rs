//! Following by email, for every database.

use super::{Driver, SqlStore, SqlWriter, params};
use crate::alerts::{
    AlertWriter, Alerts, FollowerCount, MailKind, NewMail, OutgoingMail, Pending, SentMail,
    Subscriber, Subscription,
};
use crate::decode::{self, Columns};
use crate::{Result, SearchKind};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use witan_domain::{Email, FollowTarget, Frequency};

/// The reader name under which the alerts read the change log (so that pruning waits for them).
const READER: &str = "witan-alerts";

const SUBSCRIPTION: &str = "s.id AS subscription_id, s.subscriber_id, s.target_kind, s.target,
     s.label, s.frequency, s.created_at AS subscribed_at, s.confirmed_at AS subscription_confirmed";
const SUBSCRIBER: &str = "p.id AS subscriber_id, p.email, p.token, p.confirmed_at,
     p.created_at AS subscriber_created_at";

fn subscription(row: &impl Columns) -> Result<Subscription> {
    Ok(Subscription {
        id: decode::int(row, "subscription_id")?,
        subscriber: decode::int(row, "subscriber_id")?,
        target: FollowTarget::parse(
            &decode::string(row, "target_kind")?,
            &decode::string(row, "target")?,
        )
        .map_err(decode::corrupt)?,
        label: decode::string(row, "label")?,
        frequency: decode::term(row, "frequency")?,
        created: decode::instant(row, "subscribed_at")?,
        confirmed: decode::opt_instant(row, "subscription_confirmed")?,
    })
}

fn subscriber(row: &impl Columns) -> Result<Subscriber> {
    Ok(Subscriber {
        id: decode::int(row, "subscriber_id")?,
        email: Email::parse("email", &decode::string(row, "email")?).map_err(decode::corrupt)?,
        token: decode::string(row, "token")?,
        confirmed: decode::opt_instant(row, "confirmed_at")?,
        created: decode::instant(row, "subscriber_created_at")?,
    })
}

#[async_trait]
impl<D: Driver> Alerts for SqlStore<D> {
    async fn subscriber(&self, token: &str) -> Result<Option<(Subscriber, Vec<Subscription>)>> {
        let Some(row) = self
            .optional(
                format!("SELECT {SUBSCRIBER} FROM subscribers p WHERE p.token = $1"),
                params![token],
                "subscriber",
            )
            .await?
        else {
            return Ok(None);
        };
        let found = subscriber(&row)?;
        let rows = self
            .all(
                format!(
                    "SELECT {SUBSCRIPTION} FROM subscriptions s WHERE s.subscriber_id = $1
                     ORDER BY s.id"
                ),
                params![found.id],
                "subscription",
            )
            .await?;
        let follows = rows.iter().map(subscription).collect::<Result<_>>()?;
        Ok(Some((found, follows)))
    }

    async fn followers_of(&self, targets: &[FollowTarget]) -> Result<Vec<Subscription>> {
        let mut found = Vec::new();
        // One query per kind of target, with the keys as a list.
        for kind in ["committee", "issue"] {
            let keys: Vec<String> = targets
                .iter()
                .filter(|t| t.kind() == kind)
                .map(FollowTarget::key)
                .collect();
            if keys.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT {SUBSCRIPTION} FROM subscriptions s
                 JOIN subscribers p ON p.id = s.subscriber_id
                 WHERE s.confirmed_at IS NOT NULL AND s.target_kind = $1 AND {}
                 ORDER BY s.id",
                D::DIALECT.any("s.target", "$2")
            );
            let rows = self
                .all(
                    sql,
                    vec![kind.into(), super::Param::Keys(keys)],
                    "subscription",
                )
                .await?;
            for row in &rows {
                found.push(subscription(row)?);
            }
        }
        Ok(found)
    }

    async fn saved_searches(&self) -> Result<Vec<Subscription>> {
        let rows = self
            .all(
                format!(
                    "SELECT {SUBSCRIPTION} FROM subscriptions s
                     JOIN subscribers p ON p.id = s.subscriber_id
                     WHERE s.confirmed_at IS NOT NULL AND s.target_kind = 'search' ORDER BY s.id"
                ),
                Vec::new(),
                "subscription",
            )
            .await?;
        rows.iter().map(subscription).collect()
    }

    async fn follower_counts(&self) -> Result<Vec<FollowerCount>> {
        let rows = self
            .all(
                "SELECT s.target_kind, s.target, MIN(s.label) AS label, COUNT(*) AS followers
                 FROM subscriptions s JOIN subscribers p ON p.id = s.subscriber_id
                 WHERE s.confirmed_at IS NOT NULL
                 GROUP BY s.target_kind, s.target
                 ORDER BY COUNT(*) DESC, s.target_kind, s.target",
                Vec::new(),
                "subscription",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(FollowerCount {
                    target: FollowTarget::parse(
                        &decode::string(row, "target_kind")?,
                        &decode::string(row, "target")?,
                    )
                    .map_err(decode::corrupt)?,
                    label: decode::string(row, "label")?,
                    confirmed: decode::int(row, "followers")? as u64,
                })
            })
            .collect()
    }

    async fn recent_mail(&self, limit: u32) -> Result<Vec<SentMail>> {
        let rows = self
            .all(
                "SELECT kind, subject, sent_at, attempts FROM outbox ORDER BY id DESC LIMIT $1",
                params![i64::from(limit)],
                "message",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(SentMail {
                    kind: decode::string(row, "kind")?,
                    subject: decode::string(row, "subject")?,
                    sent: decode::opt_instant(row, "sent_at")?,
                    attempts: decode::int(row, "attempts")? as u32,
                })
            })
            .collect()
    }

    async fn unsent_mail(&self) -> Result<u64> {
        let row = self
            .one(
                "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL",
                Vec::new(),
                "message",
            )
            .await?;
        Ok(decode::int(&row, "n")? as u64)
    }
}

#[async_trait]
impl<D: Driver> AlertWriter for SqlWriter<D> {
    async fn subscriber_for(
        &mut self,
        email: &Email,
        token: &str,
        at: DateTime<Utc>,
    ) -> Result<(Subscriber, bool)> {
        let select = format!("SELECT {SUBSCRIBER} FROM subscribers p WHERE p.email = $1");
        if let Some(row) = self
            .fetch_optional(select.clone(), params![email.as_str()], "subscriber")
            .await?
        {
            return Ok((subscriber(&row)?, false));
        }
        self.execute(
            "INSERT INTO subscribers (email, token, created_at) VALUES ($1, $2, $3)",
            params![email.as_str(), token, at],
            "subscriber",
        )
        .await?;
        let row = self
            .fetch_one(select, params![email.as_str()], "subscriber")
            .await?;
        Ok((subscriber(&row)?, true))
    }

    async fn follow(
        &mut self,
        subscriber: i64,
        target: &FollowTarget,
        label: &str,
        frequency: Frequency,
        at: DateTime<Utc>,
    ) -> Result<(i64, bool)> {
        let row = self
            .fetch_one(
                "INSERT INTO subscriptions (subscriber_id, target_kind, target, label, frequency, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (subscriber_id, target_kind, target)
                 DO UPDATE SET
                     frequency = CASE WHEN subscriptions.confirmed_at IS NULL
                         THEN excluded.frequency ELSE subscriptions.frequency END,
                     label = excluded.label
                 RETURNING id, confirmed_at",
                params![
                    subscriber,
                    target.kind(),
                    target.key(),
                    label,
                    witan_domain::Term::as_str(frequency),
                    at
                ],
                "subscription",
            )
            .await?;
        Ok((
            decode::int(&row, "id")?,
            decode::opt_instant(&row, "confirmed_at")?.is_some(),
        ))
    }

    async fn confirm(
        &mut self,
        subscriber: i64,
        subscription: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let confirmed = self
            .execute(
                "UPDATE subscriptions SET confirmed_at = COALESCE(confirmed_at, $1)
                 WHERE id = $2 AND subscriber_id = $3",
                params![at, subscription, subscriber],
                "subscription",
            )
            .await?;
        if confirmed == 0 {
            return Ok(false);
        }
        self.execute(
            "UPDATE subscribers SET confirmed_at = COALESCE(confirmed_at, $1) WHERE id = $2",
            params![at, subscriber],
            "subscriber",
        )
        .await?;
        Ok(true)
    }

    async fn set_frequency(
        &mut self,
        subscriber: i64,
        subscription: i64,
        frequency: Frequency,
    ) -> Result<()> {
        self.execute(
            "UPDATE subscriptions SET frequency = $1 WHERE id = $2 AND subscriber_id = $3",
            params![
                witan_domain::Term::as_str(frequency),
                subscription,
                subscriber
            ],
            "subscription",
        )
        .await
        .map(drop)
    }

    async fn unfollow(&mut self, subscriber: i64, subscription: Option<i64>) -> Result<()> {
        self.execute(
            "DELETE FROM alert_pending WHERE subscription_id IN
                 (SELECT id FROM subscriptions WHERE subscriber_id = $1 AND ($2 IS NULL OR id = $2))",
            params![subscriber, subscription],
            "subscription",
        )
        .await?;
        self.execute(
            "DELETE FROM subscriptions WHERE subscriber_id = $1 AND ($2 IS NULL OR id = $2)",
            params![subscriber, subscription],
            "subscription",
        )
        .await
        .map(drop)
    }

    async fn forget_subscriber(&mut self, subscriber: i64) -> Result<()> {
        self.unfollow(subscriber, None).await?;
        self.execute(
            "DELETE FROM outbox WHERE subscriber_id = $1",
            params![subscriber],
            "message",
        )
        .await?;
        self.execute(
            "DELETE FROM subscribers WHERE id = $1",
            params![subscriber],
            "subscriber",
        )
        .await
        .map(drop)
    }

    async fn mail_queued_to(
        &mut self,
        recipient: &Email,
        kind: MailKind,
        since: DateTime<Utc>,
    ) -> Result<u32> {
        let row = self
            .fetch_one(
                "SELECT COUNT(*) AS n FROM outbox
                 WHERE recipient = $1 AND kind = $2 AND created_at >= $3",
                params![recipient.as_str(), kind.as_str(), since],
                "message",
            )
            .await?;
        Ok(decode::int(&row, "n")? as u32)
    }

    async fn alerts_read_to(&mut self) -> Result<Option<u64>> {
        let row = self
            .fetch_optional(
                "SELECT seq FROM search_readers WHERE name = $1",
                params![READER],
                "search reader",
            )
            .await?;
        row.map(|r| decode::int(&r, "seq").map(|n| n as u64))
            .transpose()
    }

    async fn set_alerts_read_to(&mut self, seq: u64, at: DateTime<Utc>) -> Result<()> {
        // Only ever forward: a slower process's run does not take the position back.
        self.execute(
            "INSERT INTO search_readers (name, seq, seen) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET
                 seq = CASE WHEN excluded.seq > search_readers.seq
                     THEN excluded.seq ELSE search_readers.seq END,
                 seen = excluded.seen",
            params![READER, crate::search_log::seq(seq), at],
            "search reader",
        )
        .await
        .map(drop)
    }

    async fn add_pending(&mut self, pending: &[Pending]) -> Result<()> {
        for p in pending {
            self.execute(
                "INSERT INTO alert_pending (subscription_id, kind, record_id, seq)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (subscription_id, kind, record_id) DO NOTHING",
                params![
                    p.subscription,
                    witan_domain::Term::as_str(p.kind),
                    p.record,
                    p.seq as i64
                ],
                "alert",
            )
            .await?;
        }
        Ok(())
    }

    async fn take_pending(
        &mut self,
        frequency: Frequency,
    ) -> Result<Vec<(Subscriber, Subscription, Vec<Pending>)>> {
        let rows = self
            .fetch_all(
                format!(
                    "SELECT {SUBSCRIBER}, {SUBSCRIPTION}, a.kind AS record_kind, a.record_id, a.seq
                     FROM alert_pending a
                     JOIN subscriptions s ON s.id = a.subscription_id
                     JOIN subscribers p ON p.id = s.subscriber_id
                     WHERE s.frequency = $1 AND s.confirmed_at IS NOT NULL
                     ORDER BY p.id, s.id, a.seq, a.kind, a.record_id"
                ),
                params![witan_domain::Term::as_str(frequency)],
                "alert",
            )
            .await?;
        let mut taken: Vec<(Subscriber, Subscription, Vec<Pending>)> = Vec::new();
        for row in &rows {
            let follow = subscription(row)?;
            let change = Pending {
                subscription: follow.id,
                kind: decode::term::<SearchKind>(row, "record_kind")?,
                record: decode::int(row, "record_id")?,
                seq: decode::int(row, "seq")? as u64,
            };
            match taken.last_mut() {
                Some((_, last, changes)) if last.id == follow.id => changes.push(change),
                _ => taken.push((subscriber(row)?, follow, vec![change])),
            }
        }
        for (_, follow, _) in &taken {
            self.execute(
                "DELETE FROM alert_pending WHERE subscription_id = $1",
                params![follow.id],
                "alert",
            )
            .await?;
        }
        Ok(taken)
    }

    async fn alert_run(
        &mut self,
        frequency: Frequency,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let name = witan_domain::Term::as_str(frequency);
        let last = self
            .fetch_optional(
                "SELECT at FROM alert_runs WHERE frequency = $1",
                params![name],
                "alert run",
            )
            .await?
            .map(|row| decode::instant(&row, "at"))
            .transpose()?;
        self.execute(
            "INSERT INTO alert_runs (frequency, at) VALUES ($1, $2)
             ON CONFLICT (frequency) DO UPDATE SET at = excluded.at",
            params![name, at],
            "alert run",
        )
        .await?;
        Ok(last)
    }

    async fn queue_mail(&mut self, mail: &NewMail, at: DateTime<Utc>) -> Result<i64> {
        let row = self
            .fetch_one(
                "INSERT INTO outbox (subscriber_id, recipient, kind, subject, text_body, html_body,
                     manage_url, message_id, created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                params![
                    mail.subscriber,
                    mail.recipient.as_str(),
                    mail.kind.as_str(),
                    mail.subject.as_str(),
                    mail.text.as_str(),
                    mail.html.as_str(),
                    mail.manage_url.as_deref(),
                    mail.message_id.as_str(),
                    at
                ],
                "message",
            )
            .await?;
        decode::int(&row, "id")
    }

    async fn claim_mail(
        &mut self,
        at: DateTime<Utc>,
        due_by: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutgoingMail>> {
        let rows = self
            .fetch_all(
                "SELECT id, recipient, subject, text_body, html_body, manage_url, message_id,
                     created_at, attempts
                 FROM outbox
                 WHERE sent_at IS NULL AND next_attempt_at <= $2
                     AND (claimed_until IS NULL OR claimed_until <= $1)
                 ORDER BY next_attempt_at, id LIMIT $3",
                params![at, due_by, i64::from(limit)],
                "message",
            )
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = decode::int(row, "id")?;
            self.execute(
                "UPDATE outbox SET claimed_until = $1 WHERE id = $2",
                params![until, id],
                "message",
            )
            .await?;
            claimed.push(OutgoingMail {
                id,
                recipient: decode::string(row, "recipient")?,
                subject: decode::string(row, "subject")?,
                text: decode::string(row, "text_body")?,
                html: decode::string(row, "html_body")?,
                manage_url: row.opt_string("manage_url")?,
                message_id: decode::string(row, "message_id")?,
                created: decode::instant(row, "created_at")?,
                attempts: decode::int(row, "attempts")? as u32,
            });
        }
        Ok(claimed)
    }

    async fn mail_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE outbox SET sent_at = $1, claimed_until = NULL, attempts = attempts + 1,
                 last_error = NULL
             WHERE id = $2",
            params![at, id],
            "message",
        )
        .await
        .map(drop)
    }

    async fn mail_failed(&mut self, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        self.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                 claimed_until = NULL
             WHERE id = $3",
            params![error, retry_at, id],
            "message",
        )
        .await
        .map(drop)
    }
}
