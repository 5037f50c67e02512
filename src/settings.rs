//! Typed settings: built-in defaults, then an optional `lantoa.toml`, then `LANTOA_…`
//! environment variables. Secrets are redacted when settings are printed or logged.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A string that is never printed: `Debug` shows `[redacted]`.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the service; see the README for each one's meaning.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Settings {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://…`.
    pub database_url: Secret,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Apply pending migrations when `serve` starts (turn off for several replicas).
    pub migrate_on_start: bool,
    /// Public base URL, e.g. `https://lantoa.dienbien.gov.vn` (sign-in redirects, secure cookies).
    pub public_url: Option<String>,
    /// Writes per person per minute; `0` turns the limit off (load tests).
    pub write_rate_per_minute: u32,
    /// Writes a person may make in a burst before the per-minute rate applies.
    pub write_burst: u32,
    /// How many days back a share may be dated through the API.
    pub max_backdate_days: u32,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest number of items in one batch submission.
    pub max_batch_items: usize,
    /// Most database connections in the pool.
    pub db_max_connections: u32,
    /// Seconds to wait for a database connection before answering 503.
    pub db_acquire_timeout_secs: u64,
    /// SQLite `synchronous` pragma: `full` (default; survives power loss) or `normal`.
    pub sqlite_synchronous: String,
    /// Log format.
    pub log_format: LogFormat,
    /// The issuing body printed on exports, e.g. `UBND TỈNH ĐIỆN BIÊN`.
    pub organization_name: String,
    /// Days personal data is kept (shares and audit events older than this can be purged).
    pub retention_days: u32,
    /// Enables the demo sign-in page (only `lantoa demo`, only on loopback).
    #[serde(default)]
    pub demo: bool,
    /// OpenID Connect issuer; its discovery document gives the endpoints and keys.
    pub oauth_issuer: Option<String>,
    /// Authorization endpoint of a plain OAuth2 provider (or an override of discovery).
    pub oauth_auth_url: Option<String>,
    /// Token endpoint of a plain OAuth2 provider (or an override of discovery).
    pub oauth_token_url: Option<String>,
    /// Userinfo endpoint of a plain OAuth2 provider (or an override of discovery).
    pub oauth_userinfo_url: Option<String>,
    /// The client id registered with the provider.
    pub oauth_client_id: Option<String>,
    /// The client secret; never logged.
    pub oauth_client_secret: Option<Secret>,
    /// Scopes requested at sign-in.
    pub oauth_scopes: String,
    /// The claim that identifies a person on the roster: `email` or a staff-code claim.
    pub oauth_identity_claim: String,
    /// Sessions end after this many hours without use.
    pub session_idle_hours: u32,
    /// Sessions end this many days after sign-in, used or not.
    pub session_max_days: u32,
    /// Sign-in attempts per client address per minute.
    pub signin_rate_per_minute: u32,
    /// API calls per person (or token) per minute; `0` turns the limit off.
    pub api_rate_per_minute: u32,
    /// Whom staff should contact when they cannot sign in (shown on the refusal page).
    pub support_contact: String,
    /// Addresses (or `address/prefix` networks), comma-separated, that may read `/metrics`.
    pub metrics_allow: String,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` / `Forwarded` headers are
    /// believed; empty: the TCP peer is the client, whatever a header says.
    pub trusted_proxies: String,
    /// Requests handled at once (health checks excepted); more are answered 503 at once.
    pub max_concurrent_requests: usize,
    /// Seconds a graceful shutdown waits for requests in flight before exiting anyway.
    pub shutdown_grace_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: Secret::new("sqlite://lantoa.db?mode=rwc"),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            migrate_on_start: true,
            public_url: None,
            write_rate_per_minute: 60,
            write_burst: 30,
            max_backdate_days: 31,
            max_body_bytes: 256 * 1024,
            max_batch_items: 50,
            db_max_connections: 16,
            db_acquire_timeout_secs: 3,
            sqlite_synchronous: "full".to_owned(),
            log_format: LogFormat::Text,
            organization_name: "UBND TỈNH ĐIỆN BIÊN".to_owned(),
            retention_days: 5 * 366,
            demo: false,
            oauth_issuer: None,
            oauth_auth_url: None,
            oauth_token_url: None,
            oauth_userinfo_url: None,
            oauth_client_id: None,
            oauth_client_secret: None,
            oauth_scopes: "openid email profile".to_owned(),
            oauth_identity_claim: "email".to_owned(),
            session_idle_hours: 24 * 14,
            session_max_days: 60,
            signin_rate_per_minute: 20,
            api_rate_per_minute: 600,
            support_contact: "bộ phận quản trị Lan tỏa của Sở Nội vụ".to_owned(),
            metrics_allow: "127.0.0.1,::1".to_owned(),
            trusted_proxies: String::new(),
            max_concurrent_requests: 128,
            shutdown_grace_secs: 20,
        }
    }
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cấu hình không hợp lệ: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Loads defaults, then `LANTOA_CONFIG` (or `./lantoa.toml` if present), then `LANTOA_…` variables.
    pub fn load() -> Result<Self, SettingsError> {
        let file = std::env::var_os("LANTOA_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("lantoa.toml"));
        Self::figment(Some(file))
            .extract()
            .map_err(|e| SettingsError(e.to_string()))
    }

    /// The layered configuration source, exposed so tests can add their own layer.
    pub fn figment(file: Option<PathBuf>) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file(file));
        }
        // Only the variables we know: an unrelated LANTOA_X must not break start-up.
        figment.merge(Env::prefixed("LANTOA_").ignore(&["CONFIG"]))
    }

    /// Whether the database is SQLite (embedded) rather than PostgreSQL.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }

    /// Whether cookies must carry `Secure` (the public URL is https).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_readme() {
        let s = Settings::default();
        assert_eq!(s.database_url.expose(), "sqlite://lantoa.db?mode=rwc");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert!(s.migrate_on_start);
        assert_eq!(s.max_backdate_days, 31);
    }

    #[test]
    fn debug_output_never_shows_the_database_url() {
        let s = Settings {
            database_url: Secret::new("postgres://user:hunter2@db/lantoa"),
            ..Settings::default()
        };
        let printed = format!("{s:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn toml_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lantoa.toml",
                "bind = \"127.0.0.1:9999\"\nmax_backdate_days = 7",
            )?;
            jail.set_env("LANTOA_MAX_BACKDATE_DAYS", "10");
            let s: Settings = Settings::figment(Some("lantoa.toml".into())).extract()?;
            assert_eq!(s.bind.port(), 9999, "the file sets the port");
            assert_eq!(
                s.max_backdate_days, 10,
                "the environment wins over the file"
            );
            Ok(())
        });
    }
}
