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
use dmpgraph_madmp::Version;
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};

/// Whether `python3` has the modules; panics on CI when it has not.
fn python_ready() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema, pyld, rdflib, rfc3339_validator"])
        .output();
    let problem = match probe {
        Ok(out) if out.status.success() => return true,
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        Err(e) => format!("python3: {e}"),
    };
    let message = format!(
        "Python checks need python3 with jsonschema[format], PyLD and rdflib \
         (python3 -m pip install \"jsonschema[format]\" PyLD rdflib): {problem}"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    false
}

#[test]
fn exports_validate_and_expand_with_python_tools() {
    let Some(standards) = standards_dir() else {
        return;
    };
    if !python_ready() {
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
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = serde_json::to_vec(&task).expect("JSON");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("python3 finishes");
    writer.join().expect("writer").expect("stdin written");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
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
