//! `dmpgraph serve` over real HTTP on 127.0.0.1: every form of the SPARQL 1.1
//! Protocol, content negotiation and status codes, CORS, the read-only Graph
//! Store Protocol, record pages, the safety limits (UPDATE, SERVICE, time,
//! size, concurrency), privacy of every public path, third-party clients
//! (SPARQLWrapper, rdflib) and graceful shutdown; and `dmpgraph query`.

mod common;

use common::http::*;
use common::*;
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// An RDF client's GET of `/sparql` gets the SPARQL 1.1 Service Description
/// naming the endpoint.
fn assert_service_description(server: &Server) {
    let description = get(server, "/sparql", "text/turtle");
    assert_eq!(description.status, 200, "{}", description.body);
    assert!(
        description
            .body
            .contains("sparql-service-description#Service"),
        "{}",
        description.body
    );
    assert!(
        description.body.contains(&server.url("/sparql")),
        "{}",
        description.body
    );
}

const TITLES: &str = "PREFIX dcso: <https://w3id.org/dcso/ns/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?title WHERE { ?dmp a dcso:DMP ; dcso:hasProject/dcterms:title ?title } ORDER BY ?title";

const GRAPH: &str = "http://localhost:8080/record/23ck0106789h0001";

/// The DMP titles of the examples: 8 AMED plans and 2 maDMP plans.
fn titles() -> Vec<String> {
    let mut t: Vec<String> = dmpgraph_dev::sample_dmps()
        .into_iter()
        .map(|s| s.dmp.project.title)
        .collect();
    for file in [
        "kakenhi-pancreatic-organoid-1.3.json",
        "jst-crest-sfts-1.2.json",
    ] {
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(examples().join("madmp").join(file)).unwrap())
                .unwrap();
        t.push(
            doc["dmp"]["project"][0]["title"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    t.sort();
    t
}

#[test]
fn the_sparql_protocol_in_every_form() {
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);
    let expected = titles();
    assert_eq!(expected.len(), 10);

    // GET, POST of a form, POST of application/sparql-query: the same answer.
    let by_get = query_get(&server, TITLES, "application/sparql-results+json");
    let by_form = post(
        &server,
        "/sparql",
        "application/x-www-form-urlencoded",
        &format!("query={}", enc(TITLES)),
        "application/sparql-results+json",
    );
    let by_body = post(
        &server,
        "/sparql",
        "application/sparql-query",
        TITLES,
        "application/sparql-results+json",
    );
    for r in [&by_get, &by_form, &by_body] {
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.content_type, "application/sparql-results+json");
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let got: Vec<&str> = json["results"]["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["title"]["value"].as_str().unwrap())
            .collect();
        assert_eq!(got, expected);
        assert_eq!(r.header("vary"), Some("Accept"));
    }

    // SELECT in XML, CSV and TSV.
    let xml = query_get(&server, TITLES, "application/sparql-results+xml");
    assert_eq!(xml.content_type, "application/sparql-results+xml");
    assert_eq!(xml.body.matches("<literal").count(), 10, "{}", xml.body);
    let csv = query_get(&server, TITLES, "text/csv");
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), 11);
    assert_eq!(csv.body.lines().next(), Some("title"));
    let tsv = query_get(&server, TITLES, "text/tab-separated-values");
    assert!(tsv.content_type.starts_with("text/tab-separated-values"));
    assert_eq!(tsv.body.lines().next(), Some("?title"));
    assert!(
        tsv.body.contains(&format!("\"{}\"@ja", expected[0])) || tsv.body.contains(&expected[0])
    );
    // ?format= overrides Accept (for links and browsers).
    let by_param = get(
        &server,
        &format!("/sparql?format=csv&query={}", enc(TITLES)),
        "application/sparql-results+json",
    );
    assert!(by_param.content_type.starts_with("text/csv"));
    // No Accept (or */*): SPARQL JSON.
    let any = query_get(&server, TITLES, "*/*");
    assert_eq!(any.content_type, "application/sparql-results+json");
    // ASK.
    let ask = query_get(
        &server,
        &format!("ASK {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"),
        "application/sparql-results+json",
    );
    assert!(ask.body.contains("true"), "{}", ask.body);

    // CONSTRUCT and DESCRIBE in every RDF format; each parses to the same triples.
    let construct = format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}");
    let mut sizes = Vec::new();
    for (accept, format) in [
        ("text/turtle", oxigraph::io::RdfFormat::Turtle),
        ("application/n-triples", oxigraph::io::RdfFormat::NTriples),
        ("application/n-quads", oxigraph::io::RdfFormat::NQuads),
        ("application/rdf+xml", oxigraph::io::RdfFormat::RdfXml),
        (
            "application/ld+json",
            oxigraph::io::RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
    ] {
        let r = query_get(&server, &construct, accept);
        assert_eq!(r.status, 200, "{accept}: {}", r.body);
        assert!(
            r.content_type.starts_with(accept),
            "{accept}: {}",
            r.content_type
        );
        let n = oxigraph::io::RdfParser::from_format(format)
            .for_slice(r.body.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("{accept}: {e}"))
            .len();
        sizes.push(n);
    }
    assert!(
        sizes[0] > 100 && sizes.iter().all(|n| *n == sizes[0]),
        "{sizes:?}"
    );
    let describe = query_get(
        &server,
        &format!("DESCRIBE <{GRAPH}#dataset-1>"),
        "text/turtle",
    );
    assert_eq!(describe.status, 200);
    assert!(describe
        .body
        .contains("膵臓がん患者の全ゲノムシークエンスデータ"));

    // default-graph-uri and named-graph-uri.
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let n = |r: Reply| -> u64 {
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        json["results"]["bindings"][0]["n"]["value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let union = n(query_get(&server, count, "application/json"));
    let one = n(get(
        &server,
        &format!(
            "/sparql?query={}&default-graph-uri={}",
            enc(count),
            enc(GRAPH)
        ),
        "application/json",
    ));
    assert!(0 < one && one < union, "{one} {union}");
    let graphs = post(
        &server,
        &format!("/sparql?named-graph-uri={}", enc(GRAPH)),
        "application/sparql-query",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "text/csv",
    );
    assert_eq!(
        graphs.body.trim(),
        format!("g\r\n{GRAPH}"),
        "{}",
        graphs.body
    );

    // Status codes.
    let bad = query_get(&server, "SELECT * WHERE { ?s ?p }", "application/json");
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("error") || bad.body.contains("expected"),
        "{}",
        bad.body
    );
    assert_eq!(query_get(&server, TITLES, "image/png").status, 406);
    assert_eq!(query_get(&server, &construct, "text/csv").status, 406);
    assert_eq!(
        post(&server, "/sparql", "text/plain", TITLES, "application/json").status,
        415
    );
    assert_eq!(get(&server, "/sparql", "application/json").status, 400);
    let put = reply(agent().put(server.url("/sparql")).send(TITLES));
    assert_eq!(put.status, 405);
    let twice = get(
        &server,
        &format!("/sparql?query={}&query={}", enc(TITLES), enc(TITLES)),
        "application/json",
    );
    assert_eq!(twice.status, 400);

    // A browser gets the query page, with example queries.
    let page = get(
        &server,
        "/sparql",
        "text/html,application/xhtml+xml,*/*;q=0.8",
    );
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("<textarea") && page.body.contains("SELECT"));
    // The librarians' queries of examples/queries are its examples.
    assert!(page
        .body
        .contains("Datasets linked to JGA or DRA accessions"));
    let queries = std::fs::read_dir(common::repo_root().join("examples/queries"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "rq")
        })
        .count();
    assert!(queries >= 16);
    assert_eq!(page.body.matches("<h3>").count(), queries, "{}", page.body);

    // CORS: a browser-based editor on another origin may query.
    let preflight = reply(
        agent()
            .options(server.url("/sparql"))
            .header("Origin", "https://yasgui.example.org")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .call(),
    );
    assert!(preflight.status < 300, "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let cross = reply(
        agent()
            .get(server.url(&format!("/sparql?query={}", enc(TITLES))))
            .header("Origin", "https://yasgui.example.org")
            .call(),
    );
    assert_eq!(cross.header("access-control-allow-origin"), Some("*"));

    // An RDF client asking the endpoint itself gets its service description.
    assert_service_description(&server);

    let health = get(&server, "/health", "*/*");
    assert_eq!((health.status, health.body.trim()), (200, "ok"));
}

#[test]
fn graph_store_protocol_and_record_pages() {
    let store = ingested_examples();
    let stored = {
        let (public, _, _) = dump(store.path());
        public
            .iter()
            .filter(|q| q.ends_with(&format!("<{GRAPH}>")))
            .count()
    };
    let server = Server::start(store.path(), &[]);
    let graph = get(
        &server,
        &format!("/store?graph={}", enc(GRAPH)),
        "application/n-triples",
    );
    assert_eq!(graph.status, 200, "{}", graph.body);
    assert_eq!(graph.body.lines().count(), stored);
    let missing = get(
        &server,
        "/store?graph=http%3A%2F%2Fexample.org%2Fnone",
        "text/turtle",
    );
    assert_eq!(missing.status, 404);
    assert_eq!(get(&server, "/store", "text/turtle").status, 400);
    let default = get(&server, "/store?default", "application/n-triples");
    assert_eq!(default.status, 200);
    assert!(default.body.lines().count() > stored);
    for method in ["PUT", "POST", "DELETE"] {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(server.url(&format!("/store?graph={}", enc(GRAPH))))
            .header("Content-Type", "text/turtle")
            .body("<http://a> <http://b> <http://c> .")
            .unwrap();
        let r = reply(agent().run(request));
        assert_eq!(r.status, 405, "{method}");
    }

    // /record/{id}: a page for people, RDF for machines.
    let page = get(&server, "/record/23ck0106789h0001", "text/html");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page
        .body
        .contains("膵臓がん患者の全ゲノム解析に基づく新規治療標的の同定と層別化医療の開発"));
    let turtle = get(&server, "/record/23ck0106789h0001", "text/turtle");
    assert!(turtle.content_type.starts_with("text/turtle"));
    let triples = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(turtle.body.as_bytes())
        .count();
    assert_eq!(triples, stored);
    let jsonld = get(&server, "/record/23ck0106789h0001", "application/ld+json");
    assert!(jsonld.content_type.starts_with("application/ld+json"));
    serde_json::from_str::<serde_json::Value>(&jsonld.body).unwrap();
    // A maDMP record, whose id is a URL, dereferences by its encoded IRI.
    let madmp = get(
        &server,
        &format!("/record/{}", enc("https://doi.org/10.48321/D1KAKEN0001")),
        "text/html",
    );
    assert_eq!(madmp.status, 200);
    assert!(madmp.body.contains("膵臓がんオルガノイド"));
    assert_eq!(get(&server, "/record/nope", "text/html").status, 404);
}

#[test]
fn no_private_value_is_reachable_through_any_public_path() {
    let store = ingested_examples();
    let private = example_private_values();
    let server = Server::start(store.path(), &[]);
    let mut seen = String::new();
    for q in [
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?o WHERE { ?s <http://xmlns.com/foaf/0.1/mbox> ?o }",
        "SELECT ?o WHERE { ?s <http://www.w3.org/2006/vcard/ns#hasTelephone> ?o }",
        "SELECT ?s WHERE { ?s <https://w3id.org/dmpgraph/ns#mayBePublished> false }",
        "DESCRIBE ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }",
    ] {
        let r = query_get(&server, q, "text/csv, text/turtle;q=0.9");
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        seen.push_str(&r.body);
    }
    assert!(seen.contains("田中 浩一"), "the queries see public values");
    for id in [
        "23ck0106789h0001",
        "22ek0109612h0003",
        "18km0105001h0001",
        "24im0210734h0001",
        "23ym0126045h0001",
        "25fk0108701h0001",
        "JP22dk0307100",
        "23bm1123045h0001",
    ] {
        for accept in ["text/html", "text/turtle"] {
            seen.push_str(&get(&server, &format!("/record/{id}"), accept).body);
        }
        seen.push_str(
            &get(
                &server,
                &format!(
                    "/store?graph={}",
                    enc(&format!("http://localhost:8080/record/{id}"))
                ),
                "application/n-triples",
            )
            .body,
        );
    }
    for id in [
        "https://doi.org/10.48321/D1KAKEN0001",
        "https://dmp.example.org/plans/crest-2023-042",
    ] {
        seen.push_str(&get(&server, &format!("/record/{}", enc(id)), "text/turtle").body);
    }
    seen.push_str(&get(&server, "/store?default", "application/n-triples").body);
    let leaked: Vec<&String> = private
        .iter()
        .filter(|v| common::reveals(&seen, v))
        .collect();
    assert!(leaked.is_empty(), "private values reachable: {leaked:?}");
    // No quad of the private store, not even the maDMP documents' e-mails.
    assert!(
        !seen.contains("@example.ac.jp\""),
        "an e-mail address is reachable"
    );
}

#[test]
fn updates_services_and_runaway_queries_are_refused() {
    let store = ingested_examples();
    let server = Server::start(
        store.path(),
        &[
            "--query-timeout",
            "1",
            "--max-rows",
            "50",
            "--max-concurrent",
            "1",
        ],
    );
    let insert = "INSERT DATA { <http://example.org/s> <http://example.org/p> \"x\" }";
    for r in [
        post(
            &server,
            "/sparql",
            "application/sparql-update",
            insert,
            "*/*",
        ),
        post(
            &server,
            "/sparql",
            "application/x-www-form-urlencoded",
            &format!("update={}", enc(insert)),
            "*/*",
        ),
        query_get(&server, insert, "*/*"),
        get(&server, &format!("/sparql?update={}", enc(insert)), "*/*"),
        post(
            &server,
            "/sparql",
            "application/sparql-update",
            "DROP ALL",
            "*/*",
        ),
    ] {
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(
            r.body.contains("read-only") || r.body.contains("Update"),
            "{}",
            r.body
        );
    }

    // SERVICE is refused before any connection is attempted.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let target = format!("http://{}/sparql", listener.local_addr().unwrap());
    let service = query_get(
        &server,
        &format!("SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        "application/json",
    );
    assert_eq!(service.status, 403, "{}", service.body);
    assert!(service.body.contains("SERVICE"), "{}", service.body);
    let silent = query_get(
        &server,
        &format!("SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"),
        "application/json",
    );
    // SILENT: the failure is ignored, as the standard says — one empty solution.
    assert_eq!(silent.status, 200, "{}", silent.body);
    assert!(silent.body.contains("[{}]"), "{}", silent.body);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        listener.accept().is_err(),
        "the server connected to {target}"
    );

    // Too many rows: an error naming the limit, not a truncated answer.
    let big = query_get(&server, "SELECT * WHERE { ?s ?p ?o }", "application/json");
    assert_eq!(big.status, 422, "{}", big.body);
    assert!(big.body.contains("50"), "{}", big.body);

    // A runaway query is stopped at the time limit, and the server stays responsive.
    let heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let url = server.url(&format!("/sparql?query={}", enc(heavy)));
    let slow = std::thread::spawn(move || {
        let t = Instant::now();
        let r = reply(
            agent()
                .get(&url)
                .header("Accept", "application/json")
                .call(),
        );
        (r.status, r.body, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    // An RDF client asking the endpoint itself gets its service description.
    assert_service_description(&server);

    let health = get(&server, "/health", "*/*");
    assert_eq!(health.status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    let (status, body, took) = slow.join().unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("time limit"), "{body}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    // The stopped query keeps its slot until oxigraph notices the
    // cancellation (at its next read of the store), so that a runaway cannot
    // hold a core outside the limit; then queries run again.
    let t = Instant::now();
    loop {
        let r = query_get(&server, TITLES, "text/csv");
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503, "{}", r.body);
        assert!(r.body.contains("busy"), "{}", r.body);
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the slot was never given back"
        );
    }
}

#[test]
fn updates_are_refused_and_the_store_stays_verified() {
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);
    let insert = "INSERT DATA { GRAPH <http://example.org/notes> { <http://example.org/s> <http://example.org/p> \"note\" } }";
    // Every way of sending an update, with or without a bearer token (the
    // old back door), is refused before it reaches the store.
    for token in [None, Some("s3cret")] {
        let mut req = agent()
            .post(server.url("/sparql"))
            .header("Content-Type", "application/sparql-update");
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let r = reply(req.send(insert));
        assert_eq!(r.status, 403, "{}", r.body);
        let form = reply(
            agent()
                .post(server.url("/sparql"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(format!("update={}", enc(insert))),
        );
        assert_eq!(form.status, 403, "{}", form.body);
    }
    let by_get = get(&server, &format!("/sparql?update={}", enc(insert)), "*/*");
    assert_eq!(by_get.status, 403, "{}", by_get.body);
    let ask = query_get(
        &server,
        "ASK { GRAPH <http://example.org/notes> { ?s ?p \"note\" } }",
        "application/json",
    );
    assert!(ask.body.contains("false"), "{}", ask.body);
    // The registry, the hashes and the change log still agree with the
    // graphs: through the running server, and after it stops.
    let verify = run(&["stats", "--store", s(store.path()), "--verify", "--json"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert_eq!(json(&verify)["inconsistencies"], serde_json::json!([]));
    drop(server);
    let verify = run(&["stats", "--store", s(store.path()), "--verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

#[test]
fn sparql_clients_work_against_the_endpoint() {
    if !python_ready("SPARQLWrapper, rdflib") {
        return;
    }
    let store = ingested_examples();
    let server = Server::start(store.path(), &[]);
    let task = serde_json::json!({
        "endpoint": server.url("/sparql"),
        "graph": GRAPH,
        "titles": titles(),
        "private": example_private_values(),
    });
    let report = run_python(
        &repo_root().join("crates/cli/tests/python/sparql_clients.py"),
        &task,
    );
    assert!(report.contains(", 0 problems"), "{report}");
    assert!(!report.contains("FAIL"), "{report}");
}

#[test]
fn the_server_stops_gracefully_and_holds_the_store_alone() {
    let store = ingested_examples();
    let mut server = Server::start(store.path(), &[]);
    // There is no second writer: an ingest meanwhile is handed to the server.
    let ingest = run(&[
        "ingest",
        "--store",
        s(store.path()),
        "--json",
        s(&examples()),
    ]);
    assert_eq!(ingest.status.code(), Some(0), "{}", stderr(&ingest));
    assert!(json(&ingest)["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "unchanged"));
    // SIGTERM: the server finishes and exits 0.
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let t = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "{status:?}: {}",
        server.log.lock().unwrap()
    );
    assert!(server.log.lock().unwrap().contains("shutting down"));
    // The store is free again.
    let stats = run(&["stats", "--store", s(store.path()), "--verify"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
}

#[test]
fn the_query_command_uses_the_same_path() {
    let store = ingested_examples();
    let tsv = run(&["query", "--store", s(store.path()), TITLES]);
    assert_eq!(tsv.status.code(), Some(0), "{}", stderr(&tsv));
    assert_eq!(stdout(&tsv).lines().count(), 11);
    for (format, probe) in [
        ("json", "\"bindings\""),
        ("xml", "<sparql"),
        ("csv", "title\r\n"),
    ] {
        let out = run(&[
            "query",
            "--store",
            s(store.path()),
            "--format",
            format,
            TITLES,
        ]);
        assert!(stdout(&out).contains(probe), "{format}: {}", stdout(&out));
    }
    let construct = format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}");
    let turtle = run(&["query", "--store", s(store.path()), &construct]);
    assert!(stdout(&turtle).contains("@prefix dcterms:"));
    let nt = run(&[
        "query",
        "--store",
        s(store.path()),
        "--format",
        "ntriples",
        &construct,
    ]);
    assert!(stdout(&nt).lines().count() > 100);
    // From a file and from stdin.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.rq");
    std::fs::write(&file, TITLES).unwrap();
    let from_file = run(&[
        "query",
        "--store",
        s(store.path()),
        &format!("@{}", file.display()),
    ]);
    assert_eq!(stdout(&from_file), stdout(&tsv));
    let mut child = bin()
        .args(["query", "--store", s(store.path()), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(TITLES.as_bytes())
        .unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&from_stdin.stdout), stdout(&tsv));
    // Refusals exit 1 with the reason.
    for (q, reason) in [
        ("SELECT * WHERE { ?s ?p }", "query refused"),
        (
            "INSERT DATA { <http://a> <http://b> <http://c> }",
            "read-only",
        ),
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE",
        ),
    ] {
        let out = run(&["query", "--store", s(store.path()), q]);
        assert_eq!(out.status.code(), Some(1), "{q}");
        assert!(stderr(&out).contains(reason), "{q}: {}", stderr(&out));
    }
    let wrong = run(&[
        "query",
        "--store",
        s(store.path()),
        "--format",
        "turtle",
        TITLES,
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    // The private store is not the query path's.
    let mails = run(&[
        "query",
        "--store",
        s(store.path()),
        "SELECT ?m WHERE { ?s <http://xmlns.com/foaf/0.1/mbox> ?m }",
    ]);
    assert_eq!(stdout(&mails).trim(), "?m");
}
