//! Following by email: a resident follows a committee, an issue or a saved search, confirms
//! from the address, and is told what changed, at once or in a digest, until they stop.
//!
//! Three steps, each safe to run in several processes at once:
//! - [`Notifier::collect`] reads the store's change log past where the alerts last read and
//!   keeps each *public* change for the subscriptions it concerns (one unit of work: the
//!   position and the kept changes land together, under the write lock); a saved search is
//!   asked of the batch's public records, indexed in memory, as the search page would ask it;
//! - [`Notifier::compose`] takes the kept changes of a frequency that is due and turns them into
//!   one message per subscriber in the outbox (again one unit of work, so a change is told once);
//! - [`Notifier::deliver`] claims due messages, hands them to the [`Mailer`] and records the
//!   outcome, retrying later with back-off when the mail server is down.
//!
//! What a message says is read through [`PublicStore`] only, when the message is made: a record
//! the public may not see (exempt, on an unpublished agenda, or withheld since it changed) is
//! never in a message.

mod searches;

use crate::accounts::random_hex;
use crate::{Error, Result};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use witan_domain::{Email, FollowTarget, Frequency, SavedSearch, Term, escape_html};
use witan_search::SearchRequest;
use witan_store::{
    MailKind, NewMail, OutgoingMail, Pending, PublicStore, SearchDocument, SearchKind, Store,
    StoreError, Subscriber, Subscription,
};

/// Confirmation messages an address may be sent in a day, however many follows are asked.
pub const CONFIRMATIONS_PER_DAY: u32 = 3;
/// Follow requests one client may make in [`CLIENT_WINDOW_MINUTES`].
pub const FOLLOWS_PER_CLIENT: usize = 10;
pub const CLIENT_WINDOW_MINUTES: i64 = 10;
/// Changes read from the log per collection.
const CHANGES_PER_RUN: u32 = 2000;
/// Messages claimed per delivery round, and how long a claim keeps other senders off.
const MESSAGES_PER_ROUND: u32 = 50;
const CLAIM_MINUTES: i64 = 5;
/// The longest wait between tries of a message.
const MAX_RETRY_MINUTES: i64 = 6 * 60;

/// Hands a message to a mail server.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one message; the error's words are kept with the message for the next try.
    async fn send(&self, mail: &OutgoingMail) -> std::result::Result<(), String>;
}

/// Where the site is, for links in messages: `public_url` without its trailing slash.
#[derive(Debug, Clone)]
pub struct Site {
    pub url: String,
    pub name: String,
}

impl Site {
    pub fn new(url: &str, name: &str) -> Self {
        Self {
            url: url.trim_end_matches('/').to_owned(),
            name: name.to_owned(),
        }
    }

    fn host(&self) -> &str {
        let rest = self.url.split("://").nth(1).unwrap_or(&self.url);
        let host = rest.split(['/', ':']).next().unwrap_or("witan.invalid");
        if host.is_empty() {
            "witan.invalid"
        } else {
            host
        }
    }

    fn message_id(&self) -> Result<String> {
        Ok(format!("{}@{}", random_hex(16)?, self.host()))
    }

    pub fn manage_url(&self, token: &str) -> String {
        format!("{}/subscriptions/{token}", self.url)
    }
}

/// The follow requests of recent clients, to hold each to [`FOLLOWS_PER_CLIENT`]. Kept in
/// memory, bounded; the per-address limit, kept in the store, is the one every process shares.
#[derive(Debug, Default)]
pub struct ClientLimit {
    seen: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl ClientLimit {
    const MAX_CLIENTS: usize = 10_000;

    /// Whether `client` may ask now, counting this request if so.
    pub fn allow(&self, client: &str, now: DateTime<Utc>) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let cutoff = now - Duration::minutes(CLIENT_WINDOW_MINUTES);
        if seen.len() >= Self::MAX_CLIENTS {
            seen.retain(|_, times| times.back().is_some_and(|t| *t > cutoff));
            if seen.len() >= Self::MAX_CLIENTS {
                return false;
            }
        }
        let times = seen.entry(client.to_owned()).or_default();
        while times.front().is_some_and(|t| *t <= cutoff) {
            times.pop_front();
        }
        if times.len() >= FOLLOWS_PER_CLIENT {
            return false;
        }
        times.push_back(now);
        true
    }
}

/// The use cases of following, over one store.
#[derive(Debug, Clone)]
pub struct Following {
    store: Arc<dyn Store>,
    public: PublicStore,
    site: Site,
    clients: Arc<ClientLimit>,
}

/// What a subscriber's management page shows.
#[derive(Debug, Clone)]
pub struct Held {
    pub subscriber: Subscriber,
    pub follows: Vec<Subscription>,
}

impl Following {
    pub fn new(store: Arc<dyn Store>, site: Site) -> Self {
        Self {
            public: PublicStore::new(Arc::clone(&store)),
            store,
            site,
            clients: Arc::default(),
        }
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    /// What `target` is called, if the public may see it: a committee's name, an issue's title,
    /// a search's words and filters. A saved search comes back in its one kept form
    /// ([`SearchRequest::to_query`]), so the same search asked in another order is one follow.
    async fn named(&self, target: &FollowTarget) -> Result<(FollowTarget, String)> {
        Ok(match target {
            FollowTarget::Committee(id) => (
                target.clone(),
                self.public.committee(*id).await?.name.to_string(),
            ),
            FollowTarget::Issue(id) => (
                target.clone(),
                self.public.issue_record(*id).await?.issue.title.to_string(),
            ),
            FollowTarget::Search(search) => {
                let asked = SearchRequest::from_query(search.as_str())?;
                if asked.is_empty() {
                    return Err(witan_domain::ValidationError::new(
                        "search",
                        "a saved search needs words or a filter",
                    )
                    .into());
                }
                let kept = SavedSearch::parse("search", &asked.to_query())?;
                (FollowTarget::Search(kept), asked.describe())
            }
        })
    }

    /// Asks to follow `target` from `email`. The answer is the same whether the address is new,
    /// waiting for confirmation or already following it, so the form tells nobody who follows
    /// what; only the address's owner learns more, from the confirmation message, which is sent
    /// for a follow not yet confirmed and at most [`CONFIRMATIONS_PER_DAY`] times a day.
    pub async fn follow(
        &self,
        email: &str,
        target: &FollowTarget,
        frequency: Frequency,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let email = Email::parse("email", email)?;
        let (target, label) = self.named(target).await?;
        if !self.clients.allow(client, now) {
            return Err(Error::TooManyRequests {
                seconds: CLIENT_WINDOW_MINUTES * 60,
            });
        }
        let mut w = self.store.begin().await?;
        let (subscriber, _) = w.subscriber_for(&email, &random_hex(32)?, now).await?;
        let (subscription, confirmed) = w
            .follow(subscriber.id, &target, &label, frequency, now)
            .await?;
        if !confirmed
            && w.mail_queued_to(&email, MailKind::Confirm, now - Duration::days(1))
                .await?
                < CONFIRMATIONS_PER_DAY
        {
            let mail = self.confirmation(&subscriber, subscription, &label, frequency)?;
            w.queue_mail(&mail, now).await?;
        }
        w.commit().await?;
        Ok(())
    }

    fn confirmation(
        &self,
        subscriber: &Subscriber,
        subscription: i64,
        label: &str,
        frequency: Frequency,
    ) -> Result<NewMail> {
        let link = format!(
            "{}/confirm/{subscription}",
            self.site.manage_url(&subscriber.token)
        );
        let text = format!(
            "Someone, we hope you, asked {site} to email {email} with {frequency} when {label} changes.\n\n\
             To start, confirm here:\n{link}\n\n\
             If it was not you, ignore this message: nothing more will be sent for it.\n",
            site = self.site.name,
            email = subscriber.email.as_str(),
            frequency = frequency.label(),
        );
        let html = format!(
            "<p>Someone, we hope you, asked {site} to email {email} with {frequency} when {label} changes.</p>\
             <p><a href=\"{link}\">Confirm and start</a></p>\
             <p>If it was not you, ignore this message: nothing more will be sent for it.</p>",
            site = escape_html(&self.site.name),
            email = escape_html(subscriber.email.as_str()),
            frequency = frequency.label(),
            label = escape_html(label),
            link = escape_html(&link),
        );
        Ok(NewMail {
            subscriber: subscriber.id,
            recipient: subscriber.email.clone(),
            kind: MailKind::Confirm,
            subject: format!("Confirm: follow {label}"),
            text,
            html,
            manage_url: None,
            message_id: self.site.message_id()?,
        })
    }

    /// The subscriber a management link's token belongs to, with what it follows.
    pub async fn held(&self, token: &str) -> Result<Held> {
        match self.store.subscriber(token).await? {
            Some((subscriber, follows)) => Ok(Held {
                subscriber,
                follows,
            }),
            None => Err(StoreError::not_found("subscription", "this link").into()),
        }
    }

    /// Confirms a follow from its confirmation link.
    pub async fn confirm(&self, token: &str, subscription: i64, now: DateTime<Utc>) -> Result<()> {
        let held = self.held(token).await?;
        let mut w = self.store.begin().await?;
        if !w.confirm(held.subscriber.id, subscription, now).await? {
            return Err(StoreError::not_found("subscription", subscription).into());
        }
        w.commit().await?;
        Ok(())
    }

    pub async fn set_frequency(
        &self,
        token: &str,
        subscription: i64,
        frequency: Frequency,
    ) -> Result<()> {
        let held = self.held(token).await?;
        let mut w = self.store.begin().await?;
        w.set_frequency(held.subscriber.id, subscription, frequency)
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Stops one follow, or every follow (`None`): the one-click unsubscribe.
    pub async fn stop(&self, token: &str, subscription: Option<i64>) -> Result<()> {
        let held = self.held(token).await?;
        let mut w = self.store.begin().await?;
        w.unfollow(held.subscriber.id, subscription).await?;
        w.commit().await?;
        Ok(())
    }

    /// Deletes the address and everything held about it.
    pub async fn forget(&self, token: &str) -> Result<()> {
        let held = self.held(token).await?;
        let mut w = self.store.begin().await?;
        w.forget_subscriber(held.subscriber.id).await?;
        w.commit().await?;
        Ok(())
    }
}

/// A follow and the changes to tell of it.
type Told = (Subscription, Vec<Pending>);

/// Collects, composes and delivers alerts.
#[derive(Debug, Clone)]
pub struct Notifier {
    store: Arc<dyn Store>,
    public: PublicStore,
    site: Site,
    /// When digests are made, in London.
    pub digest_time: NaiveTime,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Run {
    pub changes_read: u64,
    pub changes_kept: u64,
    pub messages_made: u64,
    pub sent: u64,
    pub failed: u64,
}

impl Notifier {
    pub fn new(store: Arc<dyn Store>, site: Site, digest_time: NaiveTime) -> Self {
        Self {
            public: PublicStore::new(Arc::clone(&store)),
            store,
            site,
            digest_time,
        }
    }

    /// Everything due at `now`: collect, compose each due frequency (or only `only`), deliver.
    pub async fn run(
        &self,
        mailer: &dyn Mailer,
        only: Option<Frequency>,
        retry_now: bool,
        now: DateTime<Utc>,
    ) -> Result<Run> {
        let mut run = Run::default();
        loop {
            let (read, kept) = self.collect(now).await?;
            run.changes_read += read;
            run.changes_kept += kept;
            if read < u64::from(CHANGES_PER_RUN) {
                break;
            }
        }
        for frequency in Frequency::ALL.iter().copied() {
            let asked = only == Some(frequency);
            if only.is_some() && !asked {
                continue;
            }
            run.messages_made += self.compose(frequency, asked, now).await?;
        }
        let (sent, failed) = self.deliver(mailer, retry_now, now).await?;
        run.sent = sent;
        run.failed = failed;
        Ok(run)
    }

    /// Reads the change log past the alerts' position and keeps each public change for the
    /// confirmed follows it concerns. Returns (changes read, changes kept).
    pub async fn collect(&self, now: DateTime<Utc>) -> Result<(u64, u64)> {
        let mut w = self.store.begin().await?;
        let Some(from) = w.alerts_read_to().await? else {
            // The first run starts from now: history is not news.
            let latest = self.store.last_search_change().await?;
            w.set_alerts_read_to(latest, now).await?;
            w.commit().await?;
            return Ok((0, 0));
        };
        let floor = self.store.search_log_floor().await?;
        let from = if from < floor {
            tracing::warn!(
                from,
                floor,
                "alerts were away longer than the change log is kept; changes in between are not told"
            );
            floor
        } else {
            from
        };
        let changes = self.store.search_changes(from, CHANGES_PER_RUN).await?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            w.set_alerts_read_to(from, now).await?;
            w.commit().await?;
            return Ok((0, 0));
        };
        let mut latest: BTreeMap<(SearchKind, i64), u64> = BTreeMap::new();
        for change in &changes {
            latest.insert((change.kind, change.id), change.seq);
        }
        let mut pending = Vec::new();
        let mut changed = Vec::new();
        for kind in SearchKind::ALL.iter().copied() {
            let ids: Vec<i64> = latest
                .keys()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let documents = self.public.public_search_documents(kind, &ids).await?;
            let targets: Vec<FollowTarget> = documents.iter().flat_map(targets_of).collect();
            if !targets.is_empty() {
                let follows = self.store.followers_of(&targets).await?;
                for document in &documents {
                    let seq = latest[&(kind, document.id)];
                    let concerns = targets_of(document);
                    for follow in follows.iter().filter(|f| concerns.contains(&f.target)) {
                        pending.push(Pending {
                            subscription: follow.id,
                            kind,
                            record: document.id,
                            seq,
                        });
                    }
                }
            }
            changed.extend(documents.into_iter().map(|d| {
                let seq = latest[&(kind, d.id)];
                (d, seq)
            }));
        }
        pending.extend(searches::pending(self.store.as_ref(), changed).await?);
        w.add_pending(&pending).await?;
        w.set_alerts_read_to(last, now).await?;
        w.commit().await?;
        Ok((changes.len() as u64, pending.len() as u64))
    }

    /// Whether messages of `frequency` are due at `now`, given when they were last made.
    pub fn due(
        &self,
        frequency: Frequency,
        last: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> bool {
        due(self.digest_time, frequency, last, now)
    }

    /// Turns the kept changes of `frequency` into messages, if due (or `forced`). Returns how
    /// many messages were made.
    pub async fn compose(
        &self,
        frequency: Frequency,
        forced: bool,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut w = self.store.begin().await?;
        let last = w.alert_run(frequency, now).await?;
        if !forced && !self.due(frequency, last, now) {
            // Not due: the run's time is put back by not committing.
            drop(w);
            return Ok(0);
        }
        let taken = w.take_pending(frequency).await?;
        let mut by_subscriber: BTreeMap<i64, (Subscriber, Vec<Told>)> = BTreeMap::new();
        for (subscriber, follow, changes) in taken {
            by_subscriber
                .entry(subscriber.id)
                .or_insert_with(|| (subscriber, Vec::new()))
                .1
                .push((follow, changes));
        }
        let mut made = 0;
        for (subscriber, follows) in by_subscriber.into_values() {
            if let Some(mail) = self.message(&subscriber, &follows, frequency).await? {
                w.queue_mail(&mail, now).await?;
                made += 1;
            }
        }
        w.commit().await?;
        Ok(made)
    }

    /// One subscriber's message: per follow, what changed, grouped by meeting and issue. None if
    /// nothing told is public any longer.
    async fn message(
        &self,
        subscriber: &Subscriber,
        follows: &[Told],
        frequency: Frequency,
    ) -> Result<Option<NewMail>> {
        let mut text = String::new();
        let mut html = String::new();
        let mut told = 0;
        for (follow, changes) in follows {
            let mut documents: Vec<SearchDocument> = Vec::new();
            for kind in SearchKind::ALL.iter().copied() {
                let ids: Vec<i64> = changes
                    .iter()
                    .filter(|c| c.kind == kind)
                    .map(|c| c.record)
                    .collect();
                if !ids.is_empty() {
                    documents.extend(self.public.public_search_documents(kind, &ids).await?);
                }
            }
            if documents.is_empty() {
                continue;
            }
            documents.sort_by_key(|d| (d.meeting, d.issue, d.kind, d.id));
            text.push_str(&format!("{}\n", follow.label));
            html.push_str(&format!("<h2>{}</h2><ul>", escape_html(&follow.label)));
            for d in &documents {
                let link = self.link(d);
                let when = d
                    .date
                    .map(|date| format!(" ({})", witan_domain::time::uk_date(date)))
                    .unwrap_or_default();
                let committee = d
                    .committee
                    .as_ref()
                    .map(|c| format!(", {}", c.name))
                    .unwrap_or_default();
                let what = kind_words(d.kind);
                text.push_str(&format!(
                    "- {what}: {}{committee}{when}\n  {link}\n",
                    d.title
                ));
                html.push_str(&format!(
                    "<li>{what}: <a href=\"{}\">{}</a>{}{}</li>",
                    escape_html(&link),
                    escape_html(&d.title),
                    escape_html(&committee),
                    escape_html(&when)
                ));
                told += 1;
            }
            text.push('\n');
            html.push_str("</ul>");
        }
        if told == 0 {
            return Ok(None);
        }
        let manage = self.site.manage_url(&subscriber.token);
        text.push_str(&format!(
            "You follow these on {site} ({frequency}). Change or stop: {manage}\n",
            site = self.site.name,
            frequency = frequency.label()
        ));
        html.push_str(&format!(
            "<p>You follow these on {site} ({frequency}). <a href=\"{manage}\">Change or stop</a></p>",
            site = escape_html(&self.site.name),
            frequency = frequency.label(),
            manage = escape_html(&manage)
        ));
        let (kind, subject) = match frequency {
            Frequency::Immediate => (
                MailKind::Alert,
                format!("{}: {told} new", follows_words(follows)),
            ),
            Frequency::Daily => (
                MailKind::Digest,
                format!("Your daily digest: {told} changes"),
            ),
            Frequency::Weekly => (
                MailKind::Digest,
                format!("Your weekly digest: {told} changes"),
            ),
        };
        Ok(Some(NewMail {
            subscriber: subscriber.id,
            recipient: subscriber.email.clone(),
            kind,
            subject,
            text,
            html: format!("<!DOCTYPE html><html lang=\"en-GB\"><body>{html}</body></html>"),
            manage_url: Some(manage),
            message_id: self.site.message_id()?,
        }))
    }

    fn link(&self, d: &SearchDocument) -> String {
        let path = match (d.kind, d.meeting, d.issue) {
            (SearchKind::Issue, _, _) => format!("/issues/{}", d.id),
            (_, Some(meeting), _) => format!("/meetings/{}", meeting.get()),
            (_, None, Some(issue)) => format!("/issues/{}", issue.get()),
            (SearchKind::Document, None, None) => format!("/documents/{}", d.id),
            _ => "/".to_owned(),
        };
        format!("{}{path}", self.site.url)
    }

    /// Claims the messages due and hands them to `mailer`: those due by `now`, or with
    /// `retry_now` also those waiting for a later try (the mail server is back). Returns (sent,
    /// failed).
    pub async fn deliver(
        &self,
        mailer: &dyn Mailer,
        retry_now: bool,
        now: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let (mut sent, mut failed) = (0, 0);
        let due_by = if retry_now {
            now + Duration::minutes(MAX_RETRY_MINUTES + 1)
        } else {
            now
        };
        loop {
            let mut w = self.store.begin().await?;
            let claimed = w
                .claim_mail(
                    now,
                    due_by,
                    now + Duration::minutes(CLAIM_MINUTES),
                    MESSAGES_PER_ROUND,
                )
                .await?;
            w.commit().await?;
            if claimed.is_empty() {
                break;
            }
            let round = claimed.len();
            for mail in claimed {
                let outcome = mailer.send(&mail).await;
                let mut w = self.store.begin().await?;
                match outcome {
                    Ok(()) => {
                        w.mail_sent(mail.id, Utc::now()).await?;
                        sent += 1;
                    }
                    Err(error) => {
                        let wait = retry_minutes(mail.attempts);
                        tracing::warn!(message = mail.id, %error, wait, "a message could not be sent; it will be tried again");
                        w.mail_failed(mail.id, &error, now + Duration::minutes(wait))
                            .await?;
                        failed += 1;
                    }
                }
                w.commit().await?;
            }
            if round < MESSAGES_PER_ROUND as usize || failed > 0 {
                break;
            }
        }
        Ok((sent, failed))
    }
}

/// Whether messages of `frequency` are due at `now`: at once as it happens; a daily digest once
/// `digest_time` (London time) has passed today and none was made since; a weekly one the same,
/// from Monday.
fn due(
    digest_time: NaiveTime,
    frequency: Frequency,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let today = witan_domain::time::london_date(now);
    let day = match frequency {
        Frequency::Immediate => return true,
        Frequency::Daily => today,
        Frequency::Weekly => {
            today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        }
    };
    let Ok(at) = witan_domain::time::london_to_utc("digest_time", day.and_time(digest_time)) else {
        return false;
    };
    now >= at && last.is_none_or(|l| l < at)
}

/// Minutes before the next try of a message tried `attempts` times: 1, 2, 4 … at most 6 hours.
fn retry_minutes(attempts: u32) -> i64 {
    (1i64 << attempts.min(16)).min(MAX_RETRY_MINUTES)
}

/// The follows a searchable record concerns: its committee and its issue.
fn targets_of(d: &SearchDocument) -> Vec<FollowTarget> {
    let mut targets = Vec::new();
    if let Some(c) = &d.committee {
        targets.push(FollowTarget::Committee(c.id));
    }
    match (d.kind, d.issue) {
        (SearchKind::Issue, _) => {
            targets.push(FollowTarget::Issue(witan_domain::IssueId::new(d.id)))
        }
        (_, Some(issue)) => targets.push(FollowTarget::Issue(issue)),
        _ => {}
    }
    targets
}

fn kind_words(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Item => "Agenda item",
        SearchKind::Issue => "Issue",
        SearchKind::Decision => "Decision",
        SearchKind::Action => "Action",
        SearchKind::Document => "Document",
    }
}

fn follows_words(follows: &[Told]) -> String {
    match follows {
        [(one, _)] => one.label.clone(),
        _ => format!("{} things you follow", follows.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_due_once_a_day_or_week_after_the_digest_time_in_london() {
        let seven = NaiveTime::from_hms_opt(7, 0, 0).expect("time");
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("instant");
        // Tuesday 7 July 2026: London is on BST, so 07:00 there is 06:00 UTC.
        let (before, after) = (at("2026-07-07T05:59:00Z"), at("2026-07-07T06:01:00Z"));
        assert!(!due(seven, Frequency::Daily, None, before));
        assert!(due(seven, Frequency::Daily, None, after));
        assert!(
            !due(
                seven,
                Frequency::Daily,
                Some(after),
                at("2026-07-07T20:00:00Z")
            ),
            "one a day"
        );
        assert!(due(
            seven,
            Frequency::Daily,
            Some(after),
            at("2026-07-08T06:00:00Z")
        ));
        // In winter London is on GMT: 07:00 is 07:00 UTC.
        assert!(!due(
            seven,
            Frequency::Daily,
            None,
            at("2026-12-08T06:30:00Z")
        ));
        assert!(due(
            seven,
            Frequency::Daily,
            None,
            at("2026-12-08T07:00:00Z")
        ));
        // Weekly: from Monday's digest time, once, whatever day the run comes.
        let monday = at("2026-07-06T06:00:00Z");
        assert!(
            due(seven, Frequency::Weekly, None, after),
            "not made this week yet"
        );
        assert!(
            !due(seven, Frequency::Weekly, Some(monday), after),
            "made on Monday"
        );
        assert!(due(
            seven,
            Frequency::Weekly,
            Some(monday),
            at("2026-07-13T06:00:00Z")
        ));
        assert!(due(seven, Frequency::Immediate, Some(after), after));
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(retry_minutes(0), 1);
        assert_eq!(retry_minutes(3), 8);
        assert_eq!(retry_minutes(40), MAX_RETRY_MINUTES);
    }

    #[test]
    fn a_client_is_held_to_its_budget() {
        let limit = ClientLimit::default();
        let now = Utc::now();
        for _ in 0..FOLLOWS_PER_CLIENT {
            assert!(limit.allow("192.0.2.1", now));
        }
        assert!(!limit.allow("192.0.2.1", now));
        assert!(limit.allow("192.0.2.2", now));
        assert!(limit.allow(
            "192.0.2.1",
            now + Duration::minutes(CLIENT_WINDOW_MINUTES + 1)
        ));
    }
}
