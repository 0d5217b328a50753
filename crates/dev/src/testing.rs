//! Helpers the test suites of several crates share: the shared standards
//! folder and the third-party Python tools the tests drive.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `DMPGRAPH_STANDARDS` (the shared standards folder, which `.ci/run` sets),
/// or `None` after saying loudly that the test is skipped: the standards are
/// read from the shared folder, never copied into the project. On CI
/// (`CI=true`) a missing folder fails the test.
pub fn standards_dir() -> Option<PathBuf> {
    match std::env::var_os("DMPGRAPH_STANDARDS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            let message =
                "DMPGRAPH_STANDARDS is not set (the shared standards folder; .ci/run sets it)";
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{message}");
            }
            // Written to the stderr handle, not with `eprintln!`, which the
            // test harness captures and hides for a passing test.
            let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
            None
        }
    }
}

/// `DMPGRAPH_FIXTURES` (the shared fixtures folder, `../shared/fixtures`,
/// which `.ci/run` sets), or `None` after saying loudly that the test is
/// skipped; on CI (`CI=true`) a missing folder fails the test.
pub fn fixtures_dir() -> Option<PathBuf> {
    match std::env::var_os("DMPGRAPH_FIXTURES") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            let message =
                "DMPGRAPH_FIXTURES is not set (the shared fixtures folder; .ci/run sets it)";
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{message}");
            }
            let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
            None
        }
    }
}

/// Whether `python3` imports `modules` (`"rdflib, pyshacl"`); on CI
/// (`CI=true`) a missing module fails the test, elsewhere the test is
/// skipped loudly.
pub fn python_ready(modules: &str) -> bool {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output();
    let problem = match probe {
        Ok(out) if out.status.success() => return true,
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        Err(e) => format!("python3: {e}"),
    };
    let message =
        format!("Python checks need python3 with {modules} (.ci/run installs them): {problem}");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    false
}

/// Runs a Python script with a JSON task on its stdin; returns its stdout
/// after asserting that it succeeded.
pub fn run_python(script: &Path, task: &serde_json::Value) -> String {
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = serde_json::to_vec(task).expect("JSON");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("python3 finishes");
    writer.join().expect("writer").expect("stdin written");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} failed:\n{stdout}\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Validates `xml` against `schema` (a path under the standards folder)
/// with `xmllint`, offline (`XML_CATALOG_FILES` is the folder's catalog);
/// xmllint's complaints when it does not validate.
pub fn xmllint(standards: &Path, schema: &str, xml: &str) -> Result<(), String> {
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(standards.join(schema))
        .arg("-")
        .env("XML_CATALOG_FILES", standards.join("xml/catalog.xml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("xmllint: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("xmllint: no stdin")?;
    let input = xml.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("xmllint: {e}"))?;
    let _ = writer.join();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Whether the command-line tool `program` runs (`program --version`); on CI
/// (`CI=true`) a missing tool fails the test, elsewhere the test is skipped
/// loudly.
pub fn tool_ready(program: &str) -> bool {
    let problem = match Command::new(program).arg("--version").output() {
        Ok(out) if out.status.success() => return true,
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        Err(e) => e.to_string(),
    };
    let message = format!("this check needs `{program}` (.ci/run installs it): {problem}");
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    false
}
