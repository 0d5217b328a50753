//! The RDA Common maDMP API on `dmpgraph serve`, over real HTTP: every
//! stored plan (AMED workbooks and maDMP documents) read in both versions,
//! content negotiation, validators, the list's paging, sorting and filters,
//! errors, the API catalog; every body checked against the official schema
//! of its version by `jsonschema`.

mod common;

use common::http::*;
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const V13: &str = "application/vnd.org.rd-alliance.dmp-common.v1.3+json";
const V12: &str = "application/vnd.org.rd-alliance.dmp-common.v1.2+json";

use common::http::{api_error_code as error_code, json_body as body};

/// Every item of the list, page by page (`count` a page).
fn every_page(server: &Server, query: &str, count: usize) -> (Vec<Value>, u64) {
    let mut items = Vec::new();
    let mut total = None;
    let mut offset = 0;
    loop {
        let r = get(
            server,
            &format!("/api/dmps?{query}&offset={offset}&count={count}"),
            V13,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let b = body(&r);
        let t = b["total_count"].as_u64().unwrap();
        assert_eq!(
            *total.get_or_insert(t),
            t,
            "total_count is the same on every page"
        );
        let page = b["items"].as_array().unwrap().clone();
        assert!(page.len() <= count);
        let last = page.len() < count;
        offset += page.len();
        items.extend(page);
        if last || offset as u64 >= t {
            break;
        }
    }
    (items, total.unwrap_or(0))
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_plan_is_served_in_both_versions_with_negotiation_and_validators() {
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);

    // The list: every plan, AMED's and the maDMP documents.
    let r = get(&server, "/api/dmps", "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, "application/json");
    let all = body(&r);
    assert_eq!(all["total_count"], 10, "{all}");
    let every: Vec<String> = ids(all["items"].as_array().unwrap());
    assert_eq!(every.len(), 10);
    for id in [
        "23ck0106789h0001",
        "doi:10.48321/d1kaken0001",
        "https://dmp.example.org/plans/crest-2023-042",
    ] {
        assert!(every.iter().any(|i| i == id), "{id} in {every:?}");
    }
    // Paged to the end, three at a time: the same plans, once each, in the
    // same (default: created, newest first) order.
    let (paged, total) = every_page(&server, "", 3);
    assert_eq!(total, 10);
    assert_eq!(ids(&paged), every);

    let mut documents = Vec::new();
    for id in &every {
        let path = format!("/api/dmps/{}", enc(id));
        for (accept, media, version) in [
            (V13, V13, "1.3"),
            ("*/*", V13, "1.3"),
            (V12, V12, "1.2"),
            ("application/json", "application/json", "1.3"),
            (&format!("{V13};q=0.4, {V12};q=0.8") as &str, V12, "1.2"),
        ] {
            let r = get(&server, &path, accept);
            assert_eq!(r.status, 200, "{id} {accept}: {}", r.body);
            assert_eq!(r.content_type, media, "{id} {accept}");
            let b = body(&r);
            assert_eq!(b["id"], id.as_str());
            let etag = r.header("etag").expect("an ETag").to_string();
            assert!(
                etag.starts_with('"') && !etag.starts_with("W/"),
                "strong: {etag}"
            );
            let modified = r.header("last-modified").expect("Last-Modified");
            assert!(httpdate::parse_http_date(modified).is_ok(), "{modified}");
            // Unchanged: 304, with the same tag.
            let again = reply(
                agent()
                    .get(server.url(&path))
                    .header("Accept", accept)
                    .header("If-None-Match", &etag)
                    .call(),
            );
            assert_eq!(again.status, 304, "{id} {accept}");
            assert_eq!(again.header("etag"), Some(etag.as_str()));
            assert!(again.body.is_empty());
            if accept == V13 || accept == V12 {
                documents.push(json!({
                    "name": format!("{id} as {accept}"),
                    "version": version,
                    "json": {"dmp": b["dmp"]},
                    "forbidden": example_private_values(),
                    "foreign_keys": [],
                }));
            }
        }
        // The other version's tag is another representation's.
        let v12 = get(&server, &path, V12).header("etag").unwrap().to_string();
        let v13 = get(&server, &path, V13).header("etag").unwrap().to_string();
        assert_ne!(v12, v13);
    }

    // Not acceptable, not found, malformed queries: JSON error bodies.
    let r = get(
        &server,
        &format!("/api/dmps/{}", enc(&every[0])),
        "text/html",
    );
    assert_eq!((r.status, error_code(&r).as_str()), (406, "not_acceptable"));
    let r = get(&server, "/api/dmps", "application/xml");
    assert_eq!((r.status, error_code(&r).as_str()), (406, "not_acceptable"));
    let r = get(
        &server,
        &format!("/api/dmps/{}", enc("doi:10.9999/none")),
        V13,
    );
    assert_eq!((r.status, error_code(&r).as_str()), (404, "dmp_not_found"));
    for bad in [
        "count=0",
        "count=101",
        "offset=-1",
        "sort[]=size,asc",
        "modified_after=2026-01-01T00:00:00",
        "colour=red",
    ] {
        let r = get(&server, &format!("/api/dmps?{bad}"), V13);
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (400, "invalid_query_string"),
            "{bad}"
        );
    }
    // A browser client (CORS) may read the validators.
    let r = reply(
        agent()
            .get(server.url(&format!("/api/dmps/{}", enc(&every[0]))))
            .header("Origin", "https://dmp-tool.example.org")
            .call(),
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("last-modified"),
        "{exposed}"
    );
    // A DOI dmp_id in another spelling names the same plan.
    let r = get(
        &server,
        &format!("/api/dmps/{}", enc("https://doi.org/10.48321/D1KAKEN0001")),
        V13,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(body(&r)["id"], "doi:10.48321/d1kaken0001");

    // Every body validates against its version's schema, and holds no
    // private value.
    check_madmp_documents(&documents);
}

#[test]
fn the_list_sorts_filters_and_pages_stably() {
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);
    let list = |q: &str| -> Vec<String> {
        let (items, total) = every_page(&server, q, 4);
        assert_eq!(total as usize, items.len(), "{q}");
        ids(&items)
    };
    let all = list("");
    let set: BTreeSet<&String> = all.iter().collect();
    assert_eq!(set.len(), all.len(), "no plan twice");

    // An AMED plan by its 課題管理番号 and by its acknowledgement number
    // (any fiscal year's); OR within a parameter, AND across.
    assert_eq!(list("grant_ids[]=23ck0106789h0001"), ["23ck0106789h0001"]);
    assert_eq!(list("grant_ids[]=JP23ck0106789"), ["23ck0106789h0001"]);
    assert_eq!(list("grant_ids[]=JP25ck0106789"), ["23ck0106789h0001"]);
    let two = list("grant_ids[]=JP23ck0106789&grant_ids[]=24H01234");
    assert_eq!(
        two.iter().collect::<BTreeSet<_>>(),
        [
            "23ck0106789h0001".to_string(),
            "doi:10.48321/d1kaken0001".to_string()
        ]
        .iter()
        .collect()
    );
    assert_eq!(
        list("grant_ids[]=24H01234&languages[]=jpn"),
        ["doi:10.48321/d1kaken0001"]
    );
    assert!(list("grant_ids[]=24H01234&languages[]=eng").is_empty());
    assert_eq!(
        list("languages[]=eng"),
        ["https://dmp.example.org/plans/crest-2023-042"]
    );
    // By funder: JSPS's Crossref Funder ID finds the KAKENHI plan; AMED's
    // ROR every AMED plan (8).
    assert_eq!(
        list("funder_ids[]=https://doi.org/10.13039/501100001691"),
        ["doi:10.48321/d1kaken0001"]
    );
    assert_eq!(list("funder_ids[]=https://ror.org/01b9y6c26").len(), 8);
    assert_eq!(
        list(&format!(
            "dmp_ids[]={}",
            enc("https://doi.org/10.48321/D1KAKEN0001")
        )),
        ["doi:10.48321/d1kaken0001"]
    );
    assert_eq!(
        list(&format!("query={}", enc("オルガノイド 薬剤感受性"))),
        ["doi:10.48321/d1kaken0001"]
    );
    assert!(list("query=nothing-is-about-this").is_empty());

    // Sorted by title both ways: one the other reversed (ties broken by
    // id, so compare the titles).
    let titles = |q: &str| -> Vec<String> {
        let (items, _) = every_page(&server, q, 100);
        items
            .iter()
            .map(|i| i["dmp"]["title"].as_str().unwrap().to_lowercase())
            .collect()
    };
    let asc = titles("sort[]=title,asc");
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    let mut desc = titles("sort=title,desc");
    desc.reverse();
    assert_eq!(desc, asc);
    // created,asc is created,desc reversed.
    let mut newest_first = list("sort[]=created,desc");
    assert_eq!(newest_first, all, "the default is created,desc");
    newest_first.reverse();
    assert_eq!(list("sort[]=created,asc"), newest_first);

    // modified_after is exclusive, modified_before inclusive.
    let r = get(&server, &format!("/api/dmps/{}", enc(&all[0])), V13);
    let modified = httpdate::parse_http_date(r.header("last-modified").unwrap()).unwrap();
    let at: chrono::DateTime<chrono::Utc> = modified.into();
    let later = (at + chrono::Duration::seconds(1)).to_rfc3339();
    let earlier = (at - chrono::Duration::days(3650)).to_rfc3339();
    assert!(list(&format!("modified_after={}", enc(&later))).is_empty());
    assert_eq!(
        list(&format!("modified_after={}", enc(&earlier))).len(),
        all.len()
    );
    assert_eq!(
        list(&format!("modified_before={}", enc(&later))).len(),
        all.len()
    );
    assert!(list(&format!("modified_before={}", enc(&earlier))).is_empty());
}

#[test]
fn the_api_catalog_names_the_api() {
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);
    let r = get(
        &server,
        "/.well-known/api-catalog",
        "application/linkset+json",
    );
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("application/linkset+json"),
        "{}",
        r.content_type
    );
    assert!(r.content_type.contains("rfc9727"));
    let b = body(&r);
    let items = &b["linkset"][0]["item"];
    assert!(
        items[0]["href"].as_str().unwrap().ends_with("/api/dmps"),
        "{b}"
    );
    let head = reply(agent().head(server.url("/.well-known/api-catalog")).call());
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(
        head.header("link")
            .is_some_and(|l| l.contains("rel=\"api-catalog\"")),
        "{:?}",
        head.headers
    );
}
