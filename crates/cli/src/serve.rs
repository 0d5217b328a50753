//! `dmpgraph serve` and `dmpgraph query`: the public store over HTTP, and
//! the same query path from the command line.

use anyhow::Context;
use dmpgraph_server::query::{evaluate, Dataset, ParsedQuery, RunLimits};
use dmpgraph_server::{format_from_name, Config, Limits, OutputFormat};
use dmpgraph_store::PublicStore;
use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

fn open_public(dir: &Path) -> anyhow::Result<PublicStore> {
    PublicStore::open(dir).with_context(|| format!("cannot open the store at {}", dir.display()))
}

/// The query text of the argument: itself, `@FILE`, or `-` for stdin.
fn query_text(arg: &str) -> anyhow::Result<String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the query from stdin")?;
        Ok(text)
    } else if let Some(file) = arg.strip_prefix('@') {
        std::fs::read_to_string(file).with_context(|| format!("cannot read the query file {file}"))
    } else {
        Ok(arg.to_string())
    }
}

pub fn query(dir: &Path, format: Option<&str>, arg: &str) -> anyhow::Result<ExitCode> {
    let text = query_text(arg)?;
    let parsed = match ParsedQuery::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dmpgraph: query refused: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let format = match format {
        Some(name) => format_from_name(name, parsed.offer())
            .filter(|f| f.fits(parsed.offer()))
            .with_context(|| {
                format!(
                    "--format {name}: a {} query is written as {}",
                    parsed.form(),
                    match parsed.offer() {
                        dmpgraph_server::Offer::Results => "json, xml, csv or tsv",
                        _ => "turtle, ntriples, nquads, rdfxml or jsonld",
                    }
                )
            })?,
        None => match parsed.offer() {
            dmpgraph_server::Offer::Results => OutputFormat::Results(QueryResultsFormat::Tsv),
            _ => OutputFormat::Rdf(RdfFormat::Turtle),
        },
    };
    let public = open_public(dir)?;
    match evaluate(
        public.store(),
        parsed,
        &Dataset::default(),
        format,
        &RunLimits::rows(usize::MAX),
    ) {
        Ok(bytes) => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("dmpgraph: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn serve(
    dir: &Path,
    addr: SocketAddr,
    query_timeout: f64,
    max_rows: usize,
    max_concurrent: Option<usize>,
    update_token: Option<String>,
) -> anyhow::Result<ExitCode> {
    if !(query_timeout.is_finite() && query_timeout > 0.0) {
        anyhow::bail!("--query-timeout {query_timeout}: expected a positive number of seconds");
    }
    let mut limits = Limits {
        query_timeout: Duration::from_secs_f64(query_timeout),
        max_rows,
        ..Limits::default()
    };
    if let Some(n) = max_concurrent {
        limits.max_concurrent = n.max(1);
    }
    let update_token = update_token.filter(|t| !t.trim().is_empty());
    let public = open_public(dir)?;
    let config = Config {
        addr,
        limits,
        update_token,
    };
    dmpgraph_server::run(public, config, |bound| {
        eprintln!(
            "dmpgraph: serving {} on http://{bound}/ (SPARQL at /sparql)",
            dir.display()
        );
    })?;
    Ok(ExitCode::SUCCESS)
}
