//! The fixture server, driven by a plain HTTP client (ureq, and raw TCP
//! where the bytes on the wire matter).

use dmpgraph_dev::fixture_server::{
    generated_datacite_award, generated_datacite_record, Fault, FaultAction, FixtureServer, Logged,
    ServeOptions, Service, World,
};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .new_agent()
}

struct Got {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn get_with(url: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    Got {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        body: resp.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn get(url: &str) -> Got {
    get_with(url, &[])
}

fn post(url: &str, body: &Value) -> u16 {
    agent()
        .post(url)
        .header("content-type", "application/json")
        .send(body.to_string())
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
        .status()
        .as_u16()
}

/// A raw GET: the status, the head and whatever body arrived before the
/// connection closed.
fn raw_get(addr: SocketAddr, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head[9..12].parse().unwrap();
    (status, head, all[split + 4..].to_vec())
}

fn head_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn fixtures_server(opts: ServeOptions) -> Option<FixtureServer> {
    Some(FixtureServer::start(World::from_fixtures()?, opts))
}

/// A world without the shared fixtures: `n` generated DataCite records,
/// `n` Crossref works, one JaLC record and DDBJ entries with grants.
fn small_world(n: usize) -> World {
    let mut world = World::generated_datacite(n, 0.5);
    for i in 0..n {
        world
            .put(
                Service::Crossref,
                json!({"DOI": format!("10.99999/cr.{i}"), "type": "journal-article", "title": [format!("Work {i}")],
                       "indexed": {"date-time": "2024-05-02T03:04:05Z"}}),
            )
            .unwrap();
    }
    world
        .put(
            Service::Jalc,
            json!({"doi": "10.99999/JaLC.1", "ra": "JaLC", "updated_date": "2025-04-01"}),
        )
        .unwrap();
    for i in 0..7 {
        let grant = if i % 2 == 0 {
            json!([{"id": format!("JP2{i}ek0109555"), "title": format!("AMED JP2{i}ek0109555 intractable diseases"), "agency": [{"name": "AMED"}]}])
        } else {
            json!([{"id": "21K01234", "title": "KAKENHI", "agency": [{"name": "JSPS"}]}])
        };
        world
            .put(
                Service::Ddbj,
                json!({"identifier": format!("PRJDB{i:05}"), "type": "bioproject", "title": format!("Project {i}"),
                       "grant": grant, "dateModified": "2024-11-18T11:15:39Z"}),
            )
            .unwrap();
    }
    world
}

#[test]
fn one_record_per_service_in_the_real_shape() {
    let Some(server) = fixtures_server(ServeOptions::default()) else {
        return;
    };
    let dc = get(&format!(
        "{}/dois/10.99999%2FEXAMPLE.dataset.1",
        server.base("datacite")
    ));
    assert_eq!(dc.status, 200);
    assert!(dc.header("content-type").unwrap().contains("json"));
    let v = dc.json();
    assert_eq!(v["data"]["id"], "10.99999/example.dataset.1");
    assert_eq!(
        v["data"]["attributes"]["fundingReferences"][0]["awardNumber"],
        "JP23ek0109555"
    );
    let missing = get(&format!("{}/dois/10.99999/nope", server.base("datacite")));
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["errors"][0]["title"],
        "The resource you are looking for doesn't exist."
    );

    let cr = get(&format!(
        "{}/works/10.99999/example.article.7",
        server.base("crossref")
    ))
    .json();
    assert_eq!(cr["status"], "ok");
    assert_eq!(cr["message-type"], "work");
    assert_eq!(cr["message-version"], "1.0.0");
    assert_eq!(cr["message"]["funder"][0]["award"][0], "JP23ek0109555");
    let missing = get(&format!("{}/works/10.99999/nope", server.base("crossref")));
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (404, "Resource not found.")
    );
    assert!(missing
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));

    let jalc = get(&format!(
        "{}/dois/10.99999/example.jalc.3",
        server.base("jalc")
    ))
    .json();
    assert_eq!(jalc["status"], "OK");
    assert_eq!(
        jalc["data"]["funding_list"][0]["award_number"],
        "JP24ek0109555"
    );
    let missing = get(&format!("{}/dois/10.99999/nope", server.base("jalc")));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["status"], "NG");

    let ra = |doi: &str| get(&format!("{}/doiRA/{doi}", server.base("doi-ra"))).json();
    assert_eq!(
        ra("10.99999/example.dataset.1"),
        json!([{"DOI": "10.99999/example.dataset.1", "RA": "DataCite"}])
    );
    assert_eq!(ra("10.99999/example.article.7")[0]["RA"], "Crossref");
    assert_eq!(ra("10.99999/example.jalc.3")[0]["RA"], "JaLC");
    assert_eq!(
        ra("10.99999/nope"),
        json!([{"DOI": "10.99999/nope", "status": "DOI does not exist"}])
    );

    let study = get(&format!(
        "{}/entries/jga-study/JGAS000004.json",
        server.base("ddbj")
    ));
    assert_eq!(study.status, 200);
    assert_eq!(study.json()["identifier"], "JGAS000004");
    let missing = get(&format!(
        "{}/entries/jga-study/JGAS999999.json",
        server.base("ddbj")
    ));
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    let p = missing.json();
    assert_eq!(p["status"], 404);
    assert!(p["title"].is_string() && p["detail"].is_string() && p["type"].is_string());
}

#[test]
fn datacite_search_pages_through_links_next_to_the_end() {
    let server = FixtureServer::start(World::generated_datacite(23, 0.3), ServeOptions::default());
    let mut url = format!(
        "{}/dois?query=fundingReferences.awardNumber%3AJP21ek0109555&page[size]=5&page[cursor]=1",
        server.base("datacite")
    );
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = get(&url);
        assert_eq!(page.status, 200, "{url}");
        let v = page.json();
        assert_eq!(v["meta"]["total"], 23);
        assert!(v["links"]["self"]
            .as_str()
            .unwrap()
            .starts_with(&server.url()));
        for r in v["data"].as_array().unwrap() {
            seen.push(r["id"].as_str().unwrap().to_owned());
        }
        pages += 1;
        match v["links"]["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&server.base("datacite")), "{next}");
                assert!(next.contains("query=fundingReferences.awardNumber"));
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.len(), 23);
    seen.dedup();
    assert_eq!(seen.len(), 23, "no record twice");
    assert_eq!(seen[0], "10.99999/dmpgraph.gen.0");
    // The queries were logged as sent.
    let log = server.log_for("/datacite");
    assert_eq!(log.len(), 5);
    assert_eq!(
        log[0].param("query").as_deref(),
        Some("fundingReferences.awardNumber:JP21ek0109555")
    );
    assert_eq!(log[0].param("page[cursor]").as_deref(), Some("1"));
    assert_ne!(log[1].param("page[cursor]").as_deref(), Some("1"));
}

#[test]
fn crossref_cursor_paging_ends_with_a_short_page_then_an_empty_one() {
    let server = FixtureServer::start(
        small_world(12),
        ServeOptions {
            crossref_rate_limit: Some((50, "1s".into())),
            ..ServeOptions::default()
        },
    );
    let mut cursor = "*".to_owned();
    let mut sizes = Vec::new();
    loop {
        let page = get(&format!(
            "{}/works?filter=award.number:JP21ek0109555&rows=5&cursor={}&mailto=dev@example.org",
            server.base("crossref"),
            urlencode(&cursor)
        ));
        assert_eq!(page.status, 200);
        assert_eq!(page.header("x-rate-limit-limit"), Some("50"));
        assert_eq!(page.header("x-rate-limit-interval"), Some("1s"));
        let v = page.json();
        assert_eq!(v["message-type"], "work-list");
        let m = &v["message"];
        assert_eq!(m["total-results"], 12);
        assert_eq!(m["items-per-page"], 5);
        let n = m["items"].as_array().unwrap().len();
        sizes.push(n);
        // Crossref keeps sending a next-cursor, even on the last pages.
        cursor = m["next-cursor"].as_str().expect("next-cursor").to_owned();
        if n < 5 {
            break;
        }
    }
    assert_eq!(sizes, [5, 5, 2]);
    let after = get(&format!(
        "{}/works?rows=5&cursor={}",
        server.base("crossref"),
        urlencode(&cursor)
    ))
    .json();
    assert_eq!(after["message"]["items"], json!([]));
    let log = server.log_for("crossref");
    assert_eq!(log[0].param("mailto").as_deref(), Some("dev@example.org"));
    assert_eq!(
        log[0].param("filter").as_deref(),
        Some("award.number:JP21ek0109555")
    );
    // Bad parameters: 400 in Crossref's words.
    let bad = get(&format!("{}/works?rows=many", server.base("crossref")));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["message-type"], "validation-failure");
    let bad = get(&format!(
        "{}/works?cursor=garbage!",
        server.base("crossref")
    ));
    assert_eq!(bad.status, 400);
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn ddbj_pages_with_the_grant_filter_and_refuses_deep_paging() {
    let server = FixtureServer::start(small_world(0), ServeOptions::default());
    let base = server.base("ddbj");
    let first = get(&format!(
        "{base}/entries/bioproject/?grant=%22JP2%22&page=1&perPage=3"
    ));
    assert_eq!(first.status, 200);
    let v = first.json();
    let p = &v["pagination"];
    // Entries 0, 2, 4, 6 have an AMED grant whose title contains JP2.
    assert_eq!(
        (
            p["page"].clone(),
            p["perPage"].clone(),
            p["total"].clone(),
            p["hasNext"].clone()
        ),
        (json!(1), json!(3), json!(4), json!(true))
    );
    assert!(p["nextCursor"].is_string());
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["PRJDB00000", "PRJDB00002", "PRJDB00004"]);
    let second = get(&format!(
        "{base}/entries/bioproject/?grant=JP2&page=2&perPage=3"
    ))
    .json();
    assert_eq!(second["items"][0]["identifier"], "PRJDB00006");
    assert_eq!(second["pagination"]["hasNext"], false);
    assert_eq!(second["pagination"]["nextCursor"], Value::Null);
    // The cursor carries the filter.
    let cursor = p["nextCursor"].as_str().unwrap();
    let by_cursor = get(&format!(
        "{base}/entries/bioproject/?cursor={cursor}&perPage=3"
    ))
    .json();
    assert_eq!(by_cursor["pagination"]["page"], Value::Null);
    assert_eq!(by_cursor["items"][0]["identifier"], "PRJDB00006");
    assert_eq!(by_cursor["items"].as_array().unwrap().len(), 1);
    // Without the filter: all seven.
    let all = get(&format!("{base}/entries/bioproject/?perPage=100")).json();
    assert_eq!(all["pagination"]["total"], 7);
    // The deep paging limit and other refusals, all problem+json.
    for (query, status) in [
        ("page=101&perPage=100", 400),
        ("page=10001&perPage=1", 400),
        ("perPage=101", 422),
        ("page=abc", 422),
        ("cursor=abc", 400),
        ("cursor=abc&grant=x", 400),
    ] {
        let r = get(&format!("{base}/entries/bioproject/?{query}"));
        assert_eq!(r.status, status, "{query}");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_eq!(r.json()["status"], status);
    }
    assert_eq!(
        get(&format!("{base}/entries/bioproject/?page=100&perPage=100")).status,
        200
    );
    assert_eq!(
        server.log_for("/ddbj")[0].param("grant").as_deref(),
        Some("\"JP2\"")
    );
}

#[test]
fn conditional_requests_answer_304() {
    let server = FixtureServer::start(small_world(3), ServeOptions::default());
    let url = format!("{}/dois/10.99999/dmpgraph.gen.1", server.base("datacite"));
    let first = get(&url);
    let etag = first.header("etag").unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    let last_modified = first.header("last-modified").unwrap().to_owned();
    let again = get_with(&url, &[("if-none-match", &etag)]);
    assert_eq!((again.status, again.body.as_str()), (304, ""));
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = get_with(&url, &[("if-none-match", "\"something-else\"")]);
    assert_eq!(other.status, 200);
    let since = get_with(&url, &[("if-modified-since", &last_modified)]);
    assert_eq!(since.status, 304);
    let older = get_with(
        &url,
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    );
    assert_eq!(older.status, 200);
    // A changed record gets a new tag.
    let mut record = generated_datacite_record(1, 0.5);
    record["attributes"]["titles"][0]["title"] = json!("Changed");
    server.put(Service::Datacite, record).unwrap();
    let changed = get_with(&url, &[("if-none-match", &etag)]);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    // Searches and the other services too.
    for url in [
        format!("{}/dois?page[size]=2", server.base("datacite")),
        format!("{}/works?rows=2", server.base("crossref")),
        format!("{}/dois/10.99999/jalc.1", server.base("jalc")),
        format!("{}/entries/bioproject/PRJDB00001.json", server.base("ddbj")),
    ] {
        let a = get(&url);
        assert_eq!(a.status, 200, "{url}");
        let tag = a.header("etag").unwrap().to_owned();
        assert_eq!(
            get_with(&url, &[("if-none-match", &tag)]).status,
            304,
            "{url}"
        );
    }
}

#[test]
fn gzip_when_asked() {
    let server = FixtureServer::start(small_world(50), ServeOptions::default());
    let path = "/datacite/dois?page[size]=50";
    let (status, head, body) = raw_get(server.addr(), path, "Accept-Encoding: gzip\r\n");
    assert_eq!(status, 200);
    assert_eq!(head_value(&head, "content-encoding"), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut text)
        .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 50);
    let (_, plain_head, plain) = raw_get(server.addr(), path, "");
    assert_eq!(head_value(&plain_head, "content-encoding"), None);
    assert_eq!(plain, text.as_bytes());
    assert!(body.len() * 3 < plain.len(), "compressed");
    // The gzip tag validates too.
    let tag = head_value(&head, "etag").unwrap();
    let (status, _, _) = raw_get(
        server.addr(),
        path,
        &format!("Accept-Encoding: gzip\r\nIf-None-Match: {tag}\r\n"),
    );
    assert_eq!(status, 304);
    let log = server.log();
    assert_eq!(log[0].accept_encoding.as_deref(), Some("gzip"));
    assert_eq!(log[1].accept_encoding, None);
    assert_eq!(log[2].if_none_match.as_deref(), Some(tag));
}

#[test]
fn a_429_with_retry_after_then_the_answer() {
    let server = FixtureServer::start(small_world(2), ServeOptions::default());
    server.fault(Fault::status("/datacite", 2, 429, Some("1")));
    server.fault(Fault::new(
        "/crossref",
        1,
        FaultAction::Status {
            code: 503,
            retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            body: "{\"status\":\"error\"}".into(),
        },
    ));
    let url = format!("{}/dois/10.99999/dmpgraph.gen.0", server.base("datacite"));
    for _ in 0..2 {
        let r = get(&url);
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    assert_eq!(get(&url).status, 200);
    let cr = get(&format!("{}/works/10.99999/cr.0", server.base("crossref")));
    assert_eq!(cr.status, 503);
    assert_eq!(
        cr.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(cr.json()["status"], "error");
    let statuses: Vec<u16> = server.log().iter().map(|l| l.status).collect();
    assert_eq!(statuses, [429, 429, 200, 503]);
}

#[test]
fn truncate_cuts_the_connection_and_malformed_sends_half_a_body() {
    let server = FixtureServer::start(small_world(20), ServeOptions::default());
    let path = "/datacite/dois?page[size]=20";
    server.fault(Fault::new("/datacite", 1, FaultAction::Truncate));
    let (status, head, body) = raw_get(server.addr(), path, "Accept-Encoding: gzip\r\n");
    assert_eq!(status, 200);
    let announced: usize = head_value(&head, "content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert!(body.len() < announced, "{} of {announced}", body.len());
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    // ureq sees a failed read.
    server.fault(Fault::new("/datacite", 1, FaultAction::Truncate));
    let mut resp = agent()
        .get(format!("{}{path}", server.url()))
        .call()
        .unwrap();
    assert!(resp.body_mut().read_to_string().is_err());

    server.fault(Fault::new("/datacite", 1, FaultAction::Malformed));
    let (status, head, body) = raw_get(server.addr(), path, "");
    assert_eq!(status, 200);
    let announced: usize = head_value(&head, "content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(body.len(), announced);
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    // Then the normal answer.
    let (_, _, body) = raw_get(server.addr(), path, "");
    assert!(serde_json::from_slice::<Value>(&body).is_ok());
}

#[test]
fn hold_blocks_until_release_and_delay_slows() {
    let server = FixtureServer::start(small_world(2), ServeOptions::default());
    server.fault(Fault::new("/jalc", 1, FaultAction::Hold));
    let url = format!("{}/dois/10.99999/JALC.1", server.base("jalc"));
    let started = Instant::now();
    let client = std::thread::spawn(move || get(&url).status);
    while server.held() == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "never held");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(!client.is_finished(), "answered while held");
    assert!(server.log().is_empty(), "logged when answered");
    server.release();
    assert_eq!(client.join().unwrap(), 200);
    assert_eq!(server.held(), 0);
    assert_eq!(server.log()[0].status, 200);

    server.fault(Fault::new(
        "/jalc",
        1,
        FaultAction::Delay(Duration::from_secs(3)),
    ));
    let quick = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(300)))
        .build()
        .new_agent();
    let t = Instant::now();
    assert!(quick
        .get(format!("{}/dois/10.99999/jalc.1", server.base("jalc")))
        .call()
        .is_err());
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_held_request_whose_client_goes_away_is_logged_unanswered() {
    let server = FixtureServer::start(small_world(1), ServeOptions::default());
    server.fault(Fault::new("/datacite", 1, FaultAction::Hold));
    {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(
            stream,
            "GET /datacite/dois/10.99999/dmpgraph.gen.0 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        .unwrap();
        let t = Instant::now();
        while server.held() == 0 {
            assert!(t.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // Whether the server notices the client going away or not, releasing
    // answers (or drops) the request and it is logged once.
    server.release();
    let t = Instant::now();
    while server.log().is_empty() {
        assert!(t.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.log().len(), 1);
    assert_eq!(server.held(), 0);
}

#[test]
fn gone_records_answer_410_or_404_and_leave_searches() {
    let server = FixtureServer::start(small_world(5), ServeOptions::default());
    server.gone(Service::Datacite, "10.99999/DMPGRAPH.gen.2", 410);
    server.gone(Service::Crossref, "10.99999/cr.1", 404);
    server.gone(Service::Ddbj, "PRJDB00003", 410);
    server.gone(Service::Jalc, "10.99999/jalc.1", 410);
    let dc = get(&format!(
        "{}/dois/10.99999/dmpgraph.gen.2",
        server.base("datacite")
    ));
    assert_eq!(dc.status, 410);
    assert_eq!(dc.json()["errors"][0]["status"], "410");
    assert_eq!(
        get(&format!("{}/works/10.99999/cr.1", server.base("crossref"))).status,
        404
    );
    assert_eq!(
        get(&format!("{}/dois/10.99999/jalc.1", server.base("jalc"))).status,
        410
    );
    let entry = get(&format!(
        "{}/entries/bioproject/PRJDB00003.json",
        server.base("ddbj")
    ));
    assert_eq!(entry.status, 410);
    assert_eq!(
        entry.header("content-type"),
        Some("application/problem+json")
    );
    let search = get(&format!("{}/dois?page[size]=10", server.base("datacite"))).json();
    assert_eq!(search["meta"]["total"], 4);
    assert!(!search["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "10.99999/dmpgraph.gen.2"));
    let works = get(&format!(
        "{}/works?rows=10&cursor=*",
        server.base("crossref")
    ))
    .json();
    assert_eq!(works["message"]["total-results"], 4);
    let ddbj = get(&format!("{}/entries/bioproject/", server.base("ddbj"))).json();
    assert_eq!(ddbj["pagination"]["total"], 6);
    // A removed record is simply unknown.
    assert!(server.remove(Service::Datacite, "10.99999/dmpgraph.gen.0"));
    assert_eq!(
        get(&format!(
            "{}/dois/10.99999/dmpgraph.gen.0",
            server.base("datacite")
        ))
        .status,
        404
    );
}

#[test]
fn the_log_records_every_request_and_appends_to_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.jsonl");
    let server = FixtureServer::start(
        small_world(2),
        ServeOptions {
            log_file: Some(file.clone()),
            delay: Some(Duration::from_millis(1)),
            per_prefix_delay: vec![("/ddbj".into(), Duration::from_millis(150))],
            ..ServeOptions::default()
        },
    );
    let ua = "dmpgraph/0.1 (mailto:dev@example.org)";
    get_with(
        &format!(
            "{}/dois/10.99999/dmpgraph.gen.0?affiliation=true",
            server.base("datacite")
        ),
        &[("user-agent", ua), ("if-none-match", "\"x\"")],
    );
    let t = Instant::now();
    get(&format!("{}/entries/bioproject/", server.base("ddbj")));
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "per-prefix delay"
    );
    agent()
        .head(format!("{}/works/10.99999/cr.0", server.base("crossref")))
        .call()
        .unwrap();
    get(&format!("{}/_control/log", server.url()));
    let log = server.log();
    assert_eq!(log.len(), 3, "control requests are not logged");
    let first = &log[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.path, "/datacite/dois/10.99999/dmpgraph.gen.0");
    assert_eq!(first.query, "affiliation=true");
    assert_eq!(first.status, 200);
    assert_eq!(first.user_agent.as_deref(), Some(ua));
    assert_eq!(first.if_none_match.as_deref(), Some("\"x\""));
    assert!(first.t_ms > 0.0 && first.t_ms <= log[1].t_ms);
    assert_eq!(log[2].method, "HEAD");
    assert_eq!(server.log_for("ddbj").len(), 1);
    assert_eq!(server.log_for("/datacite")[0], log[0]);
    let lines: Vec<Logged> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), log.len());
    for (line, entry) in lines.iter().zip(&log) {
        assert!((line.t_ms - entry.t_ms).abs() < 1e-6);
        assert_eq!(
            Logged {
                t_ms: entry.t_ms,
                ..line.clone()
            },
            *entry
        );
    }
    server.clear_log();
    assert!(server.log().is_empty());
}

#[test]
fn the_control_api_steers_the_server() {
    let server = FixtureServer::start(small_world(3), ServeOptions::default());
    let control = |what: &str| format!("{}/_control/{what}", server.url());
    let fault = json!({"path_prefix": "/datacite/dois/", "times": 1,
                       "action": {"kind": "status", "code": 429, "retry_after": "2"}});
    assert_eq!(post(&control("fault"), &fault), 204);
    let url = format!("{}/dois/10.99999/dmpgraph.gen.1", server.base("datacite"));
    let r = get(&url);
    assert_eq!((r.status, r.header("retry-after")), (429, Some("2")));
    assert_eq!(get(&url).status, 200);
    // Fault JSON round trip.
    let hold: Fault = serde_json::from_value(
        json!({"path_prefix": "/jalc", "times": 1, "action": {"kind": "hold"}}),
    )
    .unwrap();
    assert_eq!(hold.action, FaultAction::Hold);
    let delay = Fault::new("/x", 2, FaultAction::Delay(Duration::from_millis(1500)));
    let wire = serde_json::to_value(&delay).unwrap();
    assert_eq!(wire["action"], json!({"kind": "delay", "ms": 1500}));
    assert_eq!(serde_json::from_value::<Fault>(wire).unwrap(), delay);

    assert_eq!(
        post(&control("fault"), &serde_json::to_value(&hold).unwrap()),
        204
    );
    let jalc = format!("{}/dois/10.99999/jalc.1", server.base("jalc"));
    let client = std::thread::spawn(move || get(&jalc).status);
    let t = Instant::now();
    while get(&control("held")).json()["held"] != 1 {
        assert!(t.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(post(&control("release"), &json!({})), 204);
    assert_eq!(client.join().unwrap(), 200);

    assert_eq!(
        post(
            &control("gone"),
            &json!({"service": "datacite", "id": "10.99999/dmpgraph.gen.2", "status": 410})
        ),
        204
    );
    assert_eq!(
        get(&format!(
            "{}/dois/10.99999/dmpgraph.gen.2",
            server.base("datacite")
        ))
        .status,
        410
    );
    assert_eq!(
        post(&control("gone"), &json!({"service": "nope", "id": "x"})),
        400
    );
    assert_eq!(
        post(
            &control("put"),
            &json!({"service": "crossref", "record": {"DOI": "10.99999/new", "title": ["New"]}})
        ),
        204
    );
    let new = get(&format!("{}/works/10.99999/NEW", server.base("crossref"))).json();
    assert_eq!(new["message"]["title"][0], "New");
    assert_eq!(
        post(
            &control("remove"),
            &json!({"service": "crossref", "id": "10.99999/new"})
        ),
        204
    );

    let log: Vec<Logged> =
        serde_json::from_str(&get(&control("log?prefix=/datacite")).body).unwrap();
    assert_eq!(
        log.iter().map(|l| l.status).collect::<Vec<_>>(),
        [429, 200, 410]
    );
    let all: Vec<Logged> = serde_json::from_str(&get(&control("log")).body).unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(
        agent()
            .delete(control("log"))
            .call()
            .unwrap()
            .status()
            .as_u16(),
        204
    );
    assert!(server.log().is_empty());
    assert_eq!(get(&control("nothing")).status, 404);
    assert_eq!(post(&control("fault"), &json!({"oops": 1})), 400);
}

#[test]
fn bad_requests_get_errors_not_panics() {
    let server = FixtureServer::start(small_world(3), ServeOptions::default());
    for (path, status) in [
        ("/datacite/dois?page[size]=x", 400),
        ("/datacite/dois?page[size]=5000", 400),
        ("/datacite/dois?page[cursor]=%%%", 400),
        ("/datacite/dois?page[number]=0", 400),
        ("/datacite/dois/%FF%FE", 404),
        ("/datacite/elsewhere", 404),
        ("/crossref/works?offset=-1", 400),
        ("/crossref/members", 404),
        ("/jalc/dois/", 404),
        ("/doi-ra/doiRA/", 404),
        ("/ddbj/entries/nope/", 404),
        ("/ddbj/entries/bioproject/x/y.json", 404),
        ("/ddbj/search", 404),
        ("/unknown", 404),
        ("/", 404),
    ] {
        assert_eq!(
            get(&format!("{}{path}", server.url())).status,
            status,
            "{path}"
        );
    }
    let post = agent()
        .post(format!("{}/datacite/dois", server.url()))
        .send("{}")
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
    let ra = get(&format!(
        "{}/doiRA/not-a-doi,10.99999/dmpgraph.gen.1",
        server.base("doi-ra")
    ))
    .json();
    assert_eq!(ra[0]["status"], "Invalid DOI");
    assert_eq!(ra[1]["RA"], "DataCite");
    // The server still answers.
    assert_eq!(
        get(&format!(
            "{}/dois/10.99999/dmpgraph.gen.1",
            server.base("datacite")
        ))
        .status,
        200
    );
}

#[test]
fn generated_datacite_records_are_valid_and_funded() {
    let n = 1000;
    let world = World::generated_datacite(n, 0.3);
    assert_eq!(world.len(Service::Datacite), n);
    let ids = world.ids(Service::Datacite);
    let (mut amed, mut jsps, mut forms) = (0, 0, std::collections::BTreeSet::new());
    for (i, id) in ids.iter().enumerate() {
        let r = world.get(Service::Datacite, id).unwrap();
        assert_eq!(r, generated_datacite_record(i as u64, 0.3), "deterministic");
        let a = &r["attributes"];
        assert_eq!(a["doi"], r["id"]);
        assert!(a["titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["lang"] == "ja"));
        assert!(a["titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["lang"] == "en"));
        let creator = &a["creators"][0];
        assert_eq!(
            creator["nameIdentifiers"][0]["nameIdentifierScheme"],
            "ORCID"
        );
        assert_eq!(
            creator["affiliation"][0]["affiliationIdentifierScheme"],
            "ROR"
        );
        let funding = a["fundingReferences"].as_array().unwrap();
        let award = generated_datacite_award(i as u64, 0.3);
        let amed_refs: Vec<&Value> = funding
            .iter()
            .filter(|f| {
                let name = f["funderName"].as_str().unwrap();
                name.contains("Medical Research")
                    || name == "AMED"
                    || name.contains("日本医療研究開発機構")
            })
            .collect();
        assert_eq!(amed_refs.len(), usize::from(award.is_some()), "record {i}");
        if let Some((dmp, ack)) = award {
            amed += 1;
            let f = amed_refs[0];
            let written = f["awardNumber"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| f["awardTitle"].as_str().unwrap().to_owned());
            forms.insert(
                written
                    .chars()
                    .filter(|c| !c.is_ascii_digit())
                    .collect::<String>(),
            );
            let found = dmpgraph_model::award::find_all(&written);
            assert!(
                found.iter().any(|(a, _)| a.acknowledgement() == ack),
                "{written} should cite {ack}"
            );
            let plan = dmpgraph_dev::generated_dmp(dmp);
            let plan_award = dmpgraph_model::award::AwardNumber::parse(plan.id()).unwrap();
            assert!(
                found[0].0.same_project(&plan_award),
                "{written} vs {}",
                plan.id()
            );
        }
        if funding
            .iter()
            .any(|f| f["funderName"] == "Japan Society for the Promotion of Science")
        {
            jsps += 1;
        }
    }
    assert_eq!(amed, 300);
    assert!(jsps > 300, "{jsps}");
    assert!(forms.len() >= 6, "varied written forms: {forms:?}");
}

#[test]
fn a_hundred_thousand_generated_records_are_served_to_the_last_page() {
    // (How fast they are made is the harvest benchmark's business.)
    let world = World::generated_datacite(100_000, 0.3);
    assert_eq!(world.len(Service::Datacite), 100_000);
    let server = FixtureServer::start(world, ServeOptions::default());
    let last = get(&format!(
        "{}/dois?page[size]=1000&page[number]=100",
        server.base("datacite")
    ))
    .json();
    assert_eq!(last["data"].as_array().unwrap().len(), 1000);
    assert_eq!(last["meta"]["total"], 100_000);
    assert!(last["links"]["next"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn starts_and_stops_inside_an_async_runtime() {
    let server = FixtureServer::start(small_world(1), ServeOptions::default());
    let url = format!("{}/dois/10.99999/dmpgraph.gen.0", server.base("datacite"));
    let status = tokio::task::spawn_blocking(move || get(&url).status)
        .await
        .unwrap();
    assert_eq!(status, 200);
    drop(server);
}

#[test]
fn worlds_merge_and_put_replaces_in_place() {
    let mut a = World::generated_datacite(3, 0.0);
    let mut b = World::new();
    let mut changed = generated_datacite_record(1, 0.0);
    changed["attributes"]["publisher"] = json!("Elsewhere");
    b.put(Service::Datacite, json!({"data": changed})).unwrap();
    b.put(
        Service::Datacite,
        json!({"id": "10.99999/Extra", "attributes": {}}),
    )
    .unwrap();
    a.merge(b);
    assert_eq!(
        a.ids(Service::Datacite),
        [
            "10.99999/dmpgraph.gen.0",
            "10.99999/dmpgraph.gen.1",
            "10.99999/dmpgraph.gen.2",
            "10.99999/extra"
        ]
    );
    assert_eq!(
        a.get(Service::Datacite, "10.99999/DMPGRAPH.gen.1").unwrap()["attributes"]["publisher"],
        "Elsewhere"
    );
    assert!(a.put(Service::Ddbj, json!({"identifier": "X"})).is_err());
    assert!(a.put(Service::Crossref, json!({"title": []})).is_err());
    assert!(a.remove(Service::Datacite, "10.99999/extra"));
    assert!(!a.remove(Service::Datacite, "10.99999/extra"));
    a.put(
        Service::DoiRa,
        json!({"DOI": "10.99999/dmpgraph.gen.0", "RA": "mEDRA"}),
    )
    .unwrap();
    let server = FixtureServer::start(a, ServeOptions::default());
    let ra = get(&format!(
        "{}/doiRA/10.99999/dmpgraph.gen.0",
        server.base("doi-ra")
    ))
    .json();
    assert_eq!(ra[0]["RA"], "mEDRA");
}

#[test]
fn dmpgraph_dev_fixtures_serve_runs_a_server_another_process_can_steer() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dmpgraph-dev"))
        .args([
            "fixtures",
            "serve",
            "--no-examples",
            "--generated-datacite",
            "10",
        ])
        .arg("--log")
        .arg(&log)
        .args(["--crossref-rate-limit", "50/1s"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let fault =
        json!({"path_prefix": "/datacite", "times": 1, "action": {"kind": "status", "code": 503}});
    assert_eq!(post(&format!("{url}/_control/fault"), &fault), 204);
    let record = format!("{url}/datacite/dois/10.99999/dmpgraph.gen.9");
    assert_eq!(get(&record).status, 503);
    assert_eq!(get(&record).status, 200);
    let search = get(&format!("{url}/datacite/dois?page[size]=100")).json();
    assert_eq!(search["meta"]["total"], 10);
    let from_file: Vec<Logged> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        from_file.iter().map(|l| l.status).collect::<Vec<_>>(),
        [503, 200, 200]
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
