//! `witan user add EMAIL --role ROLE`: creates a workspace account.

use crate::config::{Config, StoreArgs};
use anyhow::Context;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use witan_app::{Actor, Workspace};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an account. The password is read from the first line of standard input; when
    /// standard input is a terminal, a random one is made and printed once.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The account's email address: what its owner signs in with.
    pub email: String,
    /// admin, clerk, member or officer.
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// The organisation (its slug, as in the site's addresses) a clerk, member or officer works
    /// for. A clerk needs one.
    #[arg(long, value_name = "SLUG")]
    pub organisation: Option<String>,
    /// The name shown in the workspace (by default the email address).
    #[arg(long)]
    pub name: Option<String>,
}

pub async fn run(config_file: Option<&Path>, command: Command) -> anyhow::Result<()> {
    let Command::Add(args) = command;
    let config = Config::load(config_file, &args.store)?;
    let store = config.open_store().await?;
    let organisation = match &args.organisation {
        None => None,
        Some(slug) => {
            let organisations = store.organisations().await?;
            let found = organisations
                .iter()
                .find(|o| o.slug.as_str() == slug)
                .with_context(|| {
                    let known: Vec<&str> = organisations.iter().map(|o| o.slug.as_str()).collect();
                    format!(
                        "--organisation: there is no organisation \"{slug}\" (known: {})",
                        if known.is_empty() {
                            "none yet".to_owned()
                        } else {
                            known.join(", ")
                        }
                    )
                })?;
            Some(found.id)
        }
    };
    let user =
        witan_app::accounts::new_user(&args.email, args.name.as_deref(), &args.role, organisation)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (password, generated) = if std::io::stdin().is_terminal() {
        (
            witan_app::accounts::random_hex(12).map_err(|e| anyhow::anyhow!("{e}"))?,
            true,
        )
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    };
    let workspace = Workspace::new(store);
    workspace
        .add_user(&Actor::CommandLine, &user, &password, chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "added {} ({})",
        user.email,
        user.role.label().to_lowercase()
    );
    if generated {
        println!("password: {password}");
        println!("(shown once: give it to its owner, who can change it at /account/password)");
    }
    Ok(())
}
