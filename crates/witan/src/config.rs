//! Configuration, layered: defaults, then a TOML file, then `WITAN_*` environment variables, then
//! command-line flags (clap reads the variables and flags together; the file fills what they
//! leave unset).

use anyhow::{Context, bail};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use witan_store::Store;

pub const DEFAULT_DATA: &str = "./witan-data";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Where the store is: flags shared by every command that opens it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArgs {
    /// The data folder: the SQLite database and the search index live here.
    #[arg(long, env = "WITAN_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// A database URL (sqlite://PATH or postgres://USER@HOST/DB); by default the SQLite file in
    /// the data folder.
    #[arg(
        long,
        env = "WITAN_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The search index folder (default DATA/search). Every process sharing a database keeps its
    /// own index, so processes that share a data folder need one each.
    #[arg(long, env = "WITAN_SEARCH_INDEX", value_name = "DIR")]
    pub search_index: Option<PathBuf>,
}

/// The limits of `witan serve` a deployment may set, as flags or `WITAN_*` variables; the same
/// names in witan.toml fill what they leave unset.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LimitArgs {
    /// Connections open at once (default 512); more wait to be accepted.
    #[arg(long, env = "WITAN_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Requests handled at once (default 64); more are answered 503 with Retry-After at once.
    #[arg(long, env = "WITAN_MAX_CONCURRENT_REQUESTS", value_name = "N")]
    pub max_concurrent_requests: Option<usize>,
    /// Seconds a request may take until its answer begins, an upload included (default 60).
    #[arg(long, env = "WITAN_REQUEST_TIMEOUT_SECS", value_name = "SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Seconds a client has to send a request's header, and an idle connection stays open
    /// (default 10).
    #[arg(long, env = "WITAN_HEADER_READ_TIMEOUT_SECS", value_name = "SECS")]
    pub header_read_timeout_secs: Option<u64>,
    /// Send Strict-Transport-Security (default: when public_url is https).
    #[arg(long, env = "WITAN_HSTS", value_name = "BOOL")]
    pub hsts: Option<bool>,
}

/// The resolved limits of `witan serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    /// The limits on requests and the headers, which the router applies.
    pub edge: witan_web::EdgeSettings,
}

/// The settings a witan.toml file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data: Option<PathBuf>,
    bind: Option<String>,
    database_url: Option<String>,
    search_index: Option<PathBuf>,
    /// Working days after a key decision during which it can be called in (default 5).
    call_in_working_days: Option<u32>,
    /// Mark session cookies `Secure` even when the proxy does not say the request came over TLS.
    secure_cookies: Option<bool>,
    /// The site's public address (https://meetings.example.gov.uk), used in open data ids.
    public_url: Option<String>,
    max_connections: Option<usize>,
    max_concurrent_requests: Option<usize>,
    request_timeout_secs: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    hsts: Option<bool>,
    /// The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: IP addresses and
    /// CIDR ranges.
    trusted_proxies: Option<Vec<String>>,
    /// The mail server alerts go through: smtp://host:port, smtps://user:pass@host, or
    /// smtp://host?tls=required for STARTTLS. Without it no alert is sent (they wait).
    smtp_url: Option<String>,
    /// The From address of alerts: "Meetings <meetings@example.gov.uk>".
    mail_from: Option<String>,
    /// When daily and weekly digests are made, in London: "07:00".
    digest_time: Option<String>,
}

/// Where alerts are sent through.
#[derive(Clone)]
pub struct Mail {
    pub smtp_url: String,
    pub from: String,
}

impl fmt::Debug for Mail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mail")
            .field(
                "smtp_url",
                &witan_store::database_url::redact(&self.smtp_url),
            )
            .field("from", &self.from)
            .finish()
    }
}

/// The resolved settings.
pub struct Config {
    pub data: PathBuf,
    pub search_index: PathBuf,
    pub bind: SocketAddr,
    database_url: Option<String>,
    pub call_in_working_days: u32,
    pub secure_cookies: bool,
    pub public_url: Option<String>,
    /// The limits witan.toml sets; `limits` lays flags and variables over them.
    file_limits: LimitArgs,
    pub trusted_proxies: witan_web::TrustedProxies,
    /// The mail server and From address of alerts, if set.
    pub mail: Option<Mail>,
    /// When digests are made, in London.
    pub digest_time: chrono::NaiveTime,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data", &self.data)
            .field("search_index", &self.search_index)
            .field("bind", &self.bind)
            .field("database_url", &self.database_url_redacted())
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

impl Config {
    pub fn load(file: Option<&Path>, store: &StoreArgs) -> anyhow::Result<Self> {
        Self::load_with_bind(file, store, None)
    }

    pub fn load_with_bind(
        file: Option<&Path>,
        store: &StoreArgs,
        bind: Option<&str>,
    ) -> anyhow::Result<Self> {
        let from_file = read_file(file)?;
        let data = store
            .data
            .clone()
            .or(from_file.data)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
        let bind_text = bind
            .map(str::to_owned)
            .or(from_file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_text.parse().with_context(|| {
            format!("bind: \"{bind_text}\" is not an address like 127.0.0.1:8080")
        })?;
        let database_url = store
            .database_url
            .clone()
            .or(from_file.database_url)
            .filter(|u| !u.is_empty());
        let call_in_working_days = from_file.call_in_working_days.unwrap_or(5);
        if call_in_working_days > 30 {
            bail!(
                "call_in_working_days: {call_in_working_days} is more than 30 working days; call-in periods are usually 3 to 10"
            );
        }
        let search_index = store
            .search_index
            .clone()
            .or(from_file.search_index)
            .unwrap_or_else(|| data.join("search"));
        let trusted_proxies = trusted_proxies(
            std::env::var("WITAN_TRUSTED_PROXIES").ok().as_deref(),
            from_file.trusted_proxies,
        )?;
        Ok(Self {
            data,
            search_index,
            bind,
            database_url,
            call_in_working_days,
            secure_cookies: from_file.secure_cookies.unwrap_or(false),
            public_url: from_file
                .public_url
                .map(|u| check_public_url(&u))
                .transpose()?,
            file_limits: LimitArgs {
                max_connections: from_file.max_connections,
                max_concurrent_requests: from_file.max_concurrent_requests,
                request_timeout_secs: from_file.request_timeout_secs,
                header_read_timeout_secs: from_file.header_read_timeout_secs,
                hsts: from_file.hsts,
            },
            trusted_proxies,
            mail: mail(
                std::env::var("WITAN_SMTP_URL").ok().or(from_file.smtp_url),
                std::env::var("WITAN_MAIL_FROM")
                    .ok()
                    .or(from_file.mail_from),
            )?,
            digest_time: match from_file.digest_time {
                None => chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
                Some(t) => chrono::NaiveTime::parse_from_str(&t, "%H:%M")
                    .with_context(|| format!("digest_time: \"{t}\" is not a time like 07:00"))?,
            },
        })
    }

    /// The limits of `witan serve`: `args` (flags and `WITAN_*`), then witan.toml, then the
    /// defaults. A zero or an absurd value is refused with the setting's name.
    pub fn limits(&self, args: &LimitArgs) -> anyhow::Result<Limits> {
        let file = &self.file_limits;
        let max_connections = within(
            "max_connections",
            args.max_connections.or(file.max_connections).unwrap_or(512),
            1,
            100_000,
        )?;
        let max_concurrent_requests = within(
            "max_concurrent_requests",
            args.max_concurrent_requests
                .or(file.max_concurrent_requests)
                .unwrap_or(64),
            1,
            100_000,
        )?;
        let request_timeout = within(
            "request_timeout_secs",
            args.request_timeout_secs
                .or(file.request_timeout_secs)
                .unwrap_or(60),
            1,
            3600,
        )?;
        let header_read_timeout = within(
            "header_read_timeout_secs",
            args.header_read_timeout_secs
                .or(file.header_read_timeout_secs)
                .unwrap_or(10),
            1,
            3600,
        )?;
        // witan speaks plain HTTP behind a proxy that ends TLS; an https public address says
        // every reader arrives over TLS, and a deployment can say so (or not) itself.
        let hsts = args.hsts.or(file.hsts).unwrap_or_else(|| {
            self.public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://"))
        });
        Ok(Limits {
            max_connections,
            header_read_timeout: Duration::from_secs(header_read_timeout),
            edge: witan_web::EdgeSettings {
                max_concurrent_requests,
                request_timeout: Duration::from_secs(request_timeout),
                hsts,
            },
        })
    }

    /// The database URL, with its password and secret parameters replaced, for messages and logs.
    pub fn database_url_redacted(&self) -> String {
        match &self.database_url {
            None => format!("the SQLite database in {}", self.data.display()),
            Some(url) => witan_store::database_url::redact(url),
        }
    }

    /// Whether other processes may share the database (PostgreSQL): then nothing read from it
    /// may be trusted for long.
    pub fn shared_database(&self) -> bool {
        self.database_url.as_deref().is_some_and(|url| {
            witan_store::Backend::of(url).ok() == Some(witan_store::Backend::Postgres)
        })
    }

    /// Makes sure the data folder exists and can be written, then opens and migrates the store.
    pub async fn open_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => {
                ensure_writable(&self.data)?;
                format!("sqlite://{}", self.data.join("witan.db").display())
            }
        };
        witan_store::open(&url)
            .await
            .with_context(|| format!("cannot open {}", self.database_url_redacted()))
    }
}

/// `value` when it lies within `low..=high`, otherwise an error naming the setting.
fn within<T>(name: &str, value: T, low: T, high: T) -> anyhow::Result<T>
where
    T: PartialOrd + fmt::Display + Copy,
{
    if value < low || value > high {
        bail!("{name}: {value} is not from {low} to {high}");
    }
    Ok(value)
}

/// The trusted proxies: `WITAN_TRUSTED_PROXIES` (addresses and ranges separated by commas or
/// spaces) if set, else `trusted_proxies` of the file, else none. An error names the setting and
/// the entry.
fn trusted_proxies(
    from_env: Option<&str>,
    from_file: Option<Vec<String>>,
) -> anyhow::Result<witan_web::TrustedProxies> {
    let (setting, entries) = match from_env {
        Some(list) => (
            "WITAN_TRUSTED_PROXIES",
            list.split([',', ' '])
                .filter(|e| !e.trim().is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        None => ("trusted_proxies", from_file.unwrap_or_default()),
    };
    witan_web::TrustedProxies::parse(&entries).map_err(|e| anyhow::anyhow!("{setting}: {e}"))
}

/// An absolute http(s) address without a path, query or trailing slash.
pub fn check_public_url(raw: &str) -> anyhow::Result<String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
            Ok(url.to_owned())
        }
        _ => bail!("public_url: \"{raw}\" is not an address like https://meetings.example.gov.uk"),
    }
}

fn read_file(file: Option<&Path>) -> anyhow::Result<FileConfig> {
    let (path, required) = match file {
        Some(path) => (path.to_path_buf(), true),
        None => (PathBuf::from("witan.toml"), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(FileConfig::default());
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the configuration file {}", path.display()));
        }
    };
    toml::from_str(&text)
        .with_context(|| format!("{}: not a valid witan configuration", path.display()))
}

fn ensure_writable(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    let probe = dir.join(".witan-write-check");
    if let Err(e) = std::fs::write(&probe, b"ok") {
        bail!("cannot write to the data folder {}: {e}", dir.display());
    }
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// The mail settings: both or neither.
fn mail(smtp_url: Option<String>, from: Option<String>) -> anyhow::Result<Option<Mail>> {
    let smtp_url = smtp_url.filter(|u| !u.is_empty());
    let from = from.filter(|f| !f.is_empty());
    match (smtp_url, from) {
        (None, None) => Ok(None),
        (Some(url), Some(from)) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("smtp_url: it must start with smtp:// or smtps://");
            }
            Ok(Some(Mail {
                smtp_url: url,
                from,
            }))
        }
        (Some(_), None) => bail!("mail_from: set it with smtp_url, the address alerts come from"),
        (None, Some(_)) => bail!("smtp_url: set it with mail_from, the server alerts go through"),
    }
}
