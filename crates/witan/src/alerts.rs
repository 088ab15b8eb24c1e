//! Alerts by email: `witan alerts send`, the sending loop of `witan serve`, and the SMTP mailer
//! (lettre) that hands each message to the configured server.

use crate::config::{Config, Mail, StoreArgs};
use anyhow::Context;
use async_trait::async_trait;
use chrono::Utc;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use witan_app::following::{Mailer, Notifier};
use witan_domain::{Frequency, Term};
use witan_store::{OutgoingMail, Store};

/// How often `witan serve` looks for alerts to make and send.
const EVERY: Duration = Duration::from_secs(20);
/// How long one message may take to hand over.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make and send the alert emails that are due now.
    Send(SendArgs),
}

#[derive(Debug, clap::Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Make messages of this frequency now, whether due or not (by default: those due).
    #[arg(long, value_name = "immediate|daily|weekly")]
    pub frequency: Option<String>,
    /// Also try now the messages waiting for a later try (after the mail server was down).
    #[arg(long)]
    pub retry_now: bool,
}

pub async fn run(config_file: Option<&Path>, command: Command) -> anyhow::Result<()> {
    let Command::Send(args) = command;
    let config = Config::load(config_file, &args.store)?;
    let only = args
        .frequency
        .as_deref()
        .map(|f| Frequency::parse("--frequency", f))
        .transpose()?;
    let mail = config.mail.clone().context(
        "smtp_url and mail_from are not set (witan.toml, WITAN_SMTP_URL, WITAN_MAIL_FROM)",
    )?;
    let store = config.open_store().await?;
    let notifier = notifier(&config, store);
    let mailer = SmtpMailer::new(&mail)?;
    let run = notifier
        .run(&mailer, only, args.retry_now, Utc::now())
        .await?;
    println!(
        "alerts: {} changes read, {} kept for followers, {} messages made, {} sent, {} to try again",
        run.changes_read, run.changes_kept, run.messages_made, run.sent, run.failed
    );
    Ok(())
}

pub fn notifier(config: &Config, store: Arc<dyn Store>) -> Notifier {
    Notifier::new(
        store,
        witan_web::site_of(config.public_url.as_deref()),
        config.digest_time,
    )
}

/// The sending loop of `witan serve`: every [`EVERY`], what is due is made and sent. Several
/// processes on one database may each run it: every step claims its work under the store's
/// write lock, so nothing goes out twice.
pub fn spawn(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let Some(mail) = config.mail.clone() else {
        tracing::info!("smtp_url is not set: alerts are kept but not sent");
        return Ok(());
    };
    let mailer = SmtpMailer::new(&mail)?;
    let notifier = notifier(config, store);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match notifier.run(&mailer, None, false, Utc::now()).await {
                Ok(run) if run.sent + run.failed + run.messages_made > 0 => {
                    tracing::info!(?run, "alerts");
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "alerts could not be made or sent; trying again later")
                }
            }
        }
    });
    Ok(())
}

/// Hands messages to an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(mail: &Mail) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.smtp_url)
            .context("smtp_url: not a mail server address like smtp://127.0.0.1:2525")?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = mail
            .from
            .parse()
            .with_context(|| format!("mail_from: \"{}\" is not an email address", mail.from))?;
        Ok(Self { transport, from })
    }

    fn message(&self, mail: &OutgoingMail) -> Result<Message, String> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| format!("recipient {}: {e}", mail.recipient))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}>", mail.message_id)))
            .date(std::time::SystemTime::from(mail.created))
            .header(AutoSubmitted);
        if let Some(manage) = &mail.manage_url {
            builder = builder
                .header(ListUnsubscribe(format!("<{manage}/unsubscribe>")))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| e.to_string())
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        let message = self.message(mail)?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no out-of-office replies to alerts.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `List-Unsubscribe: <https://…/subscriptions/TOKEN/unsubscribe>`.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
