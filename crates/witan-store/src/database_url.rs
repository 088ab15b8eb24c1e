//! Database URLs as witan shows them and as it hands them to the driver.
//!
//! A URL can carry secrets in two places: the password of its user information
//! (`postgres://witan:secret@db/witan`) and query parameters (`?password=secret`,
//! `?sslpassword=secret`). [`redact`] is the one function that hides them before a URL is
//! printed, logged or put into an error message. It reads the URL with the `url` crate, the
//! parser the database driver itself uses, so what the driver takes for a password is what is
//! hidden; a URL that parser cannot read is shown only by its scheme.

use url::Url;

/// What a hidden secret reads as.
const HIDDEN: &str = "redacted";

/// Query parameters whose values are secret or name where a secret is kept. Matched as parts
/// of the parameter's name, case-insensitively: `password`, `sslpassword`, `passfile`,
/// `sslkey`, `token`, `secret` …
const SECRET_PARAMETERS: [&str; 4] = ["pass", "secret", "token", "key"];

fn secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMETERS.iter().any(|part| name.contains(part))
}

/// The URL with its password and secret query parameters replaced by "redacted", for messages
/// and logs. A URL without secrets comes back as given; one that cannot be read comes back as
/// its scheme and "://…" only, since where its secrets lie cannot be told.
pub fn redact(raw: &str) -> String {
    let unreadable = || {
        let scheme = raw.split_once(':').map(|(s, _)| s).unwrap_or_default();
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            format!("{scheme}://…")
        } else {
            "…".to_owned()
        }
    };
    let Ok(mut url) = Url::parse(raw) else {
        return unreadable();
    };
    let secret_query = url.query_pairs().any(|(name, _)| secret_parameter(&name));
    if url.password().is_none() && !secret_query {
        return raw.to_owned();
    }
    if url.password().is_some() && url.set_password(Some(HIDDEN)).is_err() {
        return unreadable();
    }
    if secret_query {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| {
                let value = if secret_parameter(&name) {
                    HIDDEN.to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// The query parameters the PostgreSQL driver reads (sqlx's `PgConnectOptions`). The driver
/// logs any other parameter with its value, which would put a misspelt or unsupported secret
/// (`sslpassword`) into the log; witan refuses such a URL instead, naming the parameter only.
/// `options[NAME]` is read too, and matched by its form.
const POSTGRES_PARAMETERS: [&str; 18] = [
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// Checks that a PostgreSQL URL names only parameters the driver reads; the error names the
/// parameter, never its value.
pub fn check_postgres_parameters(raw: &str) -> Result<(), String> {
    let url = Url::parse(raw).map_err(|e| format!("{} is not a readable URL: {e}", redact(raw)))?;
    for (name, _) in url.query_pairs() {
        let known = POSTGRES_PARAMETERS.contains(&name.as_ref())
            || (name.starts_with("options[") && name.ends_with(']'));
        if !known {
            return Err(format!(
                "the parameter \"{name}\" is not one witan's PostgreSQL driver reads (it reads \
                 sslmode, sslrootcert, sslcert, sslkey, host, port, dbname, user, password, \
                 application_name and options)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_query_is_redacted_like_one_in_the_user_information() {
        assert_eq!(
            redact("postgres://witan@db.example/witan?password=hunter2"),
            "postgres://witan@db.example/witan?password=redacted"
        );
        assert_eq!(
            redact("postgres://witan:hunter2@db.example:5432/witan"),
            "postgres://witan:redacted@db.example:5432/witan"
        );
        let both = redact(
            "postgres://witan:hunter2@db/witan?sslmode=require&sslpassword=opensesame&PassFile=%2Fhome%2Fw%2F.pgpass",
        );
        assert!(
            !both.contains("hunter2") && !both.contains("opensesame") && !both.contains("pgpass"),
            "{both}"
        );
        assert!(both.contains("sslmode=require"), "{both}");
    }

    #[test]
    fn a_percent_encoded_or_odd_password_is_redacted_too() {
        // The driver decodes the name, so the redaction must: "pass%77ord" is "password".
        let encoded = redact("postgres://db/witan?pass%77ord=hunter2");
        assert!(!encoded.contains("hunter2"), "{encoded}");
        let at = redact("postgres://witan:p%40ss@word@db/witan");
        assert!(!at.contains("p%40ss") && !at.contains("word@"), "{at}");
        // A URL the parser cannot read hides everything but its scheme.
        assert_eq!(redact("postgres://witan:pa ss/w@[db/witan"), "postgres://…");
        assert_eq!(redact("not a url with hunter2"), "…");
    }

    #[test]
    fn urls_without_secrets_are_shown_as_given() {
        for url in [
            "sqlite://./witan-data/witan.db",
            "sqlite:///tmp/my data/witan.db?mode=rwc",
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://db/witan?sslmode=require&application_name=witan",
        ] {
            assert_eq!(redact(url), url);
        }
    }

    #[test]
    fn parameters_the_driver_would_log_are_refused_by_name() {
        assert!(check_postgres_parameters("postgres://db/witan?sslmode=require").is_ok());
        assert!(check_postgres_parameters("postgres://db/witan?options[search_path]=x").is_ok());
        let refused =
            check_postgres_parameters("postgres://db/witan?sslpassword=opensesame").unwrap_err();
        assert!(refused.contains("\"sslpassword\""), "{refused}");
        assert!(!refused.contains("opensesame"), "{refused}");
    }
}
