//! The RDA Common maDMP API v1.0.0 (`../shared/standards/madmp-api/`)
//! over dmpgraph's store, for other funders and DMP tools: every stored
//! plan — AMED workbooks included — as the public maDMP document `dmpgraph
//! export madmp` writes.
//!
//! | route | answers |
//! |---|---|
//! | `GET {prefix}` | `{total_count, items}`: paged, sorted, filtered ([`list`]) |
//! | `GET {prefix}/{id}` | `{id, dmp}`, the id percent-encoded (`%2F` included) |
//! | `GET`/`HEAD /.well-known/api-catalog` | the RFC 9727 linkset naming the API |
//!
//! The prefix is `/api/dmps` by default ([`ApiConfig::prefix`]). Content
//! negotiation ([`negotiate`]): the standard's 1.3 media type by default,
//! 1.2 on request (q-values count), `application/json` (1.3) for a client
//! asking for plain JSON or naming nothing, 406 `not_acceptable` otherwise;
//! what a version cannot express is said in `Warning` headers. Every read
//! carries a strong `ETag` (of the stored public document and what it shows
//! of its deposits, per version) and `Last-Modified`; `If-None-Match`
//! answers 304. Every error is `{error_code, error_message}` ([`ApiError`]).
//!
//! Reads see the public store only, through one snapshot per request
//! ([`read`]), so no response holds a private value or a plan half written.

pub mod auth;
pub mod error;
pub mod list;
pub mod negotiate;
pub mod read;
pub mod write;

pub use error::ApiError;
pub use write::Writes;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dmpgraph_model::CatalogConfig;
use dmpgraph_store::PublicView;
use negotiate::Representation;
use read::{Reading, Served};
use serde_json::Value;
use std::sync::Arc;

/// The API's settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Where the API is (`/api/dmps`): no trailing slash.
    pub prefix: String,
    /// The catalog's publisher and contact, which exports name.
    pub catalog: CatalogConfig,
    /// The largest request body read (`[api] max_body_bytes`, 10 MB).
    pub max_body_bytes: usize,
    /// The deepest nesting of arrays and objects a body may have
    /// (`[api] max_depth`, 64; the standard's own documents nest 7 deep).
    pub max_depth: usize,
    /// Tokens of the configuration (`[[api.tokens]]`), besides the token
    /// file's.
    pub tokens: Vec<auth::TokenEntry>,
}

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig {
            prefix: DEFAULT_PREFIX.into(),
            catalog: CatalogConfig::builtin().clone(),
            max_body_bytes: 10 * 1024 * 1024,
            max_depth: 64,
            tokens: Vec::new(),
        }
    }
}

/// The configuration file's `[api]` table.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiTable {
    max_body_bytes: Option<usize>,
    max_depth: Option<usize>,
    #[serde(default)]
    tokens: Vec<auth::TokenEntry>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ConfigFile {
    #[serde(default)]
    api: ApiTable,
}

/// Where this deployment's OpenAPI 3.1 description is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// The project's OpenAPI 3.1 description of the API v1.0.0, written from
/// the baseline's 0.1.0 file and its 1.0.0 CHANGELOG, with the paths at
/// `/dmps` (served under the configured prefix).
pub const OPENAPI: &str = include_str!("../openapi/openapi.json");

/// The OpenAPI description with its paths under `prefix`.
pub fn openapi_document(prefix: &str) -> Value {
    let mut doc: Value =
        serde_json::from_str(OPENAPI).expect("openapi/openapi.json is JSON (tested)");
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        let moved: Vec<(String, Value)> = std::mem::take(paths)
            .into_iter()
            .map(|(k, v)| (format!("{prefix}{}", k.trim_start_matches("/dmps")), v))
            .collect();
        paths.extend(moved);
    }
    doc
}

/// The default prefix.
pub const DEFAULT_PREFIX: &str = "/api/dmps";

impl ApiConfig {
    /// The settings of a configuration file's `[api]` table (the shape of
    /// `mappings/catalog.toml`; other tables are others').
    pub fn with_toml(mut self, text: &str) -> Result<ApiConfig, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let t = file.api;
        if let Some(n) = t.max_body_bytes {
            if n == 0 {
                return Err("[api] max_body_bytes: expected a positive number of bytes".into());
            }
            self.max_body_bytes = n;
        }
        if let Some(n) = t.max_depth {
            if !(8..=1000).contains(&n) {
                return Err("[api] max_depth: expected 8 to 1000 levels".into());
            }
            self.max_depth = n;
        }
        self.tokens = t.tokens;
        Ok(self)
    }

    /// The prefix as given, checked: it starts with `/`, does not end with
    /// one, and is a plain path.
    pub fn with_prefix(mut self, prefix: &str) -> Result<ApiConfig, String> {
        let p = prefix.trim().trim_end_matches('/');
        if !p.starts_with('/')
            || p.len() < 2
            || p.contains(['{', '}', '?', '#', '*', ' '])
            || p.starts_with("/.well-known")
        {
            return Err(format!(
                "{prefix}: expected a path such as /api/dmps (no trailing slash, query or braces)"
            ));
        }
        self.prefix = p.to_string();
        Ok(self)
    }
}

#[derive(Clone)]
struct ApiState {
    public: PublicView,
    writes: Arc<Writes>,
    config: Arc<ApiConfig>,
    plans: Arc<PlanCache>,
}

/// The live plans' registry entries as of one change-log position: the
/// list reads them once per change of the store, not once per request
/// (30,000 entries decoded cost more than the page itself).
#[derive(Default)]
struct PlanCache(std::sync::Mutex<Option<(u64, Arc<Vec<dmpgraph_store::RecordEntry>>)>>);

impl PlanCache {
    /// The live plans as `reading` (of a snapshot at change `seq`) sees them.
    fn at(
        &self,
        seq: u64,
        reading: &Reading<'_>,
    ) -> Result<Arc<Vec<dmpgraph_store::RecordEntry>>, ApiError> {
        if let Some((at, plans)) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *at == seq {
                return Ok(plans.clone());
            }
        }
        let plans = Arc::new(reading.plans()?);
        let mut cached = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // A newer reading wins; an older one does not replace it.
        if cached.as_ref().is_none_or(|(at, _)| *at <= seq) {
            *cached = Some((seq, plans.clone()));
        }
        Ok(plans)
    }
}

/// The API's routes, to merge into the server's: reads of `public`,
/// writes through `writes`.
pub fn router(public: PublicView, writes: Writes, config: ApiConfig) -> Router {
    let prefix = config.prefix.clone();
    let state = ApiState {
        public,
        writes: Arc::new(writes),
        config: Arc::new(config),
        plans: Arc::default(),
    };
    Router::new()
        .route(&prefix, get(list_plans).post(write::create_plan))
        .route(
            &format!("{prefix}/{{id}}"),
            get(get_plan)
                .put(write::put_plan)
                .delete(write::delete_plan),
        )
        .route(
            "/.well-known/api-catalog",
            get(api_catalog).head(api_catalog),
        )
        .route(OPENAPI_PATH, get(openapi))
        .with_state(state)
}

/// A plan's id as a path segment (`/` as `%2F`).
pub fn encode_id(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// RFC 9110's `If-Match` / `If-None-Match`: `*` or entity tags (of
/// visible ASCII; the OpenAPI description says the same pattern).
static ENTITY_TAGS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"^(\*|(W/)?"[\x21\x23-\x7e]*"( *, *(W/)?"[\x21\x23-\x7e]*")*)$"#)
        .expect("a valid pattern")
});

/// A precondition header's value, checked: an entity-tag list for
/// `If-Match` and `If-None-Match`, visible ASCII for a date; 400
/// `bad_request` otherwise.
pub(crate) fn precondition(
    headers: &HeaderMap,
    name: header::HeaderName,
) -> Result<Option<&str>, ApiError> {
    // An empty field is no precondition.
    let Some(raw) = headers
        .get(&name)
        .filter(|v| !v.as_bytes().trim_ascii().is_empty())
    else {
        return Ok(None);
    };
    let text = raw
        .to_str()
        .ok()
        .filter(|t| t.bytes().all(|b| (0x20..0x7f).contains(&b)));
    let ok = match (&name, text) {
        (_, None) => false,
        (n, Some(t)) if *n == header::IF_MATCH || *n == header::IF_NONE_MATCH => {
            ENTITY_TAGS.is_match(t.trim())
        }
        _ => true,
    };
    if !ok {
        return Err(ApiError::bad_request(format!(
            "{name}: {:?}: expected {}",
            String::from_utf8_lossy(raw.as_bytes()),
            if name == header::IF_UNMODIFIED_SINCE {
                "a date of visible ASCII characters"
            } else {
                "* or a list of entity tags (\"…\")"
            }
        )));
    }
    Ok(text)
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Runs a blocking read of the store off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

/// Whether an entity-tag list (`If-Match`, `If-None-Match`, checked by
/// [`precondition`]) is `*` or names `etag`: by RFC 9110's weak
/// comparison (`If-None-Match`: a `W/` tag counts) or its strong one
/// (`If-Match`: a weak tag never matches).
pub(crate) fn names_tag(list: &str, etag: &str, weak: bool) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == etag || (weak && t.strip_prefix("W/") == Some(etag)))
}

fn http_date(t: chrono::DateTime<chrono::Utc>) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::from(t))
}

fn json_response(status: StatusCode, media_type: &'static str, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    r
}

/// What a `Warning` header's text percent-encodes besides non-ASCII.
const WARNING_TEXT: percent_encoding::AsciiSet = percent_encoding::CONTROLS.add(b'%');

/// Adds a `Warning` (RFC 7234's warn-code 299, persistent) to `r`.
fn warn(r: &mut Response, note: &str) {
    // Header values are ASCII: the rest (Japanese titles) is
    // percent-encoded as UTF-8, as is `%` itself.
    let note = note.replace(['"', '\\'], "'");
    let text = format!(
        "299 dmpgraph \"{}\"",
        percent_encoding::utf8_percent_encode(&note, &WARNING_TEXT)
    );
    if let Ok(v) = HeaderValue::from_str(&text) {
        r.headers_mut().append(header::WARNING, v);
    }
}

fn with_validators(
    mut r: Response,
    (etag, modified): &(String, chrono::DateTime<chrono::Utc>),
    served: &Served,
) -> Response {
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(*modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    for note in &served.notes {
        warn(&mut r, note);
    }
    r
}

async fn get_plan(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let representation = negotiate::choose(header_text(&headers, header::ACCEPT))?;
    let if_none = precondition(&headers, header::IF_NONE_MATCH)?.map(str::to_owned);
    let served = blocking(move || {
        let snapshot = state.public.snapshot()?;
        let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
        let entry = reading
            .plan_entry(&id)?
            .ok_or_else(|| ApiError::not_found(&id))?;
        let validators = reading.validators(&entry, representation)?;
        if if_none
            .as_deref()
            .is_some_and(|list| names_tag(list, &validators.0, true))
        {
            return Ok(Err(validators.0));
        }
        let served = reading.serve(&entry, representation)?;
        Ok(Ok((validators, served)))
    })
    .await?;
    match served {
        Ok((validators, served)) => Ok(with_validators(
            json_response(StatusCode::OK, representation.media_type, &served.body),
            &validators,
            &served,
        )),
        Err(etag) => {
            let mut r = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(v) = HeaderValue::from_str(&etag) {
                r.headers_mut().insert(header::ETAG, v);
            }
            r.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            Ok(r)
        }
    }
}

async fn list_plans(
    State(state): State<ApiState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let representation = negotiate::choose(header_text(&headers, header::ACCEPT))?;
    let q = list::ListQuery::parse(query.as_deref())?;
    let body = blocking(move || list_page(&state, &q, representation)).await?;
    Ok(json_response(
        StatusCode::OK,
        representation.media_type,
        &body,
    ))
}

/// One page of the list.
fn list_page(
    state: &ApiState,
    q: &list::ListQuery,
    representation: Representation,
) -> Result<Value, ApiError> {
    let snapshot = state.public.snapshot()?;
    let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
    let in_range = |t: chrono::DateTime<chrono::Utc>, (before, after): &(Option<_>, Option<_>)| {
        before.is_none_or(|b| t <= b) && after.is_none_or(|a| t > a)
    };
    // The registry's filters first; the document's on what is left.
    struct Candidate<'e> {
        entry: &'e dmpgraph_store::RecordEntry,
        /// Its last change, read when a filter or the sort needs it.
        modified: Option<chrono::DateTime<chrono::Utc>>,
        /// Its 1.3 document, read when a filter or the sort needs it.
        body: Option<Value>,
        /// Its values of the document sort keys, in `q.sort`'s order.
        keys: Vec<String>,
    }
    let needs_modified =
        q.modified != (None, None) || q.sort.iter().any(|(k, _)| *k == list::SortKey::Modified);
    let mut candidates = Vec::new();
    let plans = state.plans.at(snapshot.registry.last_seq()?, &reading)?;
    for entry in plans.iter() {
        if !in_range(entry.created, &q.created) {
            continue;
        }
        let modified = if needs_modified {
            let (_, m) = reading.validators(entry, representation)?;
            if !in_range(m, &q.modified) {
                continue;
            }
            Some(m)
        } else {
            None
        };
        let mut c = Candidate {
            entry,
            modified,
            body: None,
            keys: Vec::new(),
        };
        if q.needs_documents() {
            // Filters and sort keys read the 1.3 document.
            let body = reading.serve(c.entry, Representation::STANDARD)?.body;
            if !list::passes(&q.document, &body) {
                continue;
            }
            c.keys = q
                .sort
                .iter()
                .map(|(k, _)| list::sort_value(*k, &body))
                .collect();
            c.body = Some(body);
        }
        candidates.push(c);
    }
    let total = candidates.len();
    // Ties are broken by the system id, in the first key's direction, so
    // that a descending order is the ascending one reversed.
    let ascending = q.sort.first().is_none_or(|(_, asc)| *asc);
    candidates.sort_by(|a, b| {
        for (n, (key, asc)) in q.sort.iter().enumerate() {
            let o = match key {
                list::SortKey::Created => a.entry.created.cmp(&b.entry.created),
                list::SortKey::Modified => a.modified.cmp(&b.modified),
                _ => a.keys.get(n).cmp(&b.keys.get(n)),
            };
            let o = if *asc { o } else { o.reverse() };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        let o = a.entry.key.id.cmp(&b.entry.key.id);
        if ascending {
            o
        } else {
            o.reverse()
        }
    });
    let mut items = Vec::new();
    for c in candidates.into_iter().skip(q.offset).take(q.count) {
        // The 1.3 document read for the filters is the page's, in 1.3.
        let body = match c.body {
            Some(b) if representation.version == Representation::STANDARD.version => b,
            _ => reading.serve(c.entry, representation)?.body,
        };
        items.push(body);
    }
    Ok(serde_json::json!({ "total_count": total, "items": items }))
}

/// `GET /api/openapi.json`.
async fn openapi(State(state): State<ApiState>) -> Response {
    json_response(
        StatusCode::OK,
        "application/vnd.oai.openapi+json",
        &openapi_document(&state.config.prefix),
    )
}

/// RFC 9727: the API catalog, a linkset naming the API and its description.
async fn api_catalog(
    State(state): State<ApiState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let host = header_text(&headers, header::HOST).unwrap_or("localhost");
    let origin = format!("http://{host}");
    let catalog = format!("{origin}/.well-known/api-catalog");
    let api = format!("{origin}{}", state.config.prefix);
    let body = serde_json::json!({
        "linkset": [
            {"anchor": catalog, "item": [{"href": api}]},
            // This deployment's OpenAPI description, then the baseline
            // specification's.
            {"anchor": api, "service-desc": [
                {"href": format!("{origin}{OPENAPI_PATH}"), "type": "application/vnd.oai.openapi+json"},
                {"href": "https://raw.githubusercontent.com/RDA-DMP-Common/common-madmp-api/refs/tags/v1.0.0/openapi.yaml", "type": "application/vnd.oai.openapi"}
            ]}
        ]
    });
    let mut r = Response::new(if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body.to_string())
    });
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\"",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("<{catalog}>; rel=\"api-catalog\"")) {
        h.insert(header::LINK, v);
    }
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_description_is_served_under_the_prefix() {
        let doc = super::openapi_document("/madmp/plans");
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
        assert_eq!(doc["info"]["version"], "1.0.0");
        let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(paths, ["/madmp/plans", "/madmp/plans/{id}"]);
        let put = &doc["paths"]["/madmp/plans/{id}"]["put"];
        assert!(put["responses"]["409"].is_object() && put["security"].is_array());
        let media: Vec<&String> = put["requestBody"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert!(
            media.contains(&&super::negotiate::V1_3.to_string()),
            "{media:?}"
        );
    }
}
