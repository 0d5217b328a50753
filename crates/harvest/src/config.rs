//! Where the sources are and how politely each is asked: defaults from each
//! service's published policy, replaced by the configuration file's
//! `[harvest]` and `[sources.NAME]` tables, whose base URLs the
//! environment overrides (`DMPGRAPH_DATACITE_URL`, …).

use crate::client::{ClientConfig, HostPolicy};
use crate::HarvestError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// The services a harvest talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// DataCite's REST API.
    DataCite,
    /// Crossref's REST API.
    Crossref,
    /// JaLC's REST API.
    Jalc,
    /// doi.org's registration-agency look-up.
    DoiRa,
    /// The DDBJ Search API.
    Ddbj,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 5] = [
        Service::DataCite,
        Service::Crossref,
        Service::Jalc,
        Service::DoiRa,
        Service::Ddbj,
    ];

    /// Its name in the configuration (`[sources.datacite]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Service::DataCite => "datacite",
            Service::Crossref => "crossref",
            Service::Jalc => "jalc",
            Service::DoiRa => "doi_ra",
            Service::Ddbj => "ddbj",
        }
    }

    /// The environment variable that overrides its base URL.
    pub fn env_var(self) -> &'static str {
        match self {
            Service::DataCite => "DMPGRAPH_DATACITE_URL",
            Service::Crossref => "DMPGRAPH_CROSSREF_URL",
            Service::Jalc => "DMPGRAPH_JALC_URL",
            Service::DoiRa => "DMPGRAPH_DOI_RA_URL",
            Service::Ddbj => "DMPGRAPH_DDBJ_URL",
        }
    }

    /// The real public service, and its published (or a conservative) policy.
    pub fn default_settings(self) -> SourceSettings {
        let (url, requests, per, concurrency) = match self {
            // "3,000 requests in a 5 minute window per IP address".
            Service::DataCite => ("https://api.datacite.org", 3000, 300, 4),
            // The polite pool (requests with a contact address); Crossref's
            // announced x-rate-limit headers tighten it further if lower.
            Service::Crossref => ("https://api.crossref.org", 10, 1, 3),
            Service::Jalc => ("https://api.japanlinkcenter.org", 5, 1, 2),
            Service::DoiRa => ("https://doi.org/doiRA", 10, 1, 4),
            Service::Ddbj => ("https://ddbj.nig.ac.jp/search/api", 5, 1, 2),
        };
        SourceSettings {
            base_url: url.to_string(),
            policy: HostPolicy::new(requests, Duration::from_secs(per), concurrency),
        }
    }
}

/// One service's base URL and policy.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    /// Its base URL, without a trailing slash.
    pub base_url: String,
    /// How politely it is asked.
    pub policy: HostPolicy,
}

/// Everything a harvest is configured with.
#[derive(Debug, Clone)]
pub struct HarvestConfig {
    /// The client's settings.
    pub client: ClientConfig,
    /// The operator's contact address (User-Agent, Crossref's `mailto=`).
    pub contact: Option<String>,
    /// Each service's settings.
    pub sources: BTreeMap<Service, SourceSettings>,
    /// Records per search page asked.
    pub page_size: u32,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    harvest: HarvestTable,
    #[serde(default)]
    sources: BTreeMap<String, SourceTable>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HarvestTable {
    contact: Option<String>,
    timeout_seconds: Option<f64>,
    max_attempts: Option<u32>,
    backoff_base_ms: Option<u64>,
    backoff_max_seconds: Option<f64>,
    max_retry_after_seconds: Option<f64>,
    page_size: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceTable {
    base_url: Option<String>,
    /// `3000/5m`, `10/1s`.
    rate: Option<String>,
    burst: Option<u32>,
    concurrency: Option<usize>,
}

impl HarvestConfig {
    /// The defaults: the real services, their policies.
    pub fn defaults() -> HarvestConfig {
        HarvestConfig {
            client: ClientConfig::new(None),
            contact: None,
            sources: Service::ALL
                .iter()
                .map(|s| (*s, s.default_settings()))
                .collect(),
            page_size: 100,
        }
    }

    /// The defaults replaced by a configuration file's `[harvest]` and
    /// `[sources.*]` tables (other tables belong to the catalog), then the
    /// base URLs by the environment (`env` looks a variable up).
    pub fn from_toml(
        text: &str,
        origin: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<HarvestConfig, HarvestError> {
        let bad = |message: String| HarvestError::Config {
            origin: origin.to_string(),
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut c = HarvestConfig::defaults();
        let h = file.harvest;
        c.contact = h
            .contact
            .or_else(|| env("DMPGRAPH_CONTACT"))
            .filter(|s| !s.trim().is_empty());
        c.client = ClientConfig::new(c.contact.as_deref());
        let secs = |v: f64, name: &str| {
            if v.is_finite() && v > 0.0 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(bad(format!(
                    "[harvest] {name}: expected a positive number of seconds"
                )))
            }
        };
        if let Some(t) = h.timeout_seconds {
            c.client.timeout = secs(t, "timeout_seconds")?;
            c.client.connect_timeout = c.client.connect_timeout.min(c.client.timeout);
        }
        if let Some(n) = h.max_attempts {
            c.client.max_attempts = n.max(1);
        }
        if let Some(ms) = h.backoff_base_ms {
            c.client.backoff_base = Duration::from_millis(ms);
        }
        if let Some(t) = h.backoff_max_seconds {
            c.client.backoff_max = secs(t, "backoff_max_seconds")?;
        }
        if let Some(t) = h.max_retry_after_seconds {
            c.client.max_retry_after = secs(t, "max_retry_after_seconds")?;
        }
        if let Some(n) = h.page_size {
            if !(1..=1000).contains(&n) {
                return Err(bad("[harvest] page_size: expected 1 to 1000".into()));
            }
            c.page_size = n;
        }
        for (name, t) in file.sources {
            let service = Service::ALL
                .into_iter()
                .find(|s| s.as_str() == name)
                .ok_or_else(|| {
                    bad(format!(
                        "[sources.{name}]: no such source; expected one of datacite, crossref, jalc, doi_ra, ddbj"
                    ))
                })?;
            let s = c
                .sources
                .get_mut(&service)
                .expect("every service has defaults");
            if let Some(u) = t.base_url {
                s.base_url = base_url(&u).ok_or_else(|| {
                    bad(format!(
                        "[sources.{name}] base_url: '{u}' is not an http(s) URL"
                    ))
                })?;
            }
            if let Some(r) = t.rate {
                let (n, per) = parse_rate(&r).ok_or_else(|| {
                    bad(format!(
                        "[sources.{name}] rate: '{r}' is not a rate; expected requests/period, e.g. \"3000/5m\" or \"10/1s\""
                    ))
                })?;
                s.policy.requests = n;
                s.policy.per = per;
            }
            if let Some(b) = t.burst {
                s.policy.burst = b.max(1);
            }
            if let Some(n) = t.concurrency {
                s.policy.concurrency = n.max(1);
            }
        }
        for service in Service::ALL {
            if let Some(u) = env(service.env_var()).filter(|u| !u.trim().is_empty()) {
                let s = c
                    .sources
                    .get_mut(&service)
                    .expect("every service has defaults");
                s.base_url = base_url(&u).ok_or_else(|| HarvestError::Config {
                    origin: service.env_var().to_string(),
                    message: format!("'{u}' is not an http(s) URL"),
                })?;
            }
        }
        Ok(c)
    }

    /// Sets the contact address (User-Agent, Crossref's `mailto`).
    pub fn set_contact(&mut self, contact: &str) {
        let c = contact.trim();
        if c.is_empty() {
            return;
        }
        self.contact = Some(c.to_string());
        self.client.user_agent = crate::client::user_agent(Some(c));
    }

    /// A service's settings.
    pub fn source(&self, s: Service) -> &SourceSettings {
        &self.sources[&s]
    }
}

/// A base URL without its trailing slash, if it is an http(s) URL.
fn base_url(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/');
    let u = url::Url::parse(t).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| t.to_string())
}

/// `3000/5m` → (3000, 300 s).
pub fn parse_rate(text: &str) -> Option<(u32, Duration)> {
    let (n, per) = text.split_once('/')?;
    let n: u32 = n.trim().parse().ok().filter(|n| *n > 0)?;
    Some((n, crate::client::parse_interval(per)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_sets_sources_and_the_environment_wins_for_base_urls() {
        let text = r#"
[catalog]
title_ja = "ignored here"
[harvest]
contact = "ops@example.org"
timeout_seconds = 2
[sources.datacite]
base_url = "http://127.0.0.1:9/datacite/"
rate = "20/1s"
concurrency = 3
[sources.crossref]
base_url = "http://127.0.0.1:9/crossref"
"#;
        let env =
            |k: &str| (k == "DMPGRAPH_CROSSREF_URL").then(|| "http://127.0.0.1:8/cr".to_string());
        let c = HarvestConfig::from_toml(text, "test.toml", &env).unwrap();
        let d = c.source(Service::DataCite);
        assert_eq!(d.base_url, "http://127.0.0.1:9/datacite");
        assert_eq!((d.policy.rate(), d.policy.concurrency), (20.0, 3));
        assert_eq!(
            c.source(Service::Crossref).base_url,
            "http://127.0.0.1:8/cr"
        );
        assert_eq!(
            c.source(Service::Jalc).base_url,
            "https://api.japanlinkcenter.org"
        );
        assert_eq!(c.client.timeout, Duration::from_secs(2));
        assert!(c.client.user_agent.contains("mailto:ops@example.org"));
        let dflt = HarvestConfig::defaults();
        let dc = dflt.source(Service::DataCite).policy;
        assert_eq!((dc.requests, dc.per), (3000, Duration::from_secs(300)));

        for (bad, says) in [
            (
                "[sources.zenodo]\nbase_url = \"http://x\"",
                "no such source",
            ),
            ("[sources.datacite]\nrate = \"fast\"", "is not a rate"),
            (
                "[sources.datacite]\nbase_url = \"ftp://x\"",
                "not an http(s) URL",
            ),
            ("[harvest]\ncolour = 1", "unknown field"),
        ] {
            let e = HarvestConfig::from_toml(bad, "f.toml", &|_| None)
                .unwrap_err()
                .to_string();
            assert!(e.contains("f.toml") && e.contains(says), "{e}");
        }
    }
}
