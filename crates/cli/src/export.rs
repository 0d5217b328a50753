//! `dmpgraph export madmp` and `dmpgraph export rdf`: stored records out, as
//! maDMP JSON or RDF. Public by default; `--include-private` for a trusted
//! exchange.

use crate::args::{ExportCommand, Selection};
use crate::commands::{load_config, open_target};
use anyhow::{bail, Context};
use dmpgraph_madmp::Version;
use dmpgraph_model::CatalogConfig;
use dmpgraph_pipeline::export::{madmp_document_of, rdf_quads, selected_plans, Selection as Which};
use oxigraph::io::{RdfFormat, RdfSerializer};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(command: ExportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ExportCommand::Madmp {
            store,
            selection,
            out,
            madmp_version,
            include_private,
            config,
        } => {
            let version: Version = madmp_version
                .parse()
                .map_err(|e| anyhow::anyhow!("--version: {e}"))?;
            let config = load_config(&config)?;
            madmp(
                &store.store,
                &selection,
                out.as_deref(),
                version,
                include_private,
                &config,
            )
        }
        ExportCommand::Rdf {
            store,
            selection,
            format,
            out,
            include_private,
        } => rdf(
            &store.store,
            &selection,
            &format,
            out.as_deref(),
            include_private,
        ),
    }
}

fn which(selection: &Selection) -> Which {
    match &selection.dmp {
        Some(id) => Which::One(id.clone()),
        None => Which::All,
    }
}

/// A record id as a file name: characters that are not safe in names on
/// every system are percent-encoded (`https://doi.org/…` → `https%3A%2F%2Fdoi.org%2F…`).
pub fn file_stem(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_alphanumeric() || "-_.".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.starts_with('.') {
        out.replace_range(..1, "%2E");
    }
    out
}

/// Writes a file whole or not at all: to a temporary file beside it, then
/// renamed over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn madmp(
    dir: &Path,
    selection: &Selection,
    out: Option<&Path>,
    version: Version,
    include_private: bool,
    config: &CatalogConfig,
) -> anyhow::Result<ExitCode> {
    let target = open_target(dir, false)?;
    let catalog = target.catalog();
    let entries = selected_plans(catalog, &which(selection))?;
    if let Some(out) = out {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let mut written = 0;
    for entry in &entries {
        let export = madmp_document_of(catalog, entry, version, include_private, config)?;
        for note in &export.notes {
            eprintln!(
                "warning: {}: {}: {} (maDMP {version})",
                entry.id(),
                note.pointer,
                note.message
            );
        }
        match out {
            Some(out) => {
                let path: PathBuf = out.join(format!("{}.json", file_stem(entry.id())));
                let mut text = serde_json::to_vec_pretty(&export.json)?;
                text.push(b'\n');
                write_atomically(&path, &text)?;
                written += 1;
            }
            None if selection.all => {
                serde_json::to_writer(&mut stdout, &export.json)?;
                stdout.write_all(b"\n")?;
            }
            None => {
                serde_json::to_writer_pretty(&mut stdout, &export.json)?;
                stdout.write_all(b"\n")?;
            }
        }
    }
    stdout.flush()?;
    target.finish()?;
    if let Some(out) = out {
        eprintln!(
            "{written} maDMP {version} document(s) written to {} ({})",
            out.display(),
            if include_private {
                "INCLUDING PRIVATE VALUES: for a trusted exchange only"
            } else {
                "public values only"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The prefixes of RDF output: the mapping's, and SKOS for the vocabularies.
fn serializer(format: RdfFormat) -> RdfSerializer {
    let mut s = RdfSerializer::from_format(format);
    let prefixes = dmpgraph_rdf::Mapping::builtin()
        .prefixes()
        .map(|(p, n)| (p.to_string(), n.to_string()))
        .chain([(
            "skos".to_string(),
            "http://www.w3.org/2004/02/skos/core#".to_string(),
        )]);
    for (prefix, namespace) in prefixes {
        s = match s.clone().with_prefix(prefix, namespace) {
            Ok(with) => with,
            Err(_) => s,
        };
    }
    s
}

fn rdf_format(name: &str) -> anyhow::Result<RdfFormat> {
    Ok(match name {
        "turtle" => RdfFormat::Turtle,
        "trig" => RdfFormat::TriG,
        "nquads" => RdfFormat::NQuads,
        "ntriples" => RdfFormat::NTriples,
        "rdfxml" => RdfFormat::RdfXml,
        "jsonld" => RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
        other => {
            bail!("--format {other}: expected turtle, trig, nquads, ntriples, jsonld or rdfxml")
        }
    })
}

fn rdf(
    dir: &Path,
    selection: &Selection,
    format: &str,
    out: Option<&Path>,
    include_private: bool,
) -> anyhow::Result<ExitCode> {
    let format = rdf_format(format)?;
    let target = open_target(dir, false)?;
    let quads = rdf_quads(target.catalog(), &which(selection), include_private)?;
    target.finish()?;
    let mut writer = serializer(format).for_writer(Vec::new());
    if format.supports_datasets() {
        for q in &quads {
            writer.serialize_quad(q)?;
        }
    } else {
        // Formats without named graphs: the graphs merged, each triple once.
        let mut seen = std::collections::HashSet::new();
        for q in &quads {
            let t = oxigraph::model::TripleRef::from(q.as_ref());
            if seen.insert(t) {
                writer.serialize_triple(t)?;
            }
        }
    }
    let bytes = writer.finish()?;
    match out {
        Some(path) => write_atomically(path, &bytes)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    if include_private {
        eprintln!("note: the export INCLUDES PRIVATE VALUES: for a trusted exchange only");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_stem("23ck0106789h0001"), "23ck0106789h0001");
        assert_eq!(
            file_stem("https://doi.org/10.1/x"),
            "https%3A%2F%2Fdoi.org%2F10.1%2Fx"
        );
        assert_eq!(file_stem("../x"), "%2E.%2Fx");
        assert_eq!(file_stem("課題 1"), "課題%201");
    }
}
