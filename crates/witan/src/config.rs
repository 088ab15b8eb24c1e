//! Configuration, layered: defaults, then a TOML file, then `WITAN_*` environment variables, then
//! command-line flags (clap reads the variables and flags together; the file fills what they
//! leave unset).

use anyhow::{Context, bail};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: IP addresses and
    /// CIDR ranges.
    trusted_proxies: Option<Vec<String>>,
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
    pub trusted_proxies: witan_web::TrustedProxies,
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
            trusted_proxies,
        })
    }

    /// The database URL, with any password replaced, for messages and logs.
    pub fn database_url_redacted(&self) -> String {
        match &self.database_url {
            None => format!("the SQLite database in {}", self.data.display()),
            Some(url) => redact(url),
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

/// A database URL with its user and password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
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
