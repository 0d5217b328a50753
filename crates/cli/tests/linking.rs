//! `dmpgraph link` and `dmpgraph report deposits` end to end: plans ingested
//! from AMED workbooks, deposits stored as a harvest stores them, the
//! binary linking them, a curator deciding, SPARQL seeing the links.

mod common;

use common::{bin, ingest_ok, json, s, stdout};
use dmpgraph_dev::linkset::{linkset, LinkSetOptions};
use dmpgraph_harvest::client::Validators;
use dmpgraph_harvest::run::Harvested;
use dmpgraph_model::deposit::Related;
use dmpgraph_model::identity::Identifier;
use dmpgraph_pipeline::harvest::deposit_write;
use dmpgraph_pipeline::Sink;
use dmpgraph_rdf::Base;
use dmpgraph_store::Change;
use std::path::Path;

/// A store holding a small generated evaluation set: its plans ingested
/// from workbooks, its deposits written as the harvest writes them.
fn store_with_linkset(store: &Path, work: &Path) -> dmpgraph_dev::linkset::LinkSet {
    let set = linkset(&LinkSetOptions {
        plans: 12,
        records: 150,
        seed: 11,
    });
    let plans = work.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    for (i, p) in set.plans.iter().enumerate() {
        let style = dmpgraph_dev::generated_style(i as u64);
        dmpgraph_dev::write_xlsx(p, &style, &plans.join(format!("plan-{i}.xlsx"))).unwrap();
    }
    ingest_ok(store, &[], &plans);
    write_deposits(store, &set.deposits);
    set
}

fn link(store: &Path, args: &[&str]) -> std::process::Output {
    let o = bin()
        .arg("link")
        .args(args)
        .args(["--store", s(store)])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "link {args:?}: {}\n{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn link_run_curation_and_the_deposit_report() {
    let store = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let set = store_with_linkset(store.path(), work.path());

    let first = json(&link(store.path(), &["run", "--json"]));
    assert!(first["new"].as_u64().unwrap() > 0, "{first}");
    assert_eq!(first["conflicts"].as_array().unwrap().len(), 0, "{first}");
    // Twice: nothing changes.
    let again = json(&link(store.path(), &["run", "--json"]));
    assert_eq!(again["new"], 0, "{again}");
    assert_eq!(again["changed"], 0, "{again}");
    assert_eq!(again["removed"], 0, "{again}");

    let links = json(&link(store.path(), &["list", "--format", "json"]));
    let links = links.as_array().unwrap();
    let accepted: Vec<_> = links.iter().filter(|l| l["status"] == "accepted").collect();
    assert!(!accepted.is_empty());
    // Every accepted link is a true one.
    let truth: std::collections::HashSet<(String, u32, String)> = set
        .truth
        .iter()
        .map(|t| (t.entry.plan.clone(), t.entry.dataset, t.deposit.to_string()))
        .collect();
    for l in &accepted {
        let k = (
            l["entry"]["plan"].as_str().unwrap().to_string(),
            l["entry"]["dataset"].as_u64().unwrap() as u32,
            l["deposit"].as_str().unwrap().to_string(),
        );
        assert!(truth.contains(&k), "{l}");
    }

    // A curator rejects one accepted link; the decision survives a run.
    let id = accepted[0]["id"].as_str().unwrap().to_string();
    link(store.path(), &["reject", &id, "--note", "checked by hand"]);
    let after = json(&link(store.path(), &["run", "--json"]));
    assert_eq!(after["changed"], 0, "{after}");
    let listed = json(&link(
        store.path(),
        &["list", "--status", "rejected", "--format", "json"],
    ));
    let rejected = listed.as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{listed}");
    assert_eq!(rejected[0]["id"], id.as_str());
    assert_eq!(rejected[0]["decided_by"], "curator");
    assert_eq!(rejected[0]["note"], "checked by hand");
    // An unknown link: exit 1, named.
    let o = bin()
        .args([
            "link",
            "accept",
            "link:0000000000000000",
            "--store",
            s(store.path()),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("link:0000000000000000"));

    // The links in SPARQL.
    let q = "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dmpg: <https://w3id.org/dmpgraph/ns#> \
             SELECT (COUNT(*) AS ?n) WHERE { ?entry dcat:qualifiedRelation ?r . ?r dmpg:linkStatus \"rejected\" }";
    let o = bin()
        .args(["query", "--store", s(store.path()), "--format", "csv", q])
        .output()
        .unwrap();
    assert!(
        stdout(&o).lines().nth(1).is_some_and(|l| l.trim() == "1"),
        "{}",
        stdout(&o)
    );

    // The deposit report, as of the set's day.
    let o = bin()
        .args([
            "report",
            "deposits",
            "--store",
            s(store.path()),
            "--format",
            "json",
            "--today",
        ])
        .arg(set.today.to_string())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = json(&o);
    let rows = report["rows"].as_array().unwrap();
    let entries: usize = set.plans.iter().map(|p| p.datasets.len()).sum();
    assert_eq!(rows.len(), entries);
    // "Which planned datasets are overdue", read directly in SPARQL.
    let overdue = rows.iter().filter(|r| r["status"] == "overdue").count();
    assert!(overdue > 0);
    let q = format!(
        "PREFIX dmpg: <https://w3id.org/dmpgraph/ns#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> \
         SELECT (COUNT(*) AS ?n) WHERE {{ ?e dmpg:depositOutcome \"not_deposited\" ; dmpg:dueDate ?due \
         FILTER(?due < \"{}\"^^xsd:date) }}",
        set.today
    );
    let o = bin()
        .args(["query", "--store", s(store.path()), "--format", "csv", &q])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o).lines().nth(1).map(str::trim),
        Some(overdue.to_string().as_str()),
        "{}",
        stdout(&o)
    );
    let o = bin()
        .args(["report", "deposits", "--store", s(store.path()), "--today"])
        .arg(set.today.to_string())
        .output()
        .unwrap();
    let table = stdout(&o);
    println!("{table}");
    assert!(
        table.contains("事業 (programme)") && table.contains(&set.plans[0].project.grant_number),
        "{table}"
    );
    let o = bin()
        .args([
            "report",
            "deposits",
            "--store",
            s(store.path()),
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(o.stdout.starts_with("\u{feff}".as_bytes()));
}

#[test]
fn only_plans_whose_inputs_changed_are_linked_again() {
    let store = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let set = store_with_linkset(store.path(), work.path());
    let run = |args: &[&str]| {
        let mut all = vec!["run", "--json"];
        all.extend_from_slice(args);
        json(&link(store.path(), &all))
    };
    let first = run(&[]);
    assert_eq!(first["plans_linked"], 12, "{first}");
    // Nothing changed: no plan is read, and the counts are the same.
    let again = run(&[]);
    assert_eq!(again["plans_linked"], 0, "{again}");
    assert_eq!(again["plans_unchanged"], 12, "{again}");
    for k in ["entries", "by_status", "by_method"] {
        assert_eq!(again[k], first[k], "{k}: {again}");
    }
    assert_eq!(
        again["new"].as_u64().unwrap() + again["changed"].as_u64().unwrap(),
        0
    );

    // A new version of a linked deposit is harvested: only the plan that
    // reaches it is linked again, and the version follows the entry.
    let deposit_plans = |id: &Identifier| {
        set.truth
            .iter()
            .filter(|t| t.deposit == *id)
            .map(|t| t.entry.plan.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let truth = set
        .truth
        .iter()
        .find(|t| matches!(t.deposit, Identifier::Doi(_)) && deposit_plans(&t.deposit).len() == 1)
        .expect("a DOI deposit of one plan");
    let parent = set.deposits.iter().find(|d| d.id == truth.deposit).unwrap();
    let Identifier::Doi(parent_doi) = &parent.id else {
        unreachable!()
    };
    let mut version = parent.clone();
    version.id = Identifier::parse("10.99999/a-later-version");
    version.alternate_ids.clear();
    version.related = vec![Related {
        identifier: parent_doi.clone(),
        scheme: "DOI".into(),
        relation: "IsVersionOf".into(),
    }];
    write_deposits(store.path(), &[version]);
    let after = run(&[]);
    assert_eq!(after["plans_linked"], 1, "{after}");
    assert_eq!(after["plans_unchanged"], 11, "{after}");
    let listed = json(&link(
        store.path(),
        &["list", "--dmp", &truth.entry.plan, "--format", "json"],
    ));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["deposit"] == "doi:10.99999/a-later-version"
                && l["entry"]["dataset"] == truth.entry.dataset
                && l["relation"] == "IsVersionOf"),
        "{listed}"
    );

    // Other settings: every plan is linked again.
    let config = work.path().join("dmpgraph.toml");
    let catalog =
        std::fs::read_to_string(common::repo_root().join("mappings/catalog.toml")).unwrap();
    std::fs::write(&config, format!("{catalog}\n[link]\naccept_at = 0.95\n")).unwrap();
    let other = run(&["--config", s(&config)]);
    assert_eq!(other["plans_linked"], 12, "{other}");
    let back = run(&[]);
    assert_eq!(back["plans_linked"], 12, "{back}");

    // A plan deleted: its system links go (tombstones), a curator's
    // decision on it stays.
    let all = json(&link(store.path(), &["list", "--format", "json"]));
    let mut per_plan: std::collections::BTreeMap<&str, usize> = Default::default();
    for l in all.as_array().unwrap() {
        *per_plan
            .entry(l["entry"]["plan"].as_str().unwrap())
            .or_default() += 1;
    }
    let plan = per_plan
        .iter()
        .max_by_key(|(_, n)| **n)
        .unwrap()
        .0
        .to_string();
    let plan = plan.as_str();
    let links = json(&link(
        store.path(),
        &["list", "--dmp", plan, "--format", "json"],
    ));
    let links = links.as_array().unwrap();
    assert!(links.len() >= 2, "{links:?}");
    let kept = links[0]["id"].as_str().unwrap().to_string();
    link(store.path(), &["reject", &kept]);
    let o = bin()
        .args(["delete", "--store", s(store.path()), plan])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let gone = run(&[]);
    assert_eq!(gone["plans_linked"], 1, "{gone}");
    assert_eq!(gone["removed"], links.len() - 1, "{gone}");
    let left = json(&link(
        store.path(),
        &["list", "--dmp", plan, "--format", "json"],
    ));
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], kept.as_str());
    // And then nothing more.
    let still = run(&[]);
    assert_eq!(still["plans_linked"], 0, "{still}");
    assert_eq!(still["removed"], 0, "{still}");
}

/// Writes deposits into the store as a harvest does.
fn write_deposits(store: &Path, deposits: &[dmpgraph_model::deposit::Deposit]) {
    let local = dmpgraph_pipeline::Local::open(store, true).unwrap();
    {
        let mut sink = local.sink();
        let base = Base::default();
        let changes = deposits
            .iter()
            .map(|d| {
                Change::Put(deposit_write(
                    &Harvested {
                        deposit: d.clone(),
                        content_hash: format!("{:x}", d.titles.len()),
                        url: format!("http://127.0.0.1:1/{}", d.id),
                        validators: Validators::default(),
                        retrieved: "2026-11-01T00:00:00Z".parse().unwrap(),
                    },
                    &base,
                ))
            })
            .collect();
        sink.write(changes).unwrap();
    }
    local.shutdown().unwrap();
}

/// The deposit report over the store, as the binary prints it (JSON), and
/// what it said on stderr.
fn report_json(store: &Path, today: chrono::NaiveDate) -> (serde_json::Value, String) {
    let o = bin()
        .args([
            "report",
            "deposits",
            "--format",
            "json",
            "--store",
            s(store),
        ])
        .args(["--today", &today.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (json(&o), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// The report computed from scratch: every plan, link and deposit read.
fn report_from_scratch(store: &Path, today: chrono::NaiveDate) -> serde_json::Value {
    let local = dmpgraph_pipeline::Local::open(store, false).unwrap();
    let stored = dmpgraph_pipeline::link::load(&local).unwrap();
    let links: Vec<_> = stored.links.into_iter().map(|(l, _)| l).collect();
    let r = dmpgraph_link::report::report(&stored.plans, &stored.deposits, &links, today);
    local.shutdown().unwrap();
    r.to_json()
}

#[test]
fn the_report_reads_each_plans_kept_rows_and_recomputes_what_changed_since() {
    let store = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let set = store_with_linkset(store.path(), work.path());
    // Before any link run: every plan is computed from its records.
    let (before, said) = report_json(store.path(), set.today);
    assert!(said.contains("12 of 12 plans changed"), "{said}");
    assert_eq!(before, report_from_scratch(store.path(), set.today));
    link(store.path(), &["run"]);
    // After it, every plan's rows are read from its facts record, and are
    // what reading everything gives, on the day of the run and later.
    for today in [set.today, set.today + chrono::Days::new(400)] {
        let (kept, said) = report_json(store.path(), today);
        assert!(!said.contains("changed since"), "{said}");
        assert_eq!(kept, report_from_scratch(store.path(), today));
    }
    // A curator rejects a link: the plan's facts follow at once.
    let listed = json(&link(
        store.path(),
        &["list", "--format", "json", "--status", "accepted"],
    ));
    let id = listed[0]["id"].as_str().unwrap().to_string();
    link(store.path(), &["reject", &id]);
    let (kept, said) = report_json(store.path(), set.today);
    assert!(!said.contains("changed since"), "{said}");
    assert_eq!(kept, report_from_scratch(store.path(), set.today));
    // A plan changed after the run (re-ingested with a dataset renamed) is
    // computed from its records; the others are still read as kept.
    let mut plan = set.plans[3].clone();
    plan.datasets[0].name = Some("改名されたデータセット".into());
    let style = dmpgraph_dev::generated_style(3);
    let changed = work.path().join("changed");
    std::fs::create_dir_all(&changed).unwrap();
    dmpgraph_dev::write_xlsx(&plan, &style, &changed.join("plan-3.xlsx")).unwrap();
    ingest_ok(store.path(), &[], &changed);
    let (kept, said) = report_json(store.path(), set.today);
    assert!(said.contains("1 of 12 plans changed"), "{said}");
    assert_eq!(kept, report_from_scratch(store.path(), set.today));
    assert!(kept["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["dataset_name"] == "改名されたデータセット"));
}

/// The `<metadata>` of a GetRecord response as a document of its own.
fn metadata_of(xml: &str) -> String {
    let rest = xml.split("<metadata>").nth(1).expect("a record");
    let body = rest[..rest.find("</metadata>").expect("closed")].trim();
    let name_end = body.find([' ', '>']).expect("an element");
    format!(
        "{} xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"{}",
        &body[..name_end],
        &body[name_end..]
    )
}

/// The datestamp in a GetRecord response's header.
fn datestamp_of(xml: &str) -> String {
    let rest = xml.split("<datestamp>").nth(1).expect("a datestamp");
    rest[..rest.find('<').unwrap()].to_string()
}

#[test]
fn links_show_in_oai_pmh_and_madmp_exports_which_still_validate() {
    use common::http::{get, Server};
    let store = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let set = store_with_linkset(store.path(), work.path());
    link(store.path(), &["run", "--json"]);
    let links = json(&link(store.path(), &["list", "--format", "json"]));
    // A direct link to a DOI, on an entry with no other accepted link.
    let accepted: Vec<&serde_json::Value> = links
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "accepted")
        .collect();
    let chosen = accepted
        .iter()
        .find(|l| {
            l["relation"] == "IsDepositOf"
                && l["deposit"].as_str().unwrap().starts_with("doi:")
                && accepted.iter().filter(|o| o["entry"] == l["entry"]).count() == 1
        })
        .expect("a direct DOI link");
    let plan = chosen["entry"]["plan"].as_str().unwrap().to_string();
    let n = chosen["entry"]["dataset"].as_u64().unwrap();
    let doi = chosen["deposit"]
        .as_str()
        .unwrap()
        .trim_start_matches("doi:");
    let deposit = set
        .deposits
        .iter()
        .find(|d| d.id.to_string() == chosen["deposit"].as_str().unwrap())
        .unwrap();
    let repo = "dmp.example.org";
    let identifier = format!("oai:{repo}:dataset:{plan}:{n}");

    let server = Server::start(store.path(), &["--oai-repository-identifier", repo]);
    let record = |prefix: &str| {
        let r = get(
            &server,
            &format!("/oai?verb=GetRecord&metadataPrefix={prefix}&identifier={identifier}"),
            "text/xml",
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.body.contains("<error"), "{}", r.body);
        r.body
    };
    let jpcoar = record("jpcoar_2.0");
    let datacite = record("oai_datacite");
    let doi_url = format!("https://doi.org/{doi}");
    assert!(
        jpcoar.contains(&format!(
            "<jpcoar:relation relationType=\"isIdenticalTo\"><jpcoar:relatedIdentifier identifierType=\"DOI\">{doi_url}</jpcoar:relatedIdentifier>"
        )),
        "{jpcoar}"
    );
    assert!(
        datacite.contains(&format!(
            "<relatedIdentifier relatedIdentifierType=\"DOI\" relationType=\"IsIdenticalTo\">{doi}</relatedIdentifier>"
        )),
        "{datacite}"
    );
    if let Some(standards) = dmpgraph_dev::testing::standards_dir() {
        if dmpgraph_dev::testing::tool_ready("xmllint") {
            for (xml, schema) in [
                (&jpcoar, "jpcoar/2.0/jpcoar_scm.xsd"),
                (&datacite, "datacite/kernel-4/metadata.xsd"),
            ] {
                let doc = metadata_of(xml);
                if let Err(e) = dmpgraph_dev::testing::xmllint(&standards, schema, &doc) {
                    panic!("{schema}: {e}\n{doc}");
                }
            }
            assert!(
                common::irdb::irdb_problems(&metadata_of(&jpcoar)).is_empty(),
                "{jpcoar}"
            );
        }
    }
    // A curator rejects the link while the server serves: the record drops
    // the relation and takes a new datestamp, so incremental harvests see it.
    let before = datestamp_of(&jpcoar);
    link(
        store.path(),
        &[
            "reject",
            chosen["id"].as_str().unwrap(),
            "--note",
            "not this one",
        ],
    );
    let jpcoar_after = record("jpcoar_2.0");
    assert!(!jpcoar_after.contains(&doi_url), "{jpcoar_after}");
    let after = datestamp_of(&jpcoar_after);
    assert!(after > before, "{before} → {after}");
    let listed = get(
        &server,
        &format!("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&from={after}"),
        "text/xml",
    );
    assert!(listed.body.contains(&identifier), "{}", listed.body);
    // Accepted again: back in the record.
    link(store.path(), &["accept", chosen["id"].as_str().unwrap()]);
    assert!(record("jpcoar_2.0").contains(&doi_url));
    // The plan's record page shows its deposits, the DOI resolvable.
    let page = get(&server, &format!("/record/{plan}"), "text/html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<h2 id=\"deposits\">Deposits</h2>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<a href=\"{doi_url}\">doi:{doi}</a>")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("#dataset-{n}\">dataset-{n}</a>")),
        "{}",
        page.body
    );
    drop(server);

    // maDMP: the deposit's identifier is the dataset's, its repository the
    // distribution's host; in 1.3 and 1.2, and both validate.
    let mut documents = Vec::new();
    for version in ["1.3", "1.2"] {
        let o = bin()
            .args([
                "export",
                "madmp",
                "--dmp",
                &plan,
                "--version",
                version,
                "--store",
                s(store.path()),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let doc = json(&o);
        let ds = doc["dmp"]["dataset"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dmpg:datasetNumber"] == n)
            .unwrap_or_else(|| panic!("dataset {n}: {doc}"))
            .clone();
        assert_eq!(ds["dataset_id"]["identifier"], doi_url.as_str(), "{ds}");
        assert_eq!(ds["dataset_id"]["type"], "doi", "{ds}");
        let host = &ds["distribution"][0]["host"];
        assert_eq!(host["title"], deposit.repository().name.as_str(), "{ds}");
        assert_eq!(host["url"], deposit.repository().url.as_str(), "{ds}");
        documents.push(serde_json::json!({
            "name": format!("{plan}-{version}.json"),
            "version": version,
            "json": doc,
            "forbidden": [],
            "foreign_keys": [],
        }));
    }
    let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
        return;
    };
    if !dmpgraph_dev::testing::python_ready("jsonschema, pyld, rdflib, rfc3339_validator") {
        return;
    }
    let task = serde_json::json!({
        "schemas": standards.join("madmp"),
        "context": common::repo_root().join("ontologies/madmp-context.jsonld"),
        "documents": documents,
    });
    let report = dmpgraph_dev::testing::run_python(
        &common::repo_root().join("crates/madmp/tests/python/check_exports.py"),
        &task,
    );
    assert!(
        report.contains("2 documents checked, 0 problems"),
        "{report}"
    );
}
