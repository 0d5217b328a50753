//! Writes: `POST {prefix}` (create), `PUT {prefix}/{id}` (replace),
//! `DELETE {prefix}/{id}` (delete, leaving a tombstone), each through the
//! store's single writer.
//!
//! A write needs a bearer token ([`crate::auth`]); its body is refused
//! before it is parsed when it is over the configured size or nested
//! deeper than the configured depth; it is read as the version its
//! `Content-Type` names (415 otherwise), tolerantly (values that stray from
//! their key's `format` are kept and said in `Warning` headers), and 400
//! `dmp_invalid` names the JSON pointer of what the schema forbids.
//!
//! Preconditions (`If-Match`, `If-Unmodified-Since`, read as an HTTP date
//! or RFC 3339) are judged against the snapshot the request reads, then
//! handed to the writer as the stored record's hash at that moment: the
//! writer refuses the change when the record changed in between, so of
//! two clients writing on the same validators exactly one wins and the
//! other gets 409 `dmp_stale`.
//!
//! Plans read from AMED workbooks are served by the API and written only
//! from their workbooks (a public document lacks their private values):
//! writing one through the API is 403 `insufficient_permissions`.

use crate::auth::Tokens;
use crate::error::ApiError;
use crate::negotiate::{self, Representation};
use crate::read::Reading;
use crate::{blocking, header_text, http_date, json_response, with_validators, ApiState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use dmpgraph_madmp::{ImportError, Version};
use dmpgraph_pipeline::read::{madmp_reading, MadmpReading};
use dmpgraph_pipeline::records::{madmp_id, madmp_write_for, Context};
use dmpgraph_store::{
    Change, Condition, Delete, RecordEntry, SourceFormat, WriteHandle, WriteOutcome,
};
use http_body_util::BodyExt;
use serde_json::Value;

/// What the API writes through.
pub struct Writes {
    /// The store's writer.
    pub handle: WriteHandle,
    /// Who may write.
    pub tokens: Tokens,
}

/// The name a write's source has in provenance and in the registry.
const API_SOURCE: &str = "RDA Common maDMP API";

/// How much of a body over the limit is read (and thrown away) so that
/// the client, still sending, reads the 413 instead of a reset connection.
const DRAIN: u64 = 64 * 1024 * 1024;

/// The body, refused over `limit` bytes: what is over the limit is never
/// kept, only drained (up to [`DRAIN`] bytes) so that the client gets the
/// answer.
async fn body_bytes(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let declared =
        header_text(headers, header::CONTENT_LENGTH).and_then(|len| len.trim().parse::<u64>().ok());
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    // Over the limit by what it declares, or by what has come.
    let over = |seen: u64| seen > limit as u64 || declared.is_some_and(|n| n > limit as u64);
    if declared.is_some_and(|n| n > limit as u64 && n > DRAIN) {
        return Err(ApiError::too_large(limit));
    }
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(format!("the request body could not be read: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            seen += data.len() as u64;
            if over(seen) {
                kept = Vec::new();
                if seen > DRAIN {
                    break;
                }
            } else {
                kept.extend_from_slice(&data);
            }
        }
    }
    if over(seen) {
        return Err(ApiError::too_large(limit));
    }
    Ok(Bytes::from(kept))
}

/// The byte offset where `bytes` (JSON) nests deeper than `max` arrays
/// and objects, found before anything parses it.
fn nested_beyond(bytes: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A write request's body as a JSON value, and the version its media type
/// names.
struct Sent {
    value: Value,
    version: Option<Version>,
}

async fn read_body(state: &ApiState, headers: &HeaderMap, body: Body) -> Result<Sent, ApiError> {
    let version = negotiate::body_version(header_text(headers, header::CONTENT_TYPE))?;
    let bytes = body_bytes(headers, body, state.config.max_body_bytes).await?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some(at) = nested_beyond(bytes, state.config.max_depth) {
        return Err(ApiError::invalid(format!(
            "the document nests arrays and objects deeper than {} levels (at byte {at}), this server's limit (api.max_depth)",
            state.config.max_depth
        )));
    }
    let value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::invalid(ImportError::from_json(e).to_string()))?;
    Ok(Sent { value, version })
}

/// `If-Unmodified-Since` as an HTTP date or an RFC 3339 date-time.
fn since(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(t) = httpdate::parse_http_date(t) {
        return Some(DateTime::<Utc>::from(t));
    }
    // An IMF-fixdate of a year httpdate does not take (before 1970, after
    // 9999 it cannot be); the day name is not checked against the date.
    if let Some((_, rest)) = t.split_once(", ") {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(rest, "%d %b %Y %H:%M:%S GMT") {
            return Some(t.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What a request's preconditions give: the conditions the writer checks,
/// and what was ignored, to say in a `Warning`.
struct Preconditions {
    conditions: Vec<Condition>,
    ignored: Option<String>,
}

/// The preconditions of `headers` judged against `entry` as `reading`
/// sees it: 409 `dmp_stale` when one fails now, else the condition the
/// writer checks again (the record's hash as read), none without any.
/// As RFC 9110 says, `If-Unmodified-Since` is not read when `If-Match` is
/// given, and is ignored when it is not a date.
fn preconditions(
    reading: &Reading<'_>,
    entry: &RecordEntry,
    headers: &HeaderMap,
) -> Result<Preconditions, ApiError> {
    let if_match = crate::precondition(headers, header::IF_MATCH)?;
    let mut unmodified = crate::precondition(headers, header::IF_UNMODIFIED_SINCE)?;
    let mut ignored = None;
    if if_match.is_none() {
        if let Some(given) = unmodified.filter(|g| since(g).is_none()) {
            ignored = Some(format!(
                "If-Unmodified-Since: {given:?} is not an HTTP date (Tue, 25 Mar 2025 14:13:00 GMT) or an RFC 3339 date-time with a time zone: ignored, as RFC 9110 says"
            ));
            unmodified = None;
        }
    }
    if if_match.is_none() && unmodified.is_none() {
        return Ok(Preconditions {
            conditions: Vec::new(),
            ignored,
        });
    }
    let (tag, modified) = reading.validators(entry, Representation::STANDARD)?;
    if let Some(given) = if_match {
        let (tag_12, _) = reading.validators(entry, Representation::V1_2)?;
        if !crate::names_tag(given, &tag, false) && !crate::names_tag(given, &tag_12, false) {
            return Err(ApiError::stale(format!(
                "If-Match: {given}: the DMP is now {tag} ({tag_12} as 1.2); read it again, apply your changes and resubmit"
            )));
        }
    } else if let Some(t) = unmodified.and_then(since) {
        let given = unmodified.unwrap_or_default();
        if modified > t {
            return Err(ApiError::stale(format!(
                "If-Unmodified-Since: {given}: the DMP changed since, at {}; read it again, apply your changes and resubmit",
                http_date(modified)
            )));
        }
    }
    Ok(Preconditions {
        conditions: vec![Condition::IfMatch(entry.public_hash.clone())],
        ignored,
    })
}

/// The server's time as a maDMP `modified`, never before the stored
/// version (a document dated ahead of the server's clock).
fn server_time(stored: Option<&str>) -> String {
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    match stored {
        Some(s) if s > now.as_str() && since(s).is_some() => s.to_string(),
        _ => now,
    }
}

/// 403 for a plan read from its AMED workbook.
fn workbook_plan(entry: &RecordEntry) -> ApiError {
    ApiError::forbidden(format!(
        "'{}' is read from its AMED workbook (様式 別紙1, {}): it is changed by ingesting the workbook again, not through the API",
        entry.key.id,
        entry.source.as_deref().map_or("-", |s| s.rsplit('/').next().unwrap_or(s))
    ))
}

/// The stored maDMP plan `id` that a PUT or DELETE changes (404 when
/// there is none, 403 for an AMED workbook's), and the request's
/// preconditions on it.
fn writable(
    reading: &Reading<'_>,
    id: &str,
    headers: &HeaderMap,
) -> Result<(RecordEntry, Preconditions), ApiError> {
    let entry = reading
        .plan_entry(id)?
        .ok_or_else(|| ApiError::not_found(id))?;
    if entry.format != SourceFormat::Madmp {
        return Err(workbook_plan(&entry));
    }
    let preconditions = preconditions(reading, &entry, headers)?;
    Ok((entry, preconditions))
}

/// A maDMP document read for a write by `client`.
fn reading_of(body: Sent, client: &str) -> Result<MadmpReading, ApiError> {
    let file = format!("{API_SOURCE} ({client})");
    madmp_reading(std::path::Path::new(&file), body.value, body.version)
        .map_err(|e| ApiError::invalid(e.problem()))
}

/// The plan `id` as stored now, as a write's answer: its document, its
/// validators, and the reading's warnings.
fn answer(
    state: &ApiState,
    id: &str,
    status: StatusCode,
    representation: Representation,
    warnings: &[String],
) -> Result<Response, ApiError> {
    let snapshot = state.public.snapshot()?;
    let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
    let entry = reading
        .plan_entry(id)?
        .ok_or_else(|| ApiError::not_found(id))?;
    let validators = reading.validators(&entry, representation)?;
    let mut served = reading.serve(&entry, representation)?;
    served.notes.splice(0..0, warnings.iter().cloned());
    let mut r = with_validators(
        json_response(status, representation.media_type, &served.body),
        &validators,
        &served,
    );
    let location = format!(
        "{}/{}",
        state.config.prefix,
        crate::encode_id(&entry.key.id)
    );
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::CONTENT_LOCATION, v);
    }
    Ok(r)
}

/// The record write of `madmp` for `client`, `first` checked before the
/// write's own conditions.
fn record_write(
    state: &ApiState,
    madmp: &MadmpReading,
    base: &dmpgraph_rdf::Base,
    client: &str,
    first: Condition,
) -> Result<dmpgraph_store::RecordWrite, ApiError> {
    let mut write = madmp_write_for(
        madmp,
        Context {
            base,
            config: &state.config.catalog,
        },
        Some(client),
    )
    .map_err(ApiError::invalid)?;
    write.conditions.insert(0, first);
    Ok(write)
}

fn warnings_of(reading: &MadmpReading) -> Vec<String> {
    reading.problems.iter().map(|p| p.message.clone()).collect()
}

/// `POST {prefix}`: a new plan; 409 `dmp_already_exists` when its
/// `dmp_id` is stored.
pub(crate) async fn create_plan(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let client = state.writes.tokens.client(&headers)?;
    let representation = negotiate::choose(header_text(&headers, header::ACCEPT))?;
    let body = read_body(&state, &headers, body).await?;
    blocking(move || {
        let madmp = reading_of(body, &client)?;
        let id = madmp_id(&madmp.dmp_id);
        let snapshot = state.public.snapshot()?;
        let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
        let base = reading.base()?;
        let path_of = |id: &str| format!("{}/{}", state.config.prefix, crate::encode_id(id));
        if let Some(own) = base.record_id(&madmp.dmp_id) {
            // An export of a stored plan, sent back.
            return Err(match reading.plan_entry(&own)? {
                Some(e) => ApiError::exists(&e.key.id, &path_of(&e.key.id)),
                None => ApiError::conflict(format!(
                    "/dmp/dmp_id/identifier: <{}> is an identifier of this server's own records; a new DMP names its own",
                    madmp.dmp_id
                )),
            });
        }
        if let Some(e) = reading.plan_entry(&id)? {
            return Err(ApiError::exists(&e.key.id, &path_of(&e.key.id)));
        }
        let write = record_write(&state, &madmp, &base, &client, Condition::MustNotExist)?;
        drop(reading);
        drop(snapshot);
        let outcome = submit(&state.writes, Change::Put(write))?;
        match outcome {
            WriteOutcome::Created { .. } | WriteOutcome::Revived { .. } => {
                tracing::info!(%id, %client, "maDMP API: created");
                answer(&state, &id, StatusCode::OK, representation, &warnings_of(&madmp))
            }
            WriteOutcome::PreconditionFailed { .. } | WriteOutcome::Unchanged => {
                Err(ApiError::exists(&id, &path_of(&id)))
            }
            other => Err(ApiError::internal(format!("POST {id}: {other:?}"))),
        }
    })
    .await
}

/// `PUT {prefix}/{id}`: the plan replaced, its `modified` set by the server.
pub(crate) async fn put_plan(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let client = state.writes.tokens.client(&headers)?;
    let representation = negotiate::choose(header_text(&headers, header::ACCEPT))?;
    let mut body = read_body(&state, &headers, body).await?;
    blocking(move || {
        let snapshot = state.public.snapshot()?;
        let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
        let (entry, preconditions) = writable(&reading, &id, &headers)?;
        // The server sets `modified` (when the document has a `dmp` object
        // to set it in: the schema's error is said otherwise).
        if let Some(dmp) = body.value.get_mut("dmp").and_then(Value::as_object_mut) {
            dmp.insert(
                "modified".into(),
                Value::String(server_time(entry.version.as_deref())),
            );
        }
        let madmp = reading_of(body, &client)?;
        let named = madmp_id(&madmp.dmp_id);
        if named != entry.key.id {
            return Err(ApiError::conflict(format!(
                "/dmp/dmp_id/identifier: names '{named}', but the path names '{}': a DMP's dmp_id is its identity, which PUT does not change (POST the DMP under its new identifier, DELETE the old one)",
                entry.key.id
            )));
        }
        let base = reading.base()?;
        let mut write = record_write(&state, &madmp, &base, &client, Condition::MustExist)?;
        write.conditions.extend(preconditions.conditions);
        let mut warnings = warnings_of(&madmp);
        warnings.extend(preconditions.ignored);
        let key = entry.key.id.clone();
        drop(reading);
        drop(snapshot);
        match submit(&state.writes, Change::Put(write))? {
            WriteOutcome::Updated { .. } | WriteOutcome::Unchanged => {
                tracing::info!(id = %key, %client, "maDMP API: replaced");
                answer(&state, &key, StatusCode::OK, representation, &warnings)
            }
            outcome => Err(refused(&key, outcome)),
        }
    })
    .await
}

/// `DELETE {prefix}/{id}`: 204, the plan's tombstone left in the change log.
pub(crate) async fn delete_plan(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let client = state.writes.tokens.client(&headers)?;
    negotiate::choose(header_text(&headers, header::ACCEPT))?;
    blocking(move || {
        let snapshot = state.public.snapshot()?;
        let reading = Reading::new(&snapshot, &state.public, &state.config.catalog);
        let (entry, preconditions) = writable(&reading, &id, &headers)?;
        let mut conditions = vec![Condition::SameFormat(SourceFormat::Madmp)];
        conditions.extend(preconditions.conditions);
        let key = entry.key.clone();
        drop(reading);
        drop(snapshot);
        match submit(
            &state.writes,
            Change::Delete(Delete {
                key: key.clone(),
                conditions,
            }),
        )? {
            WriteOutcome::Deleted { .. } => {
                tracing::info!(id = %key.id, %client, "maDMP API: deleted");
                let mut r = StatusCode::NO_CONTENT.into_response();
                if let Some(note) = preconditions.ignored {
                    crate::warn(&mut r, &note);
                }
                Ok(r)
            }
            outcome => Err(refused(&key.id, outcome)),
        }
    })
    .await
}

/// One change through the writer.
fn submit(writes: &Writes, change: Change) -> Result<WriteOutcome, ApiError> {
    writes
        .handle
        .submit(vec![change])?
        .pop()
        .ok_or_else(|| ApiError::internal("the writer answered no outcome"))
}

/// The answer to a PUT or DELETE the writer refused.
fn refused(id: &str, outcome: WriteOutcome) -> ApiError {
    match outcome {
        WriteOutcome::NotFound | WriteOutcome::AlreadyDeleted => ApiError::not_found(id),
        WriteOutcome::PreconditionFailed { reason } if reason == "no such record" => {
            ApiError::not_found(id)
        }
        WriteOutcome::PreconditionFailed { reason } => ApiError::stale(format!(
            "the DMP '{id}' changed while this request was read ({reason}); read it again, apply your changes and resubmit"
        )),
        WriteOutcome::OlderThanStored { stored } => ApiError::stale(format!(
            "the DMP '{id}' changed while this request was read (now modified {stored}); read it again and resubmit"
        )),
        other => ApiError::internal(format!("{id}: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nested_beyond(br#"{"a":[{"b":1}]}"#, 3), None);
        assert_eq!(nested_beyond(br#"{"a":[{"b":[1]}]}"#, 3), Some(11));
        assert_eq!(nested_beyond(br#"{"a":"[[[[[[\"[[[["}"#, 1), None);
        let deep = "[".repeat(100_000);
        assert_eq!(nested_beyond(deep.as_bytes(), 64), Some(64));
    }

    #[test]
    fn if_unmodified_since_is_an_http_date_or_rfc_3339() {
        let t = since("Tue, 25 Mar 2025 14:13:00 GMT").unwrap();
        assert_eq!(t, since("2025-03-25T14:13:00Z").unwrap());
        assert_eq!(t, since("2025-03-25T23:13:00+09:00").unwrap());
        assert!(
            since("2025-03-25T14:13:00").is_none(),
            "a time zone is required"
        );
        assert!(since("yesterday").is_none());
        assert_eq!(
            since("Wed, 20 May 1153 04:15:23 GMT").map(|t| t.to_rfc3339()),
            Some("1153-05-20T04:15:23+00:00".into())
        );
    }

    #[test]
    fn the_server_time_never_goes_back_before_the_stored_version() {
        let now = server_time(None);
        assert!(since(&now).is_some(), "{now}");
        assert_eq!(
            server_time(Some("2999-01-01T00:00:00Z")),
            "2999-01-01T00:00:00Z"
        );
        assert_eq!(server_time(Some("2001-01-01T00:00:00Z")).len(), now.len());
    }
}
