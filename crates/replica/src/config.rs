//! Where an engine is and how to talk to it: the `[backend]` and
//! `[replicas.NAME]` tables of the configuration file, with the command
//! line's and the environment's overrides applied by the caller.

use crate::ReplicaError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The engines this build knows the differences of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// OpenLink Virtuoso 7 (`/sparql`, `/sparql-auth` with HTTP Digest).
    Virtuoso,
    /// Oxigraph's server (`oxigraph serve --union-default-graph`).
    Oxigraph,
    /// Any SPARQL 1.1 Protocol server: every URL given, nothing assumed.
    Generic,
}

impl Flavour {
    /// Its name in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavour::Virtuoso => "virtuoso",
            Flavour::Oxigraph => "oxigraph",
            Flavour::Generic => "generic",
        }
    }
}

impl std::str::FromStr for Flavour {
    type Err = String;
    fn from_str(s: &str) -> Result<Flavour, String> {
        match s {
            "virtuoso" => Ok(Flavour::Virtuoso),
            "oxigraph" => Ok(Flavour::Oxigraph),
            "generic" => Ok(Flavour::Generic),
            other => Err(format!(
                "unknown engine flavour '{other}': expected virtuoso, oxigraph or generic"
            )),
        }
    }
}

/// How credentials are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthScheme {
    /// HTTP Digest (RFC 7616), what Virtuoso's `/sparql-auth` asks.
    Digest,
    /// HTTP Basic: for an engine behind a proxy that checks it (use HTTPS).
    Basic,
}

/// One engine: its endpoints, credentials and limits.
#[derive(Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// The name of its replica position (`DIR/public/replicas/NAME.json`).
    pub name: String,
    /// Which engine it is.
    pub flavour: Flavour,
    /// SPARQL 1.1 Protocol query endpoint.
    pub query_url: String,
    /// SPARQL 1.1 Protocol update endpoint.
    pub update_url: String,
    /// Graph Store Protocol endpoint (the oxigraph flavour's bulk load).
    pub store_url: Option<String>,
    /// User name for updates (and queries, when the engine asks).
    pub user: Option<String>,
    /// The password (from the environment or a file; never a flag).
    pub password: Option<String>,
    /// How the credentials are sent.
    pub auth: AuthScheme,
    /// Longest wait for one replication request.
    pub timeout: Duration,
    /// The largest update request body sent (a record larger than this
    /// still goes whole, alone in its request).
    pub max_request_bytes: usize,
    /// Whether `/sparql` is answered by this engine (`[backend]` only).
    pub serves_queries: bool,
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("name", &self.name)
            .field("flavour", &self.flavour)
            .field("query_url", &self.query_url)
            .field("update_url", &self.update_url)
            .field("store_url", &self.store_url)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// A `[backend]` or `[replicas.NAME]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineTable {
    /// The position's name.
    pub name: Option<String>,
    /// virtuoso, oxigraph or generic.
    pub flavour: Option<Flavour>,
    /// The engine's base URL; the flavour's usual paths are added to it.
    pub url: Option<String>,
    /// The query endpoint (default: from `url`).
    pub query_url: Option<String>,
    /// The update endpoint (default: from `url`).
    pub update_url: Option<String>,
    /// The Graph Store Protocol endpoint (default: from `url`).
    pub store_url: Option<String>,
    /// The user name.
    pub user: Option<String>,
    /// A file holding the password (its first line).
    pub password_file: Option<PathBuf>,
    /// The name of an environment variable holding the password.
    pub password_env: Option<String>,
    /// digest or basic.
    pub auth: Option<AuthScheme>,
    /// Seconds one replication request may take.
    pub timeout_seconds: Option<f64>,
    /// The largest update request body.
    pub max_request_bytes: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    backend: Option<EngineTable>,
    #[serde(default)]
    replicas: BTreeMap<String, EngineTable>,
}

/// The engines of a configuration file: the one behind `/sparql`
/// (`[backend]`) and further replicas (`[replicas.NAME]`), as tables still
/// to be resolved (overrides first).
#[derive(Debug, Default, Clone)]
pub struct EngineTables {
    /// `[backend]`.
    pub backend: Option<EngineTable>,
    /// `[replicas.NAME]`, by name.
    pub replicas: BTreeMap<String, EngineTable>,
}

impl EngineTables {
    /// Reads the `[backend]` and `[replicas.*]` tables of a configuration
    /// file's text (other tables belong to others).
    pub fn from_toml(text: &str, origin: &str) -> Result<EngineTables, ReplicaError> {
        let value: toml::Table = toml::from_str(text).map_err(|e| ReplicaError::Config {
            origin: origin.into(),
            message: e.to_string(),
        })?;
        let mut mine = toml::Table::new();
        for key in ["backend", "replicas"] {
            if let Some(v) = value.get(key) {
                mine.insert(key.into(), v.clone());
            }
        }
        let file: File = mine
            .try_into()
            .map_err(|e: toml::de::Error| ReplicaError::Config {
                origin: origin.into(),
                message: e.to_string(),
            })?;
        Ok(EngineTables {
            backend: file.backend,
            replicas: file.replicas,
        })
    }

    /// Every engine resolved: `[backend]` first (it serves `/sparql`).
    /// `env` looks an environment variable up.
    pub fn resolve(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<EngineConfig>, ReplicaError> {
        let mut out = Vec::new();
        if let Some(b) = &self.backend {
            out.push(b.resolve("backend", "[backend]", true, env)?);
        }
        for (name, t) in &self.replicas {
            out.push(t.resolve(name, &format!("[replicas.{name}]"), false, env)?);
        }
        let mut names: Vec<&str> = out.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(ReplicaError::Config {
                origin: "the configuration".into(),
                message: format!("two engines are named '{}': give each its own name", w[0]),
            });
        }
        Ok(out)
    }
}

fn join(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// A name fit for a file name.
fn check_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl EngineTable {
    fn resolve(
        &self,
        default_name: &str,
        origin: &str,
        serves_queries: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<EngineConfig, ReplicaError> {
        let bad = |message: String| ReplicaError::Config {
            origin: origin.into(),
            message,
        };
        let name = self.name.clone().unwrap_or_else(|| default_name.into());
        if !check_name(&name) {
            return Err(bad(format!(
                "name '{name}': use letters, digits, '-' and '_' (it names a file)"
            )));
        }
        let flavour = self.flavour.unwrap_or(Flavour::Generic);
        let from_url = |path: &str| self.url.as_deref().map(|u| join(u, path));
        let (q, u, s) = match flavour {
            Flavour::Virtuoso => ("sparql", "sparql-auth", "sparql-graph-crud-auth"),
            Flavour::Oxigraph => ("query", "update", "store"),
            Flavour::Generic => ("", "", ""),
        };
        let defaulted = |given: &Option<String>, path: &str| {
            given
                .clone()
                .or_else(|| (!path.is_empty()).then(|| from_url(path)).flatten())
        };
        let query_url = defaulted(&self.query_url, q)
            .or_else(|| {
                (flavour == Flavour::Generic)
                    .then(|| self.url.clone())
                    .flatten()
            })
            .ok_or_else(|| bad("no query endpoint: give url (and flavour) or query_url".into()))?;
        let update_url = defaulted(&self.update_url, u).ok_or_else(|| {
            bad("no update endpoint: give url (and flavour) or update_url".into())
        })?;
        let store_url = defaulted(&self.store_url, s);
        for url in [Some(&query_url), Some(&update_url), store_url.as_ref()]
            .into_iter()
            .flatten()
        {
            if reqwest::Url::parse(url).is_err() || !url.starts_with("http") {
                return Err(bad(format!("{url}: not an http(s) URL")));
            }
        }
        let password = match (&self.password_file, &self.password_env) {
            (Some(_), Some(_)) => {
                return Err(bad("give password_file or password_env, not both".into()))
            }
            (Some(path), None) => Some(read_password(path).map_err(|e| bad(e.to_string()))?),
            (None, Some(var)) => Some(
                env(var)
                    .ok_or_else(|| bad(format!("password_env: the variable {var} is not set")))?,
            ),
            (None, None) => None,
        };
        let timeout = match self.timeout_seconds {
            Some(t) if t.is_finite() && t > 0.0 => Duration::from_secs_f64(t),
            Some(_) => return Err(bad("timeout_seconds: expected a positive number".into())),
            None => Duration::from_secs(60),
        };
        let max_request_bytes = self.max_request_bytes.unwrap_or(match flavour {
            // Virtuoso compiles an INSERT DATA into SQL: large ones fail.
            Flavour::Virtuoso => 512 * 1024,
            _ => 4 << 20,
        });
        if max_request_bytes < 1024 {
            return Err(bad("max_request_bytes: at least 1024".into()));
        }
        Ok(EngineConfig {
            name,
            flavour,
            query_url,
            update_url,
            store_url,
            user: self.user.clone(),
            password,
            auth: self.auth.unwrap_or(match flavour {
                Flavour::Virtuoso => AuthScheme::Digest,
                _ => AuthScheme::Basic,
            }),
            timeout,
            max_request_bytes,
            serves_queries,
        })
    }
}

/// The first line of a password file.
pub fn read_password(path: &std::path::Path) -> Result<String, ReplicaError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReplicaError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_flavour_gives_its_usual_endpoints() {
        let t = EngineTables::from_toml(
            "[catalog]\ntitle='x'\n[backend]\nflavour='virtuoso'\nurl='http://127.0.0.1:8890/'\nuser='dmpgraph'\npassword_env='PW'\n[replicas.b]\nflavour='oxigraph'\nurl='http://127.0.0.1:7878'\n",
            "test",
        )
        .unwrap();
        let env = |k: &str| (k == "PW").then(|| "secret".to_string());
        let engines = t.resolve(&env).unwrap();
        assert_eq!(engines[0].name, "backend");
        assert_eq!(engines[0].query_url, "http://127.0.0.1:8890/sparql");
        assert_eq!(engines[0].update_url, "http://127.0.0.1:8890/sparql-auth");
        assert_eq!(engines[0].auth, AuthScheme::Digest);
        assert_eq!(engines[0].password.as_deref(), Some("secret"));
        assert!(engines[0].serves_queries);
        assert_eq!(engines[1].name, "b");
        assert_eq!(
            engines[1].store_url.as_deref(),
            Some("http://127.0.0.1:7878/store")
        );
        assert!(!engines[1].serves_queries);
        assert!(!format!("{:?}", engines[0]).contains("secret"));
    }

    #[test]
    fn bad_tables_are_refused_with_their_reason() {
        for (text, needle) in [
            ("[backend]\nflavour='generic'\nurl='http://a/'", "update endpoint"),
            ("[backend]\nflavour='oxigraph'\nurl='ftp://a/'", "not an http"),
            ("[backend]\nflavour='oxigraph'\nurl='http://a'\ncolour=1", "unknown field"),
            ("[backend]\nflavour='oxigraph'\nurl='http://a'\nname='../x'", "name"),
            ("[backend]\nflavour='oxigraph'\nurl='http://a'\npassword_env='NONE'", "not set"),
            (
                "[backend]\nflavour='oxigraph'\nurl='http://a'\n[replicas.backend]\nflavour='oxigraph'\nurl='http://b'",
                "two engines",
            ),
        ] {
            let e = EngineTables::from_toml(text, "t")
                .and_then(|t| t.resolve(&no_env))
                .unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }
}
