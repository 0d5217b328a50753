//! dmpgraph's maDMP exports checked by third-party Python tools
//! (`tests/python/check_exports.py`): the official JSON schemas with format
//! checking (jsonschema), JSON-LD expansion with `ontologies/madmp-context.jsonld`
//! leaving no key unmapped (PyLD), RDF that rdflib reads, and no private
//! value in a public export.
//!
//! Python 3 with `jsonschema[format]`, `PyLD` and `rdflib` is needed (`.ci/run`
//! installs them): without them the tests fail when `CI=true`, and are
//! skipped loudly otherwise.

mod common;

use common::amed::{example_dmps, export_json, private_values, repo_root};
use common::standards_dir;
use dmpgraph_dev::testing::{python_ready, run_python};
use dmpgraph_madmp::Version;
use serde_json::json;

#[test]
fn exports_validate_and_expand_with_python_tools() {
    let Some(standards) = standards_dir() else {
        return;
    };
    if !python_ready("jsonschema, pyld, rdflib, rfc3339_validator") {
        return;
    }
    let mut documents = Vec::new();
    for (name, dmp) in example_dmps() {
        let forbidden = private_values(&dmp);
        assert!(!forbidden.is_empty(), "{name}");
        for include_private in [false, true] {
            for version in [Version::V1_3, Version::V1_2] {
                let visibility = if include_private { "private" } else { "public" };
                documents.push(json!({
                    "name": format!("{name} {visibility}"),
                    "version": version.as_str(),
                    "json": export_json(&dmp, include_private, version),
                    "forbidden": if include_private { Vec::new() } else { forbidden.clone() },
                }));
            }
        }
    }
    let task = json!({
        "schemas": standards.join("madmp"),
        "context": repo_root().join("ontologies/madmp-context.jsonld"),
        "documents": documents,
    });
    let script = repo_root().join("crates/madmp/tests/python/check_exports.py");
    let stdout = run_python(&script, &task);
    assert!(
        stdout.contains(&format!(
            "{} documents checked, 0 problems",
            documents.len()
        )),
        "{stdout}"
    );
    // Both schema files declare draft 2020-12.
    assert_eq!(
        stdout.matches("-> Draft202012Validator").count(),
        2,
        "{stdout}"
    );
}
