//! The one polite HTTP client every connector shares.
//!
//! Politeness is per host (`host:port`): a rate limit (governor), a bound
//! on requests in flight, and a pause that a `Retry-After` imposes on the
//! whole host, not only on the request that received it. A slow or limited
//! host never slows the others: each host has its own limiter, semaphore
//! and pause.
//!
//! A request is retried, with exponential backoff and full jitter, on
//! timeouts, connection errors, bodies cut short, 429 and 5xx; `Retry-After`
//! (seconds or an HTTP date) is honoured, and Crossref's announced limit
//! (`x-rate-limit-limit` / `x-rate-limit-interval`) tightens the host's
//! limiter when it is stricter than the configured one. 404 and 410 are
//! answers (the record is gone), not failures; other 4xx are failures,
//! not retried.
//!
//! Conditional requests: the caller passes the validators (`ETag`,
//! `Last-Modified`) it stored with the record, and stores the new ones only
//! once the record is stored, so that a crash between the two never turns
//! a record that was not stored into a 304.

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How politely one host is asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostPolicy {
    /// Requests allowed per [`per`](Self::per).
    pub requests: u32,
    /// The period of the rate.
    pub per: Duration,
    /// Requests that may go at once after a quiet spell (1: evenly spaced).
    pub burst: u32,
    /// Requests in flight at most.
    pub concurrency: usize,
}

impl HostPolicy {
    /// `requests` per `per`, evenly spaced, `concurrency` in flight.
    pub fn new(requests: u32, per: Duration, concurrency: usize) -> HostPolicy {
        HostPolicy {
            requests,
            per,
            burst: 1,
            concurrency,
        }
    }

    /// Requests per second.
    pub fn rate(&self) -> f64 {
        f64::from(self.requests) / self.per.as_secs_f64()
    }

    fn quota(&self) -> Quota {
        let requests = self.requests.max(1);
        let period = (self.per / requests).max(Duration::from_micros(1));
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

impl std::fmt::Display for HostPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests per {:?} (burst {}), {} in flight",
            self.requests, self.per, self.burst, self.concurrency
        )
    }
}

/// The client's settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The User-Agent: what dmpgraph is and how to reach its operator.
    pub user_agent: String,
    /// A whole request (connect, headers, body) may take this long.
    pub timeout: Duration,
    /// Connecting may take this long.
    pub connect_timeout: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles with each attempt.
    pub backoff_base: Duration,
    /// The longest backoff.
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured; a longer one fails the request.
    pub max_retry_after: Duration,
    /// The largest body read; a larger one fails the request (memory is bounded).
    pub max_body: usize,
    /// The policy of a host without one of its own.
    pub default_policy: HostPolicy,
}

impl ClientConfig {
    /// The defaults, with a User-Agent naming `contact` (an e-mail address).
    pub fn new(contact: Option<&str>) -> ClientConfig {
        ClientConfig {
            user_agent: user_agent(contact),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            max_attempts: 6,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(600),
            max_body: 64 << 20,
            default_policy: HostPolicy::new(5, Duration::from_secs(1), 2),
        }
    }
}

/// dmpgraph's User-Agent, naming `contact` (Crossref's "polite" use).
pub fn user_agent(contact: Option<&str>) -> String {
    let mut ua = format!(
        "dmpgraph/{} (+https://github.com/amed-dmp/dmpgraph",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(c) = contact.filter(|c| !c.trim().is_empty()) {
        ua.push_str("; mailto:");
        ua.push_str(c.trim());
    }
    ua.push(')');
    ua
}

/// Validators stored with a record, sent back as `If-None-Match` /
/// `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` last received.
    pub etag: Option<String>,
    /// The `Last-Modified` last received.
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A body received.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL asked.
    pub url: String,
    /// The status (2xx).
    pub status: u16,
    /// The body, decompressed.
    pub body: Vec<u8>,
    /// Its validators.
    pub validators: Validators,
    /// When it was received.
    pub retrieved: chrono::DateTime<chrono::Utc>,
}

/// What a GET came to.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// A body.
    Body(Response),
    /// 304: unchanged since the validators sent.
    NotModified,
    /// 404 or 410: the source says the record is not there (any more).
    Gone(u16),
}

/// A request that failed, after its retries.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Transport failures (timeout, connection, a body cut short) on every attempt.
    #[error("GET {url}: {attempts} attempts failed; the last: {kind}")]
    Transport {
        /// The URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// What the last failure was (`timeout`, `connection`, `body`).
        kind: &'static str,
        /// The last failure.
        #[source]
        source: reqwest::Error,
    },
    /// The host kept answering 429 or 5xx.
    #[error("GET {url}: HTTP {status} on each of {attempts} attempts")]
    Exhausted {
        /// The URL.
        url: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// A status that retrying will not change (400, 401, 403, …).
    #[error("GET {url}: HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The start of the body, for the error message.
        body: String,
    },
    /// The host asked to wait longer than the client will.
    #[error("GET {url}: the host asks to retry after {wait:?}, longer than the {max:?} allowed")]
    TooLongToWait {
        /// The URL.
        url: String,
        /// What the host asked.
        wait: Duration,
        /// The longest wait allowed.
        max: Duration,
    },
    /// The body is larger than the client reads.
    #[error("GET {url}: the body is larger than {max} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        max: usize,
    },
    /// Not a URL the client can ask.
    #[error("'{url}' is not an http(s) URL")]
    BadUrl {
        /// The text.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("the HTTP client")]
    Build(#[source] reqwest::Error),
}

/// One host's limiter, semaphore and pause.
struct Host {
    policy: HostPolicy,
    limiter: Mutex<Arc<DefaultDirectRateLimiter>>,
    /// The rate the limiter enforces now (announced limits may lower it).
    rate: Mutex<f64>,
    in_flight: Semaphore,
    paused_until: Mutex<Option<Instant>>,
}

impl Host {
    fn new(policy: HostPolicy) -> Host {
        Host {
            policy,
            limiter: Mutex::new(Arc::new(RateLimiter::direct(policy.quota()))),
            rate: Mutex::new(policy.rate()),
            in_flight: Semaphore::new(policy.concurrency.max(1)),
            paused_until: Mutex::new(None),
        }
    }

    fn limiter(&self) -> Arc<DefaultDirectRateLimiter> {
        Arc::clone(&lock(&self.limiter))
    }

    /// Tightens the limiter to an announced limit stricter than the current one.
    fn announce(&self, requests: u32, per: Duration) {
        if requests == 0 || per.is_zero() {
            return;
        }
        let announced = f64::from(requests) / per.as_secs_f64();
        let mut rate = lock(&self.rate);
        if announced < *rate {
            let policy = HostPolicy {
                requests,
                per,
                ..self.policy
            };
            *lock(&self.limiter) = Arc::new(RateLimiter::direct(policy.quota()));
            *rate = announced;
            tracing::info!(requests, ?per, "the host announces a stricter rate limit");
        }
    }

    fn pause(&self, until: Instant) {
        let mut p = lock(&self.paused_until);
        if p.is_none_or(|t| t < until) {
            *p = Some(until);
        }
    }

    async fn wait_for_pause(&self) {
        loop {
            let until = *lock(&self.paused_until);
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t.into()).await,
                _ => return,
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The polite client. Cheap to share (`Arc`).
pub struct PoliteClient {
    http: reqwest::Client,
    config: ClientConfig,
    policies: Mutex<HashMap<String, HostPolicy>>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// `host:port` of a URL.
pub fn authority(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?))
}

impl PoliteClient {
    /// A client with `config`.
    pub fn new(config: ClientConfig) -> Result<PoliteClient, FetchError> {
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .gzip(true)
            .build()
            .map_err(FetchError::Build)?;
        Ok(PoliteClient {
            http,
            config,
            policies: Mutex::new(HashMap::new()),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// The client's settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sets the policy of the host of `base_url`. When two sources share a
    /// host, the stricter rate and the smaller concurrency hold.
    pub fn set_policy(&self, base_url: &str, policy: HostPolicy) -> Result<(), FetchError> {
        let host = authority(base_url).ok_or_else(|| FetchError::BadUrl {
            url: base_url.to_string(),
        })?;
        let mut policies = lock(&self.policies);
        let merged = match policies.get(&host) {
            Some(old) if old.rate() <= policy.rate() => HostPolicy {
                concurrency: old.concurrency.min(policy.concurrency),
                burst: old.burst.min(policy.burst),
                ..*old
            },
            Some(old) => HostPolicy {
                concurrency: old.concurrency.min(policy.concurrency),
                burst: old.burst.min(policy.burst),
                ..policy
            },
            None => policy,
        };
        policies.insert(host.clone(), merged);
        lock(&self.hosts).remove(&host);
        Ok(())
    }

    /// The policy a host is asked with.
    pub fn policy(&self, url: &str) -> HostPolicy {
        authority(url)
            .and_then(|h| lock(&self.policies).get(&h).copied())
            .unwrap_or(self.config.default_policy)
    }

    fn host(&self, authority: &str) -> Arc<Host> {
        let mut hosts = lock(&self.hosts);
        if let Some(h) = hosts.get(authority) {
            return Arc::clone(h);
        }
        let policy = lock(&self.policies)
            .get(authority)
            .copied()
            .unwrap_or(self.config.default_policy);
        let h = Arc::new(Host::new(policy));
        hosts.insert(authority.to_string(), Arc::clone(&h));
        h
    }

    /// GETs `url` politely, sending `validators` when given.
    pub async fn get(
        &self,
        url: &str,
        validators: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        let bad = || FetchError::BadUrl {
            url: url.to_string(),
        };
        let host = self.host(&authority(url).ok_or_else(bad)?);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            host.wait_for_pause().await;
            let permit = host.in_flight.acquire().await.map_err(|_| bad())?;
            host.limiter().until_ready().await;
            let result = self.once(url, validators, &host).await;
            drop(permit);
            let retry = match result {
                Ok(Attempt::Done(f)) => return Ok(f),
                Ok(Attempt::Retry { status, wait }) => {
                    if attempt >= self.config.max_attempts {
                        return Err(FetchError::Exhausted {
                            url: url.to_string(),
                            status,
                            attempts: attempt,
                        });
                    }
                    if let Some(w) = wait {
                        if w > self.config.max_retry_after {
                            return Err(FetchError::TooLongToWait {
                                url: url.to_string(),
                                wait: w,
                                max: self.config.max_retry_after,
                            });
                        }
                        // Retry-After speaks for the host, not this request.
                        host.pause(Instant::now() + w);
                    }
                    tracing::info!(url, status, attempt, ?wait, "retrying");
                    wait
                }
                Err(AttemptError::Transport(e)) => {
                    let kind = transport_kind(&e);
                    if attempt >= self.config.max_attempts {
                        return Err(FetchError::Transport {
                            url: url.to_string(),
                            attempts: attempt,
                            kind,
                            source: e,
                        });
                    }
                    tracing::info!(url, attempt, kind, error = %e, "retrying");
                    None
                }
                Err(AttemptError::Final(e)) => return Err(e),
            };
            let backoff = self.backoff(attempt);
            tokio::time::sleep(retry.map_or(backoff, |w| w.max(backoff))).await;
        }
    }

    /// Full jitter: a random wait up to `base · 2^(attempt-1)`, at most `max`.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .config
            .backoff_base
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(self.config.backoff_max);
        cap.mul_f64(rand::random::<f64>())
    }

    async fn once(
        &self,
        url: &str,
        validators: Option<&Validators>,
        host: &Host,
    ) -> Result<Attempt, AttemptError> {
        let mut request = self.http.get(url).header("Accept", "application/json");
        if let Some(v) = validators {
            if let Some(e) = &v.etag {
                request = request.header("If-None-Match", e);
            }
            if let Some(m) = &v.last_modified {
                request = request.header("If-Modified-Since", m);
            }
        }
        let response = request.send().await.map_err(AttemptError::Transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some((n, per)) = announced_limit(&headers) {
            host.announce(n, per);
        }
        match status {
            304 => return Ok(Attempt::Done(Fetched::NotModified)),
            404 | 410 => return Ok(Attempt::Done(Fetched::Gone(status))),
            429 | 500..=599 => {
                return Ok(Attempt::Retry {
                    status,
                    wait: retry_after(&headers),
                })
            }
            200..=299 => {}
            _ => {
                let body = read_body(response, 600, url).await.unwrap_or_default();
                return Err(AttemptError::Final(FetchError::Status {
                    url: url.to_string(),
                    status,
                    body: String::from_utf8_lossy(&body)
                        .trim()
                        .chars()
                        .take(300)
                        .collect(),
                }));
            }
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let body = match read_body(response, self.config.max_body, url).await {
            Ok(b) => b,
            Err(BodyError::Transport(e)) => return Err(AttemptError::Transport(e)),
            Err(BodyError::TooLarge) => {
                return Err(AttemptError::Final(FetchError::TooLarge {
                    url: url.to_string(),
                    max: self.config.max_body,
                }))
            }
        };
        Ok(Attempt::Done(Fetched::Body(Response {
            url: url.to_string(),
            status,
            body,
            validators,
            retrieved: chrono::Utc::now(),
        })))
    }
}

enum Attempt {
    Done(Fetched),
    Retry { status: u16, wait: Option<Duration> },
}

enum AttemptError {
    Transport(reqwest::Error),
    Final(FetchError),
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_body(
    mut response: reqwest::Response,
    max: usize,
    _url: &str,
) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection"
    } else if e.is_body() || e.is_decode() {
        "body cut short"
    } else {
        "transport"
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Crossref's `x-rate-limit-limit: 50` and `x-rate-limit-interval: 1s`.
fn announced_limit(headers: &reqwest::header::HeaderMap) -> Option<(u32, Duration)> {
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let limit: u32 = text("x-rate-limit-limit")?.parse().ok()?;
    let interval = parse_interval(text("x-rate-limit-interval")?)?;
    Some((limit, interval))
}

/// `1s`, `500ms`, `2m`, `1h`, or bare seconds.
pub fn parse_interval(text: &str) -> Option<Duration> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    (secs.is_finite() && secs > 0.0).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_and_retry_after_are_read_in_their_written_forms() {
        assert_eq!(parse_interval("1s"), Some(Duration::from_secs(1)));
        assert_eq!(parse_interval("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_interval("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_interval("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_interval("soon"), None);
        assert_eq!(parse_interval("0s"), None);
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = std::time::SystemTime::now() + Duration::from_secs(30);
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let w = retry_after(&h).unwrap();
        assert!(
            w > Duration::from_secs(27) && w <= Duration::from_secs(30),
            "{w:?}"
        );
        h.insert("x-rate-limit-limit", "50".parse().unwrap());
        h.insert("x-rate-limit-interval", "1s".parse().unwrap());
        assert_eq!(announced_limit(&h), Some((50, Duration::from_secs(1))));
    }

    #[test]
    fn policies_of_a_shared_host_keep_the_stricter_values() {
        let c = PoliteClient::new(ClientConfig::new(Some("ops@example.org"))).unwrap();
        assert!(c.config().user_agent.contains("mailto:ops@example.org"));
        c.set_policy(
            "http://127.0.0.1:9/a",
            HostPolicy::new(10, Duration::from_secs(1), 4),
        )
        .unwrap();
        c.set_policy(
            "http://127.0.0.1:9/b",
            HostPolicy::new(3000, Duration::from_secs(300), 2),
        )
        .unwrap();
        let p = c.policy("http://127.0.0.1:9/x");
        assert_eq!((p.rate(), p.concurrency), (10.0, 2));
        c.set_policy(
            "http://127.0.0.1:9/c",
            HostPolicy::new(1, Duration::from_secs(1), 8),
        )
        .unwrap();
        let p = c.policy("http://127.0.0.1:9/x");
        assert_eq!((p.rate(), p.concurrency), (1.0, 2));
        assert_eq!(
            authority("https://api.datacite.org/dois").as_deref(),
            Some("api.datacite.org:443")
        );
        assert_eq!(authority("ftp://x/"), None);
    }
}
