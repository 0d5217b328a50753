//! Embeds the librarians' queries of `examples/queries/*.rq` in the query
//! page of `/sparql`: (title, text) pairs, the title taken from each file's
//! first comment line.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/queries");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rq"))
                .collect()
        })
        .unwrap_or_default();
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
