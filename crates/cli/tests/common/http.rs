//! A `dmpgraph serve` on 127.0.0.1 and an HTTP client for it, for the
//! tests that go through HTTP.

use super::{bin, s};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `dmpgraph serve`, killed when dropped.
pub struct Server {
    /// The `dmpgraph serve` process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// What the server wrote on stderr.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `dmpgraph serve --store STORE --addr 127.0.0.1:0 EXTRA…` and
    /// waits for the address it listens on.
    pub fn start(store: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(store, extra, &[])
    }

    /// Starts a server with extra environment variables (a fault point).
    pub fn start_with_env(store: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut args = vec!["serve", "--store", s(store), "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut command = bin();
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dmpgraph serve starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("on http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("server did not start: {}", log.lock().unwrap()));
        Server {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }

    /// The URL of a path on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that reports every status instead of failing on 4xx/5xx.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A reply: status, content type, headers and body.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a reply whole.
pub fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.expect("request sent");
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    Reply {
        status: r.status().as_u16(),
        content_type: r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        headers,
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// A query parameter's value, percent-encoded.
pub fn enc(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `GET` with an `Accept` header.
pub fn get(server: &Server, path_and_query: &str, accept: &str) -> Reply {
    reply(
        agent()
            .get(server.url(path_and_query))
            .header("Accept", accept)
            .call(),
    )
}

/// A SPARQL query by `GET /sparql?query=`.
pub fn query_get(server: &Server, query: &str, accept: &str) -> Reply {
    get(server, &format!("/sparql?query={}", enc(query)), accept)
}

/// `POST` of a body with its content type.
pub fn post(server: &Server, path: &str, content_type: &str, body: &str, accept: &str) -> Reply {
    reply(
        agent()
            .post(server.url(path))
            .header("Content-Type", content_type)
            .header("Accept", accept)
            .send(body),
    )
}

/// A reply's body as JSON (panics, showing it, when it is not).
pub fn json_body(r: &Reply) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {} {}", r.status, r.body))
}

/// The `error_code` of a maDMP API error reply, after checking that it is
/// JSON with a message.
pub fn api_error_code(r: &Reply) -> String {
    assert_eq!(r.content_type, "application/json", "{}", r.body);
    let b = json_body(r);
    assert!(
        b["error_message"].as_str().is_some_and(|m| !m.is_empty()),
        "{b}"
    );
    b["error_code"].as_str().unwrap_or_default().to_string()
}
