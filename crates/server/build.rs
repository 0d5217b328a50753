//! Embeds the librarians' queries of `examples/queries/*.rq` in the query
//! page of `/sparql`: (title, text) pairs, the title taken from each file's
//! first comment line.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // The manifest directory of this run (not `env!`, fixed when the build
    // script was compiled: a build script shared by two checkouts of the
    // repository would read the other one's folder).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../../examples/queries");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read the librarians' queries in {}: {e}",
                dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .collect();
    assert!(!files.is_empty(), "no .rq file in {}", dir.display());
    files.sort();
    let mut out = String::from("/// The librarians' queries of `examples/queries/`: (title, query).\npub(crate) const LIBRARIAN_QUERIES: &[(&str, &str)] = &[\n");
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(&file).expect("a query file is UTF-8");
        let title = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .map(|l| {
                let l = l.trim();
                // "04 — Datasets of one PI" → "Datasets of one PI"
                l.split_once(" — ").map_or(l, |(_, t)| t).to_string()
            })
            .unwrap_or_else(|| file.file_stem().unwrap().to_string_lossy().into_owned());
        writeln!(out, "    ({title:?}, {text:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("librarian_queries.rs");
    std::fs::write(dest, out).unwrap();
}
