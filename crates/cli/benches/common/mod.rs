//! What the benches share: a plan as `dmpgraph ingest` stores it.

use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_pipeline::records::{self, Context};
use dmpgraph_rdf::Base;
use dmpgraph_store::Change;
use std::path::Path;

/// A plan read from the workbook `source`, as `dmpgraph ingest` writes it
/// (the pipeline's own record write).
#[allow(dead_code)] // not every bench uses it
pub fn plan_write(dmp: &Dmp, base: &Base, catalog: &CatalogConfig, source: &str) -> Change {
    Change::Put(records::plan_write(
        dmp,
        Path::new(source),
        Context {
            base,
            config: catalog,
        },
    ))
}

/// The value after `name` on the bench's command line, or `default`.
#[allow(dead_code)] // not every bench takes options
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
