//! The RDA Common maDMP API's writes on `dmpgraph serve`, over real HTTP:
//! POST, PUT and DELETE with bearer tokens, media types, size and nesting
//! limits, `If-Match` and `If-Unmodified-Since` checked inside the writer
//! (two clients racing on the same validators: exactly one wins), AMED
//! plans read-only, and what is written visible at once in SPARQL,
//! OAI-PMH and the change log, with no private value in any answer.

mod common;

use common::http::*;
use common::*;
use serde_json::{json, Value};
use std::path::Path;

const V13: &str = "application/vnd.org.rd-alliance.dmp-common.v1.3+json";
const V12: &str = "application/vnd.org.rd-alliance.dmp-common.v1.2+json";

use common::http::{api_error_code as error_code, json_body as body};

/// A token made by `dmpgraph api-token add`.
fn token(store: &Path, name: &str) -> String {
    let o = run(&["api-token", "add", "--store", s(store), name]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o).trim().to_string();
    assert!(t.len() > 40, "{t}");
    t
}

/// One request: method, path, headers, body.
fn send(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let url = server.url(path);
    let a = agent();
    macro_rules! with_headers {
        ($req:expr) => {{
            let mut req = $req;
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req
        }};
    }
    reply(match method {
        "GET" => with_headers!(a.get(&url)).call(),
        "DELETE" => with_headers!(a.delete(&url)).call(),
        "POST" => with_headers!(a.post(&url)).send(body.unwrap_or_default()),
        "PUT" => with_headers!(a.put(&url)).send(body.unwrap_or_default()),
        other => panic!("{other}"),
    })
}

/// A 1.3 plan every value of which is public, so it reads back as sent.
fn public_plan(dmp_id: &str, title: &str) -> Value {
    json!({"dmp": {
        "title": title,
        "description": "API 経由で登録された DMP（試験）",
        "created": "2026-04-01T09:00:00+09:00",
        "modified": "2026-04-02T10:00:00+09:00",
        "language": "jpn",
        "ethical_issues_exist": "no",
        "dmp_id": {"identifier": dmp_id, "type": "doi"},
        "contact": {
            "name": "DMP 窓口",
            "mbox": "dmp-catalog@example.org",
            "contact_id": {"identifier": "https://ror.org/01b9y6c26", "type": "ror"}
        },
        "project": [{
            "title": "試験プロジェクト",
            "start": "2026-04-01",
            "end": "2029-03-31",
            "funding": [{
                "funder_id": {"identifier": "https://doi.org/10.13039/501100001691", "type": "fundref"},
                "grant_id": {"identifier": "26K09999", "type": "other"},
                "funding_status": "granted"
            }]
        }],
        "dataset": [{
            "title": "試験データセット",
            "type": "dataset",
            "personal_data": "no",
            "sensitive_data": "no",
            "issued": "2027-03-31",
            "dataset_id": {"identifier": "https://doi.org/10.5281/zenodo.7777777", "type": "doi"},
            "distribution": [{
                "title": "Zenodo",
                "data_access": "open",
                "access_url": "https://doi.org/10.5281/zenodo.7777777",
                "host": {"title": "Zenodo", "url": "https://zenodo.org/"}
            }]
        }]
    }})
}

/// The same plan with a private value (an e-mail address) in every place
/// one can be.
fn plan_with_secrets(dmp_id: &str, title: &str, marker: &str) -> Value {
    let mut p = public_plan(dmp_id, title);
    p["dmp"]["contact"]["mbox"] = json!(format!("{marker}.contact@example.jp"));
    p["dmp"]["contributor"] = json!([{
        "name": "API 試験者",
        "mbox": format!("{marker}.contributor@example.jp"),
        "role": ["DataCurator"],
        "contributor_id": {"identifier": "https://orcid.org/0000-0002-1694-233X", "type": "orcid"}
    }]);
    p
}

fn without_modified(mut v: Value) -> Value {
    if let Some(d) = v.get_mut("dmp").and_then(Value::as_object_mut) {
        d.remove("modified");
    }
    v
}

fn last_seq(store: &Path) -> u64 {
    let o = run(&["stats", "--store", s(store), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o)["stats"]["last_seq"].as_u64().unwrap()
}

fn sparql_has_title(server: &Server, title: &str) -> bool {
    let q = format!(
        "ASK {{ GRAPH ?g {{ ?s <http://purl.org/dc/terms/title> ?t FILTER(STR(?t) = \"{title}\") }} }}"
    );
    let r = query_get(server, &q, "application/sparql-results+json");
    assert_eq!(r.status, 200, "{}", r.body);
    body(&r)["boolean"].as_bool().unwrap()
}

/// The OAI-PMH header of the record whose identifier ends with `id`.
fn oai_header(server: &Server, id: &str) -> Option<String> {
    let r = get(
        server,
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "text/xml",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
        .split("<header")
        .skip(1)
        .find(|h| h.contains(&format!(":{id}</identifier>")))
        .map(|h| h.split("</header>").next().unwrap_or_default().to_string())
}

#[test]
fn plans_are_created_replaced_and_deleted_with_a_token_and_preconditions() {
    let store = ingested_examples();
    let ci = token(store.path(), "ci-sync");
    let config = store.path().join("api.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[api]\nmax_body_bytes = 200000\nmax_depth = 32\n",
            std::fs::read_to_string(repo_root().join("mappings/catalog.toml")).unwrap()
        ),
    )
    .unwrap();
    let server = Server::start(store.path(), &["--config", s(&config)]);
    let auth = format!("Bearer {ci}");
    let writer = |ct: &'static str| -> Vec<(&'static str, String)> {
        vec![("Authorization", auth.clone()), ("Content-Type", ct.into())]
    };
    let h = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let call = |method: &str, path: &str, headers: &[(&str, String)], b: Option<&Value>| {
        let hs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let text = b.map(Value::to_string);
        send(&server, method, path, &hs, text.as_deref())
    };
    let mut served = Vec::new();
    let marker = "apimarker7q3";
    let mut secrets = example_private_values();
    secrets.push(format!("{marker}.contact@example.jp"));
    secrets.push(format!("{marker}.contributor@example.jp"));
    let seq0 = last_seq(store.path());

    // --- Who may write: 401 without a token or with a wrong one.
    let new_id = "doi:10.9999/api-test-0001";
    let plan = plan_with_secrets(
        "https://doi.org/10.9999/API-TEST-0001",
        "API試験計画",
        marker,
    );
    for headers in [
        vec![("Content-Type", V13.to_string())],
        vec![
            ("Content-Type", V13.to_string()),
            ("Authorization", "Bearer dmpg_not-a-token".to_string()),
        ],
        vec![
            ("Content-Type", V13.to_string()),
            ("Authorization", "Basic Y2k6c2VjcmV0".to_string()),
        ],
    ] {
        let r = call("POST", "/api/dmps", &headers, Some(&plan));
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (401, "authentication_required"),
            "{headers:?}"
        );
        assert!(r
            .header("www-authenticate")
            .is_some_and(|c| c.starts_with("Bearer")));
    }
    // --- What may be sent: 415, 413, too deep, invalid, each named.
    let r = call("POST", "/api/dmps", &writer("text/plain"), Some(&plan));
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (415, "unsupported_media_type")
    );
    let mut big = plan.clone();
    big["dmp"]["description"] = json!("あ".repeat(100_000));
    let r = call("POST", "/api/dmps", &writer(V13), Some(&big));
    assert_eq!((r.status, error_code(&r).as_str()), (413, "bad_request"));
    let mut deep = plan.clone();
    let mut nest = json!("底");
    for _ in 0..40 {
        nest = json!({ "x": nest });
    }
    deep["dmp"]["x-deep"] = nest;
    let r = call("POST", "/api/dmps", &writer(V13), Some(&deep));
    assert_eq!((r.status, error_code(&r).as_str()), (400, "dmp_invalid"));
    assert!(body(&r)["error_message"]
        .as_str()
        .unwrap()
        .contains("32 levels"));
    let mut invalid = plan.clone();
    invalid["dmp"]["dataset"][0]["personal_data"] = json!("perhaps");
    let r = call("POST", "/api/dmps", &writer(V13), Some(&invalid));
    assert_eq!((r.status, error_code(&r).as_str()), (400, "dmp_invalid"));
    let message = body(&r)["error_message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("/dmp/dataset/0/personal_data"),
        "the pointer first: {message}"
    );
    let r = send(
        &server,
        "POST",
        "/api/dmps",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some("{\"dmp\": "),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (400, "dmp_invalid"));
    assert_eq!(last_seq(store.path()), seq0, "nothing refused was written");

    // --- POST: 200 {id, dmp}, validators, the plan at once everywhere.
    let mut first = writer(V13);
    first.push(("Accept", "application/json".into()));
    let r = call("POST", "/api/dmps", &first, Some(&plan));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, "application/json");
    let created = body(&r);
    assert_eq!(created["id"], new_id);
    assert_eq!(created["dmp"]["title"], "API試験計画");
    let etag = r.header("etag").expect("ETag").to_string();
    assert!(r.header("last-modified").is_some());
    assert_eq!(
        r.header("content-location"),
        Some(format!("/api/dmps/{}", enc(new_id)).as_str())
    );
    served.push(created.clone());
    let seq1 = last_seq(store.path());
    assert_eq!(seq1, seq0 + 1, "one change-log entry");
    assert!(sparql_has_title(&server, "API試験計画"));
    let header = oai_header(&server, new_id).expect("in OAI-PMH");
    assert!(!header.contains("deleted"), "{header}");
    // The provenance names the token's client.
    let q = format!(
        "ASK {{ GRAPH <{}> {{ ?a <http://www.w3.org/ns/prov#wasAssociatedWith> ?c . ?c <http://xmlns.com/foaf/0.1/name> \"ci-sync\" }} }}",
        created_graph(&server, new_id)
    );
    let r = query_get(&server, &q, "application/sparql-results+json");
    assert_eq!(body(&r)["boolean"], true, "{}", r.body);
    // A duplicate: 409 naming the stored DMP, in any spelling of its id.
    let mut again = plan.clone();
    again["dmp"]["dmp_id"]["identifier"] = json!("doi:10.9999/api-test-0001");
    let r = call("POST", "/api/dmps", &writer(V13), Some(&again));
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (409, "dmp_already_exists")
    );
    assert!(r.body.contains(new_id), "{}", r.body);
    // An AMED plan's export, sent back: it exists.
    let amed = body(&get(&server, "/api/dmps/23ck0106789h0001", V13));
    let r = call(
        "POST",
        "/api/dmps",
        &writer(V13),
        Some(&json!({"dmp": amed["dmp"]})),
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (409, "dmp_already_exists"),
        "{}",
        r.body
    );

    // --- PUT: the server sets `modified`; If-Match and If-Unmodified-Since.
    let path = format!("/api/dmps/{}", enc(new_id));
    let public = public_plan(new_id, "API試験計画 改訂");
    let mut put = writer(V13);
    put.push(("If-Match", etag.clone()));
    put.push(("Accept", V13.into()));
    let before = chrono::Utc::now() - chrono::Duration::seconds(2);
    let r = call("PUT", &path, &put, Some(&public));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, V13);
    let replaced = body(&r);
    let modified =
        chrono::DateTime::parse_from_rfc3339(replaced["dmp"]["modified"].as_str().unwrap())
            .unwrap();
    assert!(
        modified > before && modified < chrono::Utc::now() + chrono::Duration::seconds(2),
        "the server's time: {modified}"
    );
    let etag2 = r.header("etag").unwrap().to_string();
    assert_ne!(etag2, etag);
    let last_modified = r.header("last-modified").unwrap().to_string();
    // Read back in 1.3: what was sent, apart from `modified`.
    let back = body(&get(&server, &path, V13));
    assert_eq!(
        without_modified(json!({"dmp": back["dmp"]})),
        without_modified(public.clone()),
        "a PUT 1.3 plan reads back as sent"
    );
    assert_eq!(back, replaced);
    served.push(back);
    assert!(sparql_has_title(&server, "API試験計画 改訂"));
    assert!(!sparql_has_title(&server, "API試験計画"));
    assert_eq!(last_seq(store.path()), seq1 + 1);
    // The old tag: stale, and nothing written.
    let r = call("PUT", &path, &put, Some(&public_plan(new_id, "上書き")));
    assert_eq!((r.status, error_code(&r).as_str()), (409, "dmp_stale"));
    // A weak tag never matches; `*` matches any stored plan.
    let mut weak = writer(V13);
    weak.push(("If-Match", format!("W/{etag2}")));
    let r = call("PUT", &path, &weak, Some(&public_plan(new_id, "上書き")));
    assert_eq!((r.status, error_code(&r).as_str()), (409, "dmp_stale"));
    // A malformed tag list: 400; an answer no version can be: 406.
    let mut malformed = writer(V13);
    malformed.push(("If-Match", "not-a-tag".into()));
    let r = call(
        "PUT",
        &path,
        &malformed,
        Some(&public_plan(new_id, "上書き")),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (400, "bad_request"));
    let mut xml = writer(V13);
    xml.push(("Accept", "application/xml".into()));
    let r = call("PUT", &path, &xml, Some(&public_plan(new_id, "上書き")));
    assert_eq!((r.status, error_code(&r).as_str()), (406, "not_acceptable"));
    // If-Unmodified-Since as the HTTP date served, and as RFC 3339.
    let mut ius = writer(V13);
    ius.push(("If-Unmodified-Since", last_modified.clone()));
    let r = call("PUT", &path, &ius, Some(&public_plan(new_id, "日付で更新")));
    assert_eq!(r.status, 200, "{}", r.body);
    let lm: chrono::DateTime<chrono::Utc> =
        httpdate::parse_http_date(r.header("last-modified").unwrap())
            .unwrap()
            .into();
    let mut rfc = writer(V13);
    rfc.push((
        "If-Unmodified-Since",
        lm.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .to_rfc3339(),
    ));
    let r = call(
        "PUT",
        &path,
        &rfc,
        Some(&public_plan(new_id, "RFC 3339 で更新")),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The date now before the last change: stale.
    let r = call("PUT", &path, &rfc, Some(&public_plan(new_id, "古い日付")));
    assert_eq!((r.status, error_code(&r).as_str()), (409, "dmp_stale"));
    // A date that is not one is ignored, as RFC 9110 says, and said.
    let mut garbled = writer(V13);
    garbled.push(("If-Unmodified-Since", "yesterday".into()));
    let r = call(
        "PUT",
        &path,
        &garbled,
        Some(&public_plan(new_id, "RFC 3339 で更新")),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("warning")
            .is_some_and(|w| w.contains("If-Unmodified-Since") && w.contains("ignored")),
        "{:?}",
        r.headers
    );
    // The dmp_id is the identity: a PUT does not change it.
    let r = call(
        "PUT",
        &path,
        &writer(V13),
        Some(&public_plan("doi:10.9999/other", "x")),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (409, "conflict"));
    assert!(body(&r)["error_message"]
        .as_str()
        .unwrap()
        .starts_with("/dmp/dmp_id/identifier"));
    // No such plan: 404; an AMED plan: read-only, 403.
    let r = call(
        "PUT",
        &format!("/api/dmps/{}", enc("doi:10.9999/none")),
        &writer(V13),
        Some(&public_plan("doi:10.9999/none", "x")),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (404, "dmp_not_found"));
    let r = call(
        "PUT",
        "/api/dmps/23ck0106789h0001",
        &writer(V13),
        Some(&json!({"dmp": amed["dmp"]})),
    );
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (403, "insufficient_permissions")
    );
    // A 1.2 document PUT as 1.2 under an id with '/' (%2F), answered in 1.2.
    let crest = "https://dmp.example.org/plans/crest-2023-042";
    let crest_path = format!("/api/dmps/{}", enc(crest));
    assert!(crest_path.contains("%2F"));
    let mut doc12: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("madmp/jst-crest-sfts-1.2.json")).unwrap(),
    )
    .unwrap();
    doc12["dmp"]["title"] = json!("CREST 計画 (API 改訂)");
    let mut as12 = writer(V12);
    as12.push(("Accept", V12.into()));
    let r = call("PUT", &crest_path, &as12, Some(&doc12));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, V12);
    assert_eq!(body(&r)["dmp"]["title"], "CREST 計画 (API 改訂)");
    served.push(body(&r));

    // --- DELETE: 204, a tombstone; 404 after; AMED plans 403.
    let r = call("DELETE", &path, &[], None);
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (401, "authentication_required")
    );
    let r = call("DELETE", "/api/dmps/23ck0106789h0001", &writer(V13), None);
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (403, "insufficient_permissions")
    );
    let mut stale = writer(V13);
    stale.push(("If-Match", etag.clone()));
    let r = call("DELETE", &path, &stale, None);
    assert_eq!((r.status, error_code(&r).as_str()), (409, "dmp_stale"));
    let seq_before = last_seq(store.path());
    let r = call(
        "DELETE",
        &path,
        &h(&[("Authorization", auth.clone())]),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.body.is_empty());
    assert_eq!(last_seq(store.path()), seq_before + 1);
    let r = get(&server, &path, V13);
    assert_eq!((r.status, error_code(&r).as_str()), (404, "dmp_not_found"));
    let r = call(
        "DELETE",
        &path,
        &h(&[("Authorization", auth.clone())]),
        None,
    );
    assert_eq!((r.status, error_code(&r).as_str()), (404, "dmp_not_found"));
    assert!(!sparql_has_title(&server, "RFC 3339 で更新"));
    let header = oai_header(&server, new_id).expect("a tombstone in OAI-PMH");
    assert!(header.contains("status=\"deleted\""), "{header}");
    let list = body(&get(&server, "/api/dmps?count=100", V13));
    assert_eq!(list["total_count"], 10);
    assert!(!list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == new_id));
    // A value that strays from its key's format is kept, and said.
    let stray_id = "doi:10.9999/api-stray-0001";
    let mut stray = public_plan(stray_id, "書式の外れた値");
    stray["dmp"]["dataset"][0]["distribution"][0]["host"]["url"] =
        json!("10.25504/FAIRsharing.zenodo");
    let r = call("POST", "/api/dmps", &writer(V13), Some(&stray));
    assert_eq!(r.status, 200, "{}", r.body);
    let warnings: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("warning"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("299 dmpgraph \"/dmp/dataset/0/distribution/0/host/url")),
        "{warnings:?}"
    );
    assert_eq!(
        body(&r)["dmp"]["dataset"][0]["distribution"][0]["host"]["url"],
        "10.25504/FAIRsharing.zenodo"
    );
    // Created again after its deletion.
    let r = call("POST", "/api/dmps", &writer(V13), Some(&plan));
    assert_eq!(r.status, 200, "{}", r.body);
    served.push(body(&r));

    // --- Every answer: the schema of its version, no private value.
    for r in [
        get(&server, "/api/dmps?count=100", V13).body,
        query_get(
            &server,
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
            "application/n-triples",
        )
        .body,
        get(
            &server,
            "/oai?verb=ListRecords&metadataPrefix=oai_dc",
            "text/xml",
        )
        .body,
    ] {
        for secret in &secrets {
            assert!(!reveals(&r, secret), "{secret} in a public answer");
        }
    }
    let documents: Vec<Value> = served
        .iter()
        .enumerate()
        .map(|(n, b)| {
            json!({
                "name": format!("write answer {n}"),
                "version": if n == 2 { "1.2" } else { "1.3" },
                "json": {"dmp": b["dmp"]},
                "forbidden": secrets,
                "foreign_keys": [],
            })
        })
        .collect();
    check_madmp_documents(&documents);
}

/// The graph (record IRI) of a stored plan, by SPARQL.
fn created_graph(server: &Server, title_of: &str) -> String {
    let r = get(server, &format!("/api/dmps/{}", enc(title_of)), V13);
    let title = body(&r)["dmp"]["title"].as_str().unwrap().to_string();
    let q = format!(
        "SELECT ?g WHERE {{ GRAPH ?g {{ ?s <http://purl.org/dc/terms/title> ?t FILTER(STR(?t) = \"{title}\") }} }} LIMIT 1"
    );
    let r = query_get(server, &q, "application/sparql-results+json");
    body(&r)["results"]["bindings"][0]["g"]["value"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn two_writers_on_the_same_validators_never_both_win() {
    let store = ingested_examples();
    let ci = token(store.path(), "race");
    let server = Server::start(store.path(), &[]);
    let auth = format!("Bearer {ci}");
    let id = "doi:10.9999/race-0001";
    let path = format!("/api/dmps/{}", enc(id));
    let r = send(
        &server,
        "POST",
        "/api/dmps",
        &[("Authorization", &auth), ("Content-Type", V13)],
        Some(&public_plan(id, "競争 0").to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let rounds = 40;
    for round in 0..rounds {
        let current = get(&server, &path, V13);
        // Half the rounds by entity tag, half by date.
        let (name, value) = if round % 2 == 0 {
            ("If-Match", current.header("etag").unwrap().to_string())
        } else {
            (
                "If-Unmodified-Since",
                current.header("last-modified").unwrap().to_string(),
            )
        };
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<Reply> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|n| {
                    let (barrier, server, auth, path, value) =
                        (&barrier, &server, &auth, &path, &value);
                    scope.spawn(move || {
                        let doc = public_plan(id, &format!("競争 {round}-{n}")).to_string();
                        barrier.wait();
                        send(
                            server,
                            "PUT",
                            path,
                            &[
                                ("Authorization", auth),
                                ("Content-Type", V13),
                                (name, value),
                            ],
                            Some(&doc),
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 409],
            "round {round} ({name}): {:?}",
            results.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        let loser = results.iter().find(|r| r.status == 409).unwrap();
        assert_eq!(error_code(loser), "dmp_stale");
        // The stored plan is the winner's.
        let winner = body(results.iter().find(|r| r.status == 200).unwrap());
        assert_eq!(body(&get(&server, &path, V13)), winner);
    }
}

/// Schemathesis, against the OpenAPI description the server serves, with
/// a write token: every check, in every phase. The stateful phase runs on
/// valid data only: its negative mutations turn array items into JSON
/// `null` or numbers, which a query string carries as the same text as a
/// valid string (`dataset_ids[]=null`), so the server cannot tell them
/// from valid values.
#[test]
fn schemathesis_finds_no_failure_against_the_served_description() {
    if !python_ready("schemathesis") {
        return;
    }
    let store = ingested_examples();
    let st = token(store.path(), "schemathesis");
    let server = Server::start(store.path(), &[]);
    let work = tempfile::tempdir().unwrap();
    for (phases, mode) in [
        ("examples,coverage,fuzzing", "all"),
        ("stateful", "positive"),
    ] {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
                "run",
            ])
            .arg(server.url("/api/openapi.json"))
            .args(["--checks", "all", "--phases", phases, "--mode", mode])
            .args(["--max-examples", "40", "--seed", "20261203", "--no-color"])
            .args(["-H", &format!("Authorization: Bearer {st}")])
            .current_dir(work.path())
            .env("SCHEMATHESIS_TELEMETRY", "false")
            .output()
            .expect("schemathesis runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && text.contains("No issues found"),
            "schemathesis ({phases}, {mode}):\n{text}"
        );
    }
    // And the server is still whole.
    let r = get(&server, "/api/dmps?count=100", V13);
    assert_eq!(r.status, 200);
}
