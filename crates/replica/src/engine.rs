//! The HTTP client of one engine: SPARQL 1.1 Protocol queries and updates,
//! Graph Store Protocol loads, with HTTP Digest or Basic credentials.

use crate::config::{AuthScheme, EngineConfig, Flavour};
use crate::ReplicaError;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What an engine answered to a query: its media type and body.
#[derive(Debug, Clone)]
pub struct EngineAnswer {
    /// The `Content-Type` essence (`application/sparql-results+json`…).
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

/// A client of one engine (cheap to clone: one connection pool).
#[derive(Clone)]
pub struct Engine {
    config: Arc<EngineConfig>,
    http: reqwest::Client,
    /// The last Digest challenge, answered again (nonce count + 1) on the
    /// next request so that most requests need one round trip.
    challenge: Arc<Mutex<Option<digest_auth::WwwAuthenticateHeader>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A request to repeat after a Digest challenge.
struct Request<'a> {
    method: Method,
    url: &'a str,
    content_type: Option<&'a str>,
    accept: Option<&'a str>,
    body: Option<Vec<u8>>,
    timeout: Duration,
}

impl Engine {
    /// A client for `config` (no request is made).
    pub fn new(config: EngineConfig) -> Result<Engine, ReplicaError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("dmpgraph/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|source| ReplicaError::Http {
                engine: config.name.clone(),
                url: config.query_url.clone(),
                source,
            })?;
        Ok(Engine {
            config: Arc::new(config),
            http,
            challenge: Arc::new(Mutex::new(None)),
        })
    }

    /// Its configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Its flavour.
    pub fn flavour(&self) -> Flavour {
        self.config.flavour
    }

    /// Sends a SPARQL query (already checked by the caller) with the
    /// protocol's dataset parameters; `accept` is the `Accept` header.
    pub async fn query(
        &self,
        query: &str,
        default_graphs: &[String],
        named_graphs: &[String],
        accept: &str,
        timeout: Duration,
    ) -> Result<EngineAnswer, ReplicaError> {
        let mut form = form_encode(&[("query", query)]);
        for g in default_graphs {
            form.push('&');
            form.push_str(&form_encode(&[("default-graph-uri", g)]));
        }
        for g in named_graphs {
            form.push('&');
            form.push_str(&form_encode(&[("named-graph-uri", g)]));
        }
        let url = self.config.query_url.clone();
        let response = self
            .send(Request {
                method: Method::POST,
                url: &url,
                content_type: Some("application/x-www-form-urlencoded"),
                accept: Some(accept),
                body: Some(form.into_bytes()),
                timeout,
            })
            .await?;
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let body = response
            .bytes()
            .await
            .map_err(|source| self.http_err(&url, source))?
            .to_vec();
        if !status.is_success() {
            return Err(self.refused(&url, status, &body));
        }
        // Virtuoso's "anytime" queries and its ResultSetMaxRows cut an
        // answer short and say so only in headers: never pass one on.
        if let Some(state) = headers.get("x-sql-state").and_then(|v| v.to_str().ok()) {
            return Err(ReplicaError::Partial {
                engine: self.config.name.clone(),
                reason: format!("X-SQL-State {state}: the engine stopped the query early"),
            });
        }
        if headers.contains_key("x-sparql-maxrows") {
            return Err(ReplicaError::Partial {
                engine: self.config.name.clone(),
                reason: "X-SPARQL-MaxRows: the engine cut the answer at its ResultSetMaxRows"
                    .into(),
            });
        }
        Ok(EngineAnswer { content_type, body })
    }

    /// Sends a SPARQL update.
    pub async fn update(&self, update: String) -> Result<(), ReplicaError> {
        let url = self.config.update_url.clone();
        let (content_type, body) = match self.config.flavour {
            // Virtuoso's /sparql-auth reads updates from a form.
            Flavour::Virtuoso => (
                "application/x-www-form-urlencoded",
                form_encode(&[("update", &update)]).into_bytes(),
            ),
            _ => ("application/sparql-update", update.into_bytes()),
        };
        let response = self
            .send(Request {
                method: Method::POST,
                url: &url,
                content_type: Some(content_type),
                accept: None,
                body: Some(body),
                timeout: self.config.timeout,
            })
            .await?;
        self.check(&url, response).await
    }

    /// Adds N-Quads to the engine's dataset through the Graph Store
    /// Protocol endpoint (`POST /store`: the oxigraph flavour's bulk load).
    pub async fn post_nquads(&self, nquads: Vec<u8>) -> Result<(), ReplicaError> {
        let url = self
            .config
            .store_url
            .clone()
            .ok_or_else(|| ReplicaError::Config {
                origin: self.config.name.clone(),
                message: "no store_url for a bulk load".into(),
            })?;
        let response = self
            .send(Request {
                method: Method::POST,
                url: &url,
                content_type: Some("application/n-quads"),
                accept: None,
                body: Some(nquads),
                timeout: self.config.timeout,
            })
            .await?;
        self.check(&url, response).await
    }

    async fn check(&self, url: &str, response: reqwest::Response) -> Result<(), ReplicaError> {
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(self.refused(url, status, &body))
    }

    fn refused(&self, url: &str, status: StatusCode, body: &[u8]) -> ReplicaError {
        let text = String::from_utf8_lossy(body);
        let mut message: String = text.trim().chars().take(600).collect();
        if text.trim().chars().count() > 600 {
            message.push('…');
        }
        ReplicaError::Refused {
            engine: self.config.name.clone(),
            url: url.to_string(),
            status: status.as_u16(),
            message,
        }
    }

    fn http_err(&self, url: &str, source: reqwest::Error) -> ReplicaError {
        if source.is_timeout() {
            ReplicaError::Timeout {
                engine: self.config.name.clone(),
                url: url.to_string(),
            }
        } else {
            ReplicaError::Http {
                engine: self.config.name.clone(),
                url: url.to_string(),
                source,
            }
        }
    }

    fn build(&self, r: &Request<'_>, authorization: Option<String>) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        if let Some(ct) = r.content_type {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_str(ct)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
        }
        if let Some(a) = r.accept {
            if let Ok(v) = HeaderValue::from_str(a) {
                headers.insert(ACCEPT, v);
            }
        }
        let mut b = self
            .http
            .request(r.method.clone(), r.url)
            .headers(headers)
            .timeout(r.timeout);
        if let Some(body) = &r.body {
            b = b.body(body.clone());
        }
        match (self.config.auth, &self.config.user, authorization) {
            (_, _, Some(value)) => b.header(AUTHORIZATION, value),
            (AuthScheme::Basic, Some(user), None) => {
                b.basic_auth(user, self.config.password.as_deref())
            }
            _ => b,
        }
    }

    /// The Digest `Authorization` for `r` from a challenge.
    fn digest(
        &self,
        prompt: &mut digest_auth::WwwAuthenticateHeader,
        r: &Request<'_>,
    ) -> Result<String, ReplicaError> {
        let user = self.config.user.as_deref().unwrap_or_default();
        let password = self.config.password.as_deref().unwrap_or_default();
        let path = reqwest::Url::parse(r.url)
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            })
            .unwrap_or_else(|_| r.url.to_string());
        let context = digest_auth::AuthContext::new_with_method(
            user,
            password,
            path,
            r.body.as_deref(),
            digest_auth::HttpMethod(std::borrow::Cow::Owned(r.method.as_str().to_string())),
        );
        prompt
            .respond(&context)
            .map(|h| h.to_header_string())
            .map_err(|e| ReplicaError::Auth {
                engine: self.config.name.clone(),
                message: format!("cannot answer the engine's Digest challenge: {e}"),
            })
    }

    async fn send(&self, r: Request<'_>) -> Result<reqwest::Response, ReplicaError> {
        let digest = self.config.auth == AuthScheme::Digest && self.config.user.is_some();
        // Answer the last challenge again, if there is one.
        let pre = if digest {
            let mut slot = self.challenge.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_mut() {
                Some(prompt) => Some(self.digest(prompt, &r)?),
                None => None,
            }
        } else {
            None
        };
        let response = self
            .build(&r, pre)
            .send()
            .await
            .map_err(|e| self.http_err(r.url, e))?;
        if response.status() != StatusCode::UNAUTHORIZED || !digest {
            return Ok(response);
        }
        let Some(mut prompt) = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.trim_start().to_ascii_lowercase().starts_with("digest"))
            .and_then(|v| digest_auth::parse(v).ok())
        else {
            return Ok(response);
        };
        let authorization = self.digest(&mut prompt, &r)?;
        *self.challenge.lock().unwrap_or_else(|p| p.into_inner()) = Some(prompt);
        self.build(&r, Some(authorization))
            .send()
            .await
            .map_err(|e| self.http_err(r.url, e))
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const FORM: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'*')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, FORM),
                utf8_percent_encode(v, FORM)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}
